// Data slides (files made by pygen). Each takes load_table(...)'s result and draws it, or says
// in words why it cannot.

import {Plot, d3} from "../libs.js";
import {axis, frame_mark, side_by_side, slide_margins} from "./axes.js";
import {linspace} from "./geometry.js";
import {awaiting_slide, format_number, message_plot, text_lines} from "./readouts.js";
import {MARGIN_LEFT, MARGIN_RIGHT, NEUTRAL_COLORS, OPTIMIZER_COLORS, OPTIMIZER_DASHES, PATH_WIDTH} from "./style.js";
import {describe_plot} from "./describe.js";
import {legend_plot} from "./legend.js";

// The stages of training, light to dark; the lightest one's readout line is written in the
// mid grey (its own colour is too pale for text).
// Each stage also has its own dash pattern, so that the curves can be told apart without colour.
const STAGE_STYLES = {
  init: {color: "#b0b0b0", text: NEUTRAL_COLORS.mid, dash: "3,4"},
  mid: {color: "#6f6f6f", text: NEUTRAL_COLORS.dark, dash: "9,4"},
  end: {color: "#000000", text: NEUTRAL_COLORS.dark, dash: ""},
};

// A faded line (a test loss beside its opaque training loss).
const FADED = 0.45;

// A message figure when the file is missing, corrupt or lacks a column the plot needs; else null.
function not_loaded(loaded, options, required = []) {
  if (loaded?.status === "waiting") return awaiting_slide(options);
  let message = null;
  if (!loaded || loaded.status !== "ok") {
    message = loaded?.message ?? "The data file was not loaded.";
  } else {
    const absent = required.filter((column) => !loaded.columns.includes(column));
    if (absent.length) message = `The data file lacks the column(s) ${absent.join(", ")}: regenerate it with \`python -m pygen\`.`;
  }
  return message === null ? null : message_plot([message], {title: "No data to show", ...options});
}

function optimizer_scale(rows) {
  const seen = new Map();
  for (const row of rows) if (!seen.has(row.label)) seen.set(row.label, row.optimizer);
  const labels = [...seen.keys()];
  return {
    domain: labels,
    range: labels.map((label) => OPTIMIZER_COLORS[seen.get(label)] ?? NEUTRAL_COLORS.dark),
    optimizers: labels.map((label) => seen.get(label)),
  };
}

// Each run's label -> its optimizer's dash pattern (style.js), for Plot's strokeDasharray channel.
const optimizer_dash = (d) => OPTIMIZER_DASHES[d.optimizer] ?? "";

// The line legend entries of an optimizer scale: colour and dash pattern of each optimizer's line.
function optimizer_entries(scale, extra = {}) {
  return scale.domain.map((label, i) => ({
    label,
    color: scale.range[i],
    dash: OPTIMIZER_DASHES[scale.optimizers[i]] ?? "",
    optimizer: scale.optimizers[i],
    width: PATH_WIDTH,
    ...extra,
  }));
}

// Legend entries saying what opaque and faded lines are (the split of a loss), in grey.
const SPLIT_ENTRIES = [
  {label: "training (opaque)", color: NEUTRAL_COLORS.dark, width: PATH_WIDTH},
  {label: "test (faded)", color: NEUTRAL_COLORS.dark, width: PATH_WIDTH, opacity: FADED},
];

// Train (solid) and test (dashed) loss per epoch, mean over seeds with the seeds' range as a
// band, one panel per batch size; the caption gives the final losses.
export function training_curves_plot(loaded, {width = 960, height = 400} = {}) {
  const missing = not_loaded(loaded, {width, height}, [
    "label",
    "optimizer",
    "batch_size",
    "seed",
    "epoch",
    "train_loss",
    "test_loss",
    "run_status",
  ]);
  if (missing) return missing;
  const groups = d3.group(loaded.rows, (r) => `${r.label}|${r.batch_size}|${r.epoch}`);
  const summary = [...groups.values()].map((rows) => ({
    label: rows[0].label,
    optimizer: rows[0].optimizer,
    dash: OPTIMIZER_DASHES[rows[0].optimizer] ?? "",
    batch: `batch size ${rows[0].batch_size}`,
    batch_size: rows[0].batch_size,
    epoch: rows[0].epoch,
    train: d3.mean(rows, (r) => r.train_loss),
    test: d3.mean(rows, (r) => r.test_loss),
    test_lo: Math.min(...rows.map((r) => r.test_loss)),
    test_hi: Math.max(...rows.map((r) => r.test_loss)),
    seeds: rows.length,
  }));
  const positive = summary.filter((d) => d.train > 0 && d.test > 0 && d.test_lo > 0);
  const last_epoch = Math.max(...positive.map((d) => d.epoch));
  const finals = positive.filter((d) => d.epoch === last_epoch);
  const batches = [...new Set(finals.map((d) => d.batch_size))].sort((a, b) => a - b);
  const short = (v) => v.toPrecision(3);
  const caption = batches
    .map(
      (b) =>
        `batch ${b}: ` +
        finals
          .filter((d) => d.batch_size === b)
          .map((d) => `${d.label} ${short(d.train)} / ${short(d.test)}`)
          .join(", "),
    )
    .join("; ");
  // Panels in batch-size order (as strings "batch size 512" would sort before "batch size 64").
  const panels = [...new Set(summary.map((d) => d.batch_size))].sort((a, b) => a - b).map((b) => `batch size ${b}`);
  const diverged = [
    ...new Set(loaded.rows.filter((r) => r.run_status === "diverged").map((r) => `${r.label} (batch ${r.batch_size}, seed ${r.seed})`)),
  ];
  const scale = optimizer_scale(loaded.rows);
  const plot = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins(),
      fx: {label: null, domain: panels},
      x: axis("Epoch"),
      y: axis("Loss (MSE, eV²), log scale", {type: "log", grid: true, tickFormat: "~g"}),
      color: {domain: scale.domain, range: scale.range},
      caption:
        `Opaque: training, faded: test loss (mean of ${positive[0]?.seeds ?? 0} seeds; band: the seeds' range); each optimizer has its own dash pattern. ` +
        `Train / test loss (eV²) at epoch ${last_epoch}, ${caption}.` +
        (diverged.length ? ` Diverged and stopped early: ${diverged.join(", ")}.` : ""),
      marks: [
        frame_mark(),
        Plot.areaY(positive, {fx: "batch", x: "epoch", y1: "test_lo", y2: "test_hi", z: "label", fill: "label", fillOpacity: 0.15}),
        ...optimizer_lines(positive, {fx: "batch", x: "epoch", y: "train", z: "label", stroke: "label", strokeWidth: PATH_WIDTH}),
        ...optimizer_lines(positive, {
          fx: "batch",
          x: "epoch",
          y: "test",
          z: "label",
          stroke: "label",
          strokeWidth: PATH_WIDTH,
          strokeOpacity: FADED,
        }),
      ],
    }),
    "Training (opaque) and test (faded) loss per epoch of each optimizer on the band-gap data, one panel per batch size",
  );
  return legend_plot(plot, [...optimizer_entries(scale), ...SPLIT_ENTRIES]);
}

// One line mark per dash pattern (Plot's strokeDasharray is a constant per mark, not a channel).
function optimizer_lines(rows, options) {
  const dashes = [...new Set(rows.map(optimizer_dash))];
  return dashes.map((dash) =>
    Plot.lineY(
      rows.filter((d) => optimizer_dash(d) === dash),
      {...options, strokeDasharray: dash || null},
    ),
  );
}

// 0 and the powers of ten (with sign) inside the values' range, for a symlog axis.
function decade_ticks(values) {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const ticks = [0];
  for (let p = 1; p <= 1e6; p *= 10) {
    if (p <= hi) ticks.push(p);
    if (-p >= lo) ticks.unshift(-p);
  }
  return ticks;
}

// The whole sorted spectrum at each stage of training: rank on x, eigenvalue on a symlog y
// axis (so both the bulk near zero and the few large outliers are visible).
export function hessian_spectrum_plot(loaded, {width = 960, height = 380} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["stage", "epoch", "train_loss", "rank", "eigenvalue"]);
  if (missing) return missing;
  const stages = [...d3.group(loaded.rows, (r) => r.stage).entries()];
  const lines = stages.map(([stage, rows]) => {
    const values = rows.map((r) => r.eigenvalue);
    const top = Math.max(...values);
    // The threshold of hessian_training.arrow: closer to zero than 1e-9 lambda_max is rounding.
    const negative = values.filter((v) => v < -1e-9 * top).length;
    const flat = values.filter((v) => Math.abs(v) < 0.01 * top).length;
    return {
      text: `${stage}, epoch ${rows[0].epoch}: λmax ${format_number(top)}, λmin ${format_number(Math.min(...values))}, ${negative} negative, ${flat} near 0`,
      color: STAGE_STYLES[stage]?.text ?? NEUTRAL_COLORS.dark,
    };
  });
  const domain = stages.map(([stage]) => stage);
  const style = (stage) => STAGE_STYLES[stage] ?? {color: NEUTRAL_COLORS.dark, dash: ""};
  const plot = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins({extra_left: 10}),
      x: axis("Rank of the eigenvalue (sorted, most negative first)"),
      // Decades only: symlog's default ticks crowd into one another near the top.
      y: axis("Hessian eigenvalue (symlog)", {type: "symlog", grid: true, ticks: decade_ticks(loaded.rows.map((r) => r.eigenvalue))}),
      caption: `${loaded.rows.length / Math.max(1, stages.length)} eigenvalues per stage. "Negative": below −10⁻⁹ λmax (closer to 0 is rounding); "near 0": |λ| < 1% of λmax, the flat directions.`,
      color: {domain, range: domain.map((s) => style(s).color)},
      marks: [
        frame_mark(),
        Plot.ruleY([0], {stroke: NEUTRAL_COLORS.mid}),
        ...domain.map((stage) =>
          Plot.lineY(
            loaded.rows.filter((r) => r.stage === stage),
            {x: "rank", y: "eigenvalue", stroke: "stage", strokeWidth: PATH_WIDTH, strokeDasharray: style(stage).dash || null},
          ),
        ),
        ...text_lines(lines, {anchor: "top-left", frame_width: width - MARGIN_LEFT - MARGIN_RIGHT - 10}),
      ],
    }),
    "Sorted Hessian eigenvalues of the band-gap network at three training stages, symlog scale",
  );
  return legend_plot(
    plot,
    domain.map((stage) => ({label: stage, color: style(stage).color, dash: style(stage).dash, width: PATH_WIDTH})),
  );
}

// Dauphin et al.'s plot along a training run: fraction of negative eigenvalues against the
// training loss (left), and the top eigenvalue and trace per epoch (right).
export function curvature_training_plot(loaded, {width = 960, height = 380} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["epoch", "train_loss", "negative_fraction", "top_eigenvalue", "trace"]);
  if (missing) return missing;
  const rows = [...loaded.rows].sort((a, b) => a.epoch - b.epoch);
  const labelled = [0, 3, 6, rows.length - 1].filter((i, k, all) => i < rows.length && all.indexOf(i) === k).map((i) => rows[i]);
  const half = Math.floor((width - 20) / 2);
  const color = OPTIMIZER_COLORS.gd;
  const index = Plot.plot({
    width: half,
    height,
    marginLeft: 70,
    marginBottom: 48,
    // Insets keep the first and last epochs' dots whole inside the frame.
    x: axis("Training loss (eV², log)", {type: "log", grid: true, tickFormat: "~g", inset: 12}),
    y: axis("Fraction of negative eigenvalues", {grid: true, percent: false, inset: 12}),
    marks: [
      frame_mark(),
      Plot.line(rows, {x: "train_loss", y: "negative_fraction", stroke: color, strokeWidth: 3}),
      Plot.dot(rows, {x: "train_loss", y: "negative_fraction", fill: color, r: 5, title: (d) => `epoch ${d.epoch}`}),
      // A few epochs labelled, to the right of their dot (left of it for the highest loss,
      // which sits at the right edge), so that labels neither overlap nor leave the frame.
      Plot.text(labelled.slice(1), {
        x: "train_loss",
        y: "negative_fraction",
        text: (d) => `epoch ${d.epoch}`,
        textAnchor: "start",
        dx: 9,
        dy: -4,
        fontSize: 15,
        fill: NEUTRAL_COLORS.dark,
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
      Plot.text(labelled.slice(0, 1), {
        x: "train_loss",
        y: "negative_fraction",
        text: (d) => `epoch ${d.epoch}`,
        textAnchor: "end",
        dx: -9,
        dy: 10,
        fontSize: 15,
        fill: NEUTRAL_COLORS.dark,
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
      }),
    ],
  });
  const long = rows.flatMap((d) => [
    {epoch: d.epoch, what: "top eigenvalue λmax", value: d.top_eigenvalue},
    {epoch: d.epoch, what: "trace / 10", value: d.trace / 10},
  ]);
  const series = [
    {label: "top eigenvalue λmax", color: NEUTRAL_COLORS.dark, dash: ""},
    {label: "trace / 10", color: NEUTRAL_COLORS.mid, dash: "9,4"},
  ];
  const curvature = legend_plot(
    Plot.plot({
      width: half,
      height,
      marginLeft: 70,
      marginBottom: 48,
      x: axis("Epoch", {inset: 8}),
      y: axis("Curvature", {grid: true, inset: 8}),
      color: {domain: series.map((d) => d.label), range: series.map((d) => d.color)},
      marks: [
        frame_mark(),
        ...series.map((d) =>
          Plot.line(
            long.filter((r) => r.what === d.label),
            {x: "epoch", y: "value", stroke: "what", strokeWidth: PATH_WIDTH, strokeDasharray: d.dash || null},
          ),
        ),
        Plot.dot(long, {x: "epoch", y: "value", fill: "what", r: 4}),
      ],
    }),
    series.map((d) => ({...d, width: PATH_WIDTH})),
  );
  return describe_plot(side_by_side([index, curvature], width), (i) =>
    i === 0
      ? "Share of negative Hessian eigenvalues against training loss, by epoch"
      : "Top Hessian eigenvalue and trace over the epochs of training",
  );
}

// 0, about half of last, and the largest multiple of 100 up to last.
function round_ticks(last) {
  const unit = last >= 400 ? 100 : 10;
  const half = Math.floor(last / 2 / unit) * unit;
  const end = Math.floor(last / unit) * unit;
  return [...new Set([0, half, end])];
}

// Sharpness of full-batch GD over the steps, one panel per learning rate, with the stability
// bound 2/eta as a dashed line: the edge of stability is where the curve meets the line.
export function edge_of_stability_plot(loaded, {width = 960, height = 380} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["lr", "two_over_lr", "step", "top_eigenvalue", "run_status"]);
  if (missing) return missing;
  const rows = loaded.rows.map((r) => ({...r, panel: `η = ${r.lr}  (2/η = ${format_number(r.two_over_lr)})`}));
  const bounds = [...d3.group(rows, (r) => r.panel).values()].map((g) => g[0]);
  const finals = bounds.map((first) => {
    const run = rows.filter((r) => r.panel === first.panel);
    const last = run.reduce((a, b) => (b.step > a.step ? b : a));
    const status =
      last.run_status === "diverged"
        ? `diverged after step ${last.step}`
        : `λmax ${format_number(last.top_eigenvalue)} at step ${last.step}`;
    return `η = ${first.lr}: ${status}`;
  });
  return describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins(),
      fx: {label: null, padding: 0.16},
      // Two round ticks inside every panel's steps (a tick beyond the data collided with the next
      // panel's 0).
      x: axis("Gradient-descent step", {ticks: round_ticks(Math.max(...rows.map((r) => r.step)))}),
      y: axis("Top Hessian eigenvalue (log)", {type: "log", grid: true, tickFormat: "~g"}),
      caption: `Vermillion: sharpness λmax of full-batch GD; dashed: the stability bound 2/η. ${finals.join("; ")}.`,
      marks: [
        frame_mark(),
        Plot.ruleY(bounds, {fx: "panel", y: "two_over_lr", stroke: NEUTRAL_COLORS.dark, strokeDasharray: "6,4", strokeWidth: 2}),
        Plot.line(rows, {fx: "panel", x: "step", y: "top_eigenvalue", stroke: OPTIMIZER_COLORS.gd, strokeWidth: 3}),
      ],
    }),
    "Sharpness (top Hessian eigenvalue) of full-batch gradient descent per step, one panel per learning rate, with the stability bound 2 over eta as a dashed line",
  );
}

// A log axis' domain with some room beyond the values (dots at the extremes stay whole), and
// 1, 2, 3, 5 times the powers of ten inside it as ticks.
function log_axis(values, pad = 1.15) {
  const domain = [Math.min(...values) / pad, Math.max(...values) * pad];
  const ticks = [];
  for (let p = 1e-6; p <= 1e6; p *= 10) {
    for (const m of [1, 2, 3, 5]) {
      const v = Number((m * p).toPrecision(1));
      if (v >= domain[0] && v <= domain[1]) ticks.push(v);
    }
  }
  return {domain, ticks};
}

// Final sharpness against final test loss for every run. The shape is the training budget
// (batch size and epochs: the large-batch runs trained longer to reach the small-batch training
// loss are a group of their own); the caption gives each group's mean train loss, test loss
// and sharpness, because a run that simply trained less is not evidence about sharpness.
export function batch_sharpness_plot(loaded, {width = 960, height = 380} = {}) {
  const missing = not_loaded(loaded, {width, height}, [
    "label",
    "optimizer",
    "batch_size",
    "seed",
    "epochs",
    "train_loss",
    "test_loss",
    "top_eigenvalue",
  ]);
  if (missing) return missing;
  const rows = loaded.rows
    .filter((r) => r.top_eigenvalue > 0 && r.test_loss > 0)
    .map((r) => ({...r, budget: `batch ${r.batch_size}, ${r.epochs} epochs`}));
  const budgets = [...d3.group(rows, (r) => r.budget).entries()].sort(
    ([, a], [, b]) => a[0].batch_size - b[0].batch_size || a[0].epochs - b[0].epochs,
  );
  const symbols = ["circle", "square", "triangle", "diamond"];
  const summary = budgets.map(([budget, group]) => {
    const labels = [...new Set(group.map((r) => r.label))];
    const who = labels.length === 1 ? `${labels[0]} only` : "all optimizers";
    return `${budget} (${who}): train ${format_number(d3.mean(group, (r) => r.train_loss))}, test ${format_number(d3.mean(group, (r) => r.test_loss))} eV², λmax ${format_number(d3.mean(group, (r) => r.top_eigenvalue))}`;
  });
  const scale = optimizer_scale(rows);
  const plot = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins({extra_left: 10, bottom: 54}),
      x: axis("Top Hessian eigenvalue at the end of training (log)", {
        type: "log",
        grid: true,
        tickFormat: "~g",
        labelOffset: 38,
        ...log_axis(rows.map((r) => r.top_eigenvalue)),
      }),
      y: axis("Final test loss (eV²)", {grid: true, inset: 10}),
      color: {domain: scale.domain, range: scale.range},
      symbol: {domain: budgets.map(([budget]) => budget), range: budgets.map((_, i) => symbols[i % symbols.length])},
      caption: `Means per training budget: ${summary.join("; ")}.`,
      marks: [
        frame_mark(),
        Plot.dot(rows, {
          x: "top_eigenvalue",
          y: "test_loss",
          stroke: "label",
          fill: "label",
          fillOpacity: 0.35,
          symbol: "budget",
          r: 8,
          strokeWidth: 2,
          title: (d) => `${d.label}, ${d.budget}, seed ${d.seed}`,
        }),
      ],
    }),
    "Test loss against the top Hessian eigenvalue at the end of training, small and large batches, one dot per seed",
  );
  // Dots, not paths: the optimizers by colour (and in the dots' titles), the budgets by shape.
  return legend_plot(plot, [
    ...optimizer_entries(scale, {marker: "circle", dash: ""}),
    ...budgets.map(([budget], i) => ({label: budget, color: "#ffffff", marker: symbols[i % symbols.length]})),
  ]);
}

// The measured band gaps the network experiments use, as a histogram (bins from their index).
export function band_gap_plot(loaded, {width = 960, height = 360} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["composition", "band_gap_ev"]);
  if (missing) return missing;
  const gaps = loaded.rows.map((r) => r.band_gap_ev).filter(Number.isFinite);
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const formulas = new Set(loaded.rows.map((r) => r.composition)).size;
  const top = Math.ceil(sorted[sorted.length - 1]);
  return describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins(),
      x: axis("Measured band gap Eg (eV)", {domain: [0, top]}),
      y: axis("Number of measurements", {grid: true, nice: true}),
      caption: `${gaps.length} measurements of ${formulas} distinct formulas; Eg from ${format_number(sorted[0])} to ${format_number(sorted[sorted.length - 1])} eV, median ${format_number(median)} eV.`,
      marks: [
        frame_mark(),
        Plot.rectY(
          gaps,
          Plot.binX({y: "count"}, {x: (d) => d, thresholds: linspace(0, top, 4 * top), fill: NEUTRAL_COLORS.mid, inset: 0.5}),
        ),
        Plot.ruleY([0]),
      ],
    }),
    "Histogram of the measured band gaps in the data set",
  );
}
