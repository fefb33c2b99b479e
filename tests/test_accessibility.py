"""Accessibility of every page and every slide (issue 14), on the real render, offline.

axe-core (pinned in package-lock.json, vendored into tests/vendor/axe-core by
scripts/vendor_axe.mjs) runs in Chromium on every page of the site and on every slide of every
deck, with the deck's default colours and with its high-contrast variant ("C"). Any violation
fails, except the entries of ALLOWED: each one a rule id and the CSS selector axe reports, with
the reason it cannot be fixed from the project. The "Try it" slides are then operated with the
keyboard alone, after which the presenter's clicker (PageDown, ArrowRight) must still change
the slide."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from test_decks import PAGES

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
DECKS = [p for p in PAGES if p.startswith("slides/")]

# (rule id, selector as axe reports it) -> why it stays. Empty: everything axe-core found in
# Quarto's and reveal.js's chrome is worked around from the project (slides/chrome-accessibility.html,
# page-accessibility.html, theme.css). A new entry needs a reason that names what is not ours.
ALLOWED: dict[tuple[str, str], str] = {}

# On a deck the whole document (chrome included) is checked with the first slide shown, then each
# other slide on its own. axe builds its tree and its colour grid from the whole document on every
# run, whatever the context: 74 slides (12,600 elements, KaTeX and plots) made each run cost 3-9 s.
# So while one slide is checked, the other slides are parked outside the document (a comment
# holds each place) and put back afterwards: they are hidden while another slide is current, and
# nothing of theirs draws over it, so the slide is checked as it is projected, about 10x faster.
# The whole-document run keeps every slide in place (ids and references across slides).
# reveal.js's navigation arrows sit in an <aside class="controls"> that spans the whole viewport
# (transparent, pointer-events: none). axe took it for something lying over all slide text and
# judged no contrast at all on any slide ("incomplete"), so while a slide is checked it is hidden;
# its two arrow buttons are checked in the whole-document run. A slide whose text axe cannot judge
# fails (JUDGED_TEXT below), so this cannot silently come back.
# The high-contrast variant changes colours and line widths only: each slide is checked with it
# too, in the same pass, with the rules that colours decide.
COLOUR_RULES = ["color-contrast", "link-in-text-block", "non-text-contrast"]
RUN_AXE = r"""async ([slide, rules]) => {
  const context = slide === null ? document : document.querySelector(`[data-harness-slide="${slide}"]`);
  const known = new Set(axe.getRules().map((r) => r.ruleId));
  const options = {resultTypes: ["violations", "passes", "incomplete"], elementRef: true};
  if (rules) options.runOnly = {type: "rule", values: rules.filter((r) => known.has(r))};
  const result = await axe.run(context, options);
  const contrast = (list) => list.filter((v) => v.id === "color-contrast").flatMap((v) => v.nodes);
  // Text whose contrast axe could not judge because something lies over it: HTML text must be
  // judged; SVG text in a stacked plot (transparent layers over the axes) may not be.
  const overlapped = contrast(result.incomplete).filter((n) => !(n.element instanceof SVGElement)
    && [...n.any, ...n.all, ...n.none].some((c) => c.data && /^(bgOverlap|elmPartiallyObscured)/.test(c.data.messageKey || "")));
  // That SVG text is judged here instead: its fill against the page's background (the layers
  // over it are transparent), with WCAG's thresholds (3:1 from 24 px, or 18.7 px bold).
  const channel = (c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = (css) => {
    const [r, g, b] = css.match(/[\d.]+/g).slice(0, 3).map((v) => channel(Number(v) / 255));
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const page = luminance(getComputedStyle(document.body).backgroundColor);
  const faint_svg_text = contrast(result.incomplete).filter((n) => n.element instanceof SVGElement).flatMap((n) => {
    const style = getComputedStyle(n.element);
    const rgba = style.fill.match(/[\d.]+/g);
    if (!rgba || Number(style.fillOpacity) * Number(style.opacity) * (rgba[3] === undefined ? 1 : Number(rgba[3])) < 1) {
      return [{target: n.target.join(" "), html: `translucent text fill ${style.fill}: ` + n.html.slice(0, 120)}];
    }
    const text = luminance(style.fill);
    const ratio = (Math.max(text, page) + 0.05) / (Math.min(text, page) + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    return ratio < needed ? [{target: n.target.join(" "), html: `${ratio.toFixed(2)}:1 < ${needed}:1: ` + n.html.slice(0, 120)}] : [];
  });
  return {
    // a node the page replaced while axe ran (a plot redrawn as data arrives) has no style to judge
    replaced: [...result.violations.flatMap((v) => v.nodes), ...contrast(result.incomplete)]
      .some((n) => n.element && !n.element.isConnected),
    faint_svg_text,
    violations: result.violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160)}))})),
    judged: contrast(result.passes).length + contrast(result.violations).length,
    overlapped: overlapped.map((n) => ({target: n.target.join(" "), html: n.html.slice(0, 160)})),
  };
}"""
PARK_OTHER_SLIDES = """(slide) => {
  const current = document.querySelector(`[data-harness-slide="${slide}"]`);
  window.__parked = [];
  document.body.classList.add("axe-one-slide");
  for (const section of document.querySelectorAll(".reveal .slides section")) {
    if (section.contains(current) || current.contains(section)) continue;
    const outer = section.parentElement.closest("section");
    if (outer && !outer.contains(current)) continue; // inside a stack that is parked whole
    const place = document.createComment("parked by tests/test_accessibility.py");
    section.replaceWith(place);
    window.__parked.push([place, section]);
  }
  return window.__parked.length;
}"""
UNPARK = """() => {
  for (const [place, section] of window.__parked) place.replaceWith(section);
  window.__parked = [];
  document.body.classList.remove("axe-one-slide");
}"""
HIDE_CONTROLS_STYLE = "body.axe-one-slide .reveal > aside.controls { visibility: hidden !important; }"
HAS_TEXT = """(slide) => {
  const root = slide === null ? document.body : document.querySelector(`[data-harness-slide="${slide}"]`);
  return root.innerText.trim().length > 0;
}"""
HIGH_CONTRAST_ON = "() => document.body.classList.contains('high-contrast')"


# Our own rule beside axe's (axe accepts an SVG without a role): every plot the page shows, a Plot
# or d3 SVG in a cell's output, is an image with a text alternative, or lies in one (a stacked
# plot's container). Legend swatches and line samples (at most 60 px) are not plots.
PLOTS_WITHOUT_TEXT = """(slide) => {
  const root = slide === null ? document : document.querySelector(`[data-harness-slide="${slide}"]`);
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility === "visible";
  const named = (el) => el.getAttribute("role") === "img" && (el.getAttribute("aria-label") || "").trim().length > 20;
  const missing = [];
  for (const svg of root.querySelectorAll(".cell-output-display svg, .pg-root svg")) {
    if (!shown(svg)) continue;
    const box = svg.getBoundingClientRect();
    if (box.width <= 60 && box.height <= 60) continue; // a legend's swatch or line sample, not a plot
    if (svg.parentElement && svg.parentElement.closest("svg")) continue;
    const image = svg.closest('[role="img"]');
    if (!image || !named(image)) missing.push(svg.outerHTML.slice(0, 120));
  }
  return missing;
}"""


def toggle_high_contrast(page, on: bool):
    """The presenter's way: "C" with the focus outside any control."""
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("c")
    assert page.evaluate(HIGH_CONTRAST_ON) == on, f"C did not switch high contrast {'on' if on else 'off'}"


def axe_violations(run, high_contrast: bool = False) -> list[str]:
    """axe on each slide shown in turn (one 'slide' on an HTML page), minus ALLOWED; with it, the
    plots that have no text alternative (PLOTS_WITHOUT_TEXT). With `high_contrast`, each slide
    is checked again in the high-contrast variant with the colour rules."""
    page = run.page
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    page.add_style_tag(content=HIDE_CONTROLS_STYLE)
    found: dict[tuple[str, str, str], dict] = {}

    def check(slide_index: int | None, variant: str, rules: list[str] | None, shown_slide: int):
        result = page.evaluate(RUN_AXE, [slide_index, rules])
        for _ in range(3):  # judged again once the page has stopped replacing what axe looked at
            if not result["replaced"]:
                break
            page.wait_for_timeout(1000)
            result = page.evaluate(RUN_AXE, [slide_index, rules])
        violations = result["violations"]
        if slide_index is not None or not run.deck.reveal:
            # JUDGED_TEXT: the colour rules must have judged the slide's text, not passed it by.
            violations += [{"id": "contrast-not-judged", "impact": "serious",
                            "help": "axe could not judge this text's contrast: something lies over it",
                            "nodes": [node]} for node in result["overlapped"]]
            violations += [{"id": "svg-text-contrast", "impact": "serious",
                            "help": "plot text under a transparent layer has too little contrast",
                            "nodes": [node]} for node in result["faint_svg_text"]]
            if result["judged"] == 0 and page.evaluate(HAS_TEXT, slide_index):
                violations.append({"id": "contrast-not-judged", "impact": "serious",
                                   "help": "axe judged the contrast of no text on this slide",
                                   "nodes": [{"target": f"slide {shown_slide + 1}", "html": ""}]})
        if variant == "default":
            missing = page.evaluate(PLOTS_WITHOUT_TEXT, slide_index)
            violations += [{"id": "plot-text-alternative", "impact": "serious", "help": "a plot needs role=img and a description",
                            "nodes": [{"target": f"plot {i + 1}", "html": html}]} for i, html in enumerate(missing)]
        for violation in violations:
            for node in violation["nodes"]:
                if (violation["id"], node["target"]) not in ALLOWED:
                    key = (variant, violation["id"], node["target"])
                    found.setdefault(key, {**violation, "html": node["html"], "slides": []})["slides"].append(shown_slide + 1)

    def check_variants(slide_index: int | None, shown_slide: int):
        check(slide_index, "default", None, shown_slide)
        if high_contrast:
            toggle_high_contrast(page, True)
            check(slide_index, "high contrast", COLOUR_RULES, shown_slide)
            toggle_high_contrast(page, False)

    if not run.deck.reveal:
        check_variants(None, 0)
    for slide in run.deck.slides if run.deck.reveal else []:
        run.show(slide.index)
        if slide.index == 0:
            check_variants(None, 0)  # the whole document, chrome included
        assert page.evaluate(PARK_OTHER_SLIDES, slide.index) > 0
        try:
            check_variants(slide.index, slide.index)
        finally:
            page.evaluate(UNPARK)
    return [f"{variant}: {rule} ({v['impact']}: {v['help']}) at {target}: {v['html']} (slides {v['slides'][:5]}"
            f"{'...' if len(v['slides']) > 5 else ''})" for (variant, rule, target), v in sorted(found.items())]


def test_axe_is_the_version_package_lock_pins():
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    pinned = lock["packages"]["node_modules/axe-core"]["version"]
    assert re.fullmatch(r"4\.\d+\.\d+", pinned), pinned
    header = AXE.read_text(encoding="utf-8")[:40]
    assert f"axe v{pinned}" in header, f"tests/vendor/axe-core is {header!r}, package-lock pins {pinned}: run scripts/vendor_axe.mjs"
    installed = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if installed.is_file():
        assert installed.read_bytes() == AXE.read_bytes(), "the vendored axe.min.js differs from node_modules: run scripts/vendor_axe.mjs"


def test_every_page_is_checked():
    assert {"index.html", "exercise.html", "playground.html", "training.html", "slides/unit6.html"} <= set(PAGES), PAGES


@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_violation(harness_session, site, page):
    """Every slide of a deck also in its high-contrast variant ("C"), whose colour rules
    (contrast) must pass too; afterwards the slides still work (the harness's checks)."""
    run = harness_session.open(site, page)
    try:
        assert not run.report.failures, run.report.format()
        deck = page in DECKS
        if deck:
            assert not run.page.evaluate(HIGH_CONTRAST_ON)
        problems = axe_violations(run, high_contrast=deck)
        if deck:
            for slide in run.deck.slides:
                run.collect("after the accessibility checks", run.show(slide.index), slide=slide.index)
            problems += [str(f) for f in run.report.failures]
    finally:
        run.close()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("deck", DECKS)
def test_high_contrast_switch_is_kept_for_the_next_load(harness_session, site, deck):
    """"C" switches the variant on, the choice is kept in localStorage for the next load, and
    ?high-contrast=0 in the URL overrides it."""
    harness_session.server.serve(site)
    run = harness_session.open_url(harness_session.server.url(deck), deck, every_slide=False)
    try:
        page = run.page
        assert not page.evaluate(HIGH_CONTRAST_ON)
        toggle_high_contrast(page, True)
        assert page.evaluate("() => localStorage.getItem('deck-high-contrast')") == "1"
        page.reload(wait_until="load")
        assert page.evaluate(HIGH_CONTRAST_ON), "the high-contrast choice was not kept for the next load"
        page.goto(run.url.split("#")[0] + "?high-contrast=0", wait_until="load")
        assert not page.evaluate(HIGH_CONTRAST_ON), "?high-contrast=0 did not switch it off"
    finally:
        run.close()


# ---------------------------------------------------------------------------------------------
# Keyboard alone on the "Try it" slides

FOCUS = """() => {
  const el = document.activeElement;
  const slide = window.Reveal.getCurrentSlide();
  return {tag: el ? el.tagName.toLowerCase() : null, type: el && el.type || null,
    inSlide: !!(el && slide.contains(el)), value: el && "value" in el ? el.value : null,
    name: el ? (el.getAttribute("aria-label") || (el.labels && el.labels[0] ? el.labels[0].textContent : "")
      || el.textContent || "").trim() : ""};
}"""
MARK_FOCUSED_SLIDER = """() => {
  document.querySelectorAll("[data-keyboard-probe]").forEach((e) => e.removeAttribute("data-keyboard-probe"));
  document.activeElement.dataset.keyboardProbe = "1";
}"""
SLIDE_INDEX = "() => Number(window.Reveal.getCurrentSlide().dataset.harnessSlide)"
# What the slide tells a screen reader about its results: the plots' text alternatives and the
# readouts' text.
SAYS = """() => {
  const slide = window.Reveal.getCurrentSlide();
  return [...slide.querySelectorAll('[role="img"]')].map((s) => s.getAttribute("aria-label"))
    .concat([...slide.querySelectorAll('[class*="readout"]')].map((r) => r.textContent)).join(" | ");
}"""


def tab_to(page, predicate, limit: int = 60, seen: list | None = None) -> dict | None:
    """Presses Tab until the focused element is on the current slide and satisfies `predicate`."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        if seen is not None:
            seen.append(f"<{focus['tag']} type={focus['type']}> {focus['name'][:20]!r}{'' if focus['inSlide'] else ' (off the slide)'}")
        if focus["inSlide"] and predicate(focus):
            return focus
    return None


def test_try_it_slides_work_by_keyboard_and_the_clicker_still_changes_the_slide(harness_session, site):
    run = harness_session.open(site, "slides/unit6.html")
    page = run.page
    problems = []
    try:
        assert not run.report.failures, run.report.format()
        try_it = [s for s in run.deck.slides if s.title.startswith("Try it")]
        assert len(try_it) >= 9, [s.title for s in try_it]
        for slide in try_it:
            where = f"slide {slide.index + 1} '{slide.title}'"
            for clicker in ("PageDown", "ArrowRight"):
                run.show(slide.index)
                page.evaluate("() => document.activeElement && document.activeElement.blur()")
                before = page.evaluate(SAYS)
                seen = []
                slider = tab_to(page, lambda f: f["type"] == "range", seen=seen)
                if slider is None:
                    problems.append(f"{where}: Tab never reaches a slider; it visits {', '.join(seen[:12])}")
                    break
                page.evaluate(MARK_FOCUSED_SLIDER)
                # Up at the minimum, down otherwise: the value must change either way.
                at_min = page.evaluate("() => { const el = document.activeElement; return Number(el.value) <= Number(el.min); }")
                page.keyboard.press("ArrowUp" if at_min else "ArrowDown")
                run.settle()
                value_now = page.evaluate("() => document.querySelector('[data-keyboard-probe]').value")
                if page.evaluate(SLIDE_INDEX) != slide.index:
                    problems.append(f"{where}: an arrow key on the focused slider '{slider['name']}' changed the slide")
                    continue
                if value_now == slider["value"]:
                    key = "ArrowUp" if at_min else "ArrowDown"
                    problems.append(f"{where}: {key} did not move the focused slider '{slider['name']}' ({slider['value']}, "
                                    f"before {clicker})")
                elif page.evaluate(SAYS) == before:
                    problems.append(f"{where}: neither a plot's text alternative nor a readout followed the slider '{slider['name']}'")
                # A button (Reset / Re-run, Play ...) by keyboard: Tab to it, Enter.
                button = tab_to(page, lambda f: f["tag"] == "button")
                if button is not None:
                    page.keyboard.press("Enter")
                # The slide's cells after all this (the harness's checks: errors, NaN, overflow...).
                run.collect(f"keyboard-only use before {clicker}", run.settle(), slide=slide.index)
                # Afterwards, the clicker changes the slide.
                page.keyboard.press(clicker)
                run.settle()
                if page.evaluate(SLIDE_INDEX) != slide.index + 1:
                    focus = page.evaluate(FOCUS)
                    problems.append(f"{where}: after using the controls by keyboard, {clicker} did not change the slide "
                                    f"(focus on <{focus['tag']} type={focus['type']}> '{focus['name']}')")
        problems += [str(f) for f in run.report.failures]
    finally:
        run.close()
    assert not problems, "\n".join(problems)
