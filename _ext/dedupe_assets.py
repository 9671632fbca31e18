"""Sphinx extension: drop script tags that appear twice on a page.

sphinx-thebe and sphinx-togglebutton register their inline scripts on an event that fires twice in a
jupyter-book 1.0 build (once with filename None, once with ''), so each page declared ``const THEBE_JS_URL``
twice: a page error in the browser.
"""


def _dedupe(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for js in context.get("script_files", []):
        key = (getattr(js, "filename", str(js)) or "", tuple(sorted(getattr(js, "attributes", {}).items())))
        if key not in seen:
            seen.add(key)
            unique.append(js)
    context["script_files"] = unique


def setup(app):
    app.connect("html-page-context", _dedupe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
