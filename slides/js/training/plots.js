// The live trainer's two plots: train and test loss per epoch, and the sharpness lambda1 against
// 2/eta (the edge of stability), each with its line legend. Runs arrive epoch by epoch; the Python
// reference runs of the same configurations are drawn under them, wide, grey and faint.
//
// run = {index, optimizer, label, rows: [trainer rows], status, message}
// reference = [{run_index, rows}] (the reference rows of live run `run_index`), may be empty.

import {Plot} from "../libs.js";
import {axis, frame_mark, slide_margins} from "../plots/axes.js";
import {describe_plot} from "../plots/describe.js";
import {legend_plot} from "../plots/legend.js";
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

const finite = (v) => typeof v === "number" && Number.isFinite(v);
const positive = (v) => finite(v) && v > 0;

function points(runs, key, extra = () => ({})) {
  const out = [];
  for (const run of runs) {
    for (const row of run.rows) if (positive(row[key])) out.push({run: run.index, optimizer: run.optimizer, epoch: row.epoch, value: row[key], ...extra(row)});
  }
  return out;
}

// A log axis' domain around the values (a decade when there is one value or none).
function log_domain(values, fallback) {
  const good = values.filter(positive);
  if (!good.length) return fallback;
  let lo = Math.min(...good);
  let hi = Math.max(...good);
  if (hi / lo < 10) {
    const mid = Math.sqrt(lo * hi);
    lo = mid / Math.sqrt(10);
    hi = mid * Math.sqrt(10);
  }
  return [lo / 1.15, hi * 1.15];
}

// One line mark per run (a run's colour and dash pattern are constants of its mark).
function run_lines(data, runs, options) {
  return runs.map((run) =>
    Plot.line(
      data.filter((d) => d.run === run.index),
      {x: "epoch", y: "value", stroke: OPTIMIZER_COLORS[run.optimizer], strokeWidth: PATH_WIDTH, strokeDasharray: OPTIMIZER_DASHES[run.optimizer] || null, ...options},
    ),
  );
}

function reference_lines(reference, key) {
  const data = [];
  for (const ref of reference) for (const row of ref.rows) if (positive(row[key])) data.push({run: ref.run_index, epoch: row.epoch, value: row[key]});
  if (!data.length) return [];
  return [
    Plot.line(data, {
      x: "epoch",
      y: "value",
      z: "run",
      stroke: REFERENCE_COLOR,
      strokeWidth: REFERENCE_PATH_WIDTH,
      strokeOpacity: REFERENCE_PATH_OPACITY,
    }),
  ];
}

// The last finite point of each diverged run, marked by a cross.
function diverged_marks(runs, key) {
  const data = [];
  for (const run of runs) {
    if (run.status !== "diverged") continue;
    const last = [...run.rows].reverse().find((row) => positive(row[key]));
    if (last) data.push({epoch: last.epoch, value: last[key]});
  }
  return data.length ? [Plot.dot(data, {x: "epoch", y: "value", symbol: "times", r: 9, stroke: "#b00020", strokeWidth: 3})] : [];
}

const run_entry = (run, extra = {}) => ({
  label: run.label,
  color: OPTIMIZER_COLORS[run.optimizer],
  dash: OPTIMIZER_DASHES[run.optimizer] || "",
  optimizer: run.optimizer,
  width: PATH_WIDTH,
  ...extra,
});

const reference_entry = (reference) =>
  reference.length ? [{label: "Python reference", color: REFERENCE_COLOR, width: REFERENCE_PATH_WIDTH, opacity: REFERENCE_PATH_OPACITY}] : [];

export function loss_plot(runs, reference, {width, height, epochs}) {
  const train = points(runs, "train_loss");
  const test = points(runs, "test_loss");
  const ref_values = reference.flatMap((r) => r.rows.flatMap((row) => [row.train_loss, row.test_loss]));
  const domain = log_domain([...train, ...test].map((d) => d.value).concat(ref_values), [0.1, 10]);
  const plot = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins({bottom: 52}),
      x: axis("Epoch", {domain: [0, epochs]}),
      y: axis("Loss (MSE, eV²)", {type: "log", domain, grid: true, tickFormat: "~g", ticks: 4}),
      marks: [
        frame_mark(),
        ...reference_lines(reference, "train_loss"),
        ...reference_lines(reference, "test_loss"),
        ...run_lines(test, runs, {strokeOpacity: FADED}),
        ...run_lines(train, runs),
        ...diverged_marks(runs, "train_loss"),
      ],
    }),
    `Training (opaque) and test (faded) loss per epoch of ${runs.length} live runs` +
      (reference.length ? ", over the Python reference runs of the same configurations (grey)" : ""),
  );
  return legend_plot(plot, [
    ...runs.map((run) => run_entry(run)),
    {label: "test (faded)", color: NEUTRAL_COLORS.dark, width: PATH_WIDTH, opacity: FADED},
    ...reference_entry(reference),
  ]);
}

// lambda1 (dots joined by the run's line) and 2/eta at each epoch (the same colour, dotted): a
// full-batch GD run whose lambda1 reaches its 2/eta line is at the edge of stability.
export function sharpness_plot(runs, reference, {width, height, epochs}) {
  const sharp = points(runs, "lambda1");
  const edge = points(runs, "lr", (row) => ({edge: 2 / row.lr})).map((d) => ({...d, value: d.edge}));
  const ref_values = reference.flatMap((r) => r.rows.map((row) => row.lambda1));
  const domain = log_domain([...sharp, ...edge].map((d) => d.value).concat(ref_values), [1, 1000]);
  const plot = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins({bottom: 52}),
      x: axis("Epoch", {domain: [0, epochs]}),
      y: axis("λ₁ and 2/η", {type: "log", domain, grid: true, tickFormat: "~g", ticks: 4}),
      marks: [
        frame_mark(),
        ...reference_lines(reference, "lambda1"),
        ...runs.map((run) =>
          Plot.line(
            edge.filter((d) => d.run === run.index),
            {x: "epoch", y: "value", stroke: OPTIMIZER_COLORS[run.optimizer], strokeWidth: PATH_WIDTH, strokeDasharray: EDGE_DASH, strokeOpacity: FADED},
          ),
        ),
        ...run_lines(sharp, runs),
        ...runs.map((run) =>
          Plot.dot(
            sharp.filter((d) => d.run === run.index),
            {x: "epoch", y: "value", fill: OPTIMIZER_COLORS[run.optimizer], r: 4},
          ),
        ),
      ],
    }),
    `The top Hessian eigenvalue λ₁ of the training loss per epoch of ${runs.length} live runs, each with its stability limit 2/η (dotted)`,
  );
  return legend_plot(plot, [
    ...runs.map((run) => run_entry(run, {label: `λ₁ ${run.short_label}`})),
    {label: "2/η (faded dots)", color: NEUTRAL_COLORS.dark, width: PATH_WIDTH, dash: EDGE_DASH, opacity: FADED},
  ]);
}
