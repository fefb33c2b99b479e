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


def test_a_cold_load_fetches_each_module_once_and_exactly_the_preloaded_ones(open_deck):
    """The deck preloads the modules its cells import (slides/unit6-preload.html, from
    scripts/module_preload.py, adds the links once reveal.js has started), so they arrive at once
    instead of one level of imports at a time: the list must be what a cold load imports, each
    module fetched once (the preload is used), and none of it may hold up the page's stylesheets
    and scripts (no modulepreload in the HTML as served: the browser would fetch it at once)."""
    page, requests, outside, errors = open_deck()
    preloaded = page.evaluate("""() => [...document.querySelectorAll('link[rel="modulepreload"]')]
        .map(link => new URL(link.href).pathname)""")
    assert preloaded, "the rendered deck preloads no module (include-after-body: unit6-preload.html)"
    served = page.evaluate("() => fetch(location.href).then(r => r.text())")
    assert 'rel="modulepreload"' not in served, "a modulepreload <link> in the HTML as served"
    modules = Counter(p for p in requests if re.match(r"/slides/(js|vendor)/.*\.js$", p))
    assert set(modules) == set(preloaded), (
        f"imported, not preloaded: {sorted(set(modules) - set(preloaded))}; "
        f"preloaded, not imported: {sorted(set(preloaded) - set(modules))}")
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


def menu_state(page):
    return page.evaluate("""() => ({
        built: Reveal.getPlugin("menu").isMenuInitialised(),
        items: document.querySelectorAll(".slide-menu-items li.slide-menu-item").length,
        button_label: document.querySelector(".slide-menu-button > a")?.getAttribute("aria-label") ?? null,
        open: document.body.classList.contains("slide-menu-active"),
        slides: Reveal.getTotalSlides()})""")


def test_the_slide_menu_is_built_after_the_first_slide_and_lists_every_slide(open_deck):
    page, *_ , errors = open_deck()
    page.wait_for_function("() => Reveal.getPlugin('menu').isMenuInitialised()", timeout=5000)
    state = menu_state(page)
    assert state["items"] == state["slides"] > 60, state
    assert state["button_label"] == "Slide menu", "chrome-accessibility.html did not name the late menu's button"
    page.click(".slide-menu-button > a")
    assert menu_state(page)["open"]
    page.keyboard.press("Escape")
    assert not menu_state(page)["open"]
    page.keyboard.press("m")
    assert menu_state(page)["open"], "M no longer opens the menu once it is built"
    assert not errors, errors


def test_m_pressed_before_the_menu_is_built_builds_and_opens_it(open_deck, harness_session, site):
    page, *_ , errors = open_deck()
    # Undo the build as if the idle time had not come yet: a fresh page whose idle callback is held back.
    context = harness_session.browser.new_context(viewport={"width": 1050, "height": 700})
    try:
        fresh = context.new_page()
        fresh.add_init_script("window.requestIdleCallback = () => 0;")
        fresh.goto(page.url, wait_until="load")
        fresh.wait_for_function("() => window.Reveal && window.Reveal.isReady()")
        assert not menu_state(fresh)["built"], "the menu was built during reveal.js's start"
        fresh.keyboard.press("m")
        state = menu_state(fresh)
        assert state["built"] and state["open"] and state["items"] == state["slides"], state
    finally:
        context.close()
    assert not errors, errors


def test_the_deck_carries_no_hidden_copy_of_its_cells_code(open_deck):
    # filters/drop_hidden_cell_source.lua; the harness reads each chunk's source from the runtime's script.
    page, *_ = open_deck()
    assert page.evaluate("() => document.querySelectorAll('.cell-code').length") == 0
    chunks = page.evaluate("() => window.__harness.describe().chunks")
    assert len(chunks) > 50 and all(c["source"].strip() for c in chunks), \
        [c["index"] for c in chunks if not c["source"].strip()]
    assert any("trajectory_plot(" in c["source"] for c in chunks)


def test_the_flat_sharp_readout_follows_the_shift(open_deck):
    """The generalization slide's two readouts, the only readout computed on a cold load, are built
    as DOM (flat_sharp_readout) rather than with `md`, whose first parse (marked) cost about 40 ms of
    the load. The values are the speaker notes': shift 0.3 gives sharp 4.50 and flat 0.18."""
    page, *_ , errors = open_deck("#/generalization-error-analysis")

    def readout():
        return page.evaluate("() => [...document.querySelectorAll('.flat-sharp-readout li')].map(li => li.textContent)")

    assert readout() == ["Sharp Minimum Loss: 0.00", "Flat Minimum Loss: 0.00"], readout()
    page.evaluate("""() => {
        const slide = document.getElementById('generalization-error-analysis');
        const range = slide.querySelector('input[type=range]');
        range.value = 0.3;
        range.dispatchEvent(new Event('input', {bubbles: true}));
    }""")
    settle(page)
    assert readout() == ["Sharp Minimum Loss: 4.50", "Flat Minimum Loss: 0.18"], readout()
    assert not errors, errors


def test_a_citation_names_its_reference_without_quartos_popup_scripts(open_deck):
    """citations-hover is off (slides/_metadata.yml): no tippy.js or popper.js at load; each
    citation's title is the text of its reference (citation-titles.html)."""
    page, requests, outside, errors = open_deck()
    assert not [p for p in requests if re.search(r"(tippy|popper)[^/]*\.js$", p)], requests
    page.wait_for_function("() => document.querySelector('.citation[data-cites]')?.hasAttribute('title')", timeout=5000)
    cites = page.evaluate("""() => [...document.querySelectorAll('.citation[data-cites]')]
        .map(c => ({keys: c.dataset.cites, title: c.getAttribute('title') || ''}))""")
    assert len(cites) >= 20, cites
    untitled = [c["keys"] for c in cites if not c["title"]]
    assert not untitled, f"citations without their reference: {untitled}"
    # The key's year is in the reference's text (mcclarren2021machine: "McClarren, ... 2021. ...").
    for cite in cites:
        for year in re.findall(r"(?:19|20)\d\d", cite["keys"]):
            assert year in cite["title"], cite
    assert not outside and not errors, (outside, errors)


def test_the_address_follows_the_slide_without_adding_history_entries(open_deck):
    """history: false (slides/_metadata.yml): reveal.js writes the slide into the address by
    replaceState, so a reload or a copied link keeps the slide, and no hashchange makes it run
    slide() a second time on every change."""
    page, *_ , errors = open_deck()
    before = page.evaluate("() => history.length")
    page.evaluate("() => { window.__hashchanges = 0; addEventListener('hashchange', () => window.__hashchanges++); }")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => location.hash === '#/' + Reveal.getCurrentSlide().id", timeout=5000)
    slide_id = page.evaluate("() => Reveal.getCurrentSlide().id")
    assert page.evaluate("() => [history.length, window.__hashchanges]") == [before, 0]
    page.reload(wait_until="load")
    page.wait_for_function("() => window.Reveal && window.Reveal.isReady()")
    assert page.evaluate("() => Reveal.getCurrentSlide().id") == slide_id
    assert not errors, errors
