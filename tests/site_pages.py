"""Fixtures for the site's pages in Chromium (the playground's and the live trainer's tests):
the rendered site served offline on 127.0.0.1, and pages opened in it that fail the test on any
console error, page error or outside request. Imported by conftest.py."""

from __future__ import annotations

import functools
import http.server
import threading

import pytest


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def base_url(site):
    assert (site / "playground.html").is_file(), f"{site} has no playground.html: render the site first"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture()
def open_page(harness_session, base_url):
    """Opens a page offline; on teardown fails on any console error, page error or outside request."""
    contexts, problems = [], []

    def opener(path, *, wait=".pg-root canvas", prepare=None, expected_errors=()):
        """prepare(page) runs before the page loads (routes of a test's own); console errors
        containing one of `expected_errors` are what the test provokes (a 404 it serves)."""
        context = harness_session.browser.new_context(viewport={"width": 1050, "height": 700}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()

        def route(r):
            if r.request.url.startswith(base_url):
                r.continue_()
            else:
                problems.append(f"outside request {r.request.url}")
                r.abort()

        page.route("**/*", route)
        def console(message):
            if message.type == "error" and not any(text in message.text for text in expected_errors):
                problems.append(f"console {message.type}: {message.text}")

        page.on("console", console)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}\n{e.stack}"))
        if prepare:
            prepare(page)
        page.goto(base_url + path)
        if wait:
            page.wait_for_selector(wait, timeout=30000)
        return page

    yield opener
    for context in contexts:
        context.close()
    assert not problems, "\n".join(problems)
