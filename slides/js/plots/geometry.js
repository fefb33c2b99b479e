// Pure geometry of the plots (no Plot, no DOM; tested in Node): grids built from integer
// indices, contour levels, clipping to the plotted view, and label positions.
//
// Two rules keep every plot projector-safe and harness-clean:
//  * grids are built from integer indices (lo + (hi - lo) * i / n), never by adding a float
//    step repeatedly, so the last grid line is exactly hi and no sample is skipped or doubled;
//  * nothing is drawn outside the plotted view: path segments are cut at the frame
//    (Liang-Barsky) and points outside it are not drawn, so a diverging run never puts marks
//    at 1e30 px. What was cut is said in words on the plot instead.

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

const inside_view = (p, view) => view.x[0] <= p.x && p.x <= view.x[1] && view.y[0] <= p.y && p.y <= view.y[1];

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

// Where the ray from the origin along unit vector d leaves the view (view contains 0).
export function ray_exit(d, view) {
  let t = Infinity;
  for (const [axis, k] of [
    ["x", 0],
    ["y", 1],
  ]) {
    if (d[k] > 0) t = Math.min(t, view[axis][1] / d[k]);
    if (d[k] < 0) t = Math.min(t, view[axis][0] / d[k]);
  }
  return t;
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

// The level sets {f = threshold} of a grid from surface_grid, by marching squares, for ascending
// thresholds: per threshold one segment per cell it crosses, x0, y0, x1, y1 one after the other in
// one flat array, in grid coordinates (sample i at i + 0.5, 0 at the view's lower left, as
// d3.contours places them), the crossing interpolated linearly along the cell's edge. The segments
// are not stitched into rings: a stroke needs no rings, and stitching (d3.contours) grows faster
// than the number of cells. A cell whose two diagonals disagree is split as its centre value says.
// NaN samples count as below the threshold and give no crossing position, so the segments through
// their edges are left out. One pass over the cells serves every threshold: a cell is visited only
// for the thresholds between its lowest and highest corner (a slider that changes the surface
// redraws these, issue 10).
export function isolines(grid, thresholds) {
  const {values, width: nx, height: ny} = grid;
  const out = thresholds.map(() => []);
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = values[j * nx + i]; // lower left
      const b = values[j * nx + i + 1]; // lower right
      const c = values[(j + 1) * nx + i + 1]; // upper right
      const d = values[(j + 1) * nx + i]; // upper left
      // A threshold crosses the cell when some corner reaches it and some does not (NaN never does).
      let high = -Infinity;
      if (a >= high) high = a;
      if (b >= high) high = b;
      if (c >= high) high = c;
      if (d >= high) high = d;
      const low = Number.isNaN(a + b + c + d) ? -Infinity : Math.min(a, b, c, d);
      for (let k = 0; k < thresholds.length && thresholds[k] <= high; k++) {
        if (!(low < thresholds[k])) continue;
        cell_segments(a, b, c, d, i + 0.5, j + 0.5, thresholds[k], out[k]);
      }
    }
  }
  return out;
}

// The level set of one threshold, every cell visited (what isolines gives that threshold).
export function isoline_segments(grid, threshold) {
  const {values, width: nx, height: ny} = grid;
  const segments = [];
  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const corners = [values[j * nx + i], values[j * nx + i + 1], values[(j + 1) * nx + i + 1], values[(j + 1) * nx + i]];
      cell_segments(...corners, i + 0.5, j + 0.5, threshold, segments);
    }
  }
  return segments;
}

// The segments of one cell (corners a lower left, b lower right, c upper right, d upper left; its
// lower left sample at x0, y0) for one threshold, appended to `segments`.
function cell_segments(a, b, c, d, x0, y0, threshold, segments) {
  const code = (a >= threshold) | ((b >= threshold) << 1) | ((c >= threshold) << 2) | ((d >= threshold) << 3);
  if (code === 0 || code === 15) return;
  const cross = (v0, v1, x_from, y_from, x_to, y_to) => {
    const t = Math.min(1, Math.max(0, (threshold - v0) / (v1 - v0)));
    if (!Number.isFinite(t)) return null;
    return [x_from + (x_to - x_from) * t, y_from + (y_to - y_from) * t];
  };
  const edge = {
    bottom: (code & 1) !== (code & 2) >> 1 ? cross(a, b, x0, y0, x0 + 1, y0) : null,
    right: (code & 2) >> 1 !== (code & 4) >> 2 ? cross(b, c, x0 + 1, y0, x0 + 1, y0 + 1) : null,
    top: (code & 8) >> 3 !== (code & 4) >> 2 ? cross(d, c, x0, y0 + 1, x0 + 1, y0 + 1) : null,
    left: (code & 1) !== (code & 8) >> 3 ? cross(a, d, x0, y0, x0, y0 + 1) : null,
  };
  let pairs;
  if (code === 5 || code === 10) {
    const centre_above = (a + b + c + d) / 4 >= threshold;
    // The corners on the centre's side connect; each corner of the other side is cut off.
    const cut_lower_left_and_upper_right = (code === 5) !== centre_above;
    pairs = cut_lower_left_and_upper_right
      ? [
          ["bottom", "left"],
          ["right", "top"],
        ]
      : [
          ["bottom", "right"],
          ["top", "left"],
        ];
  } else {
    pairs = [Object.keys(edge).filter((side) => edge[side] !== null)];
  }
  for (const [from, to] of pairs) {
    const p = edge[from];
    const q = edge[to];
    if (p && q && Number.isFinite(p[0] + p[1] + q[0] + q[1])) segments.push(p[0], p[1], q[0], q[1]);
  }
}

// The nested level sets {f >= threshold} of a grid from surface_grid as closed rings, for
// ascending thresholds, over the whole view (0..nx, 0..ny in grid coordinates: the grid is
// extrapolated half a cell beyond the outermost samples, to its edges, and the rings close around
// it half a cell outside, for the caller to clip). Their edges inside the view are isolines' segments, the same numbers (the same
// marching squares, a saddle split as cell_segments splits it), chained: outer rings go
// counterclockwise and holes clockwise, so one path of a level's rings filled nonzero is the level
// set, with no seam. Per threshold one flat array: a ring is its vertex count, then x, y of each
// vertex. A crossing isolines leaves out has a position here: by a NaN sample at the edge's middle,
// by an infinite one at the finite end. Drawn as vectors, the shading is sharp at any scale and
// lies exactly on the lines.
export function level_set_rings(grid, thresholds) {
  const {values, width: nx, height: ny} = grid;
  // The grid extended by one sample on each side (at -1/2 and n + 1/2), extrapolated linearly from
  // the two samples inside (so a level line runs on straight to the view's edge; the edge sample
  // repeated where that is not finite), then a frame of samples below every level, on which every
  // ring closes.
  const wide = nx + 4;
  const high = ny + 4;
  const padded = new Float64Array(wide * high).fill(-Infinity);
  const beyond = (edge, inside) => {
    const v = 2 * edge - inside;
    return Number.isFinite(v) ? v : edge;
  };
  const at = (i, j) => (j + 2) * wide + i + 2;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) padded[at(i, j)] = values[j * nx + i];
    padded[at(-1, j)] = nx > 1 ? beyond(values[j * nx], values[j * nx + 1]) : values[j * nx];
    padded[at(nx, j)] = nx > 1 ? beyond(values[j * nx + nx - 1], values[j * nx + nx - 2]) : values[j * nx + nx - 1];
  }
  for (let i = -1; i <= nx; i++) {
    padded[at(i, -1)] = ny > 1 ? beyond(padded[at(i, 0)], padded[at(i, 1)]) : padded[at(i, 0)];
    padded[at(i, ny)] = ny > 1 ? beyond(padded[at(i, ny - 1)], padded[at(i, ny - 2)]) : padded[at(i, ny - 1)];
  }
  // Edge ids: 2 (j wide + i) for the edge from sample (i, j) to (i + 1, j), + 1 for (i, j) to (i, j + 1).
  const crossing_at = (edge, threshold) => {
    const at = edge >> 1;
    const v0 = padded[at];
    const v1 = padded[edge & 1 ? at + wide : at + 1];
    const t = Math.min(1, Math.max(0, (threshold - v0) / (v1 - v0)));
    if (Number.isFinite(t)) return t;
    if (Number.isNaN(v0) || Number.isNaN(v1)) return 0.5;
    // one end infinite: at the finite end; +Infinity against -Infinity (a frame sample): at +Infinity
    if (Number.isFinite(v0) !== Number.isFinite(v1)) return Number.isFinite(v0) ? 0 : 1;
    return v0 === Infinity ? 0 : 1;
  };
  // Per threshold, its cells' segments as pairs of edge ids: from the edge where the level set's
  // boundary enters the cell to where it leaves (counterclockwise around the set).
  const pairs = thresholds.map(() => []);
  for (let j = 0; j + 1 < high; j++) {
    for (let i = 0; i + 1 < wide; i++) {
      const at = j * wide + i;
      const a = padded[at];
      const b = padded[at + 1];
      const c = padded[at + wide + 1];
      const d = padded[at + wide];
      let top = -Infinity;
      if (a > top) top = a;
      if (b > top) top = b;
      if (c > top) top = c;
      if (d > top) top = d;
      const low = Number.isNaN(a + b + c + d) ? -Infinity : Math.min(a, b, c, d);
      for (let k = 0; k < thresholds.length && thresholds[k] <= top; k++) {
        if (thresholds[k] > low) cell_pairs(a, b, c, d, at, wide, thresholds[k], pairs[k]);
      }
    }
  }
  // Chained into rings. Along the frame of low samples, where a ring runs straight past the
  // repeated edge samples, only its corners are kept.
  const next = new Int32Array(2 * wide * high).fill(-1);
  const on_frame = (x, y) => (x === -0.5 || x === nx + 0.5 ? 1 : 0) | (y === -0.5 || y === ny + 0.5 ? 2 : 0);
  return thresholds.map((threshold, k) => {
    const flat = [];
    const list = pairs[k];
    for (let p = 0; p < list.length; p += 2) next[list[p]] = list[p + 1];
    for (let p = 0; p < list.length; p += 2) {
      const start = list[p];
      if (next[start] < 0) continue; // already in a ring
      const count_at = flat.push(0) - 1;
      let edge = start;
      do {
        const t = crossing_at(edge, threshold);
        const at = edge >> 1;
        const x = (at % wide) - 1.5 + (edge & 1 ? 0 : t);
        const y = (at - (at % wide)) / wide - 1.5 + (edge & 1 ? t : 0);
        const n = flat.length;
        const side = on_frame(x, y);
        // the last vertex lies between its predecessor and this one on the same side of the frame
        if (
          side &&
          n - count_at > 4 &&
          side & on_frame(flat[n - 2], flat[n - 1]) & on_frame(flat[n - 4], flat[n - 3]) &&
          (side & 1 ? x === flat[n - 2] && x === flat[n - 4] : y === flat[n - 1] && y === flat[n - 3])
        ) {
          flat[n - 2] = x;
          flat[n - 1] = y;
        } else flat.push(x, y);
        const following = next[edge];
        next[edge] = -1;
        edge = following;
      } while (edge !== start && edge >= 0);
      flat[count_at] = (flat.length - count_at - 1) / 2;
      if (flat[count_at] < 3) flat.length = count_at; // a point or a line: a sample that only touches the level
    }
    for (let p = 0; p < list.length; p += 2) next[list[p]] = -1;
    return flat;
  });
}

// A cell's oriented segments, by the corners that reach the level (bit k for corner k: lower
// left, lower right, upper right, upper left) and whether it is a saddle its centre cuts: pairs of
// its edges (0 bottom, 1 right, 2 top, 3 left: edge k runs from corner k to corner k + 1,
// counterclockwise). Leaving the set along edge k (corner k reaches the level, corner k + 1 does
// not) joins the edge where the boundary comes back, the next one counterclockwise, unless the
// centre of a saddle falls short (cell_segments cuts its high corners off): then the edge before
// corner k.
const CELL_PAIRS = Array.from({length: 32}, (_, index) => {
  const code = index & 15;
  const above = [0, 1, 2, 3].map((k) => ((code >> k) & 1) === 1);
  const saddle = code === 5 || code === 10;
  const cut = saddle && index >= 16;
  const pairs = [];
  for (let k = 0; k < 4; k++) {
    if (!above[k] || above[(k + 1) % 4]) continue;
    let m = (k + 3) % 4;
    if (!cut) for (m = (k + 1) % 4; !above[(m + 1) % 4];) m = (m + 1) % 4;
    pairs.push(k, m);
  }
  return pairs;
});

// One cell's segments for one threshold (corners a lower left, b lower right, c upper right, d
// upper left; `at` the index of a in a grid `wide` samples wide) appended to `pairs` as edge ids.
function cell_pairs(a, b, c, d, at, wide, threshold, pairs) {
  const code = (a >= threshold) | ((b >= threshold) << 1) | ((c >= threshold) << 2) | ((d >= threshold) << 3);
  const cut = (code === 5 || code === 10) && !((a + b + c + d) / 4 >= threshold);
  const local = CELL_PAIRS[code + (cut ? 16 : 0)];
  // bottom, right, top and left edges' ids
  const edge = (k) => (k === 0 ? 2 * at : k === 1 ? 2 * (at + 1) + 1 : k === 2 ? 2 * (at + wide) : 2 * at + 1);
  for (let p = 0; p < local.length; p++) pairs.push(edge(local[p]));
}
