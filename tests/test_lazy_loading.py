"""Lazy loading (issue 10): a cold load of the deck fetches no data file and not the Arrow reader
(slides/vendor/arrow.js); a data slide reached by a direct link (#/N), or through the overview,
fetches its file and the reader, and draws it."""

from __future__ import annotations

import json
import re
import subprocess
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
TRAINING_SLIDE = "adam-vs-sgd-on-a-materials-dataset"


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


def import_map(page) -> dict:
    """The deck's import map as served (its <script type="importmap">), and where it stands."""
    return page.evaluate("""() => fetch(location.href).then(r => r.text()).then(html => {
      const doc = new DOMParser().parseFromString(html, "text/html");
      const map = doc.querySelector('head script[type="importmap"]');
      const scripts = [...doc.querySelectorAll('script')];
      const first_module = scripts.findIndex(s => s.type === "module");
      return {imports: map ? JSON.parse(map.textContent).imports : null,
              before_every_module_script: !!map && scripts.indexOf(map) < first_module,
              modulepreload: html.includes('rel="modulepreload"')};
    })""")


def mapped_paths(imports: dict) -> set[str]:
    """The site paths of the modules an import map (keys relative to slides/) sends elsewhere."""
    return {"/slides/" + key.removeprefix("./") for key in imports}


def test_a_cold_load_fetches_the_deck_bundle_once_and_none_of_its_modules(open_deck):
    """The cells import the deck's modules as written; the import map in the <head> (written by
    scripts/deck_bundle.mjs at render) sends every one of them to js/unit6.bundle.js. A cold load
    therefore fetches that one file, once, and no module and no vendored library by itself (a
    module fetched by itself would also be a second instance of it). The map stands before
    every module script, so every browser with import maps uses it, not only those that accept
    a late one."""
    page, requests, outside, errors = open_deck()
    served = import_map(page)
    assert served["imports"], "the rendered deck has no import map (include-in-header: unit6-importmap.html)"
    assert served["before_every_module_script"], "the import map comes after a module script"
    assert not served["modulepreload"]
    assert set(served["imports"].values()) == {"./js/unit6.bundle.js"}
    mapped = mapped_paths(served["imports"])
    assert "/slides/js/core/runner.js" in mapped and "/slides/js/plots/trajectory.js" in mapped
    scripts = Counter(p for p in requests if re.match(r"/slides/(js|vendor)/.*\.js$", p))
    # deck_cells.js is no module of the cells: slides/lazy-cells.html imports it before the runtime starts
    assert scripts == {"/slides/js/unit6.bundle.js": 1, "/slides/js/deck_cells.js": 1}, f"fetched besides the bundle: {scripts}"
    assert "/slides/js/deck_cells.js" not in mapped
    assert not outside and not errors


def test_the_playground_slide_loads_its_own_modules_and_shares_the_bundled_ones(open_deck):
    """The playground's modules are imported when its slide is first shown (a dynamic import
    stays a file of its own); what they import from the deck's modules (the core, the plot
    helpers) comes from the bundle through the import map: one instance, no second fetch."""
    page, _, _, _ = open_deck()
    index = page.evaluate("(id) => Reveal.getIndices(document.getElementById(id)).h", "try-it-optimizer-playground")
    page, requests, outside, errors = open_deck(f"#/{index}")
    page.wait_for_function("() => document.querySelector('#try-it-optimizer-playground svg')", timeout=20000)
    settle(page)
    mapped = mapped_paths(import_map(page)["imports"])
    scripts = Counter(p for p in requests if re.match(r"/slides/(js|vendor)/.*\.js$", p))
    assert scripts["/slides/js/unit6.bundle.js"] == 1
    assert "/slides/js/playground/playground.js" in scripts, sorted(scripts)
    assert not mapped & set(scripts), f"bundled modules fetched again: {sorted(mapped & set(scripts))}"
    assert all(n == 1 for n in scripts.values()), scripts
    assert not outside and not errors


def test_the_served_bundle_and_import_map_are_what_the_modules_build_now(site, tmp_path):
    """_site/ carries the bundle of slides/js/ as it is (quarto render rebuilds it; this catches a
    site tested as already rendered after a module changed) and the import map that goes with it."""
    done = subprocess.run(["node", "scripts/deck_bundle.mjs", "--out", str(tmp_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "unit6.bundle.js").read_bytes() == (site / "slides/js/unit6.bundle.js").read_bytes(), (
        "_site/ holds a stale bundle: run quarto render (or npm run build:deck)")
    built = (tmp_path / "unit6-importmap.html").read_text(encoding="utf-8")
    html = (site / DECK).read_text(encoding="utf-8")
    served = re.search(r'<script type="importmap">(.*?)</script>', html, re.S)
    assert served and json.loads(served.group(1)) == json.loads(re.search(r'<script type="importmap">(.*?)</script>', built, re.S).group(1))


def test_the_bundler_refuses_modules_that_cannot_share_one_bundle(tmp_path):
    """The bundle exports the union of its modules' exports: two modules exporting one name
    (the name would silently vanish from the union) or a default export stop the build, naming
    the modules."""
    (tmp_path / "one.js").write_text("export const step = 1;\nexport default 3;\n", encoding="utf-8")
    (tmp_path / "two.js").write_text("export function step() {}\nexport const other = 2;\n", encoding="utf-8")
    one, two = json_path(tmp_path / "one.js"), json_path(tmp_path / "two.js")
    script = (f'import {{check_exports}} from {json_path(ROOT / "scripts/deck_bundle.mjs")};'
              f'try {{ await check_exports([{one}, {two}]); console.log("accepted"); }}'
              f'catch (e) {{ console.log(e.message); }}'
              f'console.log(await check_exports([{two}]));')
    done = subprocess.run(["node", "--input-type=module", "-e", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "the deck's modules cannot share one bundle:", done.stdout
    assert '"step" is exported by' in done.stdout and "one.js and" in done.stdout and "rename one" in done.stdout
    assert "a default export (" in done.stdout
    assert lines[-1] == "2", "two modules without a clash are refused"


def json_path(path: Path) -> str:
    return json.dumps(path.as_posix())


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
    # the live trainer's workers read the training set after its cell has settled (issue 22)
    page.wait_for_function("""(id) => document.querySelector(`#${id} .tr-root`)?.training.runs()
        .every((run) => run.rows.length > 0)""", arg=TRAINING_SLIDE, timeout=60000)
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


# The cells of a slide are interpreted when it is first shown (issue 25, slides/js/deck_cells.js).
JS_CELLS_BY_SLIDE = """() => {
  const out = {};
  for (const section of document.querySelectorAll('.reveal .slides section')) {
    if (section.querySelector('section')) continue;
    const outputs = [...section.querySelectorAll('div.cell [id^="ojs-cell-"]')];
    if (!outputs.length) continue;
    out[section.id] = {
      index: Reveal.getIndices(section).h,
      outputs: outputs.length,
      interpreted: outputs.filter(o => o.querySelector('.observablehq')).length,
      failed: outputs.filter(o => o.querySelector('.observablehq--error, .callout-important')).length,
    };
  }
  return out;
}"""


def test_a_cold_load_interprets_the_setup_cells_and_no_cell_of_a_later_slide(open_deck):
    page, _, outside, errors = open_deck()
    slides = page.evaluate(JS_CELLS_BY_SLIDE)
    first = min(slides.values(), key=lambda s: s["index"])
    assert first["interpreted"] == first["outputs"] and not first["failed"], first
    later = {sid: s for sid, s in slides.items() if s is not first and s["interpreted"]}
    assert not later, f"cells of slides not shown yet were interpreted at load: {later}"
    assert page.evaluate("() => window._ojs.runtime.interpretFromScriptTags.name") != "interpretFromScriptTags"
    assert not outside and not errors


def test_every_slide_with_cells_works_by_a_direct_link(open_deck):
    """Opened by a direct link, a slide's cells run, with the cells of other slides they use."""
    page, _, _, _ = open_deck()
    slides = page.evaluate(JS_CELLS_BY_SLIDE)
    assert len(slides) >= 20
    problems = {}
    for slide_id, info in slides.items():
        page, _, outside, errors = open_deck(f"#/{info['index']}")
        now = page.evaluate(JS_CELLS_BY_SLIDE)[slide_id]
        if page.evaluate("() => Reveal.getCurrentSlide().id") != slide_id:
            problems[slide_id] = "not the slide shown"
        elif now["interpreted"] != now["outputs"] or now["failed"] or outside or errors:
            problems[slide_id] = {**now, "outside": outside, "errors": errors[:3]}
        page.context.close()  # one deck open at a time
    assert not problems, problems


CELL_PLAN = """
import {cell_definitions, cell_references, shiny_only, with_definers} from "./slides/js/deck_cells.js";
const calls = [
  {methodName: "interpret", source: 'import {a as x, viewof b as v, c} from "./js/m.js"\\nsetup()'},
  {methodName: "interpret",
   source: "viewof speed = slider(x)\\nresult = run(speed, c)\\nfunction helper(q) {\\n  inner = q\\n  return q\\n}"},
  {methodName: "interpret", source: "plot(result, helper)  // uses two names of cell 1"},
  {methodName: "interpret", source: "async function* ticks() {}\\nclass Thing {}\\nother = speed == 2"},
  {methodName: "interpretQuiet", source: "shinyInput('speed')"},
];
const sorted = (set) => [...set].sort();
console.log(JSON.stringify({
  defines: calls.map((call) => sorted(cell_definitions(call.source))),
  refers: sorted(cell_references(calls[2].source)),
  shiny: calls.map(shiny_only),
  plot: with_definers(calls, [2]),
  plot_after_setup: with_definers(calls, [2], new Set([0])),
  other: with_definers(calls, [3]),
  nothing_new: with_definers(calls, [1], new Set([0, 1])),
}));
"""


def test_a_cell_brings_the_cells_defining_the_names_it_uses():
    """deck_cells.js: what a cell defines (top-level statements at the start of a line) and the
    cells a cell needs, transitively; the Shiny-only quiet cells are recognised."""
    from test_deck_helpers_js import node

    plan = node(CELL_PLAN)
    assert plan["defines"] == [["c", "v", "x"], ["helper", "result", "speed"], [], ["Thing", "other", "ticks"], []]
    assert {"plot", "result", "helper", "uses"} <= set(plan["refers"])
    assert plan["shiny"] == [False, False, False, False, True]
    assert plan["plot"] == [0, 1, 2]            # plot -> result, helper (cell 1) -> x, c (cell 0)
    assert plan["plot_after_setup"] == [1, 2]
    assert plan["other"] == [0, 1, 3]           # `speed == 2` uses speed, not a definition
    assert plan["nothing_new"] == []


def test_a_cold_load_fetches_the_cut_font_and_not_the_full_one(open_deck):
    """The slides' text is set in Deck Sans (slides/fonts/, scripts/build_fonts.py); reveal.js's full
    Source Sans Pro (WOFF, 330 kB for three faces) is not fetched by the first slide."""
    page, requests, outside, errors = open_deck()
    fonts = sorted(p.rsplit("/", 1)[-1] for p in requests if re.search(r"\.(woff2?|ttf|eot)$", p))
    assert "deck-sans-regular.woff2" in fonts and "deck-sans-semibold.woff2" in fonts, fonts
    assert not [f for f in fonts if f.startswith("source-sans-pro")], fonts
    family = page.evaluate("() => getComputedStyle(document.querySelector('.reveal .slides h2, .reveal .slides h1')).fontFamily")
    assert family.startswith('"Deck Sans"'), family
    assert not outside and not errors


FIRST_SHOWN_RACE = """
import {first_shown} from "./slides/js/deck_slides.js";
const handlers = {};
globalThis.Reveal = {on: (type, f) => (handlers[type] ??= []).push(f), isReady: () => true,
                     getCurrentSlide: () => ({id: "first"})};
globalThis.document = {getElementById: (id) => ({tagName: "SECTION", id})};
const later = first_shown("later");
const first = await later.next();
// the slide is shown after the false and before the runtime asks for the next value
handlers.slidechanged.forEach((f) => f({currentSlide: {id: "later"}}));
const next = await Promise.race([later.next(), new Promise((r) => setTimeout(() => r("stuck"), 200))]);
console.log(JSON.stringify({first: first.value, next: next === "stuck" ? "stuck" : next.value}));
"""


def test_first_shown_is_true_for_a_slide_shown_between_its_false_and_the_next_value():
    """A cell interpreted ahead of its slide (deck_cells.js, when the browser is idle) yields false;
    if the slide is shown before the runtime asks for the next value, that value is true (it
    waited forever before: the sweep of test_decks once found the ill-conditioned bowl empty)."""
    from test_deck_helpers_js import node

    assert node(FIRST_SHOWN_RACE) == {"first": False, "next": True}


TRAINER_CORE = ("/slides/js/core/trainer.js", "/slides/js/core/network.js", "/slides/js/core/sharpness.js",
                "/slides/js/core/dataset.js")


def training_requests(requests):
    return sorted({p for p in requests if "/slides/js/training/" in p or p.endswith(TRAINER_CORE)
                   or p.endswith(("/training_set.arrow", "/live_training_reference.arrow"))})


def test_the_live_trainer_is_fetched_only_when_its_slide_is_shown(open_deck):
    """A cold load fetches none of the live trainer's code or data (issue 22); its slide, when
    shown, fetches the widget, one worker per run (which fetch the trainer twin themselves: a worker
    has no import map) and the training set, and the reference runs."""
    page, requests, outside, errors = open_deck()
    assert training_requests(requests) == []
    index = page.evaluate("(id) => Reveal.getIndices(document.getElementById(id)).h", TRAINING_SLIDE)
    page, requests, outside, errors = open_deck(f"#/{index}")
    page.wait_for_function("""(id) => { const r = document.querySelector(`#${id} .tr-root`);
        return r && r.training.runs().length === 2 && r.training.runs().every((run) => run.rows.length > 0); }""",
                           arg=TRAINING_SLIDE, timeout=60000)
    fetched = training_requests(requests)
    for path in ["/slides/js/training/widget.js", "/slides/js/training/worker.js", "/slides/js/core/trainer.js",
                 "/data/training_set.arrow", "/data/live_training_reference.arrow"]:
        assert path in fetched, (path, fetched)
    assert Counter(requests)["/slides/js/unit6.bundle.js"] == 1
    assert not outside and not errors
