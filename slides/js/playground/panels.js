// What the playground's two plots share (surface_panel.js, loss_panel.js): the margins, a
// canvas over the SVG axes that holds the paths, the markers, and fast pixel maps.
//
// Each plot is one box that stays in the page for the widget's life: its canvas is kept (a
// control change or an animation frame redraws only the canvas: 8 paths x 1,000 steps in about
// a millisecond) and only the SVG layers under it are swapped when the axes or the surface
// change (issue 25: a new canvas, or a box replaced, was a new compositing layer to build and
// rasterise before the change reached the screen).

import {OPTIMIZER_DASHES} from "./view.js";

export const MARGINS = {top: 12, right: 16, bottom: 42, left: 56};
// On a slide the plot text is projection-sized (24 px, slides/theme.css): wider margins for the
// tick and axis labels, fewer ticks, and paths as wide as the deck's other paths, each with its
// optimizer's dash pattern so that they can be told apart without colour.
export const DECK_MARGINS = {top: 14, right: 22, bottom: 64, left: 80};

// Plot coordinates of a row: (theta0, theta1) in 2D, (theta0, loss) on the 1D quartic.
export const row_point = (row) => [row.theta[0], row.theta.length === 1 ? row.loss : row.theta[1]];

// A box holding SVG layers (under) and one canvas (over), resized in place.
export function canvas_layer(className) {
  const box = document.createElement("div");
  box.className = `pg-panel ${className}`;
  const canvas = document.createElement("canvas");
  // The paths are drawn on the canvas over the SVG's axes; the figure's text alternative
  // (describe_layers on the surface panel, describe_plot on the loss panel) speaks for both,
  // and the readout under the panels gives the numbers.
  canvas.setAttribute("aria-hidden", "true");
  box.append(canvas);
  const context = canvas.getContext("2d");
  let shown = [];
  let ratio = 1;

  // One canvas pixel per screen pixel: the device pixel ratio times reveal.js's scale of the
  // slide (1.4 on a 1920x1080 projector, 2.8 on a 4K one), else a projector shows it upscaled.
  // Asked again whenever the plot's size is set, as a new canvas was before.
  function fit(width, height) {
    const slide_scale = window.Reveal && window.Reveal.getScale ? window.Reveal.getScale() : 1;
    ratio = Math.max(1, Math.min(4, (window.devicePixelRatio || 1) * slide_scale));
    const pixels = [Math.round(width * ratio), Math.round(height * ratio)];
    if (canvas.width !== pixels[0] || canvas.height !== pixels[1] || canvas.style.width !== `${width}px`) {
      box.style.width = `${width}px`;
      box.style.height = `${height}px`;
      canvas.width = pixels[0]; // resets the context
      canvas.height = pixels[1];
      canvas.style.width = `${width}px`;
      canvas.style.height = `${height}px`;
    }
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
  }

  // The SVG layers under the canvas, bottom first; the same nodes again are left in place.
  function layers(nodes) {
    if (nodes.length === shown.length && nodes.every((node, i) => node === shown[i])) return;
    for (const node of shown) node.remove();
    canvas.before(...nodes);
    shown = nodes;
  }

  // one canvas pixel, in the CSS pixels the paths are drawn in
  const pixel = () => 1 / ratio;
  return {box, canvas, context, fit, layers, pixel};
}

// Clears the canvas and clips what follows to the plot's frame; the caller restores the context.
export function begin_frame(context, width, height, frame) {
  context.clearRect(0, 0, width, height);
  context.save();
  context.beginPath();
  context.rect(frame.x, frame.y, frame.w, frame.h);
  context.clip();
}

// The polyline through points from..to (x(i), y(i) in CSS pixels) as the current path, leaving
// out a point less than `tolerance` away in both x and y from the last point drawn (the last
// point is always drawn). With the tolerance one canvas pixel the picture is the same, and a
// path of 1,000 steps that has settled, or a loss curve of 1,000 steps on 350 pixels, is a few
// hundred segments: Chromium rasterises the canvas's paths in the frame after the change, on the
// main thread, and 16 paths of 1,000 round-joined segments took about 10 ms of it (issue 25).
export function polyline(context, from, to, x, y, tolerance) {
  let last_x = x(from);
  let last_y = y(from);
  context.moveTo(last_x, last_y);
  for (let i = from + 1; i <= to; i++) {
    const xi = x(i);
    const yi = y(i);
    if (i < to && Math.abs(xi - last_x) < tolerance && Math.abs(yi - last_y) < tolerance) continue;
    context.lineTo(xi, yi);
    last_x = xi;
    last_y = yi;
  }
}

// A Plot scale as a pixel map a * v + b: the same pixels as scale.apply for a linear scale
// without a call per point (the paths are 8,000 points).
export function linear_map(scale) {
  const b = scale.apply(0);
  const a = scale.apply(1) - b;
  return (v) => a * v + b;
}

// The frame (inside the margins) for a view at equal scales on both axes, as large as fits.
export function equal_frame(view, max_width, max_height, margins = MARGINS) {
  const fw = max_width - margins.left - margins.right;
  const fh = max_height - margins.top - margins.bottom;
  const aspect = (view.y[1] - view.y[0]) / (view.x[1] - view.x[0]);
  const w = Math.min(fw, fh / aspect);
  return {width: Math.round(w + margins.left + margins.right), height: Math.round(w * aspect + margins.top + margins.bottom)};
}

// An optimizer's dash pattern (style.js, SVG's "14,6") as a canvas line dash.
export function dash_array(optimizer) {
  const dash = OPTIMIZER_DASHES[optimizer] ?? "";
  return dash ? dash.split(",").map(Number) : [];
}

export function marker(context, x, y, color, r) {
  context.beginPath();
  context.arc(x, y, r, 0, 2 * Math.PI);
  context.fillStyle = color;
  context.fill();
  context.lineWidth = 1.5;
  context.strokeStyle = "#222";
  context.stroke();
}

export function ring(context, x, y) {
  context.beginPath();
  context.arc(x, y, 9, 0, 2 * Math.PI);
  context.lineWidth = 2.5;
  context.strokeStyle = "#111";
  context.stroke();
}

// A small cache: kept(key, build) gives the value kept for key, or builds and keeps it; the entry
// used longest ago goes first.
export function recent_cache(limit) {
  const entries = new Map();
  return (key, build) => {
    let value = entries.get(key);
    if (value === undefined) value = build();
    else entries.delete(key);
    entries.set(key, value);
    if (entries.size > limit) entries.delete(entries.keys().next().value);
    return value;
  };
}
