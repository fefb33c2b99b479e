// Learning-rate schedules (core/scenes.js: schedule_curves). A schedule is not an optimizer, so
// its curves are grey or slate, told apart by dash pattern and width and labelled by name.

import {Plot} from "../libs.js";
import {axis, frame_mark, tick_count} from "./axes.js";
import {dodge} from "./geometry.js";
import {describe_plot} from "./describe.js";
import {line_sample} from "./legend.js";
import {awaiting_slide, format_number} from "./readouts.js";
import {NEUTRAL_COLORS, SURFACE_CURVE_COLOR} from "./style.js";

export const SCHEDULE_STYLES = {
  constant: {color: NEUTRAL_COLORS.mid, dash: null, width: 3},
  step: {color: NEUTRAL_COLORS.dark, dash: null, width: 3},
  exponential: {color: NEUTRAL_COLORS.dark, dash: "9,5", width: 3},
  cosine: {color: SURFACE_CURVE_COLOR, dash: null, width: 4},
  warmup_cosine: {color: SURFACE_CURVE_COLOR, dash: "2,4", width: 4},
};
// Room at the right for the names at the curves' ends, and their least vertical distance, both
// for 24 px labels (the projection size of plot text, theme.css): the longest, "Warm-up + cosine"
// in semibold, is about 235 px after its 8 px offset (at 250 it was cut off by 5 px).
const SCHEDULE_LABEL_MARGIN = 268;
const SCHEDULE_LABEL_GAP = 28;

function schedule_style(curve) {
  return SCHEDULE_STYLES[curve.schedule] ?? {color: NEUTRAL_COLORS.dark, dash: null, width: 3};
}

// The horizon T of the curves (their last t), at least 1 so the x axis always has a length.
function schedule_horizon(curves) {
  const ends = curves.filter((c) => c.points.length).map((c) => c.points[c.points.length - 1][0]);
  return Math.max(1, ...ends);
}

// eta_t against t from 0 to T for every schedule, each named at its right end (labels moved
// apart where curves end close together), with a dotted line at t = T/2.
//   curves: schedule_curves(values);  view: SCENE_VIEW.schedules (its y is the eta axis)
export function schedule_plot(curves, view, {width = 640, height = 480, shown = true} = {}) {
  if (!shown) return awaiting_slide({width, height}); // nothing drawn before its slide is shown
  const horizon = schedule_horizon(curves);
  const [y0, y1] = view.y;
  const margin = {top: 16, right: SCHEDULE_LABEL_MARGIN, bottom: 64, left: 84};
  const frame_height = height - margin.top - margin.bottom;
  const frame_width = width - margin.left - margin.right;
  const drawn = curves.filter((c) => c.points.length);
  const clamp = (v) => Math.min(Math.max(v, y0), y1);
  const ends = drawn.map((c) => clamp(c.points[c.points.length - 1][1]));
  const label_px = dodge(
    ends.map((v) => ((y1 - v) / (y1 - y0)) * frame_height),
    SCHEDULE_LABEL_GAP,
    frame_height - 8, // the lowest name stays above the frame's bottom edge, clear of the last x tick label
  );
  const labels = drawn.map((c, i) => ({
    x: horizon,
    y: y1 - (label_px[i] / frame_height) * (y1 - y0),
    text: c.label,
    color: schedule_style(c).color,
  }));
  const half = Math.floor(horizon / 2);
  const plot = Plot.plot({
    width,
    height,
    marginTop: margin.top,
    marginRight: margin.right,
    marginBottom: margin.bottom,
    marginLeft: margin.left,
    x: axis("Step t", {domain: [0, horizon], ticks: tick_count(frame_width, "x")}),
    y: axis("Learning rate ηₜ", {domain: [y0, y1], grid: true, ticks: tick_count(frame_height, "y")}),
    marks: [
      frame_mark(),
      Plot.ruleX([half], {stroke: NEUTRAL_COLORS.mid, strokeDasharray: "1,4", strokeWidth: 1.5}),
      Plot.text([`T/2 = ${half}`], {
        x: half,
        frameAnchor: "top",
        dy: 6,
        dx: 6,
        textAnchor: "start",
        lineAnchor: "top",
        fontSize: 15,
        fill: NEUTRAL_COLORS.mid,
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
      ...drawn.map((c) => {
        const style = schedule_style(c);
        return Plot.line(c.points, {
          x: (p) => p[0],
          y: (p) => p[1],
          stroke: style.color,
          strokeWidth: style.width,
          ...(style.dash ? {strokeDasharray: style.dash} : {}),
          clip: true,
        });
      }),
      Plot.text(labels, {x: "x", y: "y", text: "text", fill: "color", dx: 8, textAnchor: "start", fontSize: 15, fontWeight: 600}),
    ],
  });
  const end_values = drawn.map((c) => `${c.label} ends at ${format_number(c.points[c.points.length - 1][1])}`).join("; ");
  return describe_plot(plot, `Learning rate against step from 0 to ${horizon} for ${drawn.length} schedules: ${end_values}`);
}

// A short sample of a schedule's line (colour, width, dash) for the readout.
function schedule_swatch(curve) {
  return line_sample(schedule_style(curve), {length: 34, height: 12, inset: 1, className: "readout-swatch-line"});
}

// The readout's rows: each schedule's eta at t = T/2 and t = T, or why it is not drawn.
export function schedule_readout_rows(curves) {
  const horizon = schedule_horizon(curves);
  const half = Math.floor(horizon / 2);
  const at = (c, t) => c.points.find((p) => p[0] === t)?.[1];
  return {
    half,
    horizon,
    rows: curves.map((c) => ({
      curve: c,
      label: c.label,
      values: c.points.length ? [format_number(at(c, half)), format_number(at(c, horizon))] : null,
      note: c.points.length ? null : `${c.label} not drawn: ${c.message}.`,
    })),
  };
}

// The readout as a small HTML table beside the plot (line sample, name, eta(T/2), eta(T)),
// then grey notes for curves that could not be drawn and the cell's `notes`.
export function schedule_readout(curves, {notes = []} = {}) {
  const {half, horizon, rows} = schedule_readout_rows(curves);
  const panel = document.createElement("div");
  panel.className = "readout trajectory-readout schedule-readout";
  const table = document.createElement("table");
  const cell = (tag, text, className) => {
    const element = document.createElement(tag);
    if (text !== null) element.textContent = text;
    if (className) element.className = className;
    return element;
  };
  const head = document.createElement("tr");
  // The swatch column's header is for screen readers only (an empty header has no name).
  const line_header = cell("th", null);
  line_header.append(cell("span", "Line", "visually-hidden"));
  head.append(line_header, cell("th", "Schedule"), cell("th", `η(${half})`), cell("th", `η(${horizon})`));
  table.append(head);
  for (const row of rows) {
    const tr = document.createElement("tr");
    const swatch = cell("td", null, "swatch-cell");
    swatch.append(schedule_swatch(row.curve));
    tr.append(swatch, cell("td", row.label));
    if (row.values) tr.append(cell("td", row.values[0], "number"), cell("td", row.values[1], "number"));
    else tr.append(cell("td", "—", "number"), cell("td", "—", "number"));
    table.append(tr);
  }
  panel.append(table);
  for (const note of [...rows.map((r) => r.note), ...notes]) {
    if (note) panel.append(cell("div", note, "readout-line readout-note"));
  }
  return panel;
}
