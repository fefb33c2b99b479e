"""The site on a student's phone (issue 26): the cheap, deterministic parts of what Lighthouse asks
of every page, on the real render served compressed (scripts/serve_site.py) to Chromium with a
phone's viewport: an icon, a description of its own, no 404 and no console error, valid ARIA roles
in Quarto's chrome, links a crawler can follow, a <head> that does not wait for scripts, and the
playground page without Quarto's OJS runtime. The scores themselves (performance, LCP, TBT, CLS)
depend on the machine: bench/bench_lighthouse.py measures them.

The pages are those _quarto.yml renders, so a page added there is checked too."""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from serve_site import CompressingSiteServer  # noqa: E402

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
PHONE = {"viewport": {"width": 412, "height": 823}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def site_pages() -> list[str]:
    """The pages of the site: _quarto.yml's `render:` list, globs expanded, as .html paths."""
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    pages = []
    for pattern in config["project"]["render"]:
        pages += sorted(p.relative_to(ROOT).with_suffix(".html").as_posix() for p in ROOT.glob(pattern.lstrip("/")))
    return pages


PAGES = site_pages()


class Head(HTMLParser):
    """The elements of a page's <head> as a browser with JavaScript reads it (<noscript> left
    out): (tag, attributes) in order."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.in_head = False
        self.in_noscript = False

    def handle_starttag(self, tag, attrs):
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "noscript":
            self.in_noscript = True
        elif self.in_head and not self.in_noscript:
            self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "head":
            self.in_head = False
        elif tag == "noscript":
            self.in_noscript = False


def head_of(site: Path, page: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Head()
    parser.feed((site / page).read_text(encoding="utf-8"))
    return parser.elements


def test_every_page_is_checked():
    assert {"index.html", "exercise.html", "playground.html", "slides/unit6.html"} <= set(PAGES), PAGES


@pytest.mark.parametrize("page", PAGES)
def test_page_names_an_icon_that_is_in_the_site(site, page):
    icons = [a["href"] for tag, a in head_of(site, page) if tag == "link" and "icon" in (a.get("rel") or "").split()]
    assert icons, f"{page}: no <link rel=icon> (the browser asks for /favicon.ico, a 404)"
    for href in icons:
        assert (site / page).parent.joinpath(href).resolve().is_file(), f"{page}: icon {href} is not in the site"


def test_every_page_has_a_description_of_its_own(site):
    descriptions = {}
    for page in PAGES:
        found = [a.get("content") or "" for tag, a in head_of(site, page) if tag == "meta" and a.get("name") == "description"]
        assert len(found) == 1, f"{page}: {len(found)} <meta name=description> (give the page a `description:`)"
        assert 50 <= len(found[0].strip()) <= 300, f"{page}: a description of {len(found[0])} characters: {found[0]!r}"
        descriptions[page] = found[0]
    same = {d for d in descriptions.values() if list(descriptions.values()).count(d) > 1}
    assert not same, f"pages share a description: {same}"


@pytest.mark.parametrize("page", PAGES)
def test_no_script_in_the_head_holds_up_the_first_paint(site, page):
    """scripts/page_head.mjs (post-render): every script the <head> loads is deferred, async or a
    module, so the page is drawn once its stylesheets are there."""
    blocking = [a["src"] for tag, a in head_of(site, page) if tag == "script" and a.get("src")
                and "defer" not in a and "async" not in a and a.get("type") != "module"]
    assert not blocking, f"{page}: parser-blocking scripts in the <head>: {blocking}"
    icon_css = [a for tag, a in head_of(site, page) if tag == "link" and (a.get("href") or "").endswith("bootstrap-icons.css")]
    assert all(a.get("media") == "print" and a.get("onload") for a in icon_css), f"{page}: the icon font's CSS blocks the first paint"


def test_page_head_rewrite_keeps_the_order_and_touches_only_the_head():
    html = ('<html><head><script src="a.js"></script><script src="site_libs/quarto-html/q.js" type="module"></script>'
            '<script async src="b.js"></script><script src="c.js"></script>'
            '<script type="module" src="../site_libs/quarto-ojs/quarto-ojs-runtime.js"></script>'
            '<link href="site_libs/bootstrap/bootstrap-icons.css" rel="stylesheet"></head>'
            '<body><script src="reveal.js"></script></body></html>')
    code = ("import {rewrite_head} from './scripts/page_head.mjs';"
            "process.stdout.write(rewrite_head(process.argv[1]).html)")
    out = subprocess.run(["node", "--input-type=module", "-e", code, html], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    head, body = out.split("</head>")
    assert re.findall(r"<script[^>]*>", head) == [
        '<script defer src="a.js">', '<script src="site_libs/quarto-html/q.js" type="module" fetchpriority="low">',
        '<script async src="b.js">', '<script defer src="c.js">',
        '<script src="../site_libs/quarto-ojs/quarto-ojs-runtime.js" type="module" fetchpriority="low">']
    assert 'media="print" onload="this.media=\'all\'"' in head and "<noscript>" in head
    assert body == '<body><script src="reveal.js"></script></body></html>', "the <body> was changed"


def test_the_site_server_compresses_text_as_a_static_host_does(site):
    server = CompressingSiteServer(site)
    try:
        def get(path, encoding="gzip"):
            request = urllib.request.Request(server.url(path), headers={"Accept-Encoding": encoding})
            try:
                with urllib.request.urlopen(request) as response:
                    return response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                return error.code, error.headers, error.read()

        status, headers, body = get("index.html")
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == (site / "index.html").read_bytes()
        status, headers, body = get("index.html", encoding="identity")
        assert headers["Content-Encoding"] is None and body == (site / "index.html").read_bytes()
        bundle = "slides/js/playground.bundle.js"
        status, headers, body = get(bundle)
        assert headers["Content-Encoding"] == "gzip" and headers["Content-Type"].startswith("text/javascript")
        assert len(body) < (site / bundle).stat().st_size / 2
        font = next(p.relative_to(site).as_posix() for p in (site / "vendor" / "katex" / "fonts").glob("*.woff2"))
        status, headers, body = get(font)
        assert headers["Content-Encoding"] is None and headers["Content-Type"] == "font/woff2"
        status, headers, body = get("favicon.ico")
        assert status == 404
        assert server.not_found() == ["/favicon.ico"]
    finally:
        server.close()


# Lighthouse's crawlable-anchors audit: an <a> a crawler cannot follow (no href, a javascript:
# href, a file: href) unless it has a role (then it is a control, not a link), a name or an id
# (an anchor target), or is a mailto: link.
UNCRAWLABLE = r"""() => [...document.querySelectorAll("a")].filter((a) => {
  const href = (a.getAttribute("href") || "").replace(/\s/g, "");
  if ((a.getAttribute("role") || "").trim() || href.startsWith("mailto:")) return false;
  if (href === "" && ((a.getAttribute("name") || "").trim() || a.id)) return false;
  return href === "" || href.startsWith("file:") || /javascript:void(\(|)0(\)|)/.test(href) || /^javascript:/i.test(href);
}).map((a) => a.outerHTML.slice(0, 120) + " in #" + ((a.closest("[id]") || {}).id || "?"))"""

ROLE_RULES = r"""async () => {
  const result = await axe.run(document, {runOnly: {type: "rule", values: ["aria-allowed-role", "aria-roles"]}});
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}"""


@pytest.fixture(scope="module")
def phone(harness_session, site):
    """Opens a page of the site, served compressed, in Chromium with a phone's viewport, offline;
    returns the page and what went wrong on the way (404s, console errors, outside requests)."""
    server = CompressingSiteServer(site)
    contexts = []

    def open_page(rel: str):
        context = harness_session.browser.new_context(**PHONE)
        contexts.append(context)
        problems, requests = [], []

        def route(r):
            if urlsplit(r.request.url).hostname == "127.0.0.1" or r.request.url.startswith(("data:", "blob:")):
                requests.append(urlsplit(r.request.url).path)
                r.continue_()
            else:
                problems.append(f"outside request {r.request.url}")
                r.abort("blockedbyclient")

        context.route("**/*", route)
        page = context.new_page()
        page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.goto(server.url(rel), wait_until="networkidle", timeout=90000)
        return page, problems, requests

    yield open_page
    for context in contexts:
        context.close()
    server.close()


@pytest.mark.parametrize("page", PAGES)
def test_page_loads_on_a_phone_without_a_404_an_error_or_an_uncrawlable_link(phone, page):
    tab, problems, _ = phone(page)
    assert not problems, f"{page}: {problems}"
    assert tab.evaluate(UNCRAWLABLE) == [], f"{page}: links a crawler cannot follow"
    tab.add_script_tag(path=str(AXE))
    assert tab.evaluate(ROLE_RULES) == [], f"{page}: ARIA roles axe-core refuses"


def test_the_navbar_and_search_work_on_a_phone_with_the_deferred_scripts(phone):
    """Quarto's chrome scripts run deferred (scripts/page_head.mjs): the collapsed navbar opens
    and shows the site's pages, and the search opens its box."""
    tab, problems, _ = phone("index.html")
    tab.wait_for_selector(".aa-DetachedSearchButton", timeout=10000)  # the navbar is complete
    toggler = tab.locator(".navbar-toggler")
    assert toggler.is_visible() and toggler.get_attribute("role") is None
    # A click event, not a pointer at coordinates: on a page that is wider than the phone (the
    # layout of narrow screens is issue 23's) the browser zooms out and moves what is where.
    toggler.dispatch_event("click")
    tab.wait_for_selector("#navbarCollapse.show", timeout=5000)
    assert tab.locator("#navbarCollapse .nav-link", has_text="Playground").is_visible()
    tab.locator(".aa-DetachedSearchButton").dispatch_event("click")
    tab.wait_for_selector(".aa-DetachedOverlay .aa-Input", timeout=5000)
    assert not problems, problems


def test_the_playground_page_loads_one_bundle_and_no_ojs_runtime(phone):
    """The playground page mounts its widget from one minified file (scripts/deck_bundle.mjs,
    PAGES), not through Quarto's OJS runtime and its modules one by one."""
    tab, problems, requests = phone("playground.html")
    tab.wait_for_selector(".pg-root canvas", timeout=30000)
    scripts = [p for p in requests if p.endswith(".js") and not p.startswith("/site_libs/")]
    assert scripts == ["/slides/js/playground.bundle.js"], scripts
    assert not any("quarto-ojs" in p for p in requests), "the OJS runtime was loaded"
    assert tab.get_attribute("#playground", "aria-busy") is None and not tab.locator(".pg-loading").count()
    assert not problems, problems
