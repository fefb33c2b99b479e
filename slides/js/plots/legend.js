// A legend that shows each path as it is drawn (a short line in its colour, width and dash
// pattern, then its name), so that the paths can be told apart without colour and the legend's
// text is ordinary HTML that the slide's CSS sizes for projection.

const SVG_NS = "http://www.w3.org/2000/svg";
const SAMPLE_WIDTH = 44;
const SAMPLE_HEIGHT = 14;

// One line sample: [{label, color, dash, width, opacity}] -> <span> with an <svg> and the label.
function legend_item({label, color, dash = "", width = 3, opacity = 1}) {
  const item = document.createElement("span");
  item.className = "line-legend-item";
  const sample = document.createElementNS(SVG_NS, "svg");
  sample.setAttribute("width", String(SAMPLE_WIDTH));
  sample.setAttribute("height", String(SAMPLE_HEIGHT));
  sample.setAttribute("aria-hidden", "true");
  const line = document.createElementNS(SVG_NS, "line");
  line.setAttribute("x1", "2");
  line.setAttribute("x2", String(SAMPLE_WIDTH - 2));
  line.setAttribute("y1", String(SAMPLE_HEIGHT / 2));
  line.setAttribute("y2", String(SAMPLE_HEIGHT / 2));
  line.setAttribute("stroke", color);
  line.setAttribute("stroke-width", String(width));
  line.setAttribute("stroke-opacity", String(opacity));
  if (dash) line.setAttribute("stroke-dasharray", dash);
  sample.append(line);
  const text = document.createElement("span");
  text.textContent = label;
  item.append(sample, text);
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
