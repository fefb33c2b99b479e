"""A slider answers within its own frame (issue 10): slides/js/deck_runtime.js makes Quarto's
Observable runtime recompute the cells after an input event in that event's task, not in the next
animation frame. In Node against a stand-in runtime: the scheduling rule (one computation per
input, the rest by frame). In the deck: a slider's plot changes before the next frame."""

from __future__ import annotations

import shutil
from contextlib import contextmanager

import pytest

from test_deck_helpers_js import node

DECK = "slides/unit6.html"
SADDLE = "try-it-escaping-a-saddle"


@contextmanager
def deck_slide(harness_session, site, title):
    """The rendered deck opened at the slide titled `title` (shown, its cells settled): yields the
    run and the slide; afterwards the deck must have reported no failure."""
    harness_session.server.serve(site)
    run = harness_session.open_url(harness_session.server.url(DECK), DECK, every_slide=False)
    try:
        slide = next(s for s in run.deck.slides if s.title == title)
        run.show(slide.index)
        run.settle()
        yield run, slide
        run.collect("after the slider moves", run.settle(), slide=slide.index)
        assert not run.report.failures, run.report.failures
    finally:
        run.close()

# A runtime with the method the patch replaces: it records which computations ran by frame.
STAND_IN = """
import {recompute_on_input} from "./slides/js/deck_runtime.js";
const frames = [];
globalThis.requestAnimationFrame = (callback) => frames.push(callback);
const target = new EventTarget();
const runtime = {
  computed: [],
  _computeSoon() { return new Promise((resolve) => requestAnimationFrame(resolve)).then(() => this._computeNow()); },
  _computeNow() { this.computed.push(this.label); },
};
const log = {};
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));
log.installed = recompute_on_input(runtime, target);
log.again = recompute_on_input(runtime, target);
log.no_runtime = recompute_on_input(null, target);
runtime.label = "idle"; runtime._computeSoon(); await settle();
log.idle = {computed: [...runtime.computed], frames: frames.length};
target.dispatchEvent(new Event("input"));
runtime.label = "after input"; runtime._computeSoon();
await Promise.resolve(); await Promise.resolve();  // microtasks only: no frame, no timer
log.after_input = {computed: [...runtime.computed], frames: frames.length};
runtime.label = "follow-up"; runtime._computeSoon(); await settle();
log.follow_up = {computed: [...runtime.computed], frames: frames.length};
target.dispatchEvent(new Event("input"));
await settle();  // nothing computed in the input's task: the next computation waits for a frame
runtime.label = "later"; runtime._computeSoon(); await settle();
log.later = {computed: [...runtime.computed], frames: frames.length};
console.log(JSON.stringify(log));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_one_computation_per_input_event_skips_the_frame_wait():
    log = node(STAND_IN)
    assert log["installed"] is True and log["again"] is True and log["no_runtime"] is False
    # Without an input event the runtime waits for a frame, as Observable's does.
    assert log["idle"] == {"computed": [], "frames": 1}
    # After one: the first computation runs at once, the follow-up waits for a frame.
    assert log["after_input"] == {"computed": ["after input"], "frames": 1}
    assert log["follow_up"] == {"computed": ["after input"], "frames": 2}
    # An input event that started no computation does not make a later one immediate.
    assert log["later"] == {"computed": ["after input"], "frames": 3}


JS_MOVE_AND_WATCH = """async (slide_id) => {
  const slide = document.getElementById(slide_id);
  const slider = slide.querySelector('input[type=range]');
  const plot = slide.querySelector('.trajectory-layers').closest('.cell-output-display, .observablehq');
  const before = slide.querySelector('.trajectory-layers');
  // When the plot is replaced by the new one (other nodes of the slide change on input too).
  const seen = {mutation: null, frame: null};
  const observer = new MutationObserver(() => {
    if (seen.mutation === null && slide.querySelector('.trajectory-layers') !== before) seen.mutation = performance.now();
  });
  observer.observe(slide, {subtree: true, childList: true});
  requestAnimationFrame(() => { seen.frame = performance.now(); });
  slider.value = String(Number(slider.value) + Number(slider.step || 1));
  slider.dispatchEvent(new Event('input', {bubbles: true}));
  await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
  observer.disconnect();
  const after = slide.querySelector('.trajectory-layers');
  return {replaced: before !== after && after !== null, plot: Boolean(plot),
          before_frame: seen.mutation !== null && seen.frame !== null && seen.mutation < seen.frame,
          patched: window._ojs.ojsConnector.runtime[Symbol.for("deck.recompute_on_input")] === true};
}"""


def test_a_slider_redraws_its_plot_before_the_next_frame(harness_session, site):
    with deck_slide(harness_session, site, "Try it: escaping a saddle") as (run, _):
        result = run.page.evaluate(JS_MOVE_AND_WATCH, SADDLE)
        assert result["patched"], "Quarto's runtime is not patched: is deck_runtime.js imported by the deck?"
        assert result["plot"] and result["replaced"], result
        assert result["before_frame"], f"the plot changed after the next animation frame: {result}"


# Every chart's <style> (Plot's rules) lives once in <head> (libs.js, hoist_styles), so that a
# redraw adds and removes no stylesheet, which made Chromium rebuild the whole deck's style rules
# on every slider move (issue 25). The rules still apply: a chart keeps Plot's max-width and its
# text keeps `white-space: pre`.
JS_CHART_STYLES = """async (slide_id) => {
  const slide = document.getElementById(slide_id);
  const count = () => ({
    in_charts: document.querySelectorAll('.reveal .slides svg style, .reveal .slides figure style').length,
    hoisted: document.head.querySelectorAll('style[data-hoisted-from="plot"]').length,
    sheets: document.styleSheets.length,
  });
  const before = count();
  for (const slider of slide.querySelectorAll('input[type=range]')) {
    slider.value = String(Number(slider.value) + Number(slider.step || 1));
    slider.dispatchEvent(new Event('input', {bubbles: true}));
    await new Promise(requestAnimationFrame);
  }
  await new Promise(requestAnimationFrame);
  const chart = slide.querySelector('svg[class^="plot-"]');
  const text = chart && chart.querySelector('text');
  return {before, after: count(), max_width: chart && getComputedStyle(chart).maxWidth,
          white_space: text && getComputedStyle(text).whiteSpace};
}"""


def test_charts_share_one_stylesheet_and_a_redraw_adds_none(harness_session, site):
    with deck_slide(harness_session, site, "Try it: learning-rate schedules") as (run, _):
        result = run.page.evaluate(JS_CHART_STYLES, "try-it-learning-rate-schedules")
        assert result["before"]["in_charts"] == 0 and result["after"]["in_charts"] == 0, result
        assert result["before"]["hoisted"] >= 1, f"Plot's rules are not in <head>: {result}"
        assert result["after"]["sheets"] == result["before"]["sheets"], f"a redraw changed the stylesheets: {result}"
        assert result["max_width"] == "100%" and result["white_space"] == "pre", result


# A value Quarto hides (a declaration such as `hess_runs = run_scene(...)`) is rendered by its
# inspector once, not again at every move of a slider (render_hidden_values_once, issue 25),
# while the plots redraw and no cell is left running.
JS_HIDDEN_VALUES = """async (slide_id) => {
  const slide = document.getElementById(slide_id);
  const hidden = () => [...slide.querySelectorAll('div.observablehq.quarto-ojs-hide')]
    .filter(div => div.firstChild && div.firstChild.classList && div.firstChild.classList.contains('observablehq--inspect'));
  const before = hidden().map(div => [div, div.firstChild]);
  const plot = slide.querySelector('.trajectory-layers');
  const slider = slide.querySelector('input[type=range]');
  slider.value = String(Number(slider.value) + Number(slider.step || 1));
  slider.dispatchEvent(new Event('input', {bubbles: true}));
  await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
  return {hidden: before.length, rerendered: before.filter(([div, child]) => div.firstChild !== child).length,
          plot_redrawn: slide.querySelector('.trajectory-layers') !== plot,
          running: slide.querySelectorAll('.observablehq--running').length,
          patched: window._ojs.ojsConnector.inspectorClass.prototype[Symbol.for("deck.hidden_values_rendered_once")] === true};
}"""


def test_hidden_values_are_not_rendered_again_on_a_slider_move(harness_session, site):
    with deck_slide(harness_session, site, "Try it: Hessian eigenvalues") as (run, _):
        result = run.page.evaluate(JS_HIDDEN_VALUES, "try-it-hessian-eigenvalues")
        assert result["patched"], "render_hidden_values_once is not installed: is it called by the deck?"
        assert result["hidden"] >= 3 and result["rerendered"] == 0, result
        assert result["plot_redrawn"] and result["running"] == 0, result


# The rule of render_hidden_values_once in Node, against a stand-in inspector and nodes: which
# values are rendered again and which are not.
HIDDEN_STAND_IN = """
import {render_hidden_values_once} from "./slides/js/deck_runtime.js";
globalThis.Node = class Node {};
globalThis.CustomEvent = class CustomEvent { constructor(type) { this.type = type; } };
class ClassList extends Set {
  contains(name) { return this.has(name); }
  remove(...names) { names.forEach((name) => this.delete(name)); }
}
class Element extends Node {
  constructor(name, classes) {
    super();
    Object.assign(this, {nodeName: name, classList: new ClassList(classes), childNodes: [], events: []});
  }
  get firstChild() { return this.childNodes[0] ?? null; }
  dispatchEvent(event) { this.events.push(event.type); }
}
const element = (name, classes = []) => new Element(name, classes);
class Inspector {
  constructor(node) { this._node = node; this.rendered = 0; }
  fulfilled(value) { this.rendered++; this._node.classList.delete("observablehq--running"); }
}
const log = {installed: render_hidden_values_once({inspectorClass: Inspector}),
             again: render_hidden_values_once({inspectorClass: Inspector}),
             none: render_hidden_values_once(undefined)};
const case_of = (classes, children) => {
  const node = element("DIV", classes);
  node.childNodes.push(...children);
  const inspector = new Inspector(node);
  inspector.fulfilled({a: 1});
  inspector.fulfilled(new Node());
  return {rendered: inspector.rendered, running: node.classList.has("observablehq--running"), events: node.events};
};
const tree = () => element("SPAN", ["observablehq--inspect"]);
log.hidden_value = case_of(["quarto-ojs-hide", "observablehq--running"], [tree()]);
log.shown_value = case_of([], [tree()]);
log.after_error = case_of(["quarto-ojs-hide"], [element("DIV", ["observablehq--inspect"]), element("DIV", ["callout-important"])]);
log.in_error = case_of(["quarto-ojs-hide", "observablehq--error"], [tree()]);
log.empty = case_of(["quarto-ojs-hide"], []);
console.log(JSON.stringify(log));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_hidden_value_rule_renders_errors_dom_values_and_shown_values():
    log = node(HIDDEN_STAND_IN)
    assert log["installed"] is True and log["again"] is True and log["none"] is False
    # A hidden tree: the object value is not rendered (running cleared, "update" sent); a DOM value is.
    assert log["hidden_value"] == {"rendered": 1, "running": False, "events": ["update"]}
    # Everything else is rendered every time.
    for case in ("shown_value", "after_error", "in_error", "empty"):
        assert log[case]["rendered"] == 2 and log[case]["events"] == [], (case, log[case])


# High contrast's stronger contour lines reach the trajectory plots' contour layer (plots/contours.js
# draws it as its own SVG, class trajectory-contours, not a Plot chart): its level lines at 0.8
# opacity instead of 0.35.
JS_CONTOUR_LINES = """() => {
  const lines = document.querySelector('#try-it-hessian-eigenvalues svg.trajectory-contours g[aria-label="contour"] g[stroke]');
  return lines ? Number(getComputedStyle(lines).strokeOpacity) : null;
}"""


def test_high_contrast_strengthens_the_contour_lines(harness_session, site):
    with deck_slide(harness_session, site, "Try it: Hessian eigenvalues") as (run, _):
        assert run.page.evaluate(JS_CONTOUR_LINES) == pytest.approx(0.35)
        run.page.evaluate("() => document.body.classList.add('high-contrast')")
        assert run.page.evaluate(JS_CONTOUR_LINES) == pytest.approx(0.8)
