"""Lazy loading (issue 10): a cold load of the deck fetches no data file and not the Arrow reader
(slides/vendor/arrow.js); a data slide reached by a direct link (#/N), or through the overview,
fetches its file and the reader, and draws it."""

from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from harness.runner import LOOPBACK
from harness.server import SiteServer

DECK = "slides/unit6.html"
ROOT = Path(__file__).resolve().parents[1]
QMD = ROOT / "slides" / "unit6.qmd"
WAITING = "is loaded when its slide is first shown"
DATA_SLIDE = "data-a-real-hessian-spectrum"


@pytest.fixture
def open_deck(harness_session, site):
    server = SiteServer(site)
    contexts = []

    def open_deck(fragment: str = ""):
        context = harness_session.browser.new_context(viewport={"width": 1050, "height": 700})
        contexts.append(context)
        requests, outside, errors = [], [], []

        def route(r):
            parts = urlsplit(r.request.url)
            if parts.scheme in ("data", "blob") or parts.hostname in LOOPBACK:
                requests.append(parts.path)
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort("blockedbyclient")

        context.route("**/*", route)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server.url(DECK) + fragment, wait_until="load")
        page.wait_for_function("() => window.Reveal && window.Reveal.isReady()")
        page.add_script_tag(content=harness_session.shim)
        settle(page)
        return page, requests, outside, errors

    yield open_deck
    for context in contexts:
        context.close()
    server.close()


def settle(page):
    settled = page.evaluate("() => window.__harness.settled(20000)")
    assert settled["ok"], f"the deck did not settle: {settled}"


def data_fetched(requests):
    return sorted({p.rsplit("/", 1)[-1] for p in requests if re.search(r"/data/[^/]+\.arrow$", p)})


def arrow_reader_fetched(requests):
    return any(p.endswith("/slides/vendor/arrow.js") for p in requests)


def test_cold_load_of_the_first_slide_fetches_no_data(open_deck):
    page, requests, outside, errors = open_deck()
    assert page.evaluate("() => Reveal.getIndices().h") == 0
    assert data_fetched(requests) == []
    assert not arrow_reader_fetched(requests), "apache-arrow was fetched though no data slide was shown"
    assert not outside and not errors


def test_a_cold_load_runs_no_katex_and_shows_every_formula_rendered(open_deck):
    """The deck's math is rendered at build time (filters/katex_prerender.lua): a cold load fetches
    KaTeX's stylesheet and fonts but no KaTeX script, and every formula, on every slide and in the
    notes, is KaTeX's output (HTML and MathML) without a KaTeX call in the page."""
    page, requests, outside, errors = open_deck()
    scripts = [p for p in requests if re.search(r"katex[^/]*\.m?js$", p.rsplit("/", 1)[-1])]
    assert scripts == [], f"a cold load fetched KaTeX's script: {scripts}"
    assert any(p.endswith("/vendor/katex/katex.min.css") for p in requests)
    state = page.evaluate("""() => {
      const maths = [...document.querySelectorAll(".reveal .slides span.math")];
      return {
        katex_global: typeof window.katex,
        formulas: maths.length,
        unrendered: maths.filter((m) => !m.querySelector(":scope > .katex, :scope > .katex-display > .katex"))
          .map((m) => m.textContent.slice(0, 60)),
        mathml: maths.filter((m) => m.querySelector("math annotation[encoding='application/x-tex']")).length,
        errors: document.querySelectorAll(".katex-error").length,
        font: getComputedStyle(document.querySelector(".reveal .slides .katex")).fontFamily,
      };
    }""")
    assert state["katex_global"] == "undefined", "KaTeX's script ran on the page"
    assert state["formulas"] >= 50 and state["unrendered"] == [], state
    assert state["mathml"] == state["formulas"] and state["errors"] == 0, state
    assert "KaTeX_Main" in state["font"], "KaTeX's stylesheet does not apply"
    assert not outside and not errors


def test_a_cold_load_fetches_each_module_once_and_exactly_the_preloaded_ones(open_deck, site):
    """The deck's <head> preloads the modules its cells import (slides/unit6-preload.html, from
    scripts/module_preload.py), so they arrive at once instead of one level of imports at a time:
    the list must be what a cold load imports, each module fetched once (the preload is used)."""
    html = (site / DECK).read_text(encoding="utf-8")
    preloaded = re.findall(r'<link rel="modulepreload" href="([^"]+)"', html)
    assert preloaded, "the rendered deck preloads no module (include-in-header: unit6-preload.html)"
    preloaded = {"/slides/" + href for href in preloaded}
    page, requests, outside, errors = open_deck()
    modules = Counter(p for p in requests if re.match(r"/slides/(js|vendor)/.*\.js$", p))
    assert set(modules) == preloaded, (
        f"imported, not preloaded: {sorted(set(modules) - preloaded)}; preloaded, not imported: {sorted(preloaded - set(modules))}")
    assert all(n == 1 for n in modules.values()), f"fetched twice: {[p for p, n in modules.items() if n > 1]}"
    assert not outside and not errors


def test_the_module_preload_list_is_current():
    sys.path.insert(0, str(ROOT / "scripts"))
    import module_preload

    assert module_preload.main(["--check"]) == 0, "slides/*-preload.html is stale: run python3 scripts/module_preload.py"


def test_a_data_slide_reached_by_a_direct_link_fetches_and_draws_its_data(open_deck):
    page, _, _, _ = open_deck()
    index = page.evaluate("(id) => Reveal.getIndices(document.getElementById(id)).h", DATA_SLIDE)
    page, requests, outside, errors = open_deck(f"#/{index}")
    assert page.evaluate("() => Reveal.getCurrentSlide().id") == DATA_SLIDE
    assert data_fetched(requests) == ["hessian_spectrum.arrow"]
    assert arrow_reader_fetched(requests), "the data slide was drawn without fetching apache-arrow?"
    slide = page.evaluate("""(id) => {
      const s = document.getElementById(id);
      return {text: s.innerText, marks: s.querySelectorAll('svg path, svg line, svg circle, svg rect').length};
    }""", DATA_SLIDE)
    assert WAITING not in slide["text"] and "No data to show" not in slide["text"]
    assert slide["marks"] > 10
    assert not outside and not errors


def test_the_overview_loads_every_data_slide(open_deck):
    page, requests, outside, errors = open_deck()
    page.evaluate("() => Reveal.toggleOverview(true)")
    settle(page)
    fetched = set(data_fetched(requests))
    # every data file a cell of the deck attaches
    attached = set(re.findall(r'FileAttachment\("\.\./data/([\w.-]+\.arrow)"\)', QMD.read_text(encoding="utf-8")))
    assert attached and attached <= fetched, f"not fetched in the overview: {sorted(attached - fetched)}"
    assert arrow_reader_fetched(requests)
    assert WAITING not in page.evaluate("() => document.querySelector('.reveal .slides').innerText")
    assert not outside and not errors
