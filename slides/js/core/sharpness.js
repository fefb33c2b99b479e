// The sharpness lambda1, the top eigenvalue of the Hessian of the training loss, by the Lanczos
// method on exact Hessian-vector products (network.hvp_operator), warm-started from the previous
// estimate's eigenvector. Twin of pygen/core/sharpness.py.
//
// Lanczos rather than power iteration: its k-th estimate of the top eigenvalue converges like
// power iteration's 2k-th or better, and it finds the largest eigenvalue, not the largest in
// absolute value (the Hessian has negative eigenvalues). The vectors are fully
// reorthogonalised (k is small); the eigenvalue of the k x k tridiagonal matrix is found by
// bisection on its Sturm sequence and its eigenvector by inverse iteration: + - * / and sqrt
// only, so both twins give the same bits.

import {hvp_operator} from "./network.js";

const PIVOT_FLOOR = 9.094947017729282e-13; // 2^-40

function dot(a, b) {
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * b[i];
  return total;
}

// The number of eigenvalues of the tridiagonal (alpha on the diagonal, beta beside it) below x.
function count_below(alpha, beta, x) {
  let count = 0;
  let d = 1;
  for (let i = 0; i < alpha.length; i++) {
    d = i === 0 ? alpha[0] - x : alpha[i] - x - (beta[i - 1] * beta[i - 1]) / d;
    if (d === 0) d = -Number.MIN_VALUE; // x is an eigenvalue: count it as below, move on
    if (d < 0) count += 1;
  }
  return count;
}

// The largest eigenvalue of the tridiagonal, by bisection between Gershgorin bounds until the
// interval cannot be halved any more.
function largest_eigenvalue(alpha, beta) {
  const n = alpha.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const radius = (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < n - 1 ? Math.abs(beta[i]) : 0);
    if (alpha[i] - radius < lo) lo = alpha[i] - radius;
    if (alpha[i] + radius > hi) hi = alpha[i] + radius;
  }
  for (;;) {
    const mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) return hi;
    if (count_below(alpha, beta, mid) === n) hi = mid;
    else lo = mid;
  }
}

// A unit eigenvector of the tridiagonal for the eigenvalue theta, by two steps of inverse
// iteration (Thomas's algorithm on T - theta I). theta is an eigenvalue to the last bits, so a
// pivot may vanish: pivots are kept at least 2^-40 times the matrix's norm away from 0 (the
// solution is then huge along the eigenvector, which is the point).
function tridiagonal_eigenvector(alpha, beta, theta) {
  const n = alpha.length;
  let norm = 0;
  for (let i = 0; i < n; i++) {
    const row = Math.abs(alpha[i]) + (i > 0 ? Math.abs(beta[i - 1]) : 0) + (i < n - 1 ? Math.abs(beta[i]) : 0);
    if (row > norm) norm = row;
  }
  const floor = norm * PIVOT_FLOOR;
  const nudge = (pivot) => (pivot < 0 ? (pivot > -floor ? -floor : pivot) : pivot < floor ? floor : pivot);
  let y = new Array(n).fill(1);
  for (let sweep = 0; sweep < 2; sweep++) {
    const c = new Array(n).fill(0);
    const d = new Array(n).fill(0);
    let pivot = nudge(alpha[0] - theta);
    c[0] = n > 1 ? beta[0] / pivot : 0;
    d[0] = y[0] / pivot;
    for (let i = 1; i < n; i++) {
      pivot = nudge(alpha[i] - theta - beta[i - 1] * c[i - 1]);
      c[i] = i < n - 1 ? beta[i] / pivot : 0;
      d[i] = (y[i] - beta[i - 1] * d[i - 1]) / pivot;
    }
    const z = new Array(n).fill(0);
    z[n - 1] = d[n - 1];
    for (let i = n - 2; i >= 0; i--) z[i] = d[i] - c[i] * z[i + 1];
    let largest = 0;
    for (let i = 0; i < n; i++) if (Math.abs(z[i]) > largest) largest = Math.abs(z[i]);
    if (!(largest > 0 && largest < Infinity)) break; // nothing better than the last sweep's
    y = z.map((value) => value / largest); // scaled first: the solution can be huge
    const length = Math.sqrt(dot(y, y));
    y = y.map((value) => value / length);
  }
  return y;
}

// lambda1 of the operator `apply` (v -> H v on vectors of `start`'s length) after `iterations`
// Lanczos steps from `start`; returns {lambda1, vector} (the unit Ritz vector, the next start).
export function lanczos_top(apply, start, iterations) {
  const size = start.length;
  const basis = [];
  const alpha = [];
  const beta = [];
  let q = new Float64Array(size);
  const start_norm = Math.sqrt(dot(start, start));
  for (let p = 0; p < size; p++) q[p] = start[p] / start_norm;
  for (let k = 0; k < iterations; k++) {
    basis.push(q);
    const w = apply(q);
    const a = dot(w, q);
    alpha.push(a);
    // w <- w - a q_k - beta_{k-1} q_{k-1}, then against every basis vector once more
    for (let p = 0; p < size; p++) w[p] = w[p] - a * q[p];
    if (k > 0) {
      const previous = basis[k - 1];
      const b = beta[k - 1];
      for (let p = 0; p < size; p++) w[p] = w[p] - b * previous[p];
    }
    for (const vector of basis) {
      const overlap = dot(w, vector);
      for (let p = 0; p < size; p++) w[p] = w[p] - overlap * vector[p];
    }
    const b = Math.sqrt(dot(w, w));
    // An invariant subspace (or the last step): the tridiagonal so far is exact.
    if (k === iterations - 1 || !(b > 1e-12 * Math.abs(a))) break;
    beta.push(b);
    q = new Float64Array(size);
    for (let p = 0; p < size; p++) q[p] = w[p] / b;
  }
  const lambda1 = largest_eigenvalue(alpha, beta);
  const y = tridiagonal_eigenvector(alpha, beta, lambda1);
  const vector = new Float64Array(size);
  for (let k = 0; k < alpha.length; k++) {
    const basis_k = basis[k];
    const y_k = y[k];
    for (let p = 0; p < size; p++) vector[p] += y_k * basis_k[p];
  }
  return {lambda1, vector};
}

// lambda1 of the Hessian of network.loss(params, x, y, rows), warm-started from `start`.
export function estimate_sharpness(params, x, y, rows, start, iterations) {
  return lanczos_top(hvp_operator(params, x, y, rows), start, iterations);
}
