// Plot helpers for the decks: loss-surface contours, optimizer paths, readouts, legends.
// Browser only (no Python twin). Every helper returns an Observable Plot figure sized by the
// caller, so that a cell reads: inputs, one call to the core, one call here.
//
// Two rules keep every plot projector-safe and harness-clean:
//  * grids are built from integer indices (lo + (hi - lo) * i / n), never by adding a float
//    step repeatedly, so the last grid line is exactly hi and no sample is skipped or doubled;
//  * nothing is drawn outside the plotted view: path segments are cut at the frame
//    (Liang-Barsky) and points outside it are not drawn, so a diverging run never puts marks
//    at 1e30 px. What was cut is said in words on the plot instead.

import {Plot} from "./libs.js";
import {make_surface} from "./core/surfaces.js";

// One colour per optimizer across the whole deck: the Okabe-Ito palette, which stays
// distinguishable under the common colour-vision deficiencies and in greyscale print.
export const OPTIMIZER_COLORS = {
  gd: "#D55E00", // vermillion (also "SGD" on real-data slides)
  momentum: "#0072B2", // blue
  nesterov: "#E69F00", // orange
  adagrad: "#56B4E9", // sky blue
  rmsprop: "#009E73", // bluish green
  adam: "#CC79A7", // reddish purple
  adamw: "#000000", // black
  amsgrad: "#F0E442", // yellow (not plotted on white anywhere yet)
};

export const OPTIMIZER_LABELS = {
  gd: "GD",
  momentum: "Momentum",
  nesterov: "Nesterov",
  adagrad: "AdaGrad",
  rmsprop: "RMSProp",
  adam: "ADAM",
  adamw: "AdamW",
  amsgrad: "AMSGrad",
};

// Things that are not optimizers are grey, so that a colour always means an optimizer.
export const REFERENCE_LABEL = "Python reference";
export const REFERENCE_COLOR = "#8c8c8c";
export const NEUTRAL_COLORS = {dark: "#333333", mid: "#777777", light: "#bbbbbb"};

export const READOUT_FONT_SIZE = 17;
const READOUT_LINE_HEIGHT = 22;
const SURFACE_SHADE = "#3b4a5a";
// The loss surface itself: slate, like the 2D contours, and neither an optimizer's colour nor
// the reference's light grey (a 1D curve in grey read as the faint reference path).
export const SURFACE_CURVE_COLOR = "#34495e";
export const SURFACE_CURVE_LABEL = "Loss curve f(x)";
const MARGIN_LEFT = 72;
const MARGIN_RIGHT = 20;

// Margins of the trajectory plots. A cell picks width and height so that the frame
// (width - left - right) x (height - top - bottom) has the view's aspect ratio where the
// surface's geometry is the point (equal scales on x and y); see frame_size.
export const TRAJECTORY_MARGINS = {top: 16, right: MARGIN_RIGHT, bottom: 48, left: MARGIN_LEFT};

// The plotting frame (inside the margins) of a trajectory plot of the given size.
export function frame_size(width, height) {
  const m = TRAJECTORY_MARGINS;
  return {width: width - m.left - m.right, height: height - m.top - m.bottom};
}

// ---------------------------------------------------------------------------------------
// Grids and levels

// n + 1 evenly spaced numbers from lo to hi inclusive, each computed from its index.
export function linspace(lo, hi, n) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`linspace needs an integer n >= 1, got ${n}`);
  const values = new Array(n + 1);
  for (let i = 0; i <= n; i++) values[i] = i === n ? hi : lo + ((hi - lo) * i) / n;
  return values;
}

// Samples f on an nx x ny grid of cell centres covering view = {x: [lo, hi], y: [lo, hi]},
// in the dense row-major layout Plot.contour expects (row j from y = lo upwards, sample i
// of a row at x = lo + (i + 1/2) (hi - lo) / nx: the same convention as Plot's own sampler).
export function surface_grid(f, view, nx = 240, ny = 160) {
  const [x1, x2] = view.x;
  const [y1, y2] = view.y;
  const values = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    const y = y1 + ((y2 - y1) * (j + 0.5)) / ny;
    for (let i = 0; i < nx; i++) {
      const x = x1 + ((x2 - x1) * (i + 0.5)) / nx;
      values[j * nx + i] = f([x, y]);
    }
  }
  return {values, width: nx, height: ny, x1, x2, y1, y2};
}

const signed_sqrt = (v) => (v < 0 ? -Math.sqrt(-v) : Math.sqrt(v));
const signed_square = (s) => (s < 0 ? -s * s : s * s);

// Contour levels evenly spaced in signed sqrt(value): on a quadratic bowl the level sets are
// then evenly spaced ellipses instead of crowding at the rim of the view.
export function contour_levels(values, count = 14) {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (Number.isFinite(v)) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (!(lo < hi)) return [];
  const s = linspace(signed_sqrt(lo), signed_sqrt(hi), count + 1);
  return s.slice(1, -1).map(signed_square);
}

// ---------------------------------------------------------------------------------------
// Clipping to the view

const inside_view = (p, view) =>
  view.x[0] <= p.x && p.x <= view.x[1] && view.y[0] <= p.y && p.y <= view.y[1];

// Liang-Barsky: the part of segment a-b inside the view, or null. A cut end is put exactly on
// the edge that cut it (t * d alone can land a rounding error inside).
export function clip_segment(a, b, view) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  let t0 = 0;
  let t1 = 1;
  let edge0 = null;
  let edge1 = null;
  const edges = [
    [-dx, a.x - view.x[0], ["x", view.x[0]]],
    [dx, view.x[1] - a.x, ["x", view.x[1]]],
    [-dy, a.y - view.y[0], ["y", view.y[0]]],
    [dy, view.y[1] - a.y, ["y", view.y[1]]],
  ];
  for (const [p, q, edge] of edges) {
    if (p === 0) {
      if (q < 0) return null;
    } else {
      const r = q / p;
      if (p < 0) {
        if (r > t1) return null;
        if (r > t0) [t0, edge0] = [r, edge];
      } else {
        if (r < t0) return null;
        if (r < t1) [t1, edge1] = [r, edge];
      }
    }
  }
  const point = (t, edge) => {
    const p = {x: a.x + t * dx, y: a.y + t * dy};
    if (edge) p[edge[0]] = edge[1];
    return p;
  };
  const start = point(t0, edge0);
  const end = point(t1, edge1);
  return {x1: start.x, y1: start.y, x2: end.x, y2: end.y};
}

// Visible segments and points of a polyline, and the first step whose point is off the view.
export function clip_polyline(points, view) {
  const segments = [];
  for (let i = 1; i < points.length; i++) {
    const segment = clip_segment(points[i - 1], points[i], view);
    if (segment) segments.push({...segment, step: points[i].step});
  }
  const visible = points.filter((p) => inside_view(p, view));
  const first_outside = points.find((p) => !inside_view(p, view));
  return {segments, visible, first_outside_step: first_outside ? first_outside.step : null};
}

// The visible part of a polyline as rows for Plot.line: consecutive clipped segments that join
// form one piece (z = piece number), so a dashed line keeps its dash pattern and a long path is
// one SVG path instead of hundreds.
export function visible_pieces(points, view) {
  const rows = [];
  let piece = -1;
  let last = null;
  for (const segment of clip_polyline(points, view).segments) {
    const joins = last && last.x2 === segment.x1 && last.y2 === segment.y1;
    if (!joins) {
      piece += 1;
      rows.push({piece, x: segment.x1, y: segment.y1});
    }
    rows.push({piece, x: segment.x2, y: segment.y2});
    last = segment;
  }
  return rows;
}

// ---------------------------------------------------------------------------------------
// Formatting and readouts

export function format_number(v) {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  return v.toPrecision(4).replace(/(\.\d*?[1-9])0+$|\.0+$/, "$1");
}

// Points of a run's rows in plot coordinates: (theta0, theta1) for 2D surfaces,
// (theta0, loss) for 1D ones.
export function run_points(result) {
  return result.rows.map((row) => ({
    step: row.step,
    x: row.theta[0],
    y: row.theta.length === 1 ? row.loss : row.theta[1],
    loss: row.loss,
  }));
}

// One sentence per run: where it is now, or that (and where) it diverged.
export function run_readout(run, view) {
  const {label, result} = run;
  const last = result.rows[result.rows.length - 1];
  if (result.status === "diverged") {
    return `${label}: DIVERGED at update ${result.diverged_step} (${divergence_reason(result)}); last finite loss ${format_number(last.loss)}`;
  }
  let line = `${label}: step ${last.step}, loss ${format_number(last.loss)}, |grad| ${format_number(last.grad_norm)}`;
  if (view) {
    const {first_outside_step} = clip_polyline(run_points(result), view);
    if (first_outside_step !== null) line += `; leaves the plotted area at step ${first_outside_step}`;
  }
  return line;
}

function divergence_reason(result) {
  if (result.reason === "left_box") return "the parameters ran far out of the plotted area";
  if (result.reason === "non_finite") return "a value overflowed to infinity";
  return result.message;
}

// Splits text into lines of at most max_chars characters at spaces (a longer word stays whole).
export function wrap_text(text, max_chars) {
  const lines = [];
  let line = "";
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > max_chars) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

// Text marks stacked from a corner of the frame, each with a white halo so that it stays
// legible over contours and paths. Long texts are wrapped to the frame's width (an average
// character is taken as 0.6 em, generous for the deck's sans-serif fonts).
export function text_lines(lines, {fontSize = READOUT_FONT_SIZE, anchor = "top-left", frame_width = 840} = {}) {
  const top = anchor.startsWith("top");
  const left = anchor.endsWith("left");
  const max_chars = Math.max(20, Math.floor((frame_width - 20) / (0.6 * fontSize)));
  const wrapped = lines.flatMap(({text, color = NEUTRAL_COLORS.dark, weight = "normal"}) =>
    wrap_text(text, max_chars).map((part) => ({text: part, color, weight})),
  );
  return wrapped.map(({text, color, weight}, i) =>
    Plot.text([text], {
      frameAnchor: anchor,
      dx: left ? 10 : -10,
      dy: top ? 8 + i * READOUT_LINE_HEIGHT : -8 - (wrapped.length - 1 - i) * READOUT_LINE_HEIGHT,
      text: (d) => d,
      textAnchor: left ? "start" : "end",
      lineAnchor: top ? "top" : "bottom",
      fill: color,
      fontSize,
      fontWeight: weight,
      stroke: "white",
      strokeWidth: 4,
      paintOrder: "stroke",
    }),
  );
}

export function run_color(run) {
  return OPTIMIZER_COLORS[run.optimizer] ?? NEUTRAL_COLORS.dark;
}

// A Plot color scale whose legend lists the runs (and the reference when it is drawn),
// each optimizer in its fixed deck colour.
export function legend_scale(runs, {reference = false, curve = false} = {}) {
  const domain = runs.map((run) => run.label);
  const range = runs.map(run_color);
  if (curve) {
    domain.push(SURFACE_CURVE_LABEL);
    range.push(SURFACE_CURVE_COLOR);
  }
  if (reference) {
    domain.push(REFERENCE_LABEL);
    range.push(REFERENCE_COLOR);
  }
  return {domain, range, legend: true};
}

// ---------------------------------------------------------------------------------------
// Marks

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

// A run's path as clipped segments plus dots at the visible iterates (start point larger).
export function path_marks(run, view, {color = run.label, dashed = false, faint = false, dots = true} = {}) {
  const points = run_points(run.result);
  const {visible} = clip_polyline(points, view);
  const marks = [
    Plot.line(visible_pieces(points, view), {
      x: "x",
      y: "y",
      z: "piece",
      stroke: () => color,
      strokeWidth: faint ? 5 : 2.5,
      strokeOpacity: faint ? 0.45 : 1,
      ...(dashed ? {strokeDasharray: "6,4"} : {}),
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

// ---------------------------------------------------------------------------------------
// Figures

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
  return Plot.plot({
    width,
    height,
    marginTop: m.top,
    marginLeft: m.left,
    marginRight: m.right,
    marginBottom: m.bottom,
    x: {domain: view.x, label: x_label, labelAnchor: "center", labelArrow: "none"},
    y: {domain: view.y, label: y_label, labelAnchor: "center", labelArrow: "none"},
    color: legend_scale(runs, {reference: reference_runs.length > 0, curve: one_dimensional}),
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light}),
      ...background,
      ...overlay,
      ...reference_marks,
      ...live_marks,
    ],
  });
}

// The lines of a trajectory readout: one per run (in its optimizer's colour, bold when it
// diverged), then the reference note and the cell's notes (grey).
export function readout_lines(runs, view, {reference = null, notes = []} = {}) {
  const lines = runs.map((run) => ({
    text: run_readout(run, view),
    color: run_color(run),
    diverged: run.result.status === "diverged",
    swatch: true,
  }));
  for (const note of [reference?.note, ...notes]) {
    if (note) lines.push({text: note, color: NEUTRAL_COLORS.mid, diverged: false, swatch: false});
  }
  return lines;
}

// The readout as HTML for the slide (beside or under the plot, never on top of the paths):
// a colour swatch per run, then the text, which wraps to the column's width.
export function trajectory_readout(runs, view, options = {}) {
  const panel = document.createElement("div");
  panel.className = "readout trajectory-readout";
  for (const line of readout_lines(runs, view, options)) {
    const row = document.createElement("div");
    row.className = line.swatch ? "readout-line" : "readout-line readout-note";
    if (line.swatch) {
      const swatch = document.createElement("span");
      swatch.className = "readout-swatch";
      swatch.style.background = line.color;
      row.append(swatch);
    }
    const text = document.createElement("span");
    text.textContent = line.text;
    if (line.diverged) text.className = "diverged";
    row.append(text);
    panel.append(row);
  }
  return panel;
}

// ---------------------------------------------------------------------------------------
// The Hessian of a 2D quadratic (scenes.hessian_summary): eigenvector lines on the plot, the
// matrix and what its eigenvalues say beside it.

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

// Where the ray from the origin along unit vector d leaves the view (view contains 0).
function ray_exit(d, view) {
  let t = Infinity;
  for (const [axis, k] of [["x", 0], ["y", 1]]) {
    if (d[k] > 0) t = Math.min(t, view[axis][1] / d[k]);
    if (d[k] < 0) t = Math.min(t, view[axis][0] / d[k]);
  }
  return t;
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

// The eigenvector lines (lambda1 solid, lambda2 dashed) labelled with their eigenvalues.
export function eigenvector_marks(summary, view, options = {}) {
  return eigenvector_lines(summary, view, options).flatMap(({segment, label}, i) => [
    ...(segment
      ? [Plot.line([[segment.x1, segment.y1], [segment.x2, segment.y2]], {
          stroke: EIGENVECTOR_COLOR,
          strokeWidth: 2.5,
          strokeOpacity: 0.9,
          ...(EIGENVECTOR_DASHES[i] ? {strokeDasharray: EIGENVECTOR_DASHES[i]} : {}),
          clip: true,
        })]
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
    const now = lr === null ? "" : lr < summary.lr_bound ? `; η = ${format_number(lr)} is below` : `; η = ${format_number(lr)} is NOT below`;
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

// Flat vs sharp minimum: both test-loss parabolas shifted by `shift`, the trained model at
// theta = 0, and its test loss on each. A value above the view is marked at the top edge with
// its number instead of being drawn off the slide.
export function flat_sharp_plot(curve, losses, view, {width = 960, height = 360, shift = 0} = {}) {
  const xs = linspace(view.x[0], view.x[1], 400);
  const kinds = [
    {key: "sharp", label: "Sharp Minimum", color: NEUTRAL_COLORS.dark, dash: null},
    {key: "flat", label: "Flat Minimum", color: NEUTRAL_COLORS.dark, dash: "8,5"},
  ];
  const marks = [Plot.frame({stroke: NEUTRAL_COLORS.light}), Plot.ruleX([0], {stroke: NEUTRAL_COLORS.light, strokeDasharray: "2,3"})];
  const off_scale = [];
  for (const kind of kinds) {
    const points = xs.map((x, i) => ({x, y: curve(kind.key, x, shift), step: i}));
    marks.push(
      Plot.line(visible_pieces(points, view), {x: "x", y: "y", z: "piece", stroke: () => kind.label, strokeWidth: 3, ...(kind.dash ? {strokeDasharray: kind.dash} : {}), clip: true}),
    );
    const value = losses[kind.key];
    const on_scale = value <= view.y[1];
    const y = on_scale ? value : view.y[1];
    marks.push(
      Plot.dot([{x: 0, y}], {x: "x", y: "y", r: 9, fill: () => kind.label, stroke: "white", strokeWidth: 2, symbol: on_scale ? "circle" : "triangle", clip: true}),
    );
    if (!on_scale) off_scale.push(`${kind.label}: ${format_number(value)} is above the plotted range (triangle at the top edge).`);
  }
  return Plot.plot({
    width,
    height,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginBottom: 48,
    x: {domain: view.x, label: "Parameter Deviation", labelAnchor: "center", labelArrow: "none"},
    y: {domain: view.y, label: "Loss", labelAnchor: "center", labelArrow: "none"},
    color: {domain: kinds.map((k) => k.label), range: [NEUTRAL_COLORS.dark, NEUTRAL_COLORS.mid], legend: true},
    // Under the frame, not on the curves: what the dots are, and any value beyond the view.
    caption: ["Dots: the trained model (deviation 0) evaluated on each shifted test loss.", ...off_scale].join(" "),
    marks,
  });
}

// A figure that says in words why there is no plot (missing or corrupt data), sized like
// the plot it replaces, so the slide layout does not jump.
export function message_plot(lines, {width = 960, height = 300, title} = {}) {
  const all = [...(title ? [{text: title, weight: "bold"}] : []), ...lines.map((text) => (typeof text === "string" ? {text} : text))];
  return Plot.plot({
    width,
    height,
    x: {domain: [0, 1], axis: null},
    y: {domain: [0, 1], axis: null},
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light, strokeDasharray: "4,4"}),
      ...text_lines(all.map((l) => ({color: "#b00020", ...l})), {frame_width: width, fontSize: 21}),
    ],
  });
}

// ---------------------------------------------------------------------------------------
// Data slides (files made by pygen). Each takes load_table(...)'s result and draws it, or says
// in words why it cannot.

const STAGE_COLORS = {init: "#b0b0b0", mid: "#6f6f6f", end: "#000000"};

// A message figure when the file is missing, corrupt or lacks a column the plot needs; else null.
function not_loaded(loaded, options, required = []) {
  let message = null;
  if (!loaded || loaded.status !== "ok") {
    message = loaded?.message ?? "The data file was not loaded.";
  } else {
    const absent = required.filter((column) => !loaded.columns.includes(column));
    if (absent.length) message = `The data file lacks the column(s) ${absent.join(", ")}: regenerate it with \`python -m pygen\`.`;
  }
  return message === null ? null : message_plot([message], {title: "No data to show", ...options});
}

function mean(values) {
  let sum = 0;
  for (const v of values) sum = sum + v;
  return sum / values.length;
}

function optimizer_scale(rows) {
  const seen = new Map();
  for (const row of rows) if (!seen.has(row.label)) seen.set(row.label, row.optimizer);
  const labels = [...seen.keys()];
  return {domain: labels, range: labels.map((label) => OPTIMIZER_COLORS[seen.get(label)] ?? NEUTRAL_COLORS.dark), legend: true};
}

// Train (solid) and test (dashed) loss per epoch, mean over seeds with the seeds' range as a
// band, one panel per batch size; the caption gives the final losses.
export function training_curves_plot(loaded, {width = 960, height = 400} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["label", "optimizer", "batch_size", "seed", "epoch", "train_loss", "test_loss", "run_status"]);
  if (missing) return missing;
  const groups = group_rows(loaded.rows, (r) => `${r.label}|${r.batch_size}|${r.epoch}`);
  const summary = [...groups.values()].map((rows) => ({
    label: rows[0].label,
    optimizer: rows[0].optimizer,
    batch: `batch size ${rows[0].batch_size}`,
    batch_size: rows[0].batch_size,
    epoch: rows[0].epoch,
    train: mean(rows.map((r) => r.train_loss)),
    test: mean(rows.map((r) => r.test_loss)),
    test_lo: Math.min(...rows.map((r) => r.test_loss)),
    test_hi: Math.max(...rows.map((r) => r.test_loss)),
    seeds: rows.length,
  }));
  const positive = summary.filter((d) => d.train > 0 && d.test > 0 && d.test_lo > 0);
  const last_epoch = Math.max(...positive.map((d) => d.epoch));
  const finals = positive.filter((d) => d.epoch === last_epoch);
  const batches = [...new Set(finals.map((d) => d.batch_size))].sort((a, b) => a - b);
  const short = (v) => v.toPrecision(3);
  const caption = batches
    .map((b) => `batch ${b}: ` + finals.filter((d) => d.batch_size === b).map((d) => `${d.label} ${short(d.train)} / ${short(d.test)}`).join(", "))
    .join("; ");
  // Panels in batch-size order (as strings "batch size 512" would sort before "batch size 64").
  const panels = [...new Set(summary.map((d) => d.batch_size))].sort((a, b) => a - b).map((b) => `batch size ${b}`);
  const diverged = [...new Set(loaded.rows.filter((r) => r.run_status === "diverged").map((r) => `${r.label} (batch ${r.batch_size}, seed ${r.seed})`))];
  return Plot.plot({
    width,
    height,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginBottom: 48,
    fx: {label: null, domain: panels},
    x: {label: "Epoch", labelAnchor: "center", labelArrow: "none"},
    y: {type: "log", label: "Loss (MSE, eV²), log scale", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: "~g"},
    color: optimizer_scale(loaded.rows),
    caption:
      `Solid: training, dashed: test loss (mean of ${positive[0]?.seeds ?? 0} seeds; band: the seeds' range). ` +
      `Train / test loss (eV²) at epoch ${last_epoch}, ${caption}.` +
      (diverged.length ? ` Diverged and stopped early: ${diverged.join(", ")}.` : ""),
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light}),
      Plot.areaY(positive, {fx: "batch", x: "epoch", y1: "test_lo", y2: "test_hi", z: "label", fill: "label", fillOpacity: 0.15}),
      Plot.lineY(positive, {fx: "batch", x: "epoch", y: "train", z: "label", stroke: "label", strokeWidth: 2.5}),
      Plot.lineY(positive, {fx: "batch", x: "epoch", y: "test", z: "label", stroke: "label", strokeWidth: 2.5, strokeDasharray: "7,4"}),
    ],
  });
}

function group_rows(rows, key) {
  const groups = new Map();
  for (const row of rows) {
    const k = key(row);
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(row);
  }
  return groups;
}

// 0 and the powers of ten (with sign) inside the values' range, for a symlog axis.
function decade_ticks(values) {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const ticks = [0];
  for (let p = 1; p <= 1e6; p *= 10) {
    if (p <= hi) ticks.push(p);
    if (-p >= lo) ticks.unshift(-p);
  }
  return ticks;
}

// The whole sorted spectrum at each stage of training: rank on x, eigenvalue on a symlog y
// axis (so both the bulk near zero and the few large outliers are visible).
export function hessian_spectrum_plot(loaded, {width = 960, height = 380} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["stage", "epoch", "train_loss", "rank", "eigenvalue"]);
  if (missing) return missing;
  const stages = [...group_rows(loaded.rows, (r) => r.stage).entries()];
  const lines = stages.map(([stage, rows]) => {
    const values = rows.map((r) => r.eigenvalue);
    const top = Math.max(...values);
    // The threshold of hessian_training.arrow: closer to zero than 1e-9 lambda_max is rounding.
    const negative = values.filter((v) => v < -1e-9 * top).length;
    const flat = values.filter((v) => Math.abs(v) < 0.01 * top).length;
    return {
      text: `${stage}, epoch ${rows[0].epoch}: λmax ${format_number(top)}, λmin ${format_number(Math.min(...values))}, ${negative} negative, ${flat} near 0`,
      color: STAGE_COLORS[stage] === "#b0b0b0" ? NEUTRAL_COLORS.mid : NEUTRAL_COLORS.dark,
    };
  });
  const domain = stages.map(([stage]) => stage);
  return Plot.plot({
    width,
    height,
    marginLeft: MARGIN_LEFT + 10,
    marginRight: MARGIN_RIGHT,
    marginBottom: 48,
    x: {label: "Rank of the eigenvalue (sorted, most negative first)", labelAnchor: "center", labelArrow: "none"},
    // Decades only: symlog's default ticks crowd into one another near the top.
    y: {type: "symlog", label: "Hessian eigenvalue (symlog)", labelAnchor: "center", labelArrow: "none", grid: true, ticks: decade_ticks(loaded.rows.map((r) => r.eigenvalue))},
    caption: `${loaded.rows.length / Math.max(1, stages.length)} eigenvalues per stage. "Negative": below −10⁻⁹ λmax (closer to 0 is rounding); "near 0": |λ| < 1% of λmax, the flat directions.`,
    color: {domain, range: domain.map((s) => STAGE_COLORS[s] ?? NEUTRAL_COLORS.dark), legend: true},
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light}),
      Plot.ruleY([0], {stroke: NEUTRAL_COLORS.mid}),
      Plot.lineY(loaded.rows, {x: "rank", y: "eigenvalue", z: "stage", stroke: "stage", strokeWidth: 3}),
      ...text_lines(lines, {anchor: "top-left", frame_width: width - MARGIN_LEFT - MARGIN_RIGHT - 10}),
    ],
  });
}

// Dauphin et al.'s plot along a training run: fraction of negative eigenvalues against the
// training loss (left), and the top eigenvalue and trace per epoch (right).
export function curvature_training_plot(loaded, {width = 960, height = 380} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["epoch", "train_loss", "negative_fraction", "top_eigenvalue", "trace"]);
  if (missing) return missing;
  const rows = [...loaded.rows].sort((a, b) => a.epoch - b.epoch);
  const labelled = [0, 3, 6, rows.length - 1].filter((i, k, all) => i < rows.length && all.indexOf(i) === k).map((i) => rows[i]);
  const half = Math.floor((width - 20) / 2);
  const color = OPTIMIZER_COLORS.gd;
  const index = Plot.plot({
    width: half,
    height,
    marginLeft: 70,
    marginBottom: 48,
    // Insets keep the first and last epochs' dots whole inside the frame.
    x: {type: "log", label: "Training loss (eV², log)", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: "~g", inset: 12},
    y: {label: "Fraction of negative eigenvalues", labelAnchor: "center", labelArrow: "none", grid: true, percent: false, inset: 12},
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light}),
      Plot.line(rows, {x: "train_loss", y: "negative_fraction", stroke: color, strokeWidth: 2}),
      Plot.dot(rows, {x: "train_loss", y: "negative_fraction", fill: color, r: 5, title: (d) => `epoch ${d.epoch}`}),
      // A few epochs labelled, to the right of their dot (left of it for the highest loss,
      // which sits at the right edge), so that labels neither overlap nor leave the frame.
      Plot.text(labelled.slice(1), {x: "train_loss", y: "negative_fraction", text: (d) => `epoch ${d.epoch}`, textAnchor: "start", dx: 9, dy: -4, fontSize: 15, fill: NEUTRAL_COLORS.dark, stroke: "white", strokeWidth: 3, paintOrder: "stroke"}),
      Plot.text(labelled.slice(0, 1), {x: "train_loss", y: "negative_fraction", text: (d) => `epoch ${d.epoch}`, textAnchor: "end", dx: -9, dy: 10, fontSize: 15, fill: NEUTRAL_COLORS.dark, stroke: "white", strokeWidth: 3, paintOrder: "stroke"}),
    ],
  });
  const long = rows.flatMap((d) => [
    {epoch: d.epoch, what: "top eigenvalue λmax", value: d.top_eigenvalue},
    {epoch: d.epoch, what: "trace / 10", value: d.trace / 10},
  ]);
  const curvature = Plot.plot({
    width: half,
    height,
    marginLeft: 70,
    marginBottom: 48,
    x: {label: "Epoch", labelAnchor: "center", labelArrow: "none", inset: 8},
    y: {label: "Curvature", labelAnchor: "center", labelArrow: "none", grid: true, inset: 8},
    color: {domain: ["top eigenvalue λmax", "trace / 10"], range: [NEUTRAL_COLORS.dark, NEUTRAL_COLORS.mid], legend: true},
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light}),
      Plot.line(long, {x: "epoch", y: "value", stroke: "what", strokeWidth: 2.5}),
      Plot.dot(long, {x: "epoch", y: "value", fill: "what", r: 4}),
    ],
  });
  return side_by_side([index, curvature], width);
}

function side_by_side(figures, width) {
  const row = document.createElement("div");
  row.style.display = "flex";
  row.style.gap = "20px";
  row.style.width = `${width}px`;
  row.style.alignItems = "flex-end";
  // A figure (a plot with a legend) would otherwise keep the browser's 40 px side margins and
  // shrink below its explicit width.
  for (const figure of figures) figure.style.margin = "0";
  row.append(...figures);
  return row;
}

// 0, about half of last, and the largest multiple of 100 up to last.
function round_ticks(last) {
  const unit = last >= 400 ? 100 : 10;
  const half = Math.floor(last / 2 / unit) * unit;
  const end = Math.floor(last / unit) * unit;
  return [...new Set([0, half, end])];
}

// Sharpness of full-batch GD over the steps, one panel per learning rate, with the stability
// bound 2/eta as a dashed line: the edge of stability is where the curve meets the line.
export function edge_of_stability_plot(loaded, {width = 960, height = 380} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["lr", "two_over_lr", "step", "top_eigenvalue", "run_status"]);
  if (missing) return missing;
  const rows = loaded.rows.map((r) => ({...r, panel: `η = ${r.lr}  (2/η = ${format_number(r.two_over_lr)})`}));
  const bounds = [...group_rows(rows, (r) => r.panel).values()].map((g) => g[0]);
  const finals = bounds.map((first) => {
    const run = rows.filter((r) => r.panel === first.panel);
    const last = run.reduce((a, b) => (b.step > a.step ? b : a));
    const status = last.run_status === "diverged" ? `diverged after step ${last.step}` : `λmax ${format_number(last.top_eigenvalue)} at step ${last.step}`;
    return `η = ${first.lr}: ${status}`;
  });
  return Plot.plot({
    width,
    height,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginBottom: 48,
    fx: {label: null, padding: 0.16},
    // Two round ticks inside every panel's steps (a tick beyond the data collided with the next
    // panel's 0).
    x: {label: "Gradient-descent step", labelAnchor: "center", labelArrow: "none", ticks: round_ticks(Math.max(...rows.map((r) => r.step)))},
    y: {type: "log", label: "Top Hessian eigenvalue (log)", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: "~g"},
    caption: `Vermillion: sharpness λmax of full-batch GD; dashed: the stability bound 2/η. ${finals.join("; ")}.`,
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light}),
      Plot.ruleY(bounds, {fx: "panel", y: "two_over_lr", stroke: NEUTRAL_COLORS.dark, strokeDasharray: "6,4", strokeWidth: 2}),
      Plot.line(rows, {fx: "panel", x: "step", y: "top_eigenvalue", stroke: OPTIMIZER_COLORS.gd, strokeWidth: 2.5}),
    ],
  });
}

// A log axis' domain with some room beyond the values (dots at the extremes stay whole), and
// 1, 2, 3, 5 times the powers of ten inside it as ticks.
function log_axis(values, pad = 1.15) {
  const domain = [Math.min(...values) / pad, Math.max(...values) * pad];
  const ticks = [];
  for (let p = 1e-6; p <= 1e6; p *= 10) {
    for (const m of [1, 2, 3, 5]) {
      const v = Number((m * p).toPrecision(1));
      if (v >= domain[0] && v <= domain[1]) ticks.push(v);
    }
  }
  return {domain, ticks};
}

// Final sharpness against final test loss for every run. The shape is the training budget
// (batch size and epochs: the large-batch runs trained longer to reach the small-batch training
// loss are a group of their own); the caption gives each group's mean train loss, test loss
// and sharpness, because a run that simply trained less is not evidence about sharpness.
export function batch_sharpness_plot(loaded, {width = 960, height = 380} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["label", "optimizer", "batch_size", "seed", "epochs", "train_loss", "test_loss", "top_eigenvalue"]);
  if (missing) return missing;
  const rows = loaded.rows
    .filter((r) => r.top_eigenvalue > 0 && r.test_loss > 0)
    .map((r) => ({...r, budget: `batch ${r.batch_size}, ${r.epochs} epochs`}));
  const budgets = [...group_rows(rows, (r) => r.budget).entries()].sort(
    ([, a], [, b]) => a[0].batch_size - b[0].batch_size || a[0].epochs - b[0].epochs,
  );
  const symbols = ["circle", "square", "triangle", "diamond", "star"];
  const summary = budgets.map(([budget, group]) => {
    const labels = [...new Set(group.map((r) => r.label))];
    const who = labels.length === 1 ? `${labels[0]} only` : "all optimizers";
    return `${budget} (${who}): train ${format_number(mean(group.map((r) => r.train_loss)))}, test ${format_number(mean(group.map((r) => r.test_loss)))} eV², λmax ${format_number(mean(group.map((r) => r.top_eigenvalue)))}`;
  });
  return Plot.plot({
    width,
    height,
    marginLeft: MARGIN_LEFT + 10,
    marginRight: MARGIN_RIGHT,
    marginBottom: 54,
    x: {type: "log", label: "Top Hessian eigenvalue at the end of training (log)", labelAnchor: "center", labelArrow: "none", grid: true, tickFormat: "~g", labelOffset: 38, ...log_axis(rows.map((r) => r.top_eigenvalue))},
    y: {label: "Final test loss (eV²)", labelAnchor: "center", labelArrow: "none", grid: true, inset: 10},
    color: optimizer_scale(rows),
    symbol: {domain: budgets.map(([budget]) => budget), range: budgets.map((_, i) => symbols[i % symbols.length]), legend: true},
    caption: `Means per training budget: ${summary.join("; ")}.`,
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light}),
      Plot.dot(rows, {x: "top_eigenvalue", y: "test_loss", stroke: "label", fill: "label", fillOpacity: 0.35, symbol: "budget", r: 8, strokeWidth: 2, title: (d) => `${d.label}, ${d.budget}, seed ${d.seed}`}),
    ],
  });
}

// The measured band gaps the network experiments use, as a histogram (bins from their index).
export function band_gap_plot(loaded, {width = 960, height = 360} = {}) {
  const missing = not_loaded(loaded, {width, height}, ["composition", "band_gap_ev"]);
  if (missing) return missing;
  const gaps = loaded.rows.map((r) => r.band_gap_ev).filter(Number.isFinite);
  const sorted = [...gaps].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const formulas = new Set(loaded.rows.map((r) => r.composition)).size;
  const top = Math.ceil(sorted[sorted.length - 1]);
  return Plot.plot({
    width,
    height,
    marginLeft: MARGIN_LEFT,
    marginRight: MARGIN_RIGHT,
    marginBottom: 48,
    x: {domain: [0, top], label: "Measured band gap Eg (eV)", labelAnchor: "center", labelArrow: "none"},
    y: {label: "Number of measurements", labelAnchor: "center", labelArrow: "none", grid: true, nice: true},
    caption: `${gaps.length} measurements of ${formulas} distinct formulas; Eg from ${format_number(sorted[0])} to ${format_number(sorted[sorted.length - 1])} eV, median ${format_number(median)} eV.`,
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light}),
      Plot.rectY(gaps, Plot.binX({y: "count"}, {x: (d) => d, thresholds: linspace(0, top, 4 * top), fill: NEUTRAL_COLORS.mid, inset: 0.5})),
      Plot.ruleY([0]),
    ],
  });
}

// ---------------------------------------------------------------------------------------
// Learning-rate schedules (scenes.js: schedule_curves). A schedule is not an optimizer, so its
// curves are grey or slate, told apart by dash pattern and width and labelled by name.

export const SCHEDULE_STYLES = {
  constant: {color: NEUTRAL_COLORS.mid, dash: null, width: 3},
  step: {color: NEUTRAL_COLORS.dark, dash: null, width: 2.5},
  exponential: {color: NEUTRAL_COLORS.dark, dash: "9,5", width: 2.5},
  cosine: {color: SURFACE_CURVE_COLOR, dash: null, width: 4},
  warmup_cosine: {color: SURFACE_CURVE_COLOR, dash: "2,4", width: 4},
};
const SCHEDULE_LABEL_MARGIN = 185;
const SCHEDULE_LABEL_GAP = 20;

function schedule_style(curve) {
  return SCHEDULE_STYLES[curve.schedule] ?? {color: NEUTRAL_COLORS.dark, dash: null, width: 2.5};
}

// The horizon T of the curves (their last t), at least 1 so the x axis always has a length.
function schedule_horizon(curves) {
  const ends = curves.filter((c) => c.points.length).map((c) => c.points[c.points.length - 1][0]);
  return Math.max(1, ...ends);
}

// Positions (pixels from the top, in [0, extent]) moved apart by at least `gap`, keeping
// their order: labels at the ends of lines that finish close together stay legible.
export function dodge(positions, gap, extent) {
  const order = positions.map((p, i) => [p, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const placed = order.map(([p]) => Math.min(Math.max(p, 0), extent));
  for (let k = 1; k < placed.length; k++) placed[k] = Math.max(placed[k], placed[k - 1] + gap);
  if (placed.length) placed[placed.length - 1] = Math.min(placed[placed.length - 1], extent);
  for (let k = placed.length - 2; k >= 0; k--) placed[k] = Math.min(placed[k], placed[k + 1] - gap);
  const out = new Array(positions.length);
  order.forEach(([, i], k) => (out[i] = placed[k]));
  return out;
}

// eta_t against t from 0 to T for every schedule, each named at its right end (labels moved
// apart where curves end close together), with a dotted line at t = T/2.
//   curves: schedule_curves(values);  view: SCENE_VIEW.schedules (its y is the eta axis)
export function schedule_plot(curves, view, {width = 640, height = 480} = {}) {
  const horizon = schedule_horizon(curves);
  const [y0, y1] = view.y;
  const margin = {top: 16, right: SCHEDULE_LABEL_MARGIN, bottom: 48, left: 62};
  const frame_height = height - margin.top - margin.bottom;
  const drawn = curves.filter((c) => c.points.length);
  const clamp = (v) => Math.min(Math.max(v, y0), y1);
  const ends = drawn.map((c) => clamp(c.points[c.points.length - 1][1]));
  const label_px = dodge(ends.map((v) => ((y1 - v) / (y1 - y0)) * frame_height), SCHEDULE_LABEL_GAP, frame_height);
  const labels = drawn.map((c, i) => ({x: horizon, y: y1 - (label_px[i] / frame_height) * (y1 - y0), text: c.label, color: schedule_style(c).color}));
  const half = Math.floor(horizon / 2);
  return Plot.plot({
    width,
    height,
    marginTop: margin.top,
    marginRight: margin.right,
    marginBottom: margin.bottom,
    marginLeft: margin.left,
    x: {domain: [0, horizon], label: "Step t", labelAnchor: "center", labelArrow: "none"},
    y: {domain: [y0, y1], label: "Learning rate ηₜ", labelAnchor: "center", labelArrow: "none", grid: true},
    marks: [
      Plot.frame({stroke: NEUTRAL_COLORS.light}),
      Plot.ruleX([half], {stroke: NEUTRAL_COLORS.mid, strokeDasharray: "1,4", strokeWidth: 1.5}),
      Plot.text([`T/2 = ${half}`], {x: half, frameAnchor: "top", dy: 6, dx: 6, textAnchor: "start", lineAnchor: "top", fontSize: 15, fill: NEUTRAL_COLORS.mid, stroke: "white", strokeWidth: 3, paintOrder: "stroke"}),
      ...drawn.map((c) => {
        const style = schedule_style(c);
        return Plot.line(c.points, {x: (p) => p[0], y: (p) => p[1], stroke: style.color, strokeWidth: style.width, ...(style.dash ? {strokeDasharray: style.dash} : {}), clip: true});
      }),
      Plot.text(labels, {x: "x", y: "y", text: "text", fill: "color", dx: 8, textAnchor: "start", fontSize: 15, fontWeight: "bold"}),
    ],
  });
}

// A short sample of a schedule's line (colour, width, dash) for the readout.
function schedule_swatch(curve) {
  const style = schedule_style(curve);
  const ns = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(ns, "svg");
  svg.setAttribute("width", "34");
  svg.setAttribute("height", "12");
  svg.setAttribute("class", "readout-swatch-line");
  const line = document.createElementNS(ns, "line");
  for (const [k, v] of Object.entries({x1: 1, y1: 6, x2: 33, y2: 6, stroke: style.color, "stroke-width": style.width})) line.setAttribute(k, v);
  if (style.dash) line.setAttribute("stroke-dasharray", style.dash);
  svg.append(line);
  return svg;
}

// The readout's rows: each schedule's eta at t = T/2 and t = T, or why it is not drawn.
export function schedule_readout_rows(curves) {
  const horizon = schedule_horizon(curves);
  const half = Math.floor(horizon / 2);
  const at = (c, t) => c.points.find((p) => p[0] === t)?.[1];
  return {
    half,
    horizon,
    rows: curves.map((c) => ({
      curve: c,
      label: c.label,
      values: c.points.length ? [format_number(at(c, half)), format_number(at(c, horizon))] : null,
      note: c.points.length ? null : `${c.label} not drawn: ${c.message}.`,
    })),
  };
}

// The readout as a small HTML table beside the plot (line sample, name, eta(T/2), eta(T)),
// then grey notes for curves that could not be drawn and the cell's `notes`.
export function schedule_readout(curves, {notes = []} = {}) {
  const {half, horizon, rows} = schedule_readout_rows(curves);
  const panel = document.createElement("div");
  panel.className = "readout trajectory-readout schedule-readout";
  const table = document.createElement("table");
  const cell = (tag, text, className) => {
    const element = document.createElement(tag);
    if (text !== null) element.textContent = text;
    if (className) element.className = className;
    return element;
  };
  const head = document.createElement("tr");
  head.append(cell("th", null), cell("th", "Schedule"), cell("th", `η(${half})`), cell("th", `η(${horizon})`));
  table.append(head);
  for (const row of rows) {
    const tr = document.createElement("tr");
    const swatch = cell("td", null, "swatch-cell");
    swatch.append(schedule_swatch(row.curve));
    tr.append(swatch, cell("td", row.label));
    if (row.values) tr.append(cell("td", row.values[0], "number"), cell("td", row.values[1], "number"));
    else tr.append(cell("td", "—", "number"), cell("td", "—", "number"));
    table.append(tr);
  }
  panel.append(table);
  for (const note of [...rows.map((r) => r.note), ...notes]) {
    if (note) panel.append(cell("div", note, "readout-line readout-note"));
  }
  return panel;
}
