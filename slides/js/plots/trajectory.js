// The trajectory plot of the interactive scenes: contours (2D) or the loss curve (1D), each
// run's path clipped to the view, the faint Python reference, and the legend.

import {Plot, d3} from "../libs.js";
import {make_surface} from "../core/surfaces.js";
import {X_TICK_PADDING, axis, frame_mark, tick_count} from "./axes.js";
import {clip_polyline, contour_levels, linspace, run_points, surface_grid, visible_pieces} from "./geometry.js";
import {line_legend, with_legend} from "./legend.js";
import {describe_layers} from "./describe.js";
import {awaiting_slide, format_number, legend_scale, readout_lines} from "./readouts.js";
import {
  OPTIMIZER_DASHES,
  PATH_WIDTH,
  REFERENCE_PATH_OPACITY,
  REFERENCE_PATH_WIDTH,
  REFERENCE_LABEL,
  SURFACE_CURVE_COLOR,
  SURFACE_CURVE_LABEL,
  SURFACE_SHADE,
  TRAJECTORY_MARGINS,
  frame_size,
} from "./style.js";

// Filled contours of a 2D surface: nested translucent layers, so darker means higher loss
// without using the colour scale (which belongs to the optimizers).
// 160 x 100 cells (about 6 px each on a 960 px plot) keep the level sets smooth and the redraw
// on a slider move fast (the contouring dominates it: 240 x 160 doubled the time).
export function surface_marks(surface, view, {levels = 14, nx = 160, ny = 100} = {}) {
  const grid = surface_grid(surface.f, view, nx, ny);
  const thresholds = contour_levels(grid.values, levels);
  return [
    Plot.contour(grid.values, {
      width: grid.width,
      height: grid.height,
      x1: grid.x1,
      x2: grid.x2,
      y1: grid.y1,
      y2: grid.y2,
      thresholds,
      fill: SURFACE_SHADE,
      fillOpacity: 0.05,
      stroke: SURFACE_SHADE,
      strokeOpacity: 0.35,
      strokeWidth: 0.8,
      clip: true,
    }),
  ];
}

// The curve of a 1D surface over the view, sampled by index.
export function curve_marks(surface, view, {samples = 300} = {}) {
  const xs = linspace(view.x[0], view.x[1], samples);
  const points = xs.map((x, i) => ({x, y: surface.f([x]), step: i}));
  return [
    Plot.line(visible_pieces(points, view), {x: "x", y: "y", z: "piece", stroke: () => SURFACE_CURVE_LABEL, strokeWidth: 3, clip: true}),
  ];
}

// The dash pattern of a run's path: its optimizer's ("" = solid).
export function run_dash(run) {
  return OPTIMIZER_DASHES[run.optimizer] ?? "";
}

// A run's path as clipped segments plus dots at the visible iterates (start point larger). A live
// path has its optimizer's dash pattern; the faint reference under it is solid, wide and grey.
export function path_marks(run, view, {color = run.label, faint = false, dots = true} = {}) {
  const dash = faint ? "" : run_dash(run);
  const points = run_points(run.result);
  const {visible} = clip_polyline(points, view);
  const marks = [
    Plot.line(visible_pieces(points, view), {
      x: "x",
      y: "y",
      z: "piece",
      stroke: () => color,
      strokeWidth: faint ? REFERENCE_PATH_WIDTH : PATH_WIDTH,
      strokeOpacity: faint ? REFERENCE_PATH_OPACITY : 1,
      ...(dash ? {strokeDasharray: dash} : {}),
      clip: true,
    }),
  ];
  if (dots) {
    marks.push(
      Plot.dot(visible, {
        x: "x",
        y: "y",
        r: (d) => (d.step === 0 ? 6 : 3.5),
        fill: () => color,
        stroke: "white",
        strokeWidth: 1,
        clip: true,
        // Hover titles are for students browsing afterwards; long runs skip them (one DOM
        // node per dot slows the redraw while dragging).
        ...(visible.length <= 60 ? {title: (d) => `${run.label}, step ${d.step}: loss ${format_number(d.loss)}`} : {}),
      }),
    );
  }
  return marks;
}

// The scene's surface, rebuilt from the runner config the core used.
export function runs_surface(runs) {
  const config = runs[0].result.config;
  return make_surface(config.surface, config.surface_params);
}

// The layers under the paths are kept (issue 10): a slider that does not change the surface
// (eta, steps, momentum, noise) redraws only the paths, and one that does (a condition number,
// an eigenvalue) redraws only the contours, once per surface: a value it comes back to is kept
// too. Each kept layer is one SVG node, moved into the newest figure (the cell's previous output
// is being replaced by that figure).
const KEPT = new Map();
const MAX_KEPT = 96;

function kept(key, build) {
  let node = KEPT.get(key);
  if (node)
    KEPT.delete(key); // least recently used goes first
  else node = build();
  KEPT.set(key, node);
  if (KEPT.size > MAX_KEPT) KEPT.delete(KEPT.keys().next().value);
  return node;
}

function plot_margins() {
  const m = TRAJECTORY_MARGINS;
  return {marginTop: m.top, marginLeft: m.left, marginRight: m.right, marginBottom: m.bottom};
}

// Axes and frame (and the loss curve of a 1D surface): Plot, once per view, size and labels.
export function axes_layer(surface, view, {width, height, x_label, y_label}) {
  const one_dimensional = surface.dim === 1;
  const key = JSON.stringify(["axes", one_dimensional ? [surface.name, surface.params] : 2, view, width, height, x_label, y_label]);
  return kept(key, () =>
    Plot.plot({
      width,
      height,
      ...plot_margins(),
      x: axis(x_label, {domain: view.x, ticks: tick_count(frame_size(width, height).width, "x"), tickPadding: X_TICK_PADDING}),
      y: axis(y_label, {domain: view.y, ticks: tick_count(frame_size(width, height).height, "y")}),
      color: {domain: [SURFACE_CURVE_LABEL], range: [SURFACE_CURVE_COLOR]},
      marks: [frame_mark(), ...(one_dimensional ? curve_marks(surface, view) : [])],
    }),
  );
}

let contour_clip_count = 0;

// Grid cells of about this many pixels: the level sets of the deck's smooth surfaces are then
// smooth to the eye, and d3.contours' time grows with the number of cells.
const CONTOUR_CELL_PX = 5;

// The filled contours of a 2D surface as their own SVG, the same drawing as surface_marks
// (levels, shades, the frame as clip) made with d3.contours directly, on a grid sized to the
// plot: a new surface costs a few milliseconds instead of Plot's contour pipeline on a fixed
// 160 x 100 grid (most of a redraw, measured).
export function contour_layer(surface, view, {width, height, levels = 14}) {
  const key = JSON.stringify(["contours", surface.name, surface.params, view, width, height, levels]);
  return kept(key, () => {
    const m = TRAJECTORY_MARGINS;
    const frame = {width: width - m.left - m.right, height: height - m.top - m.bottom};
    const nx = Math.max(8, Math.ceil(frame.width / CONTOUR_CELL_PX));
    const ny = Math.max(8, Math.ceil(frame.height / CONTOUR_CELL_PX));
    const grid = surface_grid(surface.f, view, nx, ny);
    const thresholds = contour_levels(grid.values, levels);
    // Grid coordinates (0..nx, 0..ny from the view's lower left) to pixels, as Plot maps them.
    const to_pixels = d3.geoTransform({
      point(gx, gy) {
        this.stream.point(m.left + (gx / nx) * frame.width, m.top + frame.height - (gy / ny) * frame.height);
      },
    });
    const path = d3.geoPath(to_pixels);
    const finite = Float64Array.from(grid.values, (v) => (Number.isFinite(v) ? v : NaN));
    const contours = d3.contours().size([nx, ny]).thresholds(thresholds)(finite);
    const clip_id = `trajectory-contour-clip-${++contour_clip_count}`;
    const svg = d3
      .create("svg")
      .attr("class", "trajectory-contours")
      .attr("width", width)
      .attr("height", height)
      .attr("viewBox", `0 0 ${width} ${height}`);
    svg
      .append("clipPath")
      .attr("id", clip_id)
      .append("rect")
      .attr("x", m.left)
      .attr("y", m.top)
      .attr("width", frame.width)
      .attr("height", frame.height);
    svg
      .append("g")
      .attr("aria-label", "contour")
      .attr("clip-path", `url(#${clip_id})`)
      .attr("fill", SURFACE_SHADE)
      .attr("fill-opacity", 0.05)
      .attr("stroke", SURFACE_SHADE)
      .attr("stroke-opacity", 0.35)
      .attr("stroke-width", 0.8)
      .attr("stroke-miterlimit", 1)
      .selectAll("path")
      .data(contours.filter((c) => c.coordinates.length))
      .join("path")
      .attr("d", path);
    return svg.node();
  });
}

function stacked(svg) {
  svg.style.position = "absolute";
  svg.style.left = "0";
  svg.style.top = "0";
  svg.style.maxWidth = "100%";
  svg.style.height = "auto";
  return svg;
}

// Contours (2D) or the loss curve (1D) with every run's path, the Python reference under the
// live path when given, and the legend. Nothing is written inside the frame (text there sat on
// the paths): the words go into trajectory_readout, beside or under the plot.
// SVGs of the same size and scales, stacked: the kept axes (axes_layer), the kept contours
// (contour_layer) and the paths, drawn anew without axes.
//   runs:      run_scene(...) output
//   view:      SCENE_VIEW[name]
//   reference: {runs, note} from scene_reference(...) (deck_data.js), or null
//   overlay:   extra marks drawn over the surface and under the paths (eigenvector_marks)
//   shown:     false until the slide is first shown (first_shown): nothing is drawn before
export function trajectory_plot(
  runs,
  view,
  {width = 532, height = 504, x_label, y_label, reference = null, overlay = [], shown = true} = {},
) {
  if (!shown) return awaiting_slide({width, height});
  const surface = runs_surface(runs);
  const one_dimensional = surface.dim === 1;
  const reference_runs = reference?.runs ?? [];
  const reference_marks = reference_runs.flatMap((run) => path_marks(run, view, {color: REFERENCE_LABEL, faint: true, dots: false}));
  const live_marks = runs.flatMap((run) => path_marks(run, view));
  const colors = legend_scale(runs, {reference: reference_runs.length > 0, curve: one_dimensional});
  const paths = Plot.plot({
    width,
    height,
    ...plot_margins(),
    x: {domain: view.x, axis: null},
    y: {domain: view.y, axis: null},
    color: {...colors, legend: false},
    marks: [...overlay, ...reference_marks, ...live_marks],
  });
  // The axes SVG is in the flow and sizes the stack; the others lie on it and shrink alike
  // where the column is narrower than `width` (Plot's max-width: 100%).
  const layers = document.createElement("div");
  layers.className = "trajectory-layers";
  layers.style.position = "relative";
  const axes = axes_layer(surface, view, {width, height, x_label, y_label});
  layers.append(axes);
  if (!one_dimensional) layers.append(stacked(contour_layer(surface, view, {width, height})));
  layers.append(stacked(paths));
  describe_layers(layers, axes, trajectory_description(runs, view, {reference, one_dimensional}));
  return with_legend(line_legend(legend_entries(runs, colors, {reference: reference_runs.length > 0})), layers);
}

// What the plot shows, in words, with the current readout (rebuilt with the plot on every change).
export function trajectory_description(runs, view, {reference = null, one_dimensional = false} = {}) {
  const names = runs.map((run) => `${run.label} (${run_dash(run) ? "dashed" : "solid"} line)`).join(", ");
  const what = one_dimensional
    ? `The loss curve f(x) with the iterates of ${names}`
    : `Contours of the loss surface with the paths of ${names}`;
  const readout = readout_lines(runs, view, {reference}).map((line) => line.text);
  return [what, ...readout].join(". ");
}

// The legend's entries: each run as its path is drawn, then the loss curve and the reference.
export function legend_entries(runs, colors, {reference = false} = {}) {
  const entries = runs.map((run, i) => ({
    label: run.label,
    color: colors.range[i],
    dash: run_dash(run),
    width: PATH_WIDTH,
    optimizer: run.optimizer,
  }));
  for (let i = runs.length; i < colors.domain.length; i++) {
    const is_reference = reference && colors.domain[i] === REFERENCE_LABEL;
    entries.push({
      label: colors.domain[i],
      color: colors.range[i],
      width: is_reference ? REFERENCE_PATH_WIDTH : PATH_WIDTH,
      opacity: is_reference ? REFERENCE_PATH_OPACITY : 1,
    });
  }
  return entries;
}
