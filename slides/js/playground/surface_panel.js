// The playground's surface plot: the contours (or the loss curve of the 1D quartic) with every
// optimizer's path. One box for the widget's life (panels.js): the axes of each surface and the
// contours of each surface setting are built once and kept, and a change of surface swaps them
// under the same canvas.

import {Plot, OPTIMIZER_COLORS, PATH_WIDTH, tick_count, describe_layers} from "./view.js";
import {make_surface} from "./core.js";
import {contour_layer} from "../plots/contours.js";
import {SURFACE_SETUP} from "./state.js";
import {
  MARGINS,
  DECK_MARGINS,
  begin_frame,
  canvas_layer,
  dash_array,
  equal_frame,
  linear_map,
  marker,
  polyline,
  recent_cache,
  ring,
  row_point,
} from "./panels.js";

const CURVE_COLOR = "#34495e";

// What the surface plot shows of a state: a change of it swaps the plot's layers.
export function surface_key(state) {
  return JSON.stringify([state.surface, state.surface_params]);
}

// The axes of a surface (and its curve, on the 1D quartic), as an Observable Plot figure.
function surface_axes(state, surface, {width, height}, deck) {
  const M = deck ? DECK_MARGINS : MARGINS;
  const view = SURFACE_SETUP[state.surface].view;
  const one_d = surface.dim === 1;
  const size = one_d ? {width, height} : equal_frame(view, width, height, M);
  const ticks = (axis) =>
    deck ? {ticks: tick_count(axis === "x" ? size.width - M.left - M.right : size.height - M.top - M.bottom, axis)} : {};
  let background = [];
  if (one_d) {
    const n = 300;
    const points = Array.from({length: n + 1}, (_, i) => {
      const x = i === n ? view.x[1] : view.x[0] + ((view.x[1] - view.x[0]) * i) / n;
      return {x, y: surface.f([x])};
    });
    background = [Plot.line(points, {x: "x", y: "y", stroke: CURVE_COLOR, strokeWidth: 2.5, clip: true})];
  }
  // In 2D the contours are a layer of their own under the axes (plots/contours.js, the deck's:
  // level lines by marching squares over a shaded raster), not Plot's contour mark, whose
  // polygon stitching was most of the page's first drawing (issue 26: a long task on a phone).
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
  const frame = {x: M.left, y: M.top, w: size.width - M.left - M.right, h: size.height - M.top - M.bottom};
  return {figure, size, view, one_d, frame, sx: figure.scale("x"), sy: figure.scale("y"), margins: M};
}

// `size`: the largest the plot may be; `deck`: the slide's version (DECK_MARGINS, 3 px dashed
// paths, fewer ticks). show(state) puts the state's surface in the box; draw, nearest and
// invert work on the surface shown.
export function surface_panel({width, height}, {deck = false} = {}) {
  const {box, canvas, context, fit, layers, pixel} = canvas_layer("pg-surface");
  // Axes by surface (the view is the surface's, whatever its parameters; the 1D curve by
  // setting), contours by setting: switching back to a surface seen lately builds nothing.
  const axes_cache = recent_cache(8);
  const contour_cache = recent_cache(8);
  let shown_key = null;
  let axes = null;
  let px = null;
  let py = null;

  function show(state) {
    const key = surface_key(state);
    if (key === shown_key) return;
    shown_key = key;
    const surface = make_surface(state.surface, state.surface_params);
    const axes_key = surface.dim === 1 ? key : state.surface;
    axes = axes_cache(axes_key, () => surface_axes(state, surface, {width, height}, deck));
    px = linear_map(axes.sx);
    py = linear_map(axes.sy);
    let contours = null;
    if (!axes.one_d) {
      const {view, size, margins} = axes;
      contours = contour_cache(key, () => contour_layer(surface, view, {...size, levels: 16, margins}));
    }
    fit(axes.size.width, axes.size.height);
    // under the figure (transparent: its axes and frame over the shading)
    layers(contours ? [contours, axes.figure] : [axes.figure]);
    // the stacked layers (contours, axes, the canvas's paths) are one image with one description
    describe_layers(
      box,
      axes.figure,
      `${axes.one_d ? "The loss curve" : "Contours of the loss surface"} ${state.surface} with each ticked optimizer's path; the readout below lists where each run is`,
    );
  }

  // runs: run_playground output; k: the animation's step (paths are drawn up to it).
  function draw(runs, k, highlight = null) {
    const {size, frame} = axes;
    const one_d = axes.one_d;
    const tolerance = pixel();
    begin_frame(context, size.width, size.height, frame);
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
      polyline(
        context,
        0,
        last,
        (i) => px(rows[i].theta[0]),
        (i) => py(one_d ? rows[i].loss : rows[i].theta[1]),
        tolerance,
      );
      context.stroke();
      context.setLineDash([]);
      if (last < 80) {
        context.fillStyle = color;
        for (let i = 1; i <= last; i++) {
          const [x, y] = row_point(rows[i]);
          context.beginPath();
          context.arc(px(x), py(y), 2.5, 0, 2 * Math.PI);
          context.fill();
        }
      }
      const [x, y] = row_point(rows[last]);
      marker(context, px(x), py(y), color, 5.5);
    }
    const first = runs.find((r) => r.result);
    if (first) {
      const [x, y] = row_point(first.result.rows[0]);
      context.strokeStyle = "#222";
      context.lineWidth = 2;
      context.beginPath();
      context.arc(px(x), py(y), 7, 0, 2 * Math.PI);
      context.stroke();
    }
    if (highlight) ring(context, px(highlight.point[0]), py(highlight.point[1]));
    context.restore();
  }

  // The path point nearest to (x, y) in pixels within `radius` pixels, among rows 0..k.
  function nearest(runs, k, x, y, radius = 14) {
    let best = null;
    let best_d = radius * radius;
    for (const {optimizer, result} of runs) {
      if (!result) continue;
      const last = Math.min(k, result.rows.length - 1);
      for (let i = 0; i <= last; i++) {
        const point = row_point(result.rows[i]);
        const dx = px(point[0]) - x;
        const dy = py(point[1]) - y;
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
  function invert(x, y) {
    const {frame} = axes;
    if (x < frame.x || x > frame.x + frame.w || y < frame.y || y > frame.y + frame.h) return null;
    return [axes.sx.invert(x), axes.sy.invert(y)];
  }

  return {
    element: box,
    canvas,
    show,
    draw,
    nearest,
    invert,
    get size() {
      return axes.size;
    },
    get one_d() {
      return axes.one_d;
    },
  };
}
