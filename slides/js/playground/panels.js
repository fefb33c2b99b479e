// The playground's two plots: the surface (contours, or the loss curve of the 1D quartic) with
// every path, and the loss against the step (log scale). Each is an Observable Plot figure for
// the axes and the background (the surface's contours a layer of their own, plots/contours.js),
// drawn only when they change, under a <canvas> that holds the
// paths: a control change or an animation frame redraws only the canvas (8 paths x 1,000
// steps in about a millisecond), never the SVG.

import {Plot, OPTIMIZER_COLORS, OPTIMIZER_DASHES, PATH_WIDTH, tick_count, format_number, describe_plot, describe_layers} from "./view.js";
import {make_surface} from "./core.js";
import {contour_layer} from "../plots/contours.js";
import {SURFACE_SETUP} from "./state.js";

const MARGINS = {top: 12, right: 16, bottom: 42, left: 56};
// On a slide the plot text is projection-sized (24 px, slides/theme.css): wider margins for the
// tick and axis labels, fewer ticks, and paths as wide as the deck's other paths, each with its
// optimizer's dash pattern so that they can be told apart without colour.
const DECK_MARGINS = {top: 14, right: 22, bottom: 64, left: 80};
const CURVE_COLOR = "#34495e";

// Plot coordinates of a row: (theta0, theta1) in 2D, (theta0, loss) on the 1D quartic.
export const row_point = (row) => [row.theta[0], row.theta.length === 1 ? row.loss : row.theta[1]];

function layer(figure, width, height) {
  const box = document.createElement("div");
  box.className = "pg-panel";
  box.style.width = `${width}px`;
  box.style.height = `${height}px`;
  const canvas = document.createElement("canvas");
  // One canvas pixel per screen pixel: the device pixel ratio times reveal.js's scale of the
  // slide (1.4 on a 1920x1080 projector, 2.8 on a 4K one), else a projector shows it upscaled.
  const slide_scale = window.Reveal && window.Reveal.getScale ? window.Reveal.getScale() : 1;
  const ratio = Math.max(1, Math.min(4, (window.devicePixelRatio || 1) * slide_scale));
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  // The paths are drawn on the canvas over the SVG's axes; the figure's text alternative
  // (describe_layers on the surface panel, describe_plot on the loss panel) speaks for both, and the readout under the panels gives the numbers.
  canvas.setAttribute("aria-hidden", "true");
  box.append(figure, canvas);
  const context = canvas.getContext("2d");
  context.scale(ratio, ratio);
  return {box, canvas, context};
}

// The frame (inside the margins) for a view at equal scales on both axes, as large as fits.
function equal_frame(view, max_width, max_height, margins = MARGINS) {
  const fw = max_width - margins.left - margins.right;
  const fh = max_height - margins.top - margins.bottom;
  const aspect = (view.y[1] - view.y[0]) / (view.x[1] - view.x[0]);
  const w = Math.min(fw, fh / aspect);
  return {width: Math.round(w + margins.left + margins.right), height: Math.round(w * aspect + margins.top + margins.bottom)};
}

// The surface plot of a state's surface. key() says when it must be rebuilt.
export function surface_key(state) {
  return JSON.stringify([state.surface, state.surface_params]);
}

// `deck`: the slide's version (DECK_MARGINS, 3 px dashed paths, fewer ticks).
export function surface_panel(state, {width, height}, {deck = false} = {}) {
  const M = deck ? DECK_MARGINS : MARGINS;
  const view = SURFACE_SETUP[state.surface].view;
  const surface = make_surface(state.surface, state.surface_params);
  const one_d = surface.dim === 1;
  const size = one_d ? {width, height} : equal_frame(view, width, height, M);
  const ticks = (axis) =>
    deck ? {ticks: tick_count(axis === "x" ? size.width - M.left - M.right : size.height - M.top - M.bottom, axis)} : {};
  let background;
  if (one_d) {
    const n = 300;
    const points = Array.from({length: n + 1}, (_, i) => {
      const x = i === n ? view.x[1] : view.x[0] + ((view.x[1] - view.x[0]) * i) / n;
      return {x, y: surface.f([x])};
    });
    background = [Plot.line(points, {x: "x", y: "y", stroke: CURVE_COLOR, strokeWidth: 2.5, clip: true})];
  } else {
    // The contours are a layer of their own over the axes (plots/contours.js, the deck's: level
    // lines by marching squares over a shaded raster), not Plot's contour mark, whose polygon
    // stitching was most of the page's first drawing (issue 26: a long task on a phone).
    background = [];
  }
  const figure = Plot.plot({
    ...size,
    marginTop: M.top,
    marginRight: M.right,
    marginBottom: M.bottom,
    marginLeft: M.left,
    x: {domain: view.x, label: "x", labelAnchor: "center", labelArrow: "none", ...ticks("x"), ...(deck ? {tickPadding: 7} : {})},
    y: {domain: view.y, label: one_d ? "loss f(x)" : "y", labelAnchor: "center", labelArrow: "none", ...ticks("y")},
    marks: [Plot.frame({stroke: "#bbbbbb"}), ...background],
  });
  const {box, canvas, context} = layer(figure, size.width, size.height);
  box.classList.add("pg-surface");
  if (!one_d) {
    const contours = contour_layer(surface, view, {...size, levels: 16, margins: M});
    box.prepend(contours); // under the figure (transparent: its axes and frame over the shading)
  }
  // the stacked layers (contours, axes, the canvas's paths) are one image with one description
  describe_layers(
    box,
    figure,
    `${one_d ? "The loss curve" : "Contours of the loss surface"} ${state.surface} with each ticked optimizer's path; the readout below lists where each run is`,
  );
  const sx = figure.scale("x");
  const sy = figure.scale("y");
  const frame = {
    x: M.left,
    y: M.top,
    w: size.width - M.left - M.right,
    h: size.height - M.top - M.bottom,
  };

  // runs: run_playground output; k: the animation's step (paths are drawn up to it).
  function draw(runs, k, highlight = null) {
    context.clearRect(0, 0, size.width, size.height);
    context.save();
    context.beginPath();
    context.rect(frame.x, frame.y, frame.w, frame.h);
    context.clip();
    for (const {optimizer, result} of runs) {
      if (!result) continue;
      const rows = result.rows;
      const last = Math.min(k, rows.length - 1);
      const color = OPTIMIZER_COLORS[optimizer];
      context.strokeStyle = color;
      context.lineWidth = deck ? PATH_WIDTH : 2;
      context.lineJoin = "round";
      if (deck) context.setLineDash(dash_array(optimizer));
      context.beginPath();
      for (let i = 0; i <= last; i++) {
        const [x, y] = row_point(rows[i]);
        const px = sx.apply(x);
        const py = sy.apply(y);
        if (i === 0) context.moveTo(px, py);
        else context.lineTo(px, py);
      }
      context.stroke();
      context.setLineDash([]);
      if (last < 80) {
        context.fillStyle = color;
        for (let i = 1; i <= last; i++) {
          const [x, y] = row_point(rows[i]);
          context.beginPath();
          context.arc(sx.apply(x), sy.apply(y), 2.5, 0, 2 * Math.PI);
          context.fill();
        }
      }
      const [x, y] = row_point(rows[last]);
      marker(context, sx.apply(x), sy.apply(y), color, 5.5);
    }
    if (runs.length) {
      const first = runs.find((r) => r.result);
      if (first) {
        const [x, y] = row_point(first.result.rows[0]);
        context.strokeStyle = "#222";
        context.lineWidth = 2;
        context.beginPath();
        context.arc(sx.apply(x), sy.apply(y), 7, 0, 2 * Math.PI);
        context.stroke();
      }
    }
    if (highlight) ring(context, sx.apply(highlight.point[0]), sy.apply(highlight.point[1]));
    context.restore();
  }

  // The path point nearest to (px, py) within `radius` pixels, among rows 0..k.
  function nearest(runs, k, px, py, radius = 14) {
    let best = null;
    let best_d = radius * radius;
    for (const {optimizer, result} of runs) {
      if (!result) continue;
      const last = Math.min(k, result.rows.length - 1);
      for (let i = 0; i <= last; i++) {
        const point = row_point(result.rows[i]);
        const dx = sx.apply(point[0]) - px;
        const dy = sy.apply(point[1]) - py;
        const d = dx * dx + dy * dy;
        if (d <= best_d) {
          best_d = d;
          best = {optimizer, row: result.rows[i], point};
        }
      }
    }
    return best;
  }

  // Plot coordinates of a pixel, or null off the frame.
  function invert(px, py) {
    if (px < frame.x || px > frame.x + frame.w || py < frame.y || py > frame.y + frame.h) return null;
    return [sx.invert(px), sy.invert(py)];
  }

  return {element: box, canvas, size, draw, nearest, invert, one_d};
}

// An optimizer's dash pattern (style.js, SVG's "14,6") as a canvas line dash.
export function dash_array(optimizer) {
  const dash = OPTIMIZER_DASHES[optimizer] ?? "";
  return dash ? dash.split(",").map(Number) : [];
}

function marker(context, x, y, color, r) {
  context.beginPath();
  context.arc(x, y, r, 0, 2 * Math.PI);
  context.fillStyle = color;
  context.fill();
  context.lineWidth = 1.5;
  context.strokeStyle = "#222";
  context.stroke();
}

function ring(context, x, y) {
  context.beginPath();
  context.arc(x, y, 9, 0, 2 * Math.PI);
  context.lineWidth = 2.5;
  context.strokeStyle = "#111";
  context.stroke();
}

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
// then reused (loss_axes_key) and only the canvas is redrawn.
function domain_of(lo, hi) {
  let a = 10 ** Math.floor(Math.log10(lo));
  let b = 10 ** Math.ceil(Math.log10(hi));
  if (!(a > 0) || !Number.isFinite(a)) a = lo;
  if (!(b > a) || !Number.isFinite(b)) b = a * 10;
  return [a, b];
}

export function loss_axes_key(runs, steps) {
  const {label, domain} = loss_transform(runs);
  return JSON.stringify([label, domain, steps]);
}

// The loss panel's axes for these runs; panel.set_runs(runs) swaps in runs with the same
// loss_axes_key without rebuilding the SVG.
export function loss_panel(runs, steps, {width, height}) {
  let transform = loss_transform(runs);
  const figure = Plot.plot({
    width,
    height,
    marginTop: MARGINS.top,
    marginRight: MARGINS.right,
    marginBottom: MARGINS.bottom,
    marginLeft: MARGINS.left + 8,
    x: {domain: [0, steps], label: "step", labelAnchor: "center", labelArrow: "none"},
    y: {
      type: "log",
      domain: transform.domain,
      label: transform.label,
      labelAnchor: "center",
      labelArrow: "none",
      grid: true,
      ticks: 6,
      tickFormat: format_number,
    },
    marks: [Plot.frame({stroke: "#bbbbbb"})],
  });
  describe_plot(figure, "Loss of each ticked optimizer against the step (log scale); the readout below lists the last values");
  const {box, canvas, context} = layer(figure, width, height);
  box.classList.add("pg-loss");
  const sx = figure.scale("x");
  const sy = figure.scale("y");
  const frame = {
    x: MARGINS.left + 8,
    y: MARGINS.top,
    w: width - MARGINS.left - 8 - MARGINS.right,
    h: height - MARGINS.top - MARGINS.bottom,
  };

  function draw(k, highlight = null) {
    context.clearRect(0, 0, width, height);
    context.save();
    context.beginPath();
    context.rect(frame.x, frame.y, frame.w, frame.h);
    context.clip();
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
        for (let i = from; i <= to; i++) {
          const px = sx.apply(rows[i].step);
          const py = sy.apply(transform.value(rows[i].loss));
          if (i === from) context.moveTo(px, py);
          else context.lineTo(px, py);
        }
        context.stroke();
      }
      context.globalAlpha = 1;
      marker(context, sx.apply(rows[last].step), sy.apply(transform.value(rows[last].loss)), OPTIMIZER_COLORS[optimizer], 4);
    }
    const kx = sx.apply(Math.min(k, steps));
    context.strokeStyle = "#999";
    context.lineWidth = 1;
    context.setLineDash([4, 4]);
    context.beginPath();
    context.moveTo(kx, frame.y);
    context.lineTo(kx, frame.y + frame.h);
    context.stroke();
    context.setLineDash([]);
    if (highlight) ring(context, sx.apply(highlight.row.step), sy.apply(transform.value(highlight.row.loss)));
    context.restore();
  }

  function nearest(px, py, radius = 14) {
    let best = null;
    let best_d = radius * radius;
    for (const {optimizer, result} of runs) {
      if (!result) continue;
      for (const row of result.rows) {
        const dx = sx.apply(row.step) - px;
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

  function set_runs(next) {
    runs = next;
    transform = loss_transform(runs);
  }

  return {element: box, canvas, draw, nearest, set_runs};
}
