// The trajectory plot of the interactive scenes: contours (2D) or the loss curve (1D), each
// run's path clipped to the view, the faint Python reference, and the legend.

import {Plot, d3} from "../libs.js";
import {make_surface} from "../core/surfaces.js";
import {X_TICK_PADDING, axis, frame_mark, tick_count} from "./axes.js";
import {clip_polyline, contour_levels, linspace, run_points, surface_grid, visible_pieces} from "./geometry.js";
import {line_legend, with_legend} from "./legend.js";
import {describe_layers} from "./describe.js";
import {contour_layer} from "./contours.js";
import {escape_text, svg_element} from "./svg.js";
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
        r: dot_radius,
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

// The paths layer drawn with d3 directly, element for element what Plot.plot makes of the
// marks above (path_marks, the faint reference under the live paths): per mark a group
// g[aria-label="line"] / g[aria-label="dot"] clipped to the frame, the same scales, the same
// stroke and dash attributes, dots by descending radius on Plot's radius scale, the same hover
// titles. Plot's pipeline (channels, scales, a style sheet per plot) was most of a slider move's
// work on a path that only changes its points (issue 10): this costs a fraction of it.
// tests/test_deck_helpers_js.py compares the two SVGs.
let paths_clip_count = 0;

export function paths_svg(runs, reference_runs, view, colors, {width, height}) {
  const m = TRAJECTORY_MARGINS;
  const x = d3.scaleLinear(view.x, [m.left, width - m.right]);
  const y = d3.scaleLinear(view.y, [height - m.bottom, m.top]);
  const color_of = d3.scaleOrdinal(colors.domain, colors.range);
  const line = d3
    .line()
    .x((d) => x(d.x))
    .y((d) => y(d.y));
  const marks = [
    ...reference_runs.map((run) => ({kind: "line", run, faint: true})),
    ...runs.flatMap((run) => [
      {kind: "line", run, faint: false},
      {kind: "dot", run},
    ]),
  ];
  for (const mark of marks) {
    const points = run_points(mark.run.result);
    if (mark.kind === "line") mark.data = visible_pieces(points, view);
    else mark.data = clip_polyline(points, view).visible;
  }
  // Plot's radius scale: sqrt, domain [0, max r], 3 px at the median over the dot marks of each
  // mark's 25th percentile of r (at most 30 px).
  const radii = marks.filter((mk) => mk.kind === "dot").map((mk) => mk.data.map(dot_radius));
  const h25 = d3.quantile(radii, 0.5, (values) => d3.quantile(values, 0.25));
  const r_max = radii.length ? d3.max(radii, (values) => d3.max(values)) : 1;
  let r_range = [0, r_max].map((d) => 3 * Math.sqrt(d / h25));
  if (30 / d3.max(r_range) < 1) r_range = r_range.map((r) => r * (30 / d3.max(r_range)));
  const r = d3.scaleSqrt([0, r_max], r_range);

  const clip_id = `trajectory-paths-clip-${++paths_clip_count}`;
  // Plain DOM calls: d3's selections cost more than the drawing here.
  const svg = svg_element("svg", {class: "plot-trajectory-paths", fill: "currentColor", width, height, viewBox: `0 0 ${width} ${height}`});
  const clip = svg.appendChild(svg_element("clipPath", {id: clip_id}));
  clip.appendChild(svg_element("rect", {x: m.left, y: m.top, width: width - m.left - m.right, height: height - m.top - m.bottom}));
  for (const mark of marks) {
    if (!mark.data.length) continue; // Plot draws no group for a mark without data
    const {run} = mark;
    const outer = svg.appendChild(svg_element("g", {"aria-label": mark.kind, "clip-path": `url(#${clip_id})`}));
    if (mark.kind === "line") {
      const dash = mark.faint ? "" : run_dash(run);
      const g = outer.appendChild(
        svg_element("g", {
          fill: "none",
          "stroke-width": mark.faint ? REFERENCE_PATH_WIDTH : PATH_WIDTH,
          "stroke-opacity": mark.faint ? REFERENCE_PATH_OPACITY : null,
          "stroke-linejoin": "round",
          "stroke-linecap": "round",
          "stroke-dasharray": dash || null,
          transform: "translate(0.5,0.5)",
        }),
      );
      const stroke = color_of(mark.faint ? REFERENCE_LABEL : run.label);
      for (const piece of d3.group(mark.data, (d) => d.piece).values()) {
        g.appendChild(svg_element("path", {stroke, d: line(piece)}));
      }
    } else {
      const g = outer.appendChild(svg_element("g", {stroke: "white", transform: "translate(0.5,0.5)"}));
      const fill = color_of(run.label);
      const titled = mark.data.length <= 60;
      const order = d3.range(mark.data.length).sort((i, j) => dot_radius(mark.data[j]) - dot_radius(mark.data[i]) || i - j);
      // Hundreds of dots as one string for the browser's parser: an element and four attributes
      // per dot through the DOM API took most of a steps slider's move (issue 10). The elements
      // and attributes are Plot's, in Plot's order.
      let dots = "";
      for (const i of order) {
        const d = mark.data[i];
        const title = titled ? `<title>${escape_text(`${run.label}, step ${d.step}: loss ${format_number(d.loss)}`)}</title>` : "";
        dots += `<circle cx="${x(d.x)}" cy="${y(d.y)}" r="${r(dot_radius(d))}" fill="${fill}">${title}</circle>`;
      }
      g.innerHTML = dots;
    }
  }
  return svg;
}

function dot_radius(d) {
  return d.step === 0 ? 6 : 3.5;
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
// (contour_layer), the overlay if any and the paths, drawn anew without axes.
//   runs:      run_scene(...) output
//   view:      SCENE_VIEW[name]
//   reference: {runs, note} from scene_reference(...) (deck_data.js), or null
//   overlay:   ({width, height}) => an SVG of that size drawn over the contours and under the
//              paths (hessian.js eigenvector_layer), or null
//   shown:     false until the slide is first shown (first_shown): nothing is drawn before
export function trajectory_plot(
  runs,
  view,
  {width = 532, height = 504, x_label, y_label, reference = null, overlay = null, shown = true} = {},
) {
  if (!shown) return awaiting_slide({width, height});
  const surface = runs_surface(runs);
  const one_dimensional = surface.dim === 1;
  const reference_runs = reference?.runs ?? [];
  const colors = legend_scale(runs, {reference: reference_runs.length > 0, curve: one_dimensional});
  const paths = paths_svg(runs, reference_runs, view, colors, {width, height});
  // The axes SVG is in the flow and sizes the stack; the others lie on it and shrink alike
  // where the column is narrower than `width` (Plot's max-width: 100%).
  const layers = document.createElement("div");
  layers.className = "trajectory-layers";
  layers.style.position = "relative";
  const axes = axes_layer(surface, view, {width, height, x_label, y_label});
  layers.append(axes);
  if (!one_dimensional) {
    const key = JSON.stringify(["contours", surface.name, surface.params, view, width, height]);
    layers.append(stacked(kept(key, () => contour_layer(surface, view, {width, height}))));
  }
  if (overlay) layers.append(stacked(overlay({width, height})));
  layers.append(stacked(paths));
  describe_layers(layers, axes, trajectory_description(runs, view, {reference, one_dimensional}));
  return with_legend(line_legend(legend_entries(runs, colors, {reference: reference_runs.length > 0})), layers);
}

// The paths layer through Plot: path_marks for the reference and the live runs. What paths_svg
// draws element for element (the tests compare the two).
export function plot_paths(runs, reference_runs, view, colors, {width, height}) {
  const reference_marks = reference_runs.flatMap((run) => path_marks(run, view, {color: REFERENCE_LABEL, faint: true, dots: false}));
  const live_marks = runs.flatMap((run) => path_marks(run, view));
  return Plot.plot({
    width,
    height,
    ...plot_margins(),
    x: {domain: view.x, axis: null},
    y: {domain: view.y, axis: null},
    color: {...colors, legend: false},
    marks: [...reference_marks, ...live_marks],
  });
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
