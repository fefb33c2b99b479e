// The live trainer's two plots: train and test loss per epoch, and the sharpness lambda1 against
// 2/eta (the edge of stability), each with its line legend. Runs arrive epoch by epoch; the Python
// reference runs of the same configurations are drawn under them, wide, grey and faint.
//
// A panel keeps what does not change while the runs train (Plot's axes, frame, grid, legend and
// the reference curves) and redraws only the live lines, as plain SVG paths in Plot's own scales:
// a row arriving costs a few path strings, not a Plot (which, with both cores training, made
// main-thread tasks of 100-500 ms). The kept part is rebuilt when the runs' labels or the
// reference change, or when a value leaves the y domain (which then grows by a margin).
//
// run = {index, optimizer, label, short_label, rows: [trainer rows], status}
// reference = [{run_index, rows}] (the reference rows of live run `run_index`), may be empty.

import {Plot} from "../libs.js";
import {axis, frame_mark, slide_margins} from "../plots/axes.js";
import {describe_plot} from "../plots/describe.js";
import {legend_plot} from "../plots/legend.js";
import {svg_element} from "../plots/svg.js";
import {
  NEUTRAL_COLORS,
  OPTIMIZER_COLORS,
  OPTIMIZER_DASHES,
  PATH_WIDTH,
  REFERENCE_COLOR,
  REFERENCE_PATH_OPACITY,
  REFERENCE_PATH_WIDTH,
} from "../plots/style.js";

// A test loss is drawn faded beside its opaque training loss (as on the data slides).
const FADED = 0.45;
const EDGE_DASH = "2,5";
const DIVERGED_COLOR = "#b00020";

const positive = (v) => typeof v === "number" && Number.isFinite(v) && v > 0;

// Two runs of one optimizer share its colour; the second and later ones get a dash pattern that
// no optimizer uses (style.js), so that the runs stay apart without breaking the colour rule.
const REPEAT_DASHES = ["12,3,3,3,3,3", "18,8", "6,3"];

export function run_dash(run, runs) {
  const before = runs.filter((other) => other.index < run.index && other.optimizer === run.optimizer).length;
  return before === 0 ? OPTIMIZER_DASHES[run.optimizer] || "" : REPEAT_DASHES[(before - 1) % REPEAT_DASHES.length];
}

// The series a panel draws for one run: [{key, points: [[epoch, value]], style}].
const LOSS_SERIES = [
  {key: "test_loss", value: (row) => row.test_loss, opacity: FADED},
  {key: "train_loss", value: (row) => row.train_loss, opacity: 1},
];
const SHARPNESS_SERIES = [
  {key: "edge", value: (row) => (positive(row.lr) ? 2 / row.lr : null), opacity: FADED, dash: EDGE_DASH},
  {key: "lambda1", value: (row) => row.lambda1, opacity: 1, dots: true},
];

function series_points(run, series) {
  const points = [];
  for (const row of run.rows) {
    const v = series.value(row);
    if (positive(v)) points.push([row.epoch, v]);
  }
  return points;
}

// A log domain around the values, `pad` times wider on each side (a decade when all are equal).
function padded_domain(values, pad) {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi / lo < 10) {
    const mid = Math.sqrt(lo * hi);
    lo = mid / Math.sqrt(10);
    hi = mid * Math.sqrt(10);
  }
  return [lo / pad, hi * pad];
}

// A run's legend entry; a repeated optimizer's run is not marked as the optimizer's entry (its dash
// is the run's, not the optimizer's).
const run_entry = (run, label, runs) => {
  const dash = run_dash(run, runs);
  const own = dash === (OPTIMIZER_DASHES[run.optimizer] || "");
  return {label, color: OPTIMIZER_COLORS[run.optimizer], dash, optimizer: own ? run.optimizer : null, width: PATH_WIDTH};
};

const REFERENCE_ENTRY = {label: "Python reference", color: REFERENCE_COLOR, width: REFERENCE_PATH_WIDTH, opacity: REFERENCE_PATH_OPACITY};

const KINDS = {
  loss: {
    series: LOSS_SERIES,
    reference_values: (row) => [row.train_loss, row.test_loss],
    y_label: "Loss (MSE, eV²)",
    fallback: [0.1, 10],
    legend: (runs, has_reference) => [
      ...runs.map((run) => run_entry(run, run.label, runs)),
      {label: "test (faded)", color: NEUTRAL_COLORS.dark, width: PATH_WIDTH, opacity: FADED},
      ...(has_reference ? [REFERENCE_ENTRY] : []),
    ],
    describe: (runs, has_reference) =>
      `Training (opaque) and test (faded) loss per epoch of ${runs.length} live runs` +
      (has_reference ? ", over the Python reference runs of the same configurations (grey)" : ""),
  },
  sharpness: {
    series: SHARPNESS_SERIES,
    reference_values: (row) => [row.lambda1],
    y_label: "λ₁ and 2/η",
    fallback: [1, 1000],
    legend: (runs) => [
      ...runs.map((run) => run_entry(run, `λ₁ ${run.short_label}`, runs)),
      {label: "2/η (faded dots)", color: NEUTRAL_COLORS.dark, width: PATH_WIDTH, dash: EDGE_DASH, opacity: FADED},
    ],
    describe: (runs) =>
      `The top Hessian eigenvalue λ₁ of the training loss per epoch of ${runs.length} live runs, each with its stability limit 2/η (dotted)`,
  },
};

// The kept part: axes, frame, reference curves, legend; and an empty <g> for the live lines.
function build_frame(kind, runs, reference, {width, height, epochs}, domain) {
  const spec = KINDS[kind];
  const marks = [frame_mark()];
  for (const series of spec.series) {
    const data = [];
    for (const ref of reference) {
      for (const row of ref.rows) {
        const v = kind === "loss" ? row[series.key] : series.key === "lambda1" ? row.lambda1 : null;
        if (positive(v)) data.push({run: ref.run_index, epoch: row.epoch, value: v});
      }
    }
    if (data.length) {
      marks.push(
        Plot.line(data, {
          x: "epoch",
          y: "value",
          z: "run",
          stroke: REFERENCE_COLOR,
          strokeWidth: REFERENCE_PATH_WIDTH,
          strokeOpacity: REFERENCE_PATH_OPACITY,
        }),
      );
    }
  }
  const svg = Plot.plot({
    width,
    height,
    ...slide_margins({bottom: 52}),
    x: axis("Epoch", {domain: [0, epochs]}),
    y: axis(spec.y_label, {type: "log", domain, grid: true, tickFormat: "~g", ticks: 4}),
    marks,
  });
  const live = svg_element("g", {class: "tr-live"});
  svg.append(live);
  const has_reference = reference.length > 0;
  describe_plot(svg, spec.describe(runs, has_reference));
  const figure = legend_plot(svg, spec.legend(runs, has_reference));
  figure.style.width = `${width}px`; // the legend wraps within the plot's width
  return {figure, svg, live, x: svg.scale("x"), y: svg.scale("y")};
}

function path_d(points, x, y) {
  let d = "";
  points.forEach(([epoch, value], i) => {
    d += `${i ? "L" : "M"}${x.apply(epoch).toFixed(2)},${y.apply(value).toFixed(2)}`;
  });
  return d;
}

// The live lines (and lambda1's dots, the crosses of diverged runs), in Plot's markup: one
// g[aria-label="line"] per series and run, as Plot's line marks are.
function draw_live(frame, kind, runs) {
  const {live, x, y} = frame;
  const parts = [];
  for (const series of KINDS[kind].series) {
    for (const run of runs) {
      const points = series_points(run, series);
      if (!points.length) continue;
      const color = OPTIMIZER_COLORS[run.optimizer];
      const dash = series.dash ?? (run_dash(run, runs) || null);
      const group = svg_element("g", {
        "aria-label": "line",
        "aria-hidden": "true",
        fill: "none",
        stroke: color,
        "stroke-width": PATH_WIDTH,
        "stroke-opacity": series.opacity === 1 ? null : series.opacity,
        "stroke-dasharray": dash,
        "stroke-linejoin": "round",
        "stroke-linecap": "round",
      });
      group.append(svg_element("path", {d: path_d(points, x, y)}));
      parts.push(group);
      if (series.dots) {
        const dots = svg_element("g", {"aria-label": "dot", "aria-hidden": "true", fill: color});
        for (const [epoch, value] of points)
          dots.append(svg_element("circle", {cx: x.apply(epoch).toFixed(2), cy: y.apply(value).toFixed(2), r: 4}));
        parts.push(dots);
      }
    }
  }
  if (kind === "loss") {
    const crosses = svg_element("g", {"aria-label": "dot", "aria-hidden": "true", fill: "none", stroke: DIVERGED_COLOR, "stroke-width": 3});
    for (const run of runs) {
      if (run.status !== "diverged") continue;
      const last = [...run.rows].reverse().find((row) => positive(row.train_loss));
      if (!last) continue;
      const cx = x.apply(last.epoch);
      const cy = y.apply(last.train_loss);
      crosses.append(svg_element("path", {d: `M${cx - 8},${cy - 8}L${cx + 8},${cy + 8}M${cx - 8},${cy + 8}L${cx + 8},${cy - 8}`}));
    }
    if (crosses.childNodes.length) parts.push(crosses);
  }
  live.replaceChildren(...parts);
}

// A panel of `kind` ("loss" | "sharpness"): {element, update(runs, reference, size)}.
export function training_panel(kind) {
  const element = document.createElement("div");
  element.className = `tr-panel tr-${kind}`;
  let frame = null;
  let frame_key = null;
  let domain = null;
  function update(runs, reference, size) {
    const spec = KINDS[kind];
    const values = [];
    for (const run of runs) for (const series of spec.series) for (const [, v] of series_points(run, series)) values.push(v);
    for (const ref of reference) for (const row of ref.rows) for (const v of spec.reference_values(row)) if (positive(v)) values.push(v);
    const key = JSON.stringify([
      runs.map((run) => [run.label, run.short_label, run.optimizer]),
      reference.map((r) => [r.run_index, r.rows.length]),
      size,
    ]);
    const fits = domain && values.every((v) => v >= domain[0] && v <= domain[1]);
    if (!frame || key !== frame_key || !fits) {
      // a new domain leaves room to grow: the frame is not rebuilt for every new low of the loss
      domain = values.length ? padded_domain(values, 2) : spec.fallback;
      frame = build_frame(kind, runs, reference, size, domain);
      frame_key = key;
      element.replaceChildren(frame.figure);
    }
    draw_live(frame, kind, runs);
  }
  return {element, update};
}
