// The trajectory plot of the interactive scenes: contours (2D) or the loss curve (1D), each
// run's path clipped to the view, the faint Python reference, and the legend.

import {Plot} from "../libs.js";
import {make_surface} from "../core/surfaces.js";
import {axis, frame_mark, tick_count} from "./axes.js";
import {clip_polyline, contour_levels, linspace, run_points, surface_grid, visible_pieces} from "./geometry.js";
import {line_legend, with_legend} from "./legend.js";
import {describe_plot} from "./describe.js";
import {format_number, legend_scale, readout_lines} from "./readouts.js";
import {
  OPTIMIZER_DASHES,
  PATH_WIDTH,
  REFERENCE_PATH_OPACITY,
  REFERENCE_PATH_WIDTH,
  REFERENCE_LABEL,
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
  return [Plot.line(visible_pieces(points, view), {x: "x", y: "y", z: "piece", stroke: () => SURFACE_CURVE_LABEL, strokeWidth: 3, clip: true})];
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

// Contours (2D) or the loss curve (1D) with every run's path, the Python reference under the
// live path when given, and the legend. Nothing is written inside the frame (text there sat on
// the paths): the words go into trajectory_readout, beside or under the plot.
//   runs:      run_scene(...) output
//   view:      SCENE_VIEW[name]
//   reference: {runs, note} from scene_reference(...) (deck_data.js), or null
//   overlay:   extra marks drawn over the surface and under the paths (eigenvector_marks)
export function trajectory_plot(runs, view, {width = 532, height = 504, x_label, y_label, reference = null, overlay = []} = {}) {
  const surface = runs_surface(runs);
  const one_dimensional = surface.dim === 1;
  const background = one_dimensional ? curve_marks(surface, view) : surface_marks(surface, view);
  const reference_runs = reference?.runs ?? [];
  const reference_marks = reference_runs.flatMap((run) =>
    path_marks(run, view, {color: REFERENCE_LABEL, faint: true, dots: false}),
  );
  const live_marks = runs.flatMap((run) => path_marks(run, view));
  const m = TRAJECTORY_MARGINS;
  const frame = frame_size(width, height);
  const colors = legend_scale(runs, {reference: reference_runs.length > 0, curve: one_dimensional});
  const plot = Plot.plot({
    width,
    height,
    marginTop: m.top,
    marginLeft: m.left,
    marginRight: m.right,
    marginBottom: m.bottom,
    x: axis(x_label, {domain: view.x, ticks: tick_count(frame.width, "x")}),
    y: axis(y_label, {domain: view.y, ticks: tick_count(frame.height, "y")}),
    color: {...colors, legend: false},
    marks: [
      frame_mark(),
      ...background,
      ...overlay,
      ...reference_marks,
      ...live_marks,
    ],
  });
  describe_plot(plot, trajectory_description(runs, view, {reference, one_dimensional}));
  return with_legend(line_legend(legend_entries(runs, colors, {reference: reference_runs.length > 0})), plot);
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
  const entries = runs.map((run, i) => ({label: run.label, color: colors.range[i], dash: run_dash(run), width: PATH_WIDTH}));
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
