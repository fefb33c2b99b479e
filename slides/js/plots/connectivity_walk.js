// The walk from one trained network to another (slide "Data: walking from one network to the
// other"): the training loss along the paths at one width, and the predictions at t.

import {Plot, d3} from "../libs.js";
import {NEUTRAL_COLORS as GREY} from "./style.js";
import {legend_plot} from "./legend.js";
import {axis, frame_mark, slide_margins} from "./axes.js";
import {describe_plot} from "./describe.js";
import {fmt, missing_data, no_data_plot} from "./network_figures.js";
import {PATH_STYLES, barrier_summary} from "./connectivity.js";

// The walk shows the straight line, weight matching and the Bezier curve (the paths of
// connectivity_predictions.arrow); activation matching is on the width slide.
const WALK_STYLES = {linear: PATH_STYLES.linear, aligned: PATH_STYLES.aligned, bezier: PATH_STYLES.bezier};

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

// Training loss along the three paths at one width: every seed pair thin, their mean thick,
// and a rule at t (the slider of the next slide).
export function connectivity_curves_plot(loaded, {width = 960, height = 300, hidden = 16, t = null, compact = false} = {}) {
  const missing = missing_data(loaded, {width, height}, ["width", "seed_a", "seed_b", "path", "t", "train_loss", "test_loss"]);
  if (missing) return missing;
  if (!loaded.rows.some((r) => r.width === hidden)) return no_data_plot(`The file has no networks of width ${hidden}.`, {width, height});
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
  const name = (path) => (compact ? WALK_STYLES[path].short : WALK_STYLES[path].label);
  const rows = loaded.rows
    .filter((r) => r.width === hidden && r.path in WALK_STYLES)
    .map((r) => ({...r, pair: `${r.path} ${r.seed_a}-${r.seed_b}`, label: name(r.path)}));
  const means = [...d3.group(rows, (r) => `${r.path}|${r.t}`).values()].map((g) => ({
    path: g[0].path,
    label: g[0].label,
    t: g[0].t,
    loss: d3.mean(g.map((r) => r.train_loss)),
  }));
  const b = barrier_summary(loaded)[hidden];
  const labels = Object.keys(WALK_STYLES).map(name);
  const marks = [frame_mark()];
  for (const [path, style] of Object.entries(WALK_STYLES)) {
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
    Object.keys(WALK_STYLES)
      .map((p) => `${WALK_STYLES[p].label} ${fmt(b[p].mean)} ± ${fmt(b[p].sd, 2)}`)
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
      color: {domain: labels, range: Object.values(WALK_STYLES).map((p) => p.color)},
      caption: compact ? undefined : caption,
      marks,
    }),
    "Training loss along the paths between two trained networks: straight line, after weight matching, and a trained Bezier curve",
  );
  const figure = legend_plot(
    plot,
    Object.entries(WALK_STYLES).map(([path, style]) => ({label: name(path), color: style.color, dash: style.dash ?? "", width: 3.5})),
  );
  return {figure, moving};
}

// Predicted vs measured band gap at position t of each path (the slider), one colour per path.
export function connectivity_predictions_plot(predictions, t, {width = 960, height = 330} = {}) {
  const missing = missing_data(predictions, {width, height}, ["path", "t", "compound", "measured_ev", "predicted_ev"]);
  if (missing) return missing;
  const rows = predictions.rows.filter((r) => Math.abs(r.t - t) < 1e-6);
  if (!rows.length) return no_data_plot(`No predictions stored at t = ${t}.`, {width, height});
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
    .attr("fill", (r) => WALK_STYLES[r.path].color);
  moving.layer.replaceChildren(dots.node());
  return figure;
}

function connectivity_predictions_figure(predictions, {width, height}) {
  const lo = Math.min(0, ...predictions.rows.map((r) => Math.min(r.measured_ev, r.predicted_ev)));
  const hi = Math.max(...predictions.rows.map((r) => Math.max(r.measured_ev, r.predicted_ev)));
  const labels = Object.values(WALK_STYLES).map((p) => p.label);
  const moving = {};
  const figure = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins({bottom: 44}),
      x: {domain: [lo, hi], label: "Measured band gap (eV)", labelAnchor: "center", labelArrow: "none"},
      y: {domain: [lo, hi], label: "Predicted (eV)", labelAnchor: "center", labelArrow: "none", grid: true},
      color: {domain: labels, range: Object.values(WALK_STYLES).map((p) => p.color)},
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
  const parts = Object.entries(WALK_STYLES).map(([path, style]) => {
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
