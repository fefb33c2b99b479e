// The filter-normalised loss surfaces around the SGD + momentum and the Adam solution, the PCA
// view of their training paths and the 1-D slices (slide "Data: loss surfaces around two solutions").

import {Plot, d3} from "../libs.js";
import {OPTIMIZER_COLORS as COLORS, OPTIMIZER_DASHES as DASHES, NEUTRAL_COLORS as GREY, PATH_WIDTH} from "./style.js";
import {legend_plot} from "./legend.js";
import {axis, frame_mark, side_by_side} from "./axes.js";
import {describe_plot} from "./describe.js";
import {FACETED_LOSS_FRAME, LOG_LOSS_AXIS, RUN_LABELS, TEST_OPACITY, fmt, missing_data} from "./network_figures.js";

// Per optimizer: the loss at the centre and the mean, lowest and highest training (and test)
// loss on the edge of the [-1, 1]^2 box.
export function box_edge_summary(rows) {
  const out = {};
  for (const [optimizer, g] of d3.group(rows, (r) => r.optimizer)) {
    const edge = g.filter((r) => Math.abs(r.a) === 1 || Math.abs(r.b) === 1);
    const centre = g.find((r) => r.a === 0 && r.b === 0);
    out[optimizer] = {
      centre_train: centre?.train_loss,
      centre_test: centre?.test_loss,
      edge_mean: d3.mean(edge.map((r) => r.train_loss)),
      edge_min: Math.min(...edge.map((r) => r.train_loss)),
      edge_max: Math.max(...edge.map((r) => r.train_loss)),
      edge_test_mean: d3.mean(edge.map((r) => r.test_loss)),
      n_edge: edge.length,
    };
  }
  return out;
}

// Train (solid) and test (dashed) loss along d1 (b = 0) and along d2 (a = 0), both solutions.
export function landscape_slices_plot(loaded, {width = 960, height = 300} = {}) {
  const missing = missing_data(loaded, {width, height}, ["optimizer", "a", "b", "train_loss", "test_loss"]);
  if (missing) return missing;
  const long = [];
  for (const r of loaded.rows) {
    for (const [dir, on, x] of [
      ["along d1 (b = 0)", r.b === 0, r.a],
      ["along d2 (a = 0)", r.a === 0, r.b],
    ]) {
      if (!on) continue;
      const who = RUN_LABELS[r.optimizer];
      long.push({dir, x, loss: r.train_loss, split: "train", who, optimizer: r.optimizer, key: `${r.optimizer} train`});
      long.push({dir, x, loss: r.test_loss, split: "test", who, optimizer: r.optimizer, key: `${r.optimizer} test`});
    }
  }
  const optimizers = [...new Set(long.map((d) => d.optimizer))];
  const who = optimizers.map((o) => RUN_LABELS[o]);
  const color = (o) => (o === "adam" ? COLORS.adam : COLORS.momentum);
  // One mark per optimizer and split: each optimizer's dash pattern, the test loss faded.
  const marks = optimizers.flatMap((o) =>
    ["train", "test"].map((split) =>
      Plot.line(
        long.filter((d) => d.optimizer === o && d.split === split),
        {
          fx: "dir",
          x: "x",
          y: "loss",
          z: "key",
          stroke: "who",
          strokeWidth: PATH_WIDTH,
          strokeDasharray: DASHES[o] || null,
          strokeOpacity: split === "test" ? TEST_OPACITY : 1,
        },
      ),
    ),
  );
  const plot = describe_plot(
    Plot.plot({
      width,
      height,
      ...FACETED_LOSS_FRAME,
      x: axis("Step along the filter-normalised direction", {domain: [-1, 1], ticks: [-1, -0.5, 0, 0.5, 1]}),
      y: LOG_LOSS_AXIS,
      color: {domain: who, range: optimizers.map(color)},
      marks: [frame_mark(), ...marks],
    }),
    "Training (opaque) and test (faded) loss along two filter-normalised random directions around the SGD + momentum and the Adam solution",
  );
  return legend_plot(plot, [
    ...optimizers.map((o) => ({label: RUN_LABELS[o], color: color(o), dash: DASHES[o] ?? "", width: PATH_WIDTH, optimizer: o})),
    {label: "training (opaque)", color: GREY.dark, width: PATH_WIDTH},
    {label: "test (faded)", color: GREY.dark, width: PATH_WIDTH, opacity: TEST_OPACITY},
  ]);
}

// Contour levels even in log(loss) between lo and hi.
export function log_levels(lo, hi, count = 16) {
  const a = Math.log10(lo);
  const b = Math.log10(hi);
  const out = [];
  for (let i = 0; i <= count; i++) out.push(a + ((b - a) * i) / count);
  return out;
}

// The y label sits left of the widest tick label ("−0.5" at 24 px) with a gap.
const CONTOUR_MARGINS = {top: 30, right: 14, bottom: 44, left: 84};

// One contour panel from grid rows {x, y, loss} on an n x n grid.
function contour_panel(rows, {x_key, y_key, title, x_label, y_label, levels, domain, size, path = null, color}) {
  const xs = [...new Set(rows.map((r) => r[x_key]))].sort((p, q) => p - q);
  const ys = [...new Set(rows.map((r) => r[y_key]))].sort((p, q) => p - q);
  const index = new Map(rows.map((r) => [`${r[x_key]}|${r[y_key]}`, r]));
  const values = [];
  for (const y of ys) for (const x of xs) values.push(Math.log10(index.get(`${x}|${y}`).train_loss));
  const dx = (xs[xs.length - 1] - xs[0]) / (xs.length - 1) / 2;
  const dy = (ys[ys.length - 1] - ys[0]) / (ys.length - 1) / 2;
  const x_domain = domain?.x ?? [xs[0], xs[xs.length - 1]];
  const y_domain = domain?.y ?? [ys[0], ys[ys.length - 1]];
  const marks = [
    Plot.contour(values, {
      x1: xs[0] - dx,
      x2: xs[xs.length - 1] + dx,
      y1: ys[0] - dy,
      y2: ys[ys.length - 1] + dy,
      width: xs.length,
      height: ys.length,
      fill: (v) => v,
      stroke: "white",
      strokeOpacity: 0.6,
      strokeWidth: 0.6,
      thresholds: levels,
      clip: true,
    }),
    frame_mark(),
  ];
  if (path) {
    marks.push(Plot.line(path, {x: "pc1", y: "pc2", stroke: color, strokeWidth: 3}));
    marks.push(
      Plot.dot(path, {
        x: "pc1",
        y: "pc2",
        fill: color,
        stroke: "white",
        r: 3.5,
        title: (d) => `epoch ${d.epoch}: train ${fmt(d.train_loss)} eV²`,
      }),
    );
    marks.push(Plot.text([path[0]], {x: "pc1", y: "pc2", text: () => "start", dy: -12, fill: GREY.dark, fontSize: 15}));
  }
  marks.push(Plot.dot([{x: 0, y: 0}], {x: "x", y: "y", fill: "white", stroke: color, r: 6, strokeWidth: 2.5}));
  const plot = Plot.plot({
    width: size.width,
    height: size.height,
    marginLeft: CONTOUR_MARGINS.left,
    marginRight: CONTOUR_MARGINS.right,
    marginTop: CONTOUR_MARGINS.top,
    marginBottom: CONTOUR_MARGINS.bottom,
    x: {domain: x_domain, label: x_label, labelAnchor: "center", labelArrow: "none", ticks: 5},
    y: {domain: y_domain, label: y_label, labelAnchor: "center", labelArrow: "none", ticks: 5, labelOffset: 70},
    color: {type: "linear", scheme: "viridis", domain: [levels[0], levels[levels.length - 1]]},
    marks: [...marks, Plot.text([title], {frameAnchor: "top", dy: -22, fontSize: 17, fontWeight: "bold", fill: GREY.dark})],
  });
  const what = path
    ? "training loss contours (log scale) on the plane of the path's two main directions, with the path over the epochs"
    : "training loss contours (log scale) on a filter-normalised random plane around the solution (white circle)";
  return describe_plot(plot, `${title}: ${what}`);
}

// Contours of the training loss around both solutions, side by side, at equal scale: the random
// filter-normalised plane (box [-1, 1]^2, the same contour levels for both), or each run's PCA
// plane with its path (plane = "pca"; axis labels give the explained variance), or the 1-D
// slices of the random plane (plane = "slices").
export function landscape_contour_plot(surface, pca, path, {plane = "random", width = 960, height = 400} = {}) {
  if (plane === "slices") return landscape_slices_plot(surface, {width, height: height - 30}); // its legend sits above
  const size = {width: Math.floor((width - 16) / 2), height};
  if (plane === "pca") {
    const missing =
      missing_data(pca, {width, height}, ["optimizer", "pc1", "pc2", "train_loss"]) ??
      missing_data(path, {width, height}, ["optimizer", "epoch", "pc1", "pc2", "explained_variance_1", "explained_variance_2"]);
    if (missing) return missing;
    const losses = pca.rows.map((r) => r.train_loss);
    const levels = log_levels(Math.min(...losses), Math.max(...losses));
    const panels = ["momentum", "adam"].map((optimizer) => {
      const rows = pca.rows.filter((r) => r.optimizer === optimizer);
      const run = path.rows.filter((r) => r.optimizer === optimizer).sort((p, q) => p.epoch - q.epoch);
      const ev = run[0];
      return contour_panel(rows, {
        x_key: "pc1",
        y_key: "pc2",
        title: `${RUN_LABELS[optimizer]}: path of 40 epochs`,
        levels,
        size,
        path: run,
        color: COLORS[optimizer],
        x_label: `PC1 (${(100 * ev.explained_variance_1).toFixed(1)} % of the path's variance)`,
        y_label: `PC2 (${(100 * ev.explained_variance_2).toFixed(1)} %)`,
      });
    });
    return side_by_side(panels, width, {gap: 16, align: "flex-start"});
  }
  const missing = missing_data(surface, {width, height}, ["optimizer", "a", "b", "train_loss", "test_loss"]);
  if (missing) return missing;
  // square frames: one unit of a is as long as one unit of b, in both panels
  const frame = Math.min(height - CONTOUR_MARGINS.top - CONTOUR_MARGINS.bottom, size.width - CONTOUR_MARGINS.left - CONTOUR_MARGINS.right);
  size.width = frame + CONTOUR_MARGINS.left + CONTOUR_MARGINS.right;
  size.height = frame + CONTOUR_MARGINS.top + CONTOUR_MARGINS.bottom;
  const losses = surface.rows.map((r) => r.train_loss);
  const levels = log_levels(Math.min(...losses), Math.max(...losses));
  const panels = ["momentum", "adam"].map((optimizer) =>
    contour_panel(
      surface.rows.filter((r) => r.optimizer === optimizer),
      {
        x_key: "a",
        y_key: "b",
        title: RUN_LABELS[optimizer],
        levels,
        size,
        color: COLORS[optimizer],
        x_label: "a (along d1)",
        y_label: "b (along d2)",
        domain: {x: [-1, 1], y: [-1, 1]},
      },
    ),
  );
  return side_by_side(panels, width, {gap: 16, align: "flex-start"});
}

// The readout under the contours: the loss at the solution and on the box's edge.
export function landscape_readout(surface) {
  if (!surface || surface.status !== "ok") return surface?.message ?? "data/landscape_surface.arrow was not loaded.";
  const s = box_edge_summary(surface.rows);
  const names = ["momentum", "adam"].filter((o) => s[o]);
  const edge = names.map((o) => `${RUN_LABELS[o]} ${fmt(s[o].edge_mean)} (${fmt(s[o].edge_min)} to ${fmt(s[o].edge_max)})`).join(", ");
  const centre = names.map((o) => fmt(s[o].centre_train)).join(" and ");
  return `Train loss on the box edge (|a| or |b| = 1), mean (range): ${edge} eV²; at the solutions ${centre} eV².`;
}
