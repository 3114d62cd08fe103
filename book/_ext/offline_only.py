"""Sphinx extension: keep out of every page what needs the network or cannot work without a kernel.

- Jupyter Book 1 always loads sphinx-thebe. Its page scripts point at a CDN (loaded only on demand) and, in this
  version, its configuration script is added twice per page, which is a JavaScript SyntaxError in every browser.
  The book has no kernel to connect to, so both scripts are removed from every page.
- myst-nb embeds the live widgets' state (tens of kilobytes of JSON per chapter) when executing a notebook stores
  it. Nothing on a static page can use it (no widget manager is loaded: ``nb_ipywidgets_js`` is empty), so it is
  removed too; the chapters show a static figure of each explorer's default state instead.
- Every page gets an icon as an inline SVG data URL (a ∂ on the book's blue), so no browser asks the server for
  ``/favicon.ico`` (a 404 on every page before) and no image file is committed.
"""
from __future__ import annotations

from urllib.parse import quote

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
FAVICON_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" '
               'fill="#1f5fa8"/><text x="16" y="24" font-size="22" text-anchor="middle" fill="#fff" '
               'font-family="serif" font-style="italic">∂</text></svg>')
FAVICON = "data:image/svg+xml," + quote(FAVICON_SVG)


def _is_widget_state(script) -> bool:
    return (getattr(script, "attributes", None) or {}).get("type") == WIDGET_STATE


def _is_thebe(script) -> bool:
    filename = getattr(script, "filename", None) or str(script)
    body = (getattr(script, "attributes", None) or {}).get("body", "")
    return "sphinx-thebe" in filename or "THEBE_JS_URL" in body or "thebe@" in filename


def strip_thebe(app, pagename, templatename, context, doctree):
    if "script_files" in context:
        context["script_files"] = [js for js in context["script_files"]
                                   if not (_is_thebe(js) or _is_widget_state(js))]
    if "css_files" in context:
        context["css_files"] = [css for css in context["css_files"] if "sphinx-thebe" not in str(css)]
    context["favicon_url"] = FAVICON


def setup(app):
    app.connect("html-page-context", strip_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
