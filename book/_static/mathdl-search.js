/* mathdl: search result summaries read as text. Sphinx builds each summary from the page's text content, which
   holds the raw TeX that MathJax typesets only on the page itself ("\(\frac{...}\)") and the source of every code
   cell. Drop math, code cells and derivation rows from the summary (an ellipsis marks each gap). */
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined" || !Search.htmlToText) return;
  const original = Search.htmlToText;
  Search.htmlToText = (htmlString, anchor) => {
    const doc = new DOMParser().parseFromString(htmlString, "text/html");
    const noisy = ".math, span.math, div.math, .cell_input, .mathdl-expr, .mathdl-domain mjx-container, style, script";
    doc.querySelectorAll(noisy).forEach((el) => el.replaceWith(doc.createTextNode(" … ")));
    return original(doc.documentElement.outerHTML, anchor);
  };
});
