// The optimizer genealogy of the deck (the professor's mermaid graph), drawn with d3, which the
// deck loads anyway: mermaid's own library (2.8 MB) was a third of the deck's bytes for this one
// diagram. Every node and edge of the professor's graph is here (tests/test_deck_content.py).

import {d3} from "../libs.js";
import {NEUTRAL_COLORS, OPTIMIZER_COLORS} from "./style.js";
import {awaiting_slide} from "./readouts.js";

// The professor's graph (graph TD): node id -> label, and the edges "from --> to".
// `row` is the layer from the top, `column` the centre's fraction of the width: a fixed layout,
// chosen so that no edge crosses a box (d3 has no layered-graph layout; the graph is small;
// tests/test_deck_helpers_js.py checks it).
export const GENEALOGY_NODES = [
  {id: "GD", label: "Gradient Descent", optimizer: "gd", row: 0, column: 0.5},
  {id: "M", label: "Momentum", optimizer: "momentum", row: 1, column: 0.3},
  {id: "AG", label: "AdaGrad", optimizer: "adagrad", row: 1, column: 0.73},
  {id: "NAG", label: "Nesterov Accelerated Gradient", optimizer: "nesterov", row: 3, column: 0.2},
  {id: "RMS", label: "RMSProp", optimizer: "rmsprop", row: 2, column: 0.73},
  {id: "ADAM", label: "Adam", optimizer: "adam", row: 3, column: 0.6},
  {id: "AW", label: "AdamW", optimizer: "adamw", row: 4, column: 0.42},
  {id: "AMS", label: "AMSGrad", optimizer: "amsgrad", row: 4, column: 0.78},
];

export const GENEALOGY_EDGES = [
  ["GD", "M"],
  ["GD", "AG"],
  ["M", "NAG"],
  ["AG", "RMS"],
  ["RMS", "ADAM"],
  ["M", "ADAM"],
  ["ADAM", "AW"],
  ["ADAM", "AMS"],
];

// Projector-size text: at least 22 px at the deck's 1050 x 700 (issue 14).
const FONT_SIZE = 24;
const BOX_HEIGHT = 50;
const PADDING_X = 18;
// A generous average glyph width of the deck's sans-serif font, in em: the box is sized before
// the SVG is in the page, so the text cannot be measured yet.
const GLYPH_EM = 0.58;

export function box_width(label, font_size = FONT_SIZE) {
  return Math.ceil(label.length * font_size * GLYPH_EM) + 2 * PADDING_X;
}

// Node positions (box centres, pixels) for a diagram of the given size.
export function genealogy_layout(width, height) {
  const rows = d3.max(GENEALOGY_NODES, (n) => n.row) + 1;
  const y = d3.scalePoint(d3.range(rows), [BOX_HEIGHT / 2 + 2, height - BOX_HEIGHT / 2 - 2]);
  return new Map(
    GENEALOGY_NODES.map((n) => {
      const w = box_width(n.label);
      // Keep every box inside the diagram whatever the width.
      const x = Math.min(Math.max(n.column * width, w / 2 + 2), width - w / 2 - 2);
      return [n.id, {...n, x, y: y(n.row), width: w, height: BOX_HEIGHT}];
    }),
  );
}

// Where the segment from the centre of box `a` towards point `p` leaves the box.
function box_exit(a, p) {
  const dx = p.x - a.x;
  const dy = p.y - a.y;
  const t = Math.min(dx ? a.width / 2 / Math.abs(dx) : Infinity, dy ? a.height / 2 / Math.abs(dy) : Infinity);
  return {x: a.x + dx * t, y: a.y + dy * t};
}

// The diagram as an SVG element: boxes edged in each optimizer's colour, arrows from parent to
// child ending at the child's box.
export function genealogy_plot({width = 960, height = 500, shown = true} = {}) {
  // Until its slide is first shown (first_shown in deck_slides.js): an empty box of its size (issue 10).
  if (!shown) return awaiting_slide({width, height});
  const nodes = genealogy_layout(width, height);
  const svg = d3
    .create("svg")
    .attr("class", "optimizer-genealogy")
    .attr("width", width)
    .attr("height", height)
    .attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "img")
    .attr(
      "aria-label",
      "Optimizer genealogy: " + GENEALOGY_EDGES.map(([a, b]) => `${nodes.get(a).label} to ${nodes.get(b).label}`).join("; "),
    );
  svg
    .append("defs")
    .append("marker")
    .attr("id", "genealogy-arrow")
    .attr("viewBox", "0 0 10 10")
    .attr("refX", 10)
    .attr("refY", 5)
    .attr("markerWidth", 9)
    .attr("markerHeight", 9)
    .attr("orient", "auto")
    .append("path")
    .attr("d", "M0,0L10,5L0,10z")
    .attr("fill", NEUTRAL_COLORS.dark);
  svg
    .append("g")
    // Classes, not aria-labels: the SVG is one image described as a whole (ARIA prohibits labels
    // on its role-less groups).
    .attr("class", "genealogy-edges")
    .selectAll("line")
    .data(GENEALOGY_EDGES)
    .join("line")
    .each(function ([from, to]) {
      const a = nodes.get(from);
      const b = nodes.get(to);
      const start = box_exit(a, b);
      const end = box_exit(b, a);
      d3.select(this).attr("x1", start.x).attr("y1", start.y).attr("x2", end.x).attr("y2", end.y);
    })
    .attr("stroke", NEUTRAL_COLORS.dark)
    .attr("stroke-width", 2)
    .attr("marker-end", "url(#genealogy-arrow)");
  const boxes = svg
    .append("g")
    .attr("class", "genealogy-optimizers")
    .selectAll("g")
    .data([...nodes.values()])
    .join("g")
    .attr("transform", (n) => `translate(${n.x},${n.y})`);
  boxes
    .append("rect")
    .attr("x", (n) => -n.width / 2)
    .attr("y", -BOX_HEIGHT / 2)
    .attr("width", (n) => n.width)
    .attr("height", BOX_HEIGHT)
    .attr("rx", 8)
    .attr("fill", "#f7f7f7")
    .attr("stroke", (n) => OPTIMIZER_COLORS[n.optimizer] ?? NEUTRAL_COLORS.mid)
    .attr("stroke-width", 4);
  boxes
    .append("text")
    .attr("text-anchor", "middle")
    .attr("dy", "0.35em")
    // Inline style: the theme's `svg text` size rules must not shrink the labels.
    .style("font-size", `${FONT_SIZE}px`)
    .style("font-family", "var(--r-main-font, sans-serif)")
    .attr("fill", "#222")
    .text((n) => n.label);
  return svg.node();
}
