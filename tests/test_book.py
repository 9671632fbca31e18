"""The built book (smoke profile) opened in headless Chromium: math typeset, widget area present, figures shown,
no request leaving the machine, and nothing broken on the page: no markdown table left as raw `|---|` text, no
tqdm residue, no output area clipped on the right, no widget control narrower than its label (or a label cut or
wrapped word by word), no absolute path of the build machine in an output. The lead runs the same checks on the
book build: `OTGAN_BOOK_HTML=_build/html pytest tests/test_book.py -k rendering`."""
import functools
import http.server
import os
import pathlib
import shutil
import sys
import threading
from urllib.parse import urlparse

import pytest

from conftest import CHAPTERS, ROOT

sys.path.insert(0, str(ROOT / "tools"))
import bootstrap_cells  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2700)]  # the first test's setup builds the book


@pytest.fixture(scope="module")
def book_html(request):
    """The smoke build, or an existing build named by OTGAN_BOOK_HTML (e.g. the book profile's _build/html)."""
    given = os.environ.get("OTGAN_BOOK_HTML")
    if given:
        path = pathlib.Path(given).resolve()
        assert (path / "index.html").exists(), f"OTGAN_BOOK_HTML={given} holds no built book"
        return path
    return request.getfixturevalue("built_book")


@pytest.fixture(scope="module")
def served(book_html):
    built_book = book_html
    handler = functools.partial(type("Quiet", (http.server.SimpleHTTPRequestHandler,),
                                     {"log_message": lambda *a: None}), directory=str(built_book))
    # one thread per connection: a connection Chromium opens ahead of time and never uses must not hold up the
    # pages' requests (a single-threaded server blocks reading it) nor the server's shutdown
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{srv.server_address[1]}", built_book
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail("chromium is not installed: `apt-get install chromium` (.ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
            "--no-first-run", "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def open_page(browser, url):
    ctx = browser.new_context(viewport={"width": 1280, "height": 1600})
    ctx.set_default_timeout(60000)  # every wait on the page fails after a minute instead of hanging the run
    report = {"nonlocal": [], "failed": [], "errors": []}

    def route(r):
        u = r.request.url
        if u.startswith(("data:", "blob:")) or urlparse(u).hostname == "127.0.0.1":
            return r.continue_()
        report["nonlocal"].append(u)
        return r.abort()

    ctx.route("**/*", route)
    page = ctx.new_page()
    page.on("response", lambda r: report["failed"].append((r.url, r.status)) if r.status >= 400 else None)
    page.on("pageerror", lambda e: report["errors"].append(str(e)[:200]))
    page.goto(url, wait_until="networkidle")
    # pages without math do not load MathJax; pages with math wait for its first typesetting pass
    page.wait_for_function("() => !document.querySelector('script[src*=mathjax]') || "
                           "(window.MathJax && window.MathJax.startup && window.MathJax.startup.document)",
                           timeout=30000)
    page.wait_for_timeout(1500)
    return ctx, page, report


def test_chapter00_math_widgets_figures_offline(served, browser):
    base, html = served
    ctx, page, report = open_page(browser, f"{base}/chapters/00_introduction.html")
    assert page.locator("mjx-container").count() >= 10, "math was not typeset"
    assert page.locator("text=/\\$\\$/").count() == 0, "raw TeX left on the page"
    assert page.locator(".jupyter-widgets").count() >= 4, "the widget panel was not rendered"
    widget_img = page.locator(".jupyter-widgets img").first
    assert widget_img.evaluate("el => el.naturalWidth") > 100, "the panel's picture did not load"
    figures = page.locator("img[src*='_images/']")
    assert figures.count() >= 2, "figures are missing"
    assert all(figures.nth(i).evaluate("el => el.naturalWidth") > 100 for i in range(figures.count()))
    assert page.locator(".exercise").count() >= 1 and page.locator(".solution").count() >= 1
    shots = ROOT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.locator(".jupyter-widgets").first.scroll_into_view_if_needed()
    page.screenshot(path=str(shots / "00_introduction_widget.png"))
    page.screenshot(path=str(shots / "00_introduction.png"), full_page=True)
    ctx.close()
    assert report == {"nonlocal": [], "failed": [], "errors": []}


def test_every_page_loads_locally(served, browser):
    base, html = served
    pages = sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                   if "_static" not in p.parts and not p.name.startswith(("genindex", "search")))
    assert len(pages) >= 3
    for path in pages:
        ctx, page, report = open_page(browser, f"{base}/{path}")
        ctx.close()
        assert report == {"nonlocal": [], "failed": [], "errors": []}, path


# ---------------------------------------------------------------------------------------------------------------
# rendering: what a reader would see as broken

RENDERING_JS = r"""
(forbidden) => {
  const problems = {raw_tables: [], tqdm: [], clipped: [], narrow_widgets: [], abs_paths: [], broken_headers: []};
  const name = el => String(typeof el.className === "string" && el.className ? el.className : el.tagName)
    .split(" ").slice(0, 2).join(".");
  const excerpt = text => (text || "").replace(/\s+/g, " ").trim().slice(0, 90);
  // markdown tables left as text: a |---| row anywhere outside code input
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode: n =>
    n.parentElement && n.parentElement.closest(".cell_input, script, style, .highlight-python, .highlight-ipython3")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  for (let n = walker.nextNode(); n; n = walker.nextNode())
    if (/\|\s*:?-{3,}:?\s*\|/.test(n.textContent)) problems.raw_tables.push(excerpt(n.textContent));
  for (const out of document.querySelectorAll(".cell_output")) {
    const text = out.innerText || "";
    // tqdm residue: text bars (" 40%|####  | 4/10 [00:01<00:02, 3.1it/s]") or progress-bar widgets
    const bar = text.match(/.*(\d+%\||\d\s*(it\/s|s\/it)\]|\[\d\d:\d\d<\d\d:\d\d).*/);
    if (bar) problems.tqdm.push(excerpt(bar[0]));
    if (out.querySelector(".widget-progress, progress")) problems.tqdm.push("a progress-bar widget");
    // absolute paths of the build machine
    for (const f of forbidden) {
      const i = text.indexOf(f);
      if (i >= 0) problems.abs_paths.push(excerpt(text.slice(Math.max(0, i - 30), i + 70)));
    }
  }
  // output areas that scroll or stick out to the right of the text column
  const column = document.querySelector("main .bd-article, main article, main") || document.body;
  const right = column.getBoundingClientRect().right;
  for (const el of document.querySelectorAll(".cell_output .output, .cell_output pre, .cell_output table")) {
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (el.scrollWidth > el.clientWidth + 1 || r.right > right + 1)
      problems.clipped.push(`${name(el)}: ${el.scrollWidth}px of content in ${el.clientWidth}px ` +
                            `(${excerpt(el.innerText).slice(0, 50)})`);
  }
  // table headers broken inside a word: more lines of text than words (a hyphen is a place to break)
  for (const th of document.querySelectorAll(".cell_output table th")) {
    const words = (th.innerText || "").trim().split(/[\s-]+/).filter(Boolean);
    if (!words.length || th.getBoundingClientRect().width === 0) continue;
    const range = document.createRange();
    range.selectNodeContents(th);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    if (lines.size > words.length) problems.broken_headers.push(`${excerpt(th.innerText)}: ${lines.size} lines`);
  }
  // widget controls narrower than their labels; labels, buttons and texts cut or wrapped word by word
  for (const box of document.querySelectorAll(".jupyter-widgets.widget-inline-hbox")) {
    const label = box.querySelector(":scope > .widget-label");
    if (!label || !label.innerText.trim() || box.getBoundingClientRect().width === 0) continue;
    const controls = [...box.children].filter(c => c !== label && !c.classList.contains("widget-readout") &&
                                                   getComputedStyle(c).display !== "none");
    const cw = controls.reduce((w, c) => w + c.getBoundingClientRect().width, 0);
    const lw = label.getBoundingClientRect().width;
    if (controls.length && cw < lw)
      problems.narrow_widgets.push(`${excerpt(label.innerText)}: control ${cw.toFixed(0)}px < label ${lw.toFixed(0)}px`);
  }
  for (const el of document.querySelectorAll(".jupyter-widgets .widget-label, .jupyter-widgets button, " +
                                             ".jupyter-widgets select, .jupyter-widgets.widget-label")) {
    const text = (el.innerText || "").trim(), r = el.getBoundingClientRect();
    if (!text || r.width === 0) continue;
    const style = getComputedStyle(el);
    const lineHeight = parseFloat(style.lineHeight) || 1.2 * parseFloat(style.fontSize);
    const words = text.split(/\s+/).length;
    if (el.scrollWidth > el.clientWidth + 1) problems.narrow_widgets.push(`${excerpt(text)}: text cut`);
    else if (words >= 2 && r.height / lineHeight >= Math.min(words, 3) - 0.2 && r.width < 120)
      problems.narrow_widgets.push(`${excerpt(text)}: one word per line`);
  }
  return Object.fromEntries(Object.entries(problems).filter(([k, v]) => v.length));
}
"""


def machine_paths(html):
    """Absolute paths that only exist on the machine that built the book."""
    paths = {str(ROOT), str(html), str(html.parents[1]), sys.prefix, os.path.expanduser("~"), "/tmp/"}
    return sorted(p for p in paths if len(p) > 4)


def rendering_problems(page, forbidden):
    return page.evaluate(RENDERING_JS, forbidden)


def test_rendering_checks_catch_broken_pages(browser):
    """The checks themselves: a page with each defect is flagged, a clean one is not."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 1600})
    ctx.set_default_timeout(60000)  # every wait on the page fails after a minute instead of hanging the run
    page = ctx.new_page()
    page.set_content("""<main style="width: 600px"><p>| a | b |<br>|---|---|</p>
      <div class="cell_output"><div class="output"><pre>100%|##########| 20/20 [00:02<00:00,  8.03it/s]</pre></div></div>
      <div class="cell_output"><div class="output" style="overflow-x: auto"><table><tr>
        <td style="min-width: 900px">wide</td></tr></table></div></div>
      <div class="cell_output"><pre>saved to /home/builder/otgan/data/x.pt</pre></div>
      <div class="jupyter-widgets widget-inline-hbox" style="display: flex; width: 200px">
        <label class="widget-label" style="width: 150px; white-space: nowrap">number of projections</label>
        <div style="width: 20px">o</div></div>
      <div class="jupyter-widgets widget-label" style="width: 40px">noise level</div>
      <div class="cell_output"><table><tr><th style="width: 1ch; overflow-wrap: anywhere">seeds</th></tr></table></div>
      </main>""")
    found = rendering_problems(page, ["/home/builder"])
    assert set(found) == {"raw_tables", "tqdm", "clipped", "narrow_widgets", "abs_paths", "broken_headers"}, found
    assert len(found["narrow_widgets"]) >= 2, found
    page.set_content("""<main style="width: 600px"><table><tr><td>a</td></tr></table>
      <div class="cell_output"><table><tr><th style="width: 4em">W1 (4k steps)</th><th>speed-up</th></tr></table></div>
      <div class="cell_output"><div class="output"><pre>W1 0.385, 8 modes</pre></div></div>
      <div class="jupyter-widgets widget-inline-hbox" style="display: flex; width: 500px">
        <label class="widget-label" style="width: 100px">steps</label><div style="width: 300px">o</div></div>
      </main>""")
    assert rendering_problems(page, ["/home/builder"]) == {}
    ctx.close()


def test_rendering_every_page(served, browser):
    base, html = served
    forbidden = machine_paths(html)
    pages = sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                   if "_static" not in p.parts and not p.name.startswith(("genindex", "search")))
    broken = {}
    for path in pages:
        ctx, page, _ = open_page(browser, f"{base}/{path}")
        found = rendering_problems(page, forbidden)
        ctx.close()
        if found:
            broken[path] = found
    assert not broken, "pages that render broken:\n" + "\n".join(
        f"{path}: {kind}: {items[:4]}" for path, found in broken.items() for kind, items in found.items())


# The Colab bootstrap cell (tests/test_install.py checks the sources) is hidden in the HTML, and the launch button
# opens the same repository. Here, beside the other checks of the built HTML, so that the smoke build is made once
# per worker (CI runs `pytest -n 2 --dist loadfile`).
def test_html_hides_the_bootstrap_and_launches_the_same_repository(book_html):
    slug = bootstrap_cells.repository_url().removeprefix("https://github.com/")
    pages = sorted((book_html / "chapters").glob("[0-9][0-9]_*.html"))
    assert len(pages) == len(CHAPTERS)
    for page in pages:
        html = page.read_text()
        assert "Colab bootstrap" not in html and "google.colab" not in html, f"{page.name} shows the bootstrap"
        assert f"colab.research.google.com/github/{slug}/blob/" in html, f"{page.name}: no Colab link to {slug}"
