/* mathdl: an inline formula in a theorem, proof or exercise box scrolls in its own box when it is wider than the
   line (mathdl.css). A formula that only overhangs its box by a few pixels (an italic letter, an accent) would get a
   scroll bar for nothing: once MathJax has typeset the page, let those overhang instead. */
(() => {
  const OVERHANG = 4;  // px: more than this is a formula that really is too wide, and keeps its scroll bar
  const settle = () => {
    for (const el of document.querySelectorAll(
        "div.proof mjx-container:not([display]), div.admonition mjx-container:not([display])")) {
      const extra = el.scrollWidth - el.clientWidth;
      if (extra > 0 && extra <= OVERHANG) el.classList.add("mathdl-overhang");
    }
  };
  // MathJax is loaded asynchronously: after the load event its startup promise resolves once the page is typeset.
  const start = () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) MathJax.startup.promise.then(settle);
  };
  if (document.readyState === "complete") start(); else window.addEventListener("load", start);
})();
