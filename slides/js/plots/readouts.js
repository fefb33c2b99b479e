// Readouts: the sentences beside a plot (where each run is, that and why it diverged), the
// legend scale, text marks with a halo, and the figure that says why there is no plot.

import {Plot} from "../libs.js";
import {clip_polyline, run_points} from "./geometry.js";
import {frame_mark} from "./axes.js";
import {describe_plot} from "./describe.js";
import {
  NEUTRAL_COLORS,
  OPTIMIZER_COLORS,
  READOUT_FONT_SIZE,
  READOUT_LINE_HEIGHT,
  REFERENCE_COLOR,
  REFERENCE_LABEL,
  SURFACE_CURVE_COLOR,
  SURFACE_CURVE_LABEL,
} from "./style.js";

export function format_number(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toPrecision(4).replace(/(\.\d*?[1-9])0+$|\.0+$/, "$1");
}

// One sentence per run: where it is now, or that (and where) it diverged.
export function run_readout(run, view) {
  const {label, result} = run;
  const last = result.rows[result.rows.length - 1];
  if (result.status === "diverged") {
    return `${label}: DIVERGED at update ${result.diverged_step} (${divergence_reason(result)}); last finite loss ${format_number(last.loss)}`;
  }
  let line = `${label}: step ${last.step}, loss ${format_number(last.loss)}, |grad| ${format_number(last.grad_norm)}`;
  if (view) {
    const {first_outside_step} = clip_polyline(run_points(result), view);
    if (first_outside_step !== null) line += `; leaves the plotted area at step ${first_outside_step}`;
  }
  return line;
}

function divergence_reason(result) {
  if (result.reason === "left_box") return "the parameters ran far out of the plotted area";
  if (result.reason === "non_finite") return "a value overflowed to infinity";
  return result.message;
}

// Splits text into lines of at most max_chars characters at spaces (a longer word stays whole).
export function wrap_text(text, max_chars) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max_chars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

// Text marks stacked from a corner of the frame, each with a white halo so that it stays
// legible over contours and paths. Long texts are wrapped to the frame's width (an average
// character is taken as 0.6 em, generous for the deck's sans-serif fonts).
export function text_lines(lines, {fontSize = READOUT_FONT_SIZE, anchor = "top-left", frame_width = 840} = {}) {
  const top = anchor.startsWith("top");
  const left = anchor.endsWith("left");
  const max_chars = Math.max(20, Math.floor((frame_width - 20) / (0.6 * fontSize)));
  const wrapped = lines.flatMap(({text, color = NEUTRAL_COLORS.dark, weight = "normal"}) =>
    wrap_text(text, max_chars).map((part) => ({text: part, color, weight})),
  );
  return wrapped.map(({text, color, weight}, i) =>
    Plot.text([text], {
      frameAnchor: anchor,
      dx: left ? 10 : -10,
      dy: top ? 8 + i * READOUT_LINE_HEIGHT : -8 - (wrapped.length - 1 - i) * READOUT_LINE_HEIGHT,
      text: (d) => d,
      textAnchor: left ? "start" : "end",
      lineAnchor: top ? "top" : "bottom",
      fill: color,
      fontSize,
      fontWeight: weight,
      stroke: "white",
      strokeWidth: 4,
      paintOrder: "stroke",
    }),
  );
}

export function run_color(run) {
  return OPTIMIZER_COLORS[run.optimizer] ?? NEUTRAL_COLORS.dark;
}

// A Plot color scale whose legend lists the runs (and the reference when it is drawn),
// each optimizer in its fixed deck colour.
export function legend_scale(runs, {reference = false, curve = false} = {}) {
  const domain = runs.map((run) => run.label);
  const range = runs.map(run_color);
  if (curve) {
    domain.push(SURFACE_CURVE_LABEL);
    range.push(SURFACE_CURVE_COLOR);
  }
  if (reference) {
    domain.push(REFERENCE_LABEL);
    range.push(REFERENCE_COLOR);
  }
  return {domain, range, legend: true};
}

// The lines of a trajectory readout: one per run (in its optimizer's colour, bold when it
// diverged), then the reference note and the cell's notes (grey).
export function readout_lines(runs, view, {reference = null, notes = []} = {}) {
  const lines = runs.map((run) => ({
    text: run_readout(run, view),
    color: run_color(run),
    diverged: run.result.status === "diverged",
    swatch: true,
  }));
  for (const note of [reference?.note, ...notes]) {
    if (note) lines.push({text: note, color: NEUTRAL_COLORS.mid, diverged: false, swatch: false});
  }
  return lines;
}

// The readout as HTML for the slide (beside or under the plot, never on top of the paths):
// a colour swatch per run, then the text, which wraps to the column's width.
export function trajectory_readout(runs, view, options = {}) {
  const panel = document.createElement("div");
  panel.className = "readout trajectory-readout";
  for (const line of readout_lines(runs, view, options)) {
    const row = document.createElement("div");
    row.className = line.swatch ? "readout-line" : "readout-line readout-note";
    if (line.swatch) {
      const swatch = document.createElement("span");
      swatch.className = "readout-swatch";
      swatch.style.background = line.color;
      row.append(swatch);
    }
    const text = document.createElement("span");
    text.textContent = line.text;
    if (line.diverged) text.className = "diverged";
    row.append(text);
    panel.append(row);
  }
  return panel;
}

// What a plot cell shows until its slide is first shown (first_shown in deck_slides.js; a data
// file not fetched yet has status "waiting"): an empty box of the plot's size, so that nothing
// is drawn for a slide nobody has seen yet (issue 10) and the layout does not jump.
export function awaiting_slide({width = 960, height = 300} = {}) {
  const box = document.createElement("div");
  box.className = "awaiting-slide";
  box.style.width = `${width}px`;
  box.style.maxWidth = "100%";
  box.style.height = `${height}px`;
  return box;
}

// A figure that says in words why there is no plot (missing or corrupt data), sized like
// the plot it replaces, so the slide layout does not jump.
export function message_plot(lines, {width = 960, height = 300, title} = {}) {
  const all = [...(title ? [{text: title, weight: "bold"}] : []), ...lines.map((text) => (typeof text === "string" ? {text} : text))];
  const plot = Plot.plot({
    width,
    height,
    x: {domain: [0, 1], axis: null},
    y: {domain: [0, 1], axis: null},
    marks: [
      frame_mark({strokeDasharray: "4,4"}),
      ...text_lines(
        all.map((l) => ({color: "#b00020", ...l})),
        {frame_width: width, fontSize: 21},
      ),
    ],
  });
  return describe_plot(plot, `No plot: ${all.map((l) => l.text).join(" ")}`);
}
