// The filled contours under a trajectory plot's paths: SURFACE_SHADE in nested translucent level
// sets, darker where the loss is higher (the colour scale belongs to the optimizers), and a thin
// line on each level. One SVG, kept per surface by trajectory.js.
//
// A slider that changes the surface (a condition number, an eigenvalue) redraws this layer, so
// it is made to fit in that slider's frame (issue 10): the level lines are marching-squares
// segments (geometry.js isolines) and the shading a raster of how many levels each grid
// sample reaches, one pixel per sample, scaled smoothly by the browser under the lines.
// d3.contours drew the same picture as stitched polygons in 16 ms per surface in Chromium on the
// deck's 5 px grid; this takes a few.

import {d3} from "../libs.js";
import {contour_levels, isolines, levels_reached, surface_grid} from "./geometry.js";
import {SURFACE_SHADE, TRAJECTORY_MARGINS} from "./style.js";
import {printing} from "../print_mode.js";

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

// The shading as a PNG data URL, one pixel per grid sample, the top row the view's upper edge.
function shade_image(grid, thresholds) {
  const {width: nx, height: ny} = grid;
  const reached = levels_reached(grid.values, thresholds);
  const {r, g, b} = d3.rgb(SURFACE_SHADE);
  const alpha = Array.from({length: thresholds.length + 1}, (_, k) => Math.round(255 * (1 - (1 - LEVEL_OPACITY) ** k)));
  const canvas = document.createElement("canvas");
  canvas.width = nx;
  canvas.height = ny;
  const context = canvas.getContext("2d");
  const image = context.createImageData(nx, ny);
  for (let j = 0; j < ny; j++) {
    const row = ny - 1 - j; // grid rows go up from the view's lower edge
    for (let i = 0; i < nx; i++) {
      const at = 4 * (row * nx + i);
      image.data[at] = r;
      image.data[at + 1] = g;
      image.data[at + 2] = b;
      image.data[at + 3] = alpha[reached[j * nx + i]];
    }
  }
  context.putImageData(image, 0, 0);
  return canvas.toDataURL();
}

// The shading for paper: the nested level sets as translucent polygons (d3.contours), so that a
// printed plot stays a vector drawing. Slower than the raster, which does not matter in print.
function vector_shading(grid, thresholds, frame, margins) {
  const {width: nx, height: ny} = grid;
  const to = grid_to_pixels(grid, frame, margins);
  const to_pixels = d3.geoTransform({
    point(gx, gy) {
      this.stream.point(to.x(gx), to.y(gy));
    },
  });
  const finite = Float64Array.from(grid.values, (v) => (Number.isFinite(v) ? v : NaN));
  const shading = d3.create("svg:g").attr("fill", SURFACE_SHADE).attr("fill-opacity", LEVEL_OPACITY);
  shading
    .selectAll("path")
    .data(
      d3
        .contours()
        .size([nx, ny])
        .thresholds(thresholds)(finite)
        .filter((c) => c.coordinates.length),
    )
    .join("path")
    .attr("d", d3.geoPath(to_pixels));
  return shading.node();
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
  const px = (gx) => Math.round(10 * to.x(gx)) / 10;
  const py = (gy) => Math.round(10 * to.y(gy)) / 10;
  const lines = isolines(grid, thresholds);
  const line_path = (_threshold, k) => {
    const segments = lines[k];
    let d = "";
    for (let k = 0; k < segments.length; k += 4)
      d += `M${px(segments[k])},${py(segments[k + 1])}L${px(segments[k + 2])},${py(segments[k + 3])}`;
    return d;
  };
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
  const contour = svg.append("g").attr("aria-label", "contour").attr("clip-path", `url(#${clip_id})`);
  if (printing()) contour.append(() => vector_shading(grid, thresholds, frame, m));
  else
    contour
      .append("image")
      .attr("x", m.left)
      .attr("y", m.top)
      .attr("width", frame.width)
      .attr("height", frame.height)
      .attr("preserveAspectRatio", "none")
      .attr("href", shade_image(grid, thresholds));
  contour
    .append("g")
    .attr("fill", "none")
    .attr("stroke", SURFACE_SHADE)
    .attr("stroke-opacity", LINE_OPACITY)
    .attr("stroke-width", LINE_WIDTH)
    .attr("stroke-linecap", "round")
    .selectAll("path")
    .data(thresholds)
    .join("path")
    .attr("d", line_path);
  return svg.node();
}
