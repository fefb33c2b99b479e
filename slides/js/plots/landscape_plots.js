// Plots of the real network's landscape (issue 11): filter-normalised surfaces, the PCA view of
// the training path, the small-/large-batch interpolation and mode connectivity. Browser only.
// Each takes load_table(...)'s result (slides/js/deck_data.js) and draws it, or says in words
// why it cannot. The summaries (barriers, box-edge losses) are exported so that the slides'
// readouts and the tests use the same arithmetic.

import {Plot, d3} from "../libs.js";
import {OPTIMIZER_COLORS as COLORS, OPTIMIZER_DASHES as DASHES, NEUTRAL_COLORS as GREY, PATH_WIDTH} from "./style.js";
import {legend_plot} from "./legend.js";
import {axis, frame_mark, side_by_side, slide_margins} from "./axes.js";
import {awaiting_slide, message_plot as words_plot} from "./readouts.js";
import {describe_plot} from "./describe.js";

// The training runs' labels in the data files (SGD, not GD: these are minibatch runs).
const LABELS = {gd: "SGD", momentum: "SGD + momentum", adam: "Adam"};
// A test loss is drawn faded beside its opaque training loss (the dash pattern is the optimizer's).
const FADED = 0.45;

// The faceted loss-along-a-line plots (1-D slices, the sharp/flat interpolation) share their
// frame and their log loss axis.
const FACETED_LOSS_FRAME = {...slide_margins({bottom: 44}), fx: {label: null, padding: 0.1}};
const LOG_LOSS_AXIS = axis("Loss (eV², log)", {type: "log", grid: true, tickFormat: "~g"});

// The walk along the paths between two networks: t runs over the 21 points of
// connectivity_predictions.arrow (pygen/experiments/connectivity.py N_T), 0, 0.05, ..., 1.
export const CONNECTIVITY_T_CONTROL = {value: 0.5, min: 0, max: 1, step: 0.05, label: "t"};

// The walk's two plots are redrawn on every move of t (issue 10). What does not depend on t (the
// curves, the axes, the diagonal) is drawn once per table and size and kept; a move of t redraws
// only what does (the rule at t, the predictions' dots), inside the kept figure's moving layer.
const WALK_FIGURES = new WeakMap(); // loaded table -> Map(key -> {figure, moving})

function kept_walk_figure(table, key, build) {
  let figures = WALK_FIGURES.get(table);
  if (!figures) WALK_FIGURES.set(table, (figures = new Map()));
  if (!figures.has(key)) figures.set(key, build());
  return figures.get(key);
}

// A Plot mark drawing an empty group, where the caller draws later with the plot's own scales
// and frame: {layer, x, y, frame: {left, right, top, bottom}}, filled in when Plot renders.
function moving_mark(moving) {
  return (index, scales, values, dimensions) => {
    const {width, height, marginLeft, marginRight, marginTop, marginBottom} = dimensions;
    Object.assign(moving, {
      x: scales.x,
      y: scales.y,
      frame: {left: marginLeft, right: width - marginRight, top: marginTop, bottom: height - marginBottom},
      layer: d3.create("svg:g").node(),
    });
    return moving.layer;
  };
}

// The three paths between two networks: shades and dashes, not optimizer colours.
export const PATH_STYLES = {
  linear: {label: "straight line", short: "straight", color: "#000000", dash: "6,4"},
  aligned: {label: "line after weight matching", short: "aligned", color: "#E69F00", dash: null},
  bezier: {label: "trained Bezier curve", short: "Bezier", color: "#56B4E9", dash: "2,3"},
};

function message_plot(message, {width, height}) {
  return words_plot(["No data to show", message], {width, height});
}

function not_loaded(loaded, size, required) {
  if (loaded?.status === "waiting") return awaiting_slide(size);
  if (!loaded || loaded.status !== "ok") return message_plot(loaded?.message ?? "The data file was not loaded.", size);
  const absent = required.filter((c) => !loaded.columns.includes(c));
  if (absent.length)
    return message_plot(`The data file lacks the column(s) ${absent.join(", ")}: regenerate it with \`python -m pygen\`.`, size);
  return null;
}

export function fmt(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(digits)).toString();
}

// ---------------------------------------------------------------------------------------
// Filter-normalised surfaces

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
  const missing = not_loaded(loaded, {width, height}, ["optimizer", "a", "b", "train_loss", "test_loss"]);
  if (missing) return missing;
  const long = [];
  for (const r of loaded.rows) {
    for (const [dir, on, x] of [
      ["along d1 (b = 0)", r.b === 0, r.a],
      ["along d2 (a = 0)", r.a === 0, r.b],
    ]) {
      if (!on) continue;
      const who = LABELS[r.optimizer];
      long.push({dir, x, loss: r.train_loss, split: "train", who, optimizer: r.optimizer, key: `${r.optimizer} train`});
      long.push({dir, x, loss: r.test_loss, split: "test", who, optimizer: r.optimizer, key: `${r.optimizer} test`});
    }
  }
  const optimizers = [...new Set(long.map((d) => d.optimizer))];
  const who = optimizers.map((o) => LABELS[o]);
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
          strokeOpacity: split === "test" ? FADED : 1,
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
    ...optimizers.map((o) => ({label: LABELS[o], color: color(o), dash: DASHES[o] ?? "", width: PATH_WIDTH, optimizer: o})),
    {label: "training (opaque)", color: GREY.dark, width: PATH_WIDTH},
    {label: "test (faded)", color: GREY.dark, width: PATH_WIDTH, opacity: FADED},
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
      not_loaded(pca, {width, height}, ["optimizer", "pc1", "pc2", "train_loss"]) ??
      not_loaded(path, {width, height}, ["optimizer", "epoch", "pc1", "pc2", "explained_variance_1", "explained_variance_2"]);
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
        title: `${LABELS[optimizer]}: path of 40 epochs`,
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
  const missing = not_loaded(surface, {width, height}, ["optimizer", "a", "b", "train_loss", "test_loss"]);
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
        title: LABELS[optimizer],
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
  const edge = names.map((o) => `${LABELS[o]} ${fmt(s[o].edge_mean)} (${fmt(s[o].edge_min)} to ${fmt(s[o].edge_max)})`).join(", ");
  const centre = names.map((o) => fmt(s[o].centre_train)).join(" and ");
  return `Train loss on the box edge (|a| or |b| = 1), mean (range): ${edge} eV²; at the solutions ${centre} eV².`;
}

// ---------------------------------------------------------------------------------------
// Small- vs large-batch interpolation (Keskar et al. figure 3)

export function sharp_flat_summary(loaded) {
  const out = {};
  for (const [pair, rows] of d3.group(loaded.rows, (r) => r.pair)) {
    const at = (alpha, key) => d3.mean(rows.filter((r) => Math.abs(r.alpha - alpha) < 1e-9).map((r) => r[key]));
    out[pair] = {
      large_epochs: rows[0].large_epochs,
      small_train: at(0, "train_loss"),
      small_test: at(0, "test_loss"),
      large_train: at(1, "train_loss"),
      large_test: at(1, "test_loss"),
      before_small: at(-1, "train_loss"),
      beyond_large: at(2, "train_loss"),
    };
  }
  return out;
}

// Mean top eigenvalue of the SGD end points in batch_sharpness.arrow: {batch|epochs: value}.
export function end_point_sharpness(batch_sharpness) {
  if (!batch_sharpness || batch_sharpness.status !== "ok") return {};
  const rows = batch_sharpness.rows.filter((r) => r.optimizer === "gd");
  const out = {};
  for (const [key, g] of d3.group(rows, (r) => `${r.batch_size}|${r.epochs}`)) out[key] = d3.mean(g.map((r) => r.top_eigenvalue));
  return out;
}

export function batch_interpolation_plot(loaded, batch_sharpness, {width = 960, height = 300} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["pair", "seed", "alpha", "train_loss", "test_loss", "large_epochs"]);
  if (missing) return missing;
  const panel = (r) =>
    r.pair === "equal_epochs" ? `batch 512 also 40 epochs (Keskar's setting)` : `batch 512 for 300 epochs (same train loss)`;
  const long = loaded.rows.flatMap((r) => [
    {panel: panel(r), alpha: r.alpha, loss: r.train_loss, split: "train", key: `${r.seed} train`, seed: r.seed},
    {panel: panel(r), alpha: r.alpha, loss: r.test_loss, split: "test", key: `${r.seed} test`, seed: r.seed},
  ]);
  const s = sharp_flat_summary(loaded);
  const lam = end_point_sharpness(batch_sharpness);
  const lam_text = (key) => (lam[key] === undefined ? "not loaded" : fmt(lam[key]));
  const caption =
    `Solid: train, dashed: test loss (3 seeds). λmax (batch_sharpness.arrow, mean of 3 seeds): batch 64 ${lam_text("64|40")}; batch 512 40 epochs ${lam_text("512|40")}, 300 epochs ${lam_text("512|300")}. ` +
    Object.entries(s)
      .map(
        ([pair, v]) =>
          `${pair === "equal_epochs" ? "40 epochs" : "300 epochs"}: train at α=−1 ${fmt(v.before_small)}, at α=2 ${fmt(v.beyond_large)}; test at α=0 ${fmt(v.small_test)}, at α=1 ${fmt(v.large_test)} eV²`,
      )
      .join("; ") +
    ".";
  return describe_plot(
    Plot.plot({
      width,
      height,
      ...FACETED_LOSS_FRAME,
      x: axis("α   (0 = batch 64 solution, 1 = batch 512 solution)", {domain: [-1, 2], ticks: [-1, 0, 1, 2]}),
      y: LOG_LOSS_AXIS,
      caption,
      marks: [
        frame_mark(),
        Plot.ruleX([0, 1], {stroke: GREY.light}),
        Plot.line(
          long.filter((d) => d.split === "train"),
          {
            fx: "panel",
            x: "alpha",
            y: "loss",
            z: "key",
            stroke: COLORS.gd,
            strokeWidth: (d) => (d.seed === 0 ? 3 : 1.2),
            strokeOpacity: (d) => (d.seed === 0 ? 1 : 0.5),
          },
        ),
        Plot.line(
          long.filter((d) => d.split === "test"),
          {
            fx: "panel",
            x: "alpha",
            y: "loss",
            z: "key",
            stroke: GREY.dark,
            strokeWidth: (d) => (d.seed === 0 ? 3 : 1),
            strokeOpacity: (d) => (d.seed === 0 ? 1 : 0.5),
            strokeDasharray: "6,4",
          },
        ),
      ],
    }),
    "Training and test loss on the straight line between the small-batch and the large-batch solution",
  );
}

// ---------------------------------------------------------------------------------------
// Mode connectivity

// Barrier of one path: maximum along it minus the mean of its two end points.
export function barrier(losses) {
  return Math.max(...losses) - (losses[0] + losses[losses.length - 1]) / 2;
}

// {width: {path: {mean, sd, min, max, n, test_mean, end_train}}} over the seed pairs.
export function barrier_summary(loaded) {
  const out = {};
  const paths = d3.group(loaded.rows, (r) => `${r.width}|${r.path}|${r.seed_a}|${r.seed_b}`);
  const per = new Map();
  for (const rows of paths.values()) {
    const sorted = [...rows].sort((p, q) => p.t - q.t);
    const key = `${sorted[0].width}|${sorted[0].path}`;
    if (!per.has(key)) per.set(key, []);
    per.get(key).push({
      train: barrier(sorted.map((r) => r.train_loss)),
      test: barrier(sorted.map((r) => r.test_loss)),
      end: (sorted[0].train_loss + sorted[sorted.length - 1].train_loss) / 2,
    });
  }
  for (const [key, list] of per) {
    const [w, path] = key.split("|");
    if (!out[w]) out[w] = {};
    const train = list.map((d) => d.train);
    out[w][path] = {
      mean: d3.mean(train),
      sd: d3.deviation(train) ?? 0,
      min: Math.min(...train),
      max: Math.max(...train),
      n: list.length,
      test_mean: d3.mean(list.map((d) => d.test)),
      end_train: d3.mean(list.map((d) => d.end)),
    };
  }
  return out;
}

// Training loss along the three paths at one width: every seed pair thin, their mean thick,
// and a rule at t (the slider of the next slide).
export function connectivity_curves_plot(loaded, {width = 960, height = 300, hidden = 16, t = null, compact = false} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["width", "seed_a", "seed_b", "path", "t", "train_loss", "test_loss"]);
  if (missing) return missing;
  if (!loaded.rows.some((r) => r.width === hidden)) return message_plot(`The file has no networks of width ${hidden}.`, {width, height});
  const {figure, moving} = kept_walk_figure(loaded, JSON.stringify(["curves", width, height, hidden, compact]), () =>
    connectivity_curves_figure(loaded, {width, height, hidden, compact}),
  );
  const rule =
    t === null
      ? []
      : [
          d3
            .create("svg:line")
            .attr("x1", moving.x(t))
            .attr("x2", moving.x(t))
            .attr("y1", moving.frame.top)
            .attr("y2", moving.frame.bottom)
            .attr("stroke", GREY.dark)
            .attr("stroke-width", 1.5)
            .node(),
        ];
  moving.layer.replaceChildren(...rule);
  return figure;
}

function connectivity_curves_figure(loaded, {width, height, hidden, compact}) {
  const name = (path) => (compact ? PATH_STYLES[path].short : PATH_STYLES[path].label);
  const rows = loaded.rows
    .filter((r) => r.width === hidden)
    .map((r) => ({...r, pair: `${r.path} ${r.seed_a}-${r.seed_b}`, label: name(r.path)}));
  const means = [...d3.group(rows, (r) => `${r.path}|${r.t}`).values()].map((g) => ({
    path: g[0].path,
    label: g[0].label,
    t: g[0].t,
    loss: d3.mean(g.map((r) => r.train_loss)),
  }));
  const b = barrier_summary(loaded)[hidden];
  const labels = Object.keys(PATH_STYLES).map(name);
  const marks = [frame_mark()];
  for (const [path, style] of Object.entries(PATH_STYLES)) {
    marks.push(
      Plot.line(
        rows.filter((r) => r.path === path),
        {x: "t", y: "train_loss", z: "pair", stroke: "label", strokeOpacity: 0.35, strokeWidth: 1.2, strokeDasharray: style.dash},
      ),
    );
    marks.push(
      Plot.line(
        means.filter((r) => r.path === path),
        {x: "t", y: "loss", stroke: "label", strokeWidth: 3.5, strokeDasharray: style.dash},
      ),
    );
  }
  const moving = {};
  marks.push(moving_mark(moving)); // the rule at t
  const caption =
    `Width ${hidden}, ${b.linear.n} seed pairs (thin) and their mean (thick). Barrier (max − mean of the ends), train: ` +
    Object.keys(PATH_STYLES)
      .map((p) => `${PATH_STYLES[p].label} ${fmt(b[p].mean)} ± ${fmt(b[p].sd, 2)}`)
      .join("; ") +
    ` eV²; the end points' own loss is ${fmt(b.linear.end_train)} eV².`;
  const plot = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins({bottom: 44}),
      x: {
        label: compact ? "t (seed a → seed b)" : "t   (0 = network of seed a, 1 = network of seed b)",
        labelAnchor: "center",
        labelArrow: "none",
        domain: [0, 1],
      },
      y: axis("Training loss (eV²)", {grid: true}),
      color: {domain: labels, range: Object.values(PATH_STYLES).map((p) => p.color)},
      caption: compact ? undefined : caption,
      marks,
    }),
    "Training loss along the paths between two trained networks: straight line, after weight matching, and a trained Bezier curve",
  );
  const figure = legend_plot(
    plot,
    Object.entries(PATH_STYLES).map(([path, style]) => ({label: name(path), color: style.color, dash: style.dash ?? "", width: 3.5})),
  );
  return {figure, moving};
}

// The barrier after alignment (and before, and along the Bezier curve) against the width.
export function barrier_width_plot(loaded, {width = 960, height = 300} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["width", "n_params", "seed_a", "seed_b", "path", "t", "train_loss"]);
  if (missing) return missing;
  const points = [];
  for (const rows of d3.group(loaded.rows, (r) => `${r.width}|${r.path}|${r.seed_a}|${r.seed_b}`).values()) {
    const sorted = [...rows].sort((p, q) => p.t - q.t);
    points.push({
      width: `${sorted[0].width} units (${sorted[0].n_params.toLocaleString("en")} parameters)`,
      w: sorted[0].width,
      label: PATH_STYLES[sorted[0].path].label,
      short: PATH_STYLES[sorted[0].path].short,
      path: sorted[0].path,
      barrier: barrier(sorted.map((r) => r.train_loss)),
    });
  }
  points.sort((p, q) => p.w - q.w);
  const widths = [...new Set(points.map((p) => p.width))];
  const b = barrier_summary(loaded);
  const caption =
    "Barrier after weight matching (mean ± sd over seed pairs): " +
    Object.keys(b)
      .sort((p, q) => p - q)
      .map(
        (w) =>
          `width ${w}: ${fmt(b[w].aligned.mean)} ± ${fmt(b[w].aligned.sd, 2)} (straight ${fmt(b[w].linear.mean)} ± ${fmt(b[w].linear.sd, 2)}, Bezier ${fmt(b[w].bezier.mean)}; end points ${fmt(b[w].linear.end_train)})`,
      )
      .join("; ") +
    " eV². Bars: means.";
  const labels = Object.values(PATH_STYLES).map((p) => p.label);
  const short = Object.values(PATH_STYLES).map((p) => p.short);
  const plot = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins({bottom: 40}),
      fx: {domain: widths, label: null, padding: 0.12},
      x: {domain: short, label: null, padding: 0.3},
      y: axis("Barrier on the training loss (eV²)", {grid: true, domain: [0, Math.max(...points.map((p) => p.barrier)) * 1.05]}),
      color: {domain: labels, range: Object.values(PATH_STYLES).map((p) => p.color)},
      caption,
      marks: [
        frame_mark(),
        Plot.tickY(points, Plot.groupX({y: "mean"}, {fx: "width", x: "short", y: "barrier", stroke: GREY.dark, strokeWidth: 3})),
        Plot.dot(points, {
          fx: "width",
          x: "short",
          y: "barrier",
          fill: "label",
          stroke: GREY.dark,
          r: 5.5,
          fillOpacity: 0.9,
          title: (d) => `${d.label}: ${fmt(d.barrier)} eV²`,
        }),
      ],
    }),
    "Loss barrier between two trained networks for three widths: straight line, after weight matching and along a trained Bezier curve, one dot per seed pair, bars at the means",
  );
  // Dots: the path is also the x position (its short name is the tick label).
  return legend_plot(
    plot,
    Object.values(PATH_STYLES).map((p) => ({label: p.label, color: p.color, marker: "circle", opacity: 0.9})),
  );
}

// Predicted vs measured band gap at position t of each path (the slider), one colour per path.
export function connectivity_predictions_plot(predictions, t, {width = 960, height = 330} = {}) {
  const missing = not_loaded(predictions, {width, height}, ["path", "t", "compound", "measured_ev", "predicted_ev"]);
  if (missing) return missing;
  const rows = predictions.rows.filter((r) => Math.abs(r.t - t) < 1e-6);
  if (!rows.length) return message_plot(`No predictions stored at t = ${t}.`, {width, height});
  const {figure, moving} = kept_walk_figure(predictions, JSON.stringify(["predictions", width, height]), () =>
    connectivity_predictions_figure(predictions, {width, height}),
  );
  // Plot.dot's drawing of these rows (fill by path, a thin dark outline), in the kept scales.
  // Hidden from assistive technology like Plot's own marks: the figure's description speaks for it.
  const dots = d3
    .create("svg:g")
    .attr("aria-label", "dot")
    .attr("aria-hidden", "true")
    .attr("fill-opacity", 0.85)
    .attr("stroke", GREY.dark)
    .attr("stroke-width", 0.5);
  dots
    .selectAll("circle")
    .data(rows)
    .join("circle")
    .attr("cx", (r) => moving.x(r.measured_ev))
    .attr("cy", (r) => moving.y(r.predicted_ev))
    .attr("r", 4)
    .attr("fill", (r) => PATH_STYLES[r.path].color);
  moving.layer.replaceChildren(dots.node());
  return figure;
}

function connectivity_predictions_figure(predictions, {width, height}) {
  const lo = Math.min(0, ...predictions.rows.map((r) => Math.min(r.measured_ev, r.predicted_ev)));
  const hi = Math.max(...predictions.rows.map((r) => Math.max(r.measured_ev, r.predicted_ev)));
  const labels = Object.values(PATH_STYLES).map((p) => p.label);
  const moving = {};
  const figure = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins({bottom: 44}),
      x: {domain: [lo, hi], label: "Measured band gap (eV)", labelAnchor: "center", labelArrow: "none"},
      y: {domain: [lo, hi], label: "Predicted (eV)", labelAnchor: "center", labelArrow: "none", grid: true},
      color: {domain: labels, range: Object.values(PATH_STYLES).map((p) => p.color)},
      marks: [
        frame_mark(),
        Plot.line(
          [
            [lo, lo],
            [hi, hi],
          ],
          {stroke: GREY.mid, strokeWidth: 3, strokeDasharray: "6,6"},
        ),
        moving_mark(moving), // the dots at t
      ],
    }),
    "Predicted against measured band gap of the network at the chosen point of the path, with the diagonal of perfect predictions",
  );
  return {figure, moving};
}

// The readout beside the slider: each path's loss at t (the pair of the predictions file) and the
// mean squared error of the plotted compounds.
export function connectivity_readout(predictions, curves, t) {
  if (!predictions || predictions.status !== "ok") return predictions?.message ?? "data/connectivity_predictions.arrow was not loaded.";
  let pair = [0, 1];
  let hidden = 16;
  try {
    const p = JSON.parse(predictions.metadata.parameters);
    pair = p.pair;
    hidden = p.width;
  } catch {
    // the defaults above
  }
  const parts = Object.entries(PATH_STYLES).map(([path, style]) => {
    const curve =
      curves?.status === "ok"
        ? curves.rows.find(
            (r) => r.path === path && r.width === hidden && r.seed_a === pair[0] && r.seed_b === pair[1] && Math.abs(r.t - t) < 1e-6,
          )
        : null;
    return curve ? `${style.short} ${fmt(curve.train_loss)} / ${fmt(curve.test_loss)}` : `${style.short}: not loaded`;
  });
  return `Seeds ${pair[0]} → ${pair[1]}, t = ${fmt(t)}, train / test loss (eV²): ${parts.join("; ")}.`;
}
