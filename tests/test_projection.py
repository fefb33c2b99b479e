"""Plots are legible when the deck is projected (issue 14): on every slide with a plot, every text
in a plot (tick and axis labels, text marks, legends, captions, readouts) is at least 0.6 of the
slide's own body text as rendered, and every data line drawn at full opacity is at least 3 px wide.
The controls of the "Try it" slides (the sliders' labels, number and text boxes, selects, buttons)
are at least 0.6 of the body text too.

Measured on the real render at 1050x700 in Chromium, in one coordinate system: screen pixels.
SVG text is its computed font size times the SVG's rendered scale (its box over its viewBox, which
includes reveal.js's scaling of the slide); HTML text and the body text are their computed font
sizes times reveal.js's scale (the slide's box over its layout width). Line widths are in slide
pixels (the SVG's scale over reveal.js's)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DECK = "slides/unit6.html"
MIN_TEXT_RATIO = 0.6
MIN_LINE_PX = 3.0
# Font sizes are whole slide pixels scaled by one factor: compare to 1/1000 px, not to float noise.
EPSILON_PX = 1e-3

# The optimizer playground on its slide (mode "deck": one plot, the main controls, the rest folded
# under "More settings") is also measured with that panel open.
PLAYGROUND_SLIDE = "Try it: optimizer playground"

MEASURE = r"""(index) => {
  const slide = document.querySelector(`[data-harness-slide="${index}"]`);
  const scale = slide.getBoundingClientRect().width / slide.offsetWidth;
  const body = parseFloat(getComputedStyle(slide).fontSize) * scale;
  const visible = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility === "visible"
    && !el.closest(".hidden, [hidden]");
  const describe = (el) => (el.textContent || "").trim().replace(/\s+/g, " ").slice(0, 40);
  const texts = [];
  const lines = [];
  const clipped = [];
  for (const output of slide.querySelectorAll(".cell-output-display")) {
    if (!visible(output)) continue;
    for (const svg of output.querySelectorAll("svg")) {
      if (!visible(svg)) continue;
      const box = svg.getBoundingClientRect();
      const own = (svg.viewBox && svg.viewBox.baseVal && svg.viewBox.baseVal.width) || svg.width.baseVal.value || box.width;
      const k = box.width / own;
      const outermost = !svg.parentElement.closest("svg");
      for (const text of svg.querySelectorAll("text")) {
        if (!visible(text) || !text.textContent.trim()) continue;
        texts.push({what: "SVG text", text: describe(text), px: parseFloat(getComputedStyle(text).fontSize) * k});
        // An SVG clips what lies outside it: a text that runs over its edge is cut off. Its box is
        // its advance width by its em box less 0.15 em at the top and the bottom (the font's
        // internal leading, no ink: as for the overlaps below).
        const t = text.getBoundingClientRect();
        // A y label turned by 90 degrees has that leading at its left and right.
        const lead = 0.15 * parseFloat(getComputedStyle(text).fontSize) * k;
        const turned = /rotate\(\s*-?90/.test(text.getAttribute("transform") || "");
        const [lx, ly] = turned ? [lead, 0] : [0, lead];
        const over = Math.max(box.left - (t.left + lx), t.right - lx - box.right,
          box.top - (t.top + ly), t.bottom - ly - box.bottom) / scale;
        if (outermost && over > 1 && getComputedStyle(svg).overflow !== "visible") clipped.push({text: describe(text), px: over});
      }
      // Plot's line marks (paths, curves); contours, grids, rules and frames are other marks.
      for (const path of svg.querySelectorAll('g[aria-label="line"] path')) {
        const style = getComputedStyle(path);
        if (style.stroke === "none" || parseFloat(style.strokeOpacity) < 1 || parseFloat(style.opacity) < 1) continue;
        lines.push({stroke: style.stroke, px: (parseFloat(style.strokeWidth) * k) / scale});
      }
    }
    // HTML text of a plot: legends, captions, readouts. Inputs are controls, not plot text.
    for (const el of output.querySelectorAll("*")) {
      if (el.closest("svg, form, script, style") || !visible(el)) continue;
      if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
      if (!el.closest('figure, [class*="readout"], [class*="swatches"], .line-legend, .pg-root, [class^="pg-"]')) continue;
      texts.push({what: `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") || ""}">`, text: describe(el),
        px: parseFloat(getComputedStyle(el).fontSize) * scale});
    }
  }
  // Controls: a slider's label, number and text boxes, selects, buttons (their own text size).
  const controls = [];
  const kinds = "form label, input[type=number], input[type=text], select, button, summary";
  for (const el of slide.querySelectorAll(`.cell-output-display :is(${kinds})`)) {
    if (!visible(el)) continue;
    controls.push({what: `<${el.tagName.toLowerCase()}>`, text: describe(el) || el.value || el.getAttribute("aria-label") || "",
      px: parseFloat(getComputedStyle(el).fontSize) * scale});
  }
  // Within each plot figure (a <figure>, or a plot SVG outside one): its texts' boxes (SVG text,
  // legend entries, the caption's text) and the gap between the x axis label and the caption. A
  // text's box is its font's em box less 0.15 em at the top and at the bottom: the em box
  // includes the font's internal leading, so tick labels one line apart "overlap" by 1-2 px
  // without any ink touching; what is left spans the digits' and capitals' height and the
  // descenders.
  const figures = [];
  const shrink = (b, px) => ({left: b.left / scale, right: b.right / scale, top: (b.top + px) / scale, bottom: (b.bottom - px) / scale});
  for (const output of slide.querySelectorAll(".cell-output-display")) {
    if (!visible(output)) continue;
    const roots = [...output.querySelectorAll('figure, svg[class^="plot-"]')]
      .filter((f) => !f.parentElement.closest('figure, svg[class^="plot-"]') && visible(f));
    for (const figure of roots) {
      const boxes = [];
      for (const t of figure.querySelectorAll("svg text")) {
        if (!visible(t) || !t.textContent.trim() || t.parentElement.closest("text")) continue;
        const b = t.getBoundingClientRect();
        const k = b.width / (t.getBBox().width || b.width); // the SVG's rendered scale
        const axis = t.closest('g[aria-label$="-axis label"]');
        boxes.push({...shrink(b, 0.15 * parseFloat(getComputedStyle(t).fontSize) * k), text: describe(t),
          kind: axis ? axis.getAttribute("aria-label") : "text"});
      }
      for (const el of figure.querySelectorAll(".line-legend-item, figcaption")) {
        if (!visible(el) || !el.textContent.trim()) continue;
        const caption = el.tagName === "FIGCAPTION";
        const range = document.createRange();
        range.selectNodeContents(el);
        // the caption's text (its first line's top, last line's bottom), not its margins
        const b = caption ? range.getBoundingClientRect() : el.getBoundingClientRect();
        boxes.push({...shrink(b, caption ? 0.15 * parseFloat(getComputedStyle(el).fontSize) * scale : 0), text: describe(el),
          kind: caption ? "caption" : "legend"});
      }
      figures.push(boxes);
    }
  }
  // The line legends: their entries' boxes, and for an optimizer's entry its sample (the line's
  // dash pattern, or a marker for dots) and whether the plot draws a line of that colour and dash.
  const numbers = (dash) => (dash && dash !== "none" ? dash.match(/[\d.]+/g).map(Number) : []);
  const legends = [...slide.querySelectorAll(".cell-output-display .line-legend")].filter(visible).map((legend) => {
    const figure = legend.closest("figure") || legend.parentElement;
    const drawn = [...figure.querySelectorAll('g[aria-label="line"] path')].map((path) => {
      const style = getComputedStyle(path);
      return {stroke: style.stroke, dash: numbers(style.strokeDasharray)};
    });
    return [...legend.querySelectorAll(".line-legend-item")].filter(visible).map((item) => {
      const line = item.querySelector("svg line");
      const color = line ? getComputedStyle(line).stroke : null;
      const dash = line ? numbers(line.getAttribute("stroke-dasharray")) : null;
      return {...shrink(item.getBoundingClientRect(), 0), text: describe(item), optimizer: item.dataset.optimizer || null,
        sample: line ? "line" : "marker", dash,
        drawn: line ? drawn.some((d) => d.stroke === color && JSON.stringify(d.dash) === JSON.stringify(dash)) : null};
    });
  });
  const swatches = [...slide.querySelectorAll('.cell-output-display [class*="-swatches"]')].filter(visible).length;
  return {body, texts, lines, clipped, controls, figures, legends, swatches,
    plots: slide.querySelectorAll(".cell-output-display svg").length};
}"""


HIGH_CONTRAST = "() => { document.body.classList.add('high-contrast'); }"


def measure_deck(harness_session, site, setup: str | None = None) -> list[dict]:
    """Every slide that shows a plot: its title, body text size, plot texts and lines. With a
    `setup` (the high-contrast variant), the harness's checks (overflow on the real layout, cell
    errors, NaN, marks) run again on every slide and must pass."""
    run = harness_session.open(site, DECK)
    try:
        assert not run.report.failures, run.report.format()
        if setup:
            run.page.evaluate(setup)
        slides = []
        for slide in run.deck.slides:
            settled = run.show(slide.index)
            if setup:
                run.collect("high contrast", settled, slide=slide.index)
            measured = run.page.evaluate(MEASURE, slide.index)
            if measured["texts"] or measured["lines"] or measured["controls"]:
                slides.append({"number": slide.index + 1, "title": slide.title, **measured})
            if slide.title == PLAYGROUND_SLIDE:
                # Again with "More settings" open (what it folds is projection-sized too).
                more = run.page.locator(f'[data-harness-slide="{slide.index}"] summary', has_text="More settings")
                more.click()
                opened = run.page.evaluate(MEASURE, slide.index)
                slides.append({"number": slide.index + 1, "title": f"{slide.title} (More settings open)", **opened})
                run.page.locator(f'[data-harness-slide="{slide.index}"] .pg-more-panel button', has_text="Close").click()
                run.collect("playground settings folded again", run.settle(), slide=slide.index)
        assert not run.report.failures, run.report.format()
        return slides
    finally:
        run.close()


def small_texts(slide: dict, key: str = "texts") -> list[str]:
    least = MIN_TEXT_RATIO * slide["body"]
    return [f"slide {slide['number']} '{slide['title']}': {t['what']} {t['text']!r} is {t['px']:.1f} px, "
            f"body text {slide['body']:.1f} px (needs >= {least:.1f})"
            for t in slide[key] if t["px"] < least - EPSILON_PX]


def thin_lines(slide: dict) -> list[str]:
    return [f"slide {slide['number']} '{slide['title']}': a line in {line['stroke']} is {line['px']:.2f} px wide"
            for line in slide["lines"] if line["px"] < MIN_LINE_PX - EPSILON_PX]


@pytest.fixture(scope="module", params=["default", "high contrast"])
def plot_slides(request, harness_session, site):
    return measure_deck(harness_session, site, HIGH_CONTRAST if request.param == "high contrast" else None)


def test_every_plot_slide_is_measured(plot_slides):
    titles = [s["title"] for s in plot_slides]
    assert len(plot_slides) >= 19, titles
    assert sum(t.startswith("Try it") for t in titles) >= 9, titles
    assert all(s["texts"] for s in plot_slides if s["plots"]), "a slide with a plot has no measured text"


def test_plot_text_is_at_least_six_tenths_of_the_body_text(plot_slides):
    problems = [p for s in plot_slides for p in small_texts(s)]
    assert not problems, "\n".join(problems[:40])


def test_try_it_controls_are_at_least_six_tenths_of_the_body_text(plot_slides):
    try_it = [s for s in plot_slides if s["title"].startswith("Try it")]
    without = [s["title"] for s in try_it if not s["controls"]]
    assert not without, f"no control measured on {without}"
    labels = [c for s in try_it for c in s["controls"] if c["what"] == "<label>"]
    boxes = [c for s in try_it for c in s["controls"] if c["what"] == "<input>"]
    assert len(labels) >= 9 and len(boxes) >= 9, (len(labels), len(boxes))
    # every slide's controls, the Try-it slides' and the data slides' (a view switch, a slider)
    problems = [p for s in plot_slides for p in small_texts(s, "controls")]
    assert not problems, "\n".join(problems[:40])


def test_data_lines_are_at_least_3px(plot_slides):
    problems = [p for s in plot_slides for p in thin_lines(s)]
    assert not problems, "\n".join(problems[:40])


def test_the_playground_slide_is_legible_when_projected(plot_slides):
    """The playground's own slide mode: its plot text, readout and controls (folded ones too) at
    0.6 of the body text; the harness's overflow checks ran on it, open and folded."""
    shown = [s for s in plot_slides if s["title"].startswith(PLAYGROUND_SLIDE)]
    assert len(shown) == 2, [s["title"] for s in shown]
    for slide in shown:
        assert len(slide["texts"]) >= 20 and slide["controls"], slide["title"]
    problems = [p for s in shown for key in ("texts", "controls") for p in small_texts(s, key)]
    assert not problems, "\n".join(problems[:40])


# ---------------------------------------------------------------------------------------------
# Texts that collide, legends that run together

# A caption starts at least 4 slide px below the x axis label above it: a sixth of the 24 px plot
# text, about the space between two words, the least that reads as a gap from the back of the hall
# (at 1-2 px the label's descenders and the caption's capitals read as one line).
MIN_CAPTION_GAP_PX = 4.0
# Legend entries on one row are at least 8 px apart (a third of the text size: at 0-2 px the
# colour squares of Plot's legends read as part of the neighbouring name, "SGD■ SGD + momentum");
# entries on different rows must not touch.
MIN_LEGEND_GAP_PX = 8.0
STYLE_JS = Path(__file__).resolve().parent.parent / "slides" / "js" / "plots" / "style.js"


def optimizer_dashes() -> dict[str, list[float]]:
    """OPTIMIZER_DASHES of style.js (read, not copied), as lists of numbers ([] = solid)."""
    block = re.search(r"export const OPTIMIZER_DASHES = \{(.*?)\};", STYLE_JS.read_text(encoding="utf-8"), re.S)
    assert block, "OPTIMIZER_DASHES not found in style.js"
    return {name: [float(v) for v in dash.split(",")] if dash else []
            for name, dash in re.findall(r'^\s*(\w+):\s*"([^"]*)"', block.group(1), re.M)}


def gaps(a: dict, b: dict) -> tuple[float, float]:
    """Horizontal and vertical gap between two boxes (negative: they overlap along that axis)."""
    return max(a["left"], b["left"]) - min(a["right"], b["right"]), max(a["top"], b["top"]) - min(a["bottom"], b["bottom"])


def test_no_two_texts_of_a_plot_overlap(plot_slides):
    problems = []
    measured = 0
    for slide in plot_slides:
        for boxes in slide["figures"]:
            measured += len(boxes)
            for i, a in enumerate(boxes):
                for b in boxes[i + 1:]:
                    dx, dy = gaps(a, b)
                    if dx < 0 and dy < 0:
                        problems.append(f"slide {slide['number']} '{slide['title']}': {a['kind']} {a['text']!r} and "
                                        f"{b['kind']} {b['text']!r} overlap by {-dx:.1f} x {-dy:.1f} px")
    assert measured >= 300, measured
    assert not problems, "\n".join(problems[:40])


def test_no_plot_text_is_cut_off_at_its_plot_edge(plot_slides):
    problems = [f"slide {slide['number']} '{slide['title']}': {c['text']!r} runs {c['px']:.1f} px past its plot's edge"
                for slide in plot_slides for c in slide["clipped"]]
    assert not problems, "\n".join(problems)


def test_axis_labels_keep_clear_of_captions(plot_slides):
    problems = []
    pairs = 0
    for slide in plot_slides:
        for boxes in slide["figures"]:
            captions = [b for b in boxes if b["kind"] == "caption"]
            for label in (b for b in boxes if b["kind"] == "x-axis label"):
                for caption in (c for c in captions if c["top"] > label["top"]):
                    pairs += 1
                    gap = caption["top"] - label["bottom"]
                    if gap < MIN_CAPTION_GAP_PX - EPSILON_PX:
                        problems.append(f"slide {slide['number']} '{slide['title']}': x axis label {label['text']!r} is "
                                        f"{gap:.1f} px above the caption {caption['text']!r} (needs >= {MIN_CAPTION_GAP_PX})")
    assert pairs >= 6, pairs
    assert not problems, "\n".join(problems)


def test_legends_are_line_legends_with_clear_spacing(plot_slides):
    assert not [s["title"] for s in plot_slides if s["swatches"]], "a plot still has Plot's colour-swatch legend"
    problems = []
    legends = [(s, items) for s in plot_slides for items in s["legends"]]
    assert len(legends) >= 14, len(legends)  # 14 plot slides draw a line legend
    for slide, items in legends:
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                dx, dy = gaps(a, b)
                if dy < 1 and dx < MIN_LEGEND_GAP_PX - EPSILON_PX:
                    problems.append(f"slide {slide['number']} '{slide['title']}': legend entries {a['text']!r} and "
                                    f"{b['text']!r} are {dx:.1f} px apart (needs >= {MIN_LEGEND_GAP_PX})")
    assert not problems, "\n".join(problems[:40])


def test_each_optimizer_in_a_legend_shows_its_dash_pattern(plot_slides):
    """An optimizer's legend entry is a sample of its line: its colour and the dash pattern of
    style.js, and the plot draws a line of that colour and dash. Entries of dots (a scatter plot)
    show a dot: there is no path to tell apart."""
    dashes = optimizer_dashes()
    entries = [(s, e) for s in plot_slides for items in s["legends"] for e in items if e["optimizer"]]
    lines = [(s, e) for s, e in entries if e["sample"] == "line"]
    assert len(lines) >= 16 and len({e["optimizer"] for _, e in lines}) >= 5, len(lines)
    assert {s["title"] for s, _ in lines if s["title"].startswith(("Data", "Adam vs SGD"))}, "no data slide has an optimizer line legend"
    problems = []
    for slide, e in lines:
        where = f"slide {slide['number']} '{slide['title']}': legend entry {e['text']!r}"
        if e["dash"] != dashes[e["optimizer"]]:
            problems.append(f"{where} has the dash {e['dash']}, {e['optimizer']}'s is {dashes[e['optimizer']]}")
        elif not e["drawn"]:
            problems.append(f"{where}: the plot draws no line in its colour and dash pattern")
    assert not problems, "\n".join(problems[:40])
