// The axis and frame options every plot of the deck shares, written once: a centred label
// without Plot's arrow, and a light frame.

import {Plot} from "../libs.js";
import {MARGIN_LEFT, MARGIN_RIGHT, NEUTRAL_COLORS} from "./style.js";

// Plot scale options for an axis labelled `label` (centred, no arrow) plus `options`
// (domain, type, grid, ticks, ...).
export function axis(label, options = {}) {
  return {label, labelAnchor: "center", labelArrow: "none", ...options};
}

// Pixels between ticks at the projection text size (24 px labels): Plot's defaults (80 px on x,
// 35 px on y) were made for 10 px labels and crowd the larger ones into each other.
export const TICK_SPACING = {x: 110, y: 90};

// Pixels between an x axis' ticks and their labels: Plot's 3 let the first x label touch the
// lowest y label at the frame's corner at the projection text size.
export const X_TICK_PADDING = 7;

// How many ticks to ask Plot for along an axis of `pixels` length.
export function tick_count(pixels, direction = "x") {
  return Math.max(2, Math.round(pixels / TICK_SPACING[direction]));
}

// The light frame around a plot's area.
export function frame_mark(options = {}) {
  return Plot.frame({stroke: NEUTRAL_COLORS.light, ...options});
}

// The margins of a full-width slide plot (room for the y tick labels and the x axis label);
// `extra_left` widens the left one for long tick labels, `bottom` for a lower axis label.
export function slide_margins({extra_left = 0, bottom = 48} = {}) {
  return {marginLeft: MARGIN_LEFT + extra_left, marginRight: MARGIN_RIGHT, marginBottom: bottom};
}

// Plots in one row at the slide's explicit width, aligned at their bottoms by default.
export function side_by_side(figures, width, {gap = 20, align = "flex-end"} = {}) {
  const row = document.createElement("div");
  row.style.display = "flex";
  row.style.gap = `${gap}px`;
  row.style.width = `${width}px`;
  row.style.alignItems = align;
  // A figure (a plot with a legend) would otherwise keep the browser's 40 px side margins and
  // shrink below its explicit width.
  for (const figure of figures) figure.style.margin = "0";
  row.append(...figures);
  return row;
}
