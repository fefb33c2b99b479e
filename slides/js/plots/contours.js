// The filled contours under a trajectory plot's paths: SURFACE_SHADE in nested translucent level
// sets, darker where the loss is higher (the colour scale belongs to the optimizers), and a thin
// line on each level. One SVG, kept per surface by trajectory.js.
//
// A slider that changes the surface (a condition number, an eigenvalue) redraws this layer, so
// it is made to fit in that slider's frame (issue 10): the shading is the level sets as rings
// (geometry.js level_set_rings: marching squares, the segments chained by the cell edges they
// cross, no stitching search as d3.contours' 16 ms per surface in Chromium on the deck's 5 px
// grid), and the level lines are the rings' edges: one path per level fills and strokes. Both are
// vectors, so the bands are sharp at the screen's resolution (a projector, where reveal.js scales
// the slide up, a high-DPI screen, paper) and end on their lines (issue 23; a raster of one pixel
// per sample, scaled smoothly by the browser, blurred them over a grid cell). Coordinates are
// whole tenths of a pixel (a group scaled by 1/10): integers are written out several times faster
// than decimals.

import {d3} from "../libs.js";
import {contour_levels, isolines, level_set_rings, surface_grid} from "./geometry.js";
import {SURFACE_SHADE, TRAJECTORY_MARGINS} from "./style.js";

// Grid cells of about this many pixels for the level lines: they then look smooth on the
// deck's surfaces (at 8 px the smallest ellipses turned into diamonds).
const LINE_CELL_PX = 5;
// Each level set adds this opacity of SURFACE_SHADE, as nested translucent fills would.
const LEVEL_OPACITY = 0.05;
const LINE_OPACITY = 0.35;
const LINE_WIDTH = 0.8;

let clip_count = 0;

// Grid coordinates (0..nx, 0..ny from the view's lower left) to pixels, as Plot maps them.
function grid_to_pixels(grid, frame, m) {
  return {
    x: (gx) => m.left + (gx / grid.width) * frame.width,
    y: (gy) => m.top + frame.height - (gy / grid.height) * frame.height,
  };
}

// Tenths of a pixel per pixel: the layer's paths are drawn in a group scaled by 1/TENTHS.
const TENTHS = 10;

// One path's data for each threshold: every ring of its level set, closed.
function rings_paths(rings, px, py) {
  return rings.map((flat) => {
    let d = "";
    for (let at = 0; at < flat.length; at += 1 + 2 * flat[at]) {
      d += `M${px(flat[at + 1])},${py(flat[at + 2])}`;
      for (let v = 1; v < flat[at]; v++) d += `L${px(flat[at + 1 + 2 * v])},${py(flat[at + 2 + 2 * v])}`;
      d += "Z";
    }
    return d;
  });
}

// One path's data for each threshold: its level line's segments.
function lines_paths(lines, px, py) {
  return lines.map((segments) => {
    let d = "";
    for (let k = 0; k < segments.length; k += 4)
      d += `M${px(segments[k])},${py(segments[k + 1])}L${px(segments[k + 2])},${py(segments[k + 3])}`;
    return d;
  });
}

// `margins`: the plot's margins (the frame inside them is the view), the trajectory plots' by
// default; the playground's surface panel has its own.
export function contour_layer(surface, view, {width, height, levels = 14, margins = TRAJECTORY_MARGINS}) {
  const m = margins;
  const frame = {width: width - m.left - m.right, height: height - m.top - m.bottom};
  const nx = Math.max(8, Math.ceil(frame.width / LINE_CELL_PX));
  const ny = Math.max(8, Math.ceil(frame.height / LINE_CELL_PX));
  const grid = surface_grid(surface.f, view, nx, ny);
  const thresholds = contour_levels(grid.values, levels);
  const to = grid_to_pixels(grid, frame, m);
  // the same rounding for the bands and the lines: their edges stay the same points
  const px = (gx) => Math.round(TENTHS * to.x(gx));
  const py = (gy) => Math.round(TENTHS * to.y(gy));
  const clip_id = `trajectory-contour-clip-${++clip_count}`;
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
  const contour = svg
    .append("g")
    .attr("aria-label", "contour")
    .attr("clip-path", `url(#${clip_id})`)
    .append("g")
    .attr("transform", `scale(${1 / TENTHS})`);
  const bands = rings_paths(level_set_rings(grid, thresholds), px, py);
  // The rings' edges in the view are the level lines (what isolines gives), so the same path data
  // draws both, computed and parsed once; their edges outside it are clipped. A NaN or infinite
  // sample gives the rings edges where isolines has no position for a line: then isolines draws them.
  const lines = grid.values.every(Number.isFinite) ? bands : lines_paths(isolines(grid, thresholds), px, py);
  contour
    .append("g")
    .attr("fill", SURFACE_SHADE)
    .attr("fill-opacity", LEVEL_OPACITY)
    .selectAll("path")
    .data(bands)
    .join("path")
    .attr("d", (d) => d);
  contour
    .append("g")
    .attr("fill", "none")
    .attr("stroke", SURFACE_SHADE)
    .attr("stroke-opacity", LINE_OPACITY)
    .attr("stroke-width", LINE_WIDTH * TENTHS)
    .attr("stroke-linecap", "round")
    .attr("stroke-linejoin", "round")
    .selectAll("path")
    .data(lines)
    .join("path")
    .attr("d", (d) => d);
  return svg.node();
}
