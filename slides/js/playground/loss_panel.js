// The playground's loss plot: the loss of each run against the step, on a log scale.

import {Plot, OPTIMIZER_COLORS, format_number, describe_plot} from "./view.js";
import {MARGINS, begin_frame, canvas_layer, linear_map, marker, polyline, ring, row_point} from "./panels.js";

// What the loss panel plots: the loss itself when every loss is > 0, otherwise the loss above
// the lowest one reached (plus a floor), since a log axis cannot show zero or negative values.
export function loss_transform(runs) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const {result} of runs) {
    if (!result) continue;
    for (const row of result.rows) {
      if (row.loss < lo) lo = row.loss;
      if (row.loss > hi) hi = row.loss;
    }
  }
  if (!Number.isFinite(lo)) return {value: (loss) => loss, label: "loss", domain: [0.1, 10]};
  if (lo > 0) {
    const floor = Math.max(lo, hi * 1e-16);
    return {value: (loss) => Math.max(loss, floor), label: "loss (log scale)", domain: domain_of(floor, hi)};
  }
  const floor = Math.max((hi - lo) * 1e-6, 1e-300);
  return {
    value: (loss) => loss - lo + floor,
    label: `loss − (${lo.toPrecision(4)}) (log scale; the loss goes ≤ 0)`,
    domain: domain_of(floor, hi - lo + floor),
  };
}

// Whole decades around [lo, hi]: a small change of the runs keeps the same axes, which are
// then kept and only the canvas is redrawn.
function domain_of(lo, hi) {
  let a = 10 ** Math.floor(Math.log10(lo));
  let b = 10 ** Math.ceil(Math.log10(hi));
  if (!(a > 0) || !Number.isFinite(a)) a = lo;
  if (!(b > a) || !Number.isFinite(b)) b = a * 10;
  return [a, b];
}

// The loss panel: the loss of every run against the step. One box for the widget's life
// (panels.js): show(runs, steps) rebuilds the SVG axes only when they change (a new
// number of steps, the losses in other decades), under the same canvas.
export function loss_panel({width, height}) {
  const {box, canvas, context, fit, layers, pixel} = canvas_layer("pg-loss");
  const left = MARGINS.left + 8;
  const frame = {x: left, y: MARGINS.top, w: width - left - MARGINS.right, h: height - MARGINS.top - MARGINS.bottom};
  let runs = [];
  let steps = 0;
  let transform = null;
  let shown_key = null;
  let sx = null;
  let sy = null;

  function axes(label, domain) {
    const figure = Plot.plot({
      width,
      height,
      marginTop: MARGINS.top,
      marginRight: MARGINS.right,
      marginBottom: MARGINS.bottom,
      marginLeft: left,
      x: {domain: [0, steps], label: "step", labelAnchor: "center", labelArrow: "none"},
      y: {type: "log", domain, label, labelAnchor: "center", labelArrow: "none", grid: true, ticks: 6, tickFormat: format_number},
      marks: [Plot.frame({stroke: "#bbbbbb"})],
    });
    return describe_plot(figure, "Loss of each ticked optimizer against the step (log scale); the readout below lists the last values");
  }

  function show(next_runs, next_steps) {
    runs = next_runs;
    steps = next_steps;
    transform = loss_transform(runs);
    const key = JSON.stringify([transform.label, transform.domain, steps]);
    if (key === shown_key) return;
    shown_key = key;
    const figure = axes(transform.label, transform.domain);
    sx = linear_map(figure.scale("x"));
    sy = figure.scale("y");
    fit(width, height);
    layers([figure]);
  }

  function draw(k, highlight = null) {
    const tolerance = pixel();
    begin_frame(context, width, height, frame);
    for (const {optimizer, result} of runs) {
      if (!result) continue;
      const rows = result.rows;
      const last = Math.min(k, rows.length - 1);
      context.strokeStyle = OPTIMIZER_COLORS[optimizer];
      context.lineWidth = 2;
      for (const [from, to, alpha] of [
        [0, last, 1],
        [last, rows.length - 1, 0.2],
      ]) {
        if (to <= from) continue;
        context.globalAlpha = alpha;
        context.beginPath();
        polyline(
          context,
          from,
          to,
          (i) => sx(rows[i].step),
          (i) => sy.apply(transform.value(rows[i].loss)),
          tolerance,
        );
        context.stroke();
      }
      context.globalAlpha = 1;
      marker(context, sx(rows[last].step), sy.apply(transform.value(rows[last].loss)), OPTIMIZER_COLORS[optimizer], 4);
    }
    const kx = sx(Math.min(k, steps));
    context.strokeStyle = "#999";
    context.lineWidth = 1;
    context.setLineDash([4, 4]);
    context.beginPath();
    context.moveTo(kx, frame.y);
    context.lineTo(kx, frame.y + frame.h);
    context.stroke();
    context.setLineDash([]);
    if (highlight) ring(context, sx(highlight.row.step), sy.apply(transform.value(highlight.row.loss)));
    context.restore();
  }

  function nearest(px, py, radius = 14) {
    let best = null;
    let best_d = radius * radius;
    for (const {optimizer, result} of runs) {
      if (!result) continue;
      for (const row of result.rows) {
        const dx = sx(row.step) - px;
        if (dx * dx > best_d) continue;
        const dy = sy.apply(transform.value(row.loss)) - py;
        const d = dx * dx + dy * dy;
        if (d <= best_d) {
          best_d = d;
          best = {optimizer, row, point: row_point(row)};
        }
      }
    }
    return best;
  }

  return {element: box, canvas, size: {width, height}, show, draw, nearest};
}
