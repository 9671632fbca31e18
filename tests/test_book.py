"""The built book (smoke profile) opened in headless Chromium: math typeset, widget area present, figures shown,
and no request leaving the machine."""
import functools
import http.server
import os
import shutil
import socketserver
import threading
from urllib.parse import urlparse

import pytest

from conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(built_book):
    handler = functools.partial(type("Quiet", (http.server.SimpleHTTPRequestHandler,),
                                     {"log_message": lambda *a: None}), directory=str(built_book))
    srv = socketserver.TCPServer(("127.0.0.1", 0), handler)
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
