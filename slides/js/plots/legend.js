// A legend that shows each path as it is drawn (a short line in its colour, width and dash
// pattern, then its name), so that the paths can be told apart without colour and the legend's
// text is ordinary HTML that the slide's CSS sizes for projection.

const SVG_NS = "http://www.w3.org/2000/svg";
const SAMPLE_WIDTH = 44;
const SAMPLE_HEIGHT = 14;

// An empty sample <svg>, hidden from screen readers (the entry's text names it).
function sample_svg({length = SAMPLE_WIDTH, height = SAMPLE_HEIGHT, className = null} = {}) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("width", String(length));
  svg.setAttribute("height", String(height));
  svg.setAttribute("aria-hidden", "true");
  if (className) svg.setAttribute("class", className);
  return svg;
}

// A short line in a path's colour, width and dash pattern, `inset` px in from both ends: the
// sample of a legend entry, of a readout row or of the playground's optimizer boxes.
export function line_sample({color, dash = "", width = 3, opacity = 1}, {length, height = SAMPLE_HEIGHT, inset = 2, className} = {}) {
  const sample = sample_svg({length, height, className});
  const line = document.createElementNS(SVG_NS, "line");
  line.setAttribute("x1", String(inset));
  line.setAttribute("x2", String((length ?? SAMPLE_WIDTH) - inset));
  line.setAttribute("y1", String(height / 2));
  line.setAttribute("y2", String(height / 2));
  line.setAttribute("stroke", color);
  line.setAttribute("stroke-width", String(width));
  line.setAttribute("stroke-opacity", String(opacity));
  if (dash) line.setAttribute("stroke-dasharray", dash);
  sample.append(line);
  return sample;
}

// A marker sample (for dots): circle, square, triangle or diamond, filled with `color`.
function marker_sample({marker, color, opacity = 1}) {
  const sample = sample_svg();
  const c = SAMPLE_HEIGHT / 2;
  const x = SAMPLE_WIDTH / 2;
  const r = 6;
  const shapes = {
    circle: null,
    square: `M${x - r},${c - r}h${2 * r}v${2 * r}h${-2 * r}Z`,
    triangle: `M${x},${c - r - 1}L${x + r + 1},${c + r}L${x - r - 1},${c + r}Z`,
    diamond: `M${x},${c - r - 1}L${x + r + 1},${c}L${x},${c + r + 1}L${x - r - 1},${c}Z`,
  };
  const shape = shapes[marker] ?? null;
  const node = document.createElementNS(SVG_NS, shape ? "path" : "circle");
  if (shape) node.setAttribute("d", shape);
  else {
    node.setAttribute("cx", String(x));
    node.setAttribute("cy", String(c));
    node.setAttribute("r", String(r));
  }
  node.setAttribute("fill", color);
  node.setAttribute("fill-opacity", String(opacity));
  node.setAttribute("stroke", "#333333");
  node.setAttribute("stroke-width", "1.5");
  sample.append(node);
  return sample;
}

// One sample: {label, color, dash, width, opacity, optimizer, marker} -> <span> with an <svg> and
// the label. A line in its colour, width and dash pattern; with `marker`, a dot of that shape.
// `optimizer` (an id of style.js) marks the entry as that optimizer's (tests compare its dash).
function legend_item({label, color, dash = "", width = 3, opacity = 1, optimizer = null, marker = null}) {
  const item = document.createElement("span");
  item.className = "line-legend-item";
  if (optimizer) item.dataset.optimizer = optimizer;
  const text = document.createElement("span");
  text.textContent = label;
  item.append(marker ? marker_sample({marker, color, opacity}) : line_sample({color, dash, width, opacity}), text);
  return item;
}

// The legend row for the given entries (see legend_item).
export function line_legend(entries) {
  const legend = document.createElement("div");
  legend.className = "line-legend";
  legend.append(...entries.map(legend_item));
  return legend;
}

// The legend above the plot in one <figure>, as Plot lays out its own legends.
export function with_legend(legend, plot) {
  const figure = document.createElement("figure");
  figure.className = "plot-with-legend";
  figure.append(legend, plot);
  return figure;
}

// A plot with the line legend of `entries` above it: the deck's data plots use it instead of
// Plot's colour-swatch legends (colour only, and on {.smaller} slides their entries ran together).
export function legend_plot(plot, entries) {
  return with_legend(line_legend(entries), plot);
}
