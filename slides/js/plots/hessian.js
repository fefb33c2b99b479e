// The Hessian of a 2D quadratic (scenes.hessian_summary): eigenvector lines on the plot, the
// matrix and what its eigenvalues say beside it.

import {Plot, d3} from "../libs.js";
import {clip_segment, ray_exit} from "./geometry.js";
import {format_number, trajectory_readout} from "./readouts.js";
import {SURFACE_CURVE_COLOR, TRAJECTORY_MARGINS} from "./style.js";
import {svg_element} from "./svg.js";

export const EIGENVECTOR_COLOR = SURFACE_CURVE_COLOR;
const EIGENVECTOR_DASHES = [null, "9,6"];
const SUBSCRIPTS = ["₁", "₂"];
const EIGEN_LABEL_FONT_SIZE = 21;

// A number to `digits` significant digits without trailing zeros ("3.25", "-3.9", "10").
// An entry below 1e-12 of the matrix's largest is shown as 0: it is the rounding error of
// cos(90°) in the rotation, not curvature a student should look for.
export function format_significant(v, digits = 3, scale = Math.abs(v)) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0 || Math.abs(v) < 1e-12 * scale) return "0";
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e5) return v.toExponential(digits - 1);
  return v.toPrecision(digits).replace(/(\.\d*?[1-9])0+$|\.0+$/, "$1");
}

// The matrix entries as strings, 3 significant digits, rows of [a11, a12], [a21, a22].
export function hessian_entries(summary, digits = 3) {
  const scale = Math.max(...summary.hessian.flat().map(Math.abs));
  return summary.hessian.map((row) => row.map((v) => format_significant(v, digits, scale)));
}

// Each eigenvector's line through the origin across the view, as a clipped segment, and where
// its label goes. The label sits beside the line (above it where the line falls towards the
// origin, below where it rises, right of a near-vertical one), its text running towards the
// middle of the plot so it never leaves the frame; of four places (near and far from the origin
// on both halves of the line) it takes the one farthest from the runs' iterates, so it does not
// cover the path. [{segment: {x1, y1, x2, y2}, label: {x, y, dx, dy, anchor, text}}]
const EIGEN_LABEL_OFFSET = 16;
export function eigenvector_lines(summary, view, {runs = []} = {}) {
  const points = runs.flatMap((run) => run.result.rows.map((row) => row.theta));
  const half_x = (view.x[1] - view.x[0]) / 2;
  const half_y = (view.y[1] - view.y[0]) / 2;
  return summary.eigenvectors.map((d, i) => {
    const ends = [1, -1].map((sign) => {
      const u = [sign * d[0], sign * d[1]];
      return {u, t: ray_exit(u, view)};
    });
    const segment = clip_segment(
      {x: ends[1].u[0] * ends[1].t, y: ends[1].u[1] * ends[1].t},
      {x: ends[0].u[0] * ends[0].t, y: ends[0].u[1] * ends[0].t},
      view,
    );
    const text = `λ${SUBSCRIPTS[i]} = ${format_number(summary.eigenvalues[i])}`;
    const candidates = [0.72, 0.45].flatMap((fraction) =>
      ends.map(({u, t}) => {
        const x = u[0] * t * fraction;
        const y = u[1] * t * fraction;
        const vertical = Math.abs(u[0]) < 0.25;
        const place = vertical
          ? {dx: 12, dy: 0, anchor: "start"}
          : {dx: 0, dy: y >= 0 ? -EIGEN_LABEL_OFFSET : EIGEN_LABEL_OFFSET, anchor: x > 0 ? "end" : "start"};
        // The middle of the text, roughly (a 21 px label is about 100 px wide, a tenth of the
        // view about 44 px on the slide), in data units.
        const toward = vertical || x <= 0 ? 1 : -1;
        const centre = [x + toward * 0.12 * half_x, y - (place.dy / EIGEN_LABEL_OFFSET) * 0.07 * half_y];
        let clearance = Infinity;
        for (const p of points) {
          const gap = ((p[0] - centre[0]) / half_x) ** 2 + ((p[1] - centre[1]) / half_y) ** 2;
          if (gap < clearance) clearance = gap;
        }
        return {label: {x, y, ...place, text}, clearance};
      }),
    );
    let best = candidates[0];
    for (const candidate of candidates) if (candidate.clearance > best.clearance) best = candidate;
    return {segment, label: best.label};
  });
}

// The eigenvector lines (lambda1 solid, lambda2 dashed) labelled with their eigenvalues, as
// the layer trajectory_plot lays between the contours and the paths: ({width, height}) => SVG.
// Drawn with plain DOM calls, element for element what Plot.plot makes of eigenvector_marks
// (tests/test_trajectory_layers.py compares the two): Plot's pipeline was a fifth of an
// eigenvalue slider's move (issue 10).
export function eigenvector_layer(summary, view, options = {}) {
  const lines = eigenvector_lines(summary, view, options);
  return ({width, height}) => {
    const m = TRAJECTORY_MARGINS;
    const x = d3.scaleLinear(view.x, [m.left, width - m.right]);
    const y = d3.scaleLinear(view.y, [height - m.bottom, m.top]);
    const clip_id = `eigenvector-clip-${++eigenvector_clip_count}`;
    const svg = svg_element("svg", {
      class: "plot-eigenvectors",
      fill: "currentColor",
      "font-family": "system-ui, sans-serif",
      "font-size": 10,
      "text-anchor": "middle",
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
    });
    const clip = svg.appendChild(svg_element("clipPath", {id: clip_id}));
    clip.appendChild(svg_element("rect", {x: m.left, y: m.top, width: width - m.left - m.right, height: height - m.top - m.bottom}));
    lines.forEach(({segment, label}, i) => {
      if (segment) {
        const outer = svg.appendChild(svg_element("g", {"aria-label": "line", "clip-path": `url(#${clip_id})`}));
        const g = outer.appendChild(
          svg_element("g", {
            fill: "none",
            stroke: EIGENVECTOR_COLOR,
            "stroke-width": 3,
            "stroke-opacity": 0.9,
            "stroke-linejoin": "round",
            "stroke-linecap": "round",
            "stroke-dasharray": EIGENVECTOR_DASHES[i],
            transform: "translate(0.5,0.5)",
          }),
        );
        const path = d3.line()([
          [x(segment.x1), y(segment.y1)],
          [x(segment.x2), y(segment.y2)],
        ]);
        g.appendChild(svg_element("path", {d: path}));
      }
      const g = svg.appendChild(
        svg_element("g", {
          "aria-label": "text",
          fill: EIGENVECTOR_COLOR,
          stroke: "white",
          "stroke-width": 5,
          "stroke-linejoin": "round",
          "paint-order": "stroke",
          "text-anchor": label.anchor,
          "font-size": EIGEN_LABEL_FONT_SIZE,
          "font-weight": "bold",
          transform: `translate(${0.5 + label.dx},${0.5 + label.dy})`,
        }),
      );
      const text = g.appendChild(svg_element("text", {y: "0.32em", transform: `translate(${x(label.x)},${y(label.y)})`}));
      text.textContent = label.text;
    });
    return svg;
  };
}
let eigenvector_clip_count = 0;

// The same lines and labels as Plot marks (the reference eigenvector_layer is compared with).
export function eigenvector_marks(summary, view, options = {}) {
  return eigenvector_lines(summary, view, options).flatMap(({segment, label}, i) => [
    ...(segment
      ? [
          Plot.line(
            [
              [segment.x1, segment.y1],
              [segment.x2, segment.y2],
            ],
            {
              stroke: EIGENVECTOR_COLOR,
              strokeWidth: 3,
              strokeOpacity: 0.9,
              ...(EIGENVECTOR_DASHES[i] ? {strokeDasharray: EIGENVECTOR_DASHES[i]} : {}),
              clip: true,
            },
          ),
        ]
      : []),
    Plot.text([label], {
      x: "x",
      y: "y",
      dx: label.dx,
      dy: label.dy,
      text: "text",
      fill: EIGENVECTOR_COLOR,
      fontSize: EIGEN_LABEL_FONT_SIZE,
      fontWeight: "bold",
      stroke: "white",
      strokeWidth: 5,
      paintOrder: "stroke",
      textAnchor: label.anchor,
      lineAnchor: "middle",
    }),
  ]);
}

const CLASSIFICATION_TEXT = {
  minimum: "a minimum (both λ > 0)",
  maximum: "a maximum (both λ < 0)",
  saddle: "a saddle (one λ < 0, one λ > 0)",
  degenerate: "degenerate (an eigenvalue is 0: the Hessian alone cannot decide)",
};

// The sentences beside the matrix: eigenvalues, the critical point at 0, kappa, GD's bound
// against the current learning rate, and what GD does along a negative eigenvalue.
export function hessian_lines(summary, {lr = null} = {}) {
  const [l1, l2] = summary.eigenvalues;
  const lines = [`Eigenvalues: λ₁ = ${format_number(l1)}, λ₂ = ${format_number(l2)}`];
  lines.push(`Critical point at 0: ${CLASSIFICATION_TEXT[summary.classification]}`);
  lines.push(summary.kappa === null ? "κ = λmax/λmin: not defined (needs both λ > 0)" : `κ = λmax/λmin = ${format_number(summary.kappa)}`);
  if (summary.lr_bound === null) {
    lines.push("No bound on η: no direction curves up (λmax ≤ 0)");
  } else {
    const now =
      lr === null ? "" : lr < summary.lr_bound ? `; η = ${format_number(lr)} is below` : `; η = ${format_number(lr)} is NOT below`;
    lines.push(`GD stable for η < 2/λmax = ${format_number(summary.lr_bound)}${now}`);
  }
  // Along eigenvector i GD multiplies the distance by 1 - eta lambda_i per step.
  const away = summary.eigenvalues
    .map((l, i) => [l, i])
    .filter(([l]) => l < 0)
    .map(([l, i]) => `λ${SUBSCRIPTS[i]} (×${format_number(1 - lr * l)} per step)`);
  if (away.length && lr !== null) lines.push(`GD moves away along ${away.join(" and ")}`);
  return lines;
}

// The readout panel: H as a bracketed 2 x 2 matrix, the sentences of hessian_lines, then the
// GD run's line and the reference note as trajectory_readout writes them.
export function hessian_readout(summary, runs, view, {lr = null, reference = null, notes = []} = {}) {
  const panel = document.createElement("div");
  panel.className = "readout hessian-readout";
  const head = document.createElement("div");
  head.className = "hessian-matrix-line";
  const name = document.createElement("span");
  name.textContent = "Hessian H =";
  const matrix = document.createElement("table");
  matrix.className = "hessian-matrix";
  for (const row of hessian_entries(summary)) {
    const tr = document.createElement("tr");
    for (const entry of row) {
      const td = document.createElement("td");
      td.textContent = entry;
      tr.append(td);
    }
    matrix.append(tr);
  }
  head.append(name, matrix);
  panel.append(head);
  for (const text of hessian_lines(summary, {lr})) {
    const line = document.createElement("div");
    line.className = "readout-line";
    line.textContent = text;
    panel.append(line);
  }
  const trajectory = trajectory_readout(runs, view, {reference, notes});
  panel.append(trajectory);
  return panel;
}
