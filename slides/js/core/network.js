// The lecture's band-gap network, 136 -> 16 -> 16 -> 1 with tanh hidden layers and a linear
// output, trained on the mean squared error: forward pass, backpropagation and the exact
// Hessian-vector product (Pearlmutter's R-operator). Twin of pygen/core/network.py.
//
// Parameters are one flat Float64Array in pygen/mlp.py's layout (W1 row-major 136 x 16, b1,
// W2 16 x 16, b2, W3 16 x 1, b3), so that the JAX Hessian of mlp.Model applies to it. The
// activation is portable_math.tanh and every sum is added in one fixed order, the order the
// Python twin uses: over the input features k = 0..135 (then the bias), over the hidden units
// i = 0..15, and over the rows of a batch in the order given, starting from 0. The loops are
// plain loops over typed arrays: this is the browser's budget (one epoch of 3,199 rows at
// batch 64 in well under 100 ms, bench/bench_training.py).

import {check_integer} from "./checks.js";
import {make_rng} from "./noise.js";
import {tanh} from "./portable_math.js";

export const LAYER_SIZES = [136, 16, 16, 1];
const N_IN = 136;
const H = 16; // both hidden layers
const W1 = 0;
const B1 = W1 + N_IN * H;
const W2 = B1 + H;
const B2 = W2 + H * H;
const W3 = B2 + H;
const B3 = W3 + H;
export const NETWORK_PARAMETER_COUNT = B3 + 1; // 2,481

// LeCun-normal weights (normal / sqrt(fan_in), right for tanh) and zero biases, the normals
// drawn in the layout's order from the project's generator (noise.make_rng(seed).normal()).
export function init_params(seed) {
  const rng = make_rng(check_integer("seed", seed));
  const params = new Float64Array(NETWORK_PARAMETER_COUNT);
  const weights = [
    [W1, N_IN * H, N_IN],
    [W2, H * H, H],
    [W3, H, H],
  ];
  for (const [offset, count, fan_in] of weights) {
    const scale = Math.sqrt(fan_in);
    for (let p = 0; p < count; p++) params[offset + p] = rng.normal() / scale;
  }
  return params;
}

// The two products over the 136 inputs, which are nearly all of the work. Both are written out
// for the 16 units (sixteen running sums in registers instead of an array) because V8 then
// runs them about twice as fast; the additions are the same, in the same order (k = 0..135).

// out[j] = sum over k of x[base + k] * m[offset + k * 16 + j], from 0, for j = 0..15.
function input_product(x, base, m, offset, out) {
  let s0 = 0,
    s1 = 0,
    s2 = 0,
    s3 = 0,
    s4 = 0,
    s5 = 0,
    s6 = 0,
    s7 = 0;
  let s8 = 0,
    s9 = 0,
    s10 = 0,
    s11 = 0,
    s12 = 0,
    s13 = 0,
    s14 = 0,
    s15 = 0;
  for (let k = 0, w = offset; k < N_IN; k++, w += H) {
    const xk = x[base + k];
    s0 += xk * m[w];
    s1 += xk * m[w + 1];
    s2 += xk * m[w + 2];
    s3 += xk * m[w + 3];
    s4 += xk * m[w + 4];
    s5 += xk * m[w + 5];
    s6 += xk * m[w + 6];
    s7 += xk * m[w + 7];
    s8 += xk * m[w + 8];
    s9 += xk * m[w + 9];
    s10 += xk * m[w + 10];
    s11 += xk * m[w + 11];
    s12 += xk * m[w + 12];
    s13 += xk * m[w + 13];
    s14 += xk * m[w + 14];
    s15 += xk * m[w + 15];
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
  out[4] = s4;
  out[5] = s5;
  out[6] = s6;
  out[7] = s7;
  out[8] = s8;
  out[9] = s9;
  out[10] = s10;
  out[11] = s11;
  out[12] = s12;
  out[13] = s13;
  out[14] = s14;
  out[15] = s15;
}

// g[W1 + k * 16 + j] += x[base + k] * d[j] for every k and j: one row's share of a sum over rows.
function add_input_outer(g, x, base, d) {
  const d0 = d[0],
    d1 = d[1],
    d2 = d[2],
    d3 = d[3],
    d4 = d[4],
    d5 = d[5],
    d6 = d[6],
    d7 = d[7];
  const d8 = d[8],
    d9 = d[9],
    d10 = d[10],
    d11 = d[11],
    d12 = d[12],
    d13 = d[13],
    d14 = d[14],
    d15 = d[15];
  for (let k = 0, w = W1; k < N_IN; k++, w += H) {
    const xk = x[base + k];
    g[w] += xk * d0;
    g[w + 1] += xk * d1;
    g[w + 2] += xk * d2;
    g[w + 3] += xk * d3;
    g[w + 4] += xk * d4;
    g[w + 5] += xk * d5;
    g[w + 6] += xk * d6;
    g[w + 7] += xk * d7;
    g[w + 8] += xk * d8;
    g[w + 9] += xk * d9;
    g[w + 10] += xk * d10;
    g[w + 11] += xk * d11;
    g[w + 12] += xk * d12;
    g[w + 13] += xk * d13;
    g[w + 14] += xk * d14;
    g[w + 15] += xk * d15;
  }
}

// Typed arrays throughout keep the loops monomorphic (the optimizers return plain arrays).
const as_float64 = (values) => (values instanceof Float64Array ? values : Float64Array.from(values));

// The forward pass of one row into h1, h2 (length H each); returns the output.
function forward_row(params, x, row, h1, h2) {
  input_product(x, row * N_IN, params, W1, h1);
  for (let j = 0; j < H; j++) h1[j] = tanh(h1[j] + params[B1 + j]);
  for (let j = 0; j < H; j++) h2[j] = 0;
  for (let i = 0; i < H; i++) {
    const hi = h1[i];
    const w = W2 + i * H;
    for (let j = 0; j < H; j++) h2[j] += hi * params[w + j];
  }
  for (let j = 0; j < H; j++) h2[j] = tanh(h2[j] + params[B2 + j]);
  let out = 0;
  for (let i = 0; i < H; i++) out += h2[i] * params[W3 + i];
  return out + params[B3];
}

// The network's output for each row.
export function predict(params, x, rows) {
  params = as_float64(params);
  const h1 = new Float64Array(H);
  const h2 = new Float64Array(H);
  const out = new Float64Array(rows.length);
  for (let n = 0; n < rows.length; n++) out[n] = forward_row(params, x, rows[n], h1, h2);
  return out;
}

// Mean squared error over the rows (eV^2): squared residuals added in row order, then / count.
export function loss(params, x, y, rows) {
  params = as_float64(params);
  const h1 = new Float64Array(H);
  const h2 = new Float64Array(H);
  let total = 0;
  for (let n = 0; n < rows.length; n++) {
    const row = rows[n];
    const r = forward_row(params, x, row, h1, h2) - y[row];
    total += r * r;
  }
  return total / rows.length;
}

// The loss and its gradient by backpropagation, row by row: each parameter's gradient is the
// sum of the rows' contributions in row order.
export function loss_and_grad(params, x, y, rows) {
  params = as_float64(params);
  const count = rows.length;
  const grad = new Float64Array(NETWORK_PARAMETER_COUNT);
  const h1 = new Float64Array(H);
  const h2 = new Float64Array(H);
  const d_a2 = new Float64Array(H);
  const d_a1 = new Float64Array(H);
  let total = 0;
  for (let n = 0; n < count; n++) {
    const row = rows[n];
    const r = forward_row(params, x, row, h1, h2) - y[row];
    total += r * r;
    const d_out = (r + r) / count;
    grad[B3] += d_out;
    for (let i = 0; i < H; i++) grad[W3 + i] += h2[i] * d_out;
    for (let j = 0; j < H; j++) d_a2[j] = d_out * params[W3 + j] * (1 - h2[j] * h2[j]);
    for (let i = 0; i < H; i++) {
      const hi = h1[i];
      const w = W2 + i * H;
      let d_h1 = 0;
      for (let j = 0; j < H; j++) {
        grad[w + j] += hi * d_a2[j];
        d_h1 += d_a2[j] * params[w + j];
      }
      d_a1[i] = d_h1 * (1 - hi * hi);
    }
    for (let j = 0; j < H; j++) grad[B2 + j] += d_a2[j];
    add_input_outer(grad, x, row * N_IN, d_a1);
    for (let j = 0; j < H; j++) grad[B1 + j] += d_a1[j];
  }
  return {loss: total / count, grad};
}

// v -> H v for the Hessian H of loss(params, x, y, rows): the forward pass is done once
// (hidden activations and residuals of every row kept), each product is the R-operator
// (Pearlmutter 1994) of the backpropagation above, exact up to rounding.
export function hvp_operator(params, x, y, rows) {
  params = as_float64(params);
  const count = rows.length;
  const h1_all = new Float64Array(count * H);
  const h2_all = new Float64Array(count * H);
  const residual = new Float64Array(count);
  {
    const h1 = new Float64Array(H);
    const h2 = new Float64Array(H);
    for (let n = 0; n < count; n++) {
      residual[n] = forward_row(params, x, rows[n], h1, h2) - y[rows[n]];
      h1_all.set(h1, n * H);
      h2_all.set(h2, n * H);
    }
  }
  const r_h1 = new Float64Array(H);
  const r_h2 = new Float64Array(H);
  const d_a2 = new Float64Array(H);
  const r_d_a2 = new Float64Array(H);
  const r_d_a1 = new Float64Array(H);

  return (vector) => {
    const v = as_float64(vector);
    const out = new Float64Array(NETWORK_PARAMETER_COUNT);
    for (let n = 0; n < count; n++) {
      const base = rows[n] * N_IN;
      const at = n * H;
      // forward: R(a1) = x vW1 + vb1, R(h1) = (1 - h1^2) R(a1), and so on
      input_product(x, base, v, W1, r_h1);
      for (let j = 0; j < H; j++) {
        const h = h1_all[at + j];
        r_h1[j] = (1 - h * h) * (r_h1[j] + v[B1 + j]);
      }
      for (let j = 0; j < H; j++) r_h2[j] = 0;
      for (let i = 0; i < H; i++) {
        const r_hi = r_h1[i];
        const hi = h1_all[at + i];
        const w = W2 + i * H;
        for (let j = 0; j < H; j++) {
          r_h2[j] += r_hi * params[w + j];
          r_h2[j] += hi * v[w + j];
        }
      }
      for (let j = 0; j < H; j++) {
        const h = h2_all[at + j];
        r_h2[j] = (1 - h * h) * (r_h2[j] + v[B2 + j]);
      }
      let r_out = 0;
      for (let i = 0; i < H; i++) {
        r_out += r_h2[i] * params[W3 + i];
        r_out += h2_all[at + i] * v[W3 + i];
      }
      r_out = r_out + v[B3];
      // backward, and its R-derivative
      const r = residual[n];
      const d_out = (r + r) / count;
      const r_d_out = (r_out + r_out) / count;
      out[B3] += r_d_out;
      for (let i = 0; i < H; i++) out[W3 + i] += r_h2[i] * d_out + h2_all[at + i] * r_d_out;
      for (let j = 0; j < H; j++) {
        const h = h2_all[at + j];
        const s = 1 - h * h;
        const d_h2 = d_out * params[W3 + j];
        d_a2[j] = d_h2 * s;
        r_d_a2[j] = (r_d_out * params[W3 + j] + d_out * v[W3 + j]) * s - d_h2 * ((h + h) * r_h2[j]);
      }
      for (let i = 0; i < H; i++) {
        const hi = h1_all[at + i];
        const r_hi = r_h1[i];
        const w = W2 + i * H;
        let d_h1 = 0;
        let r_d_h1 = 0;
        for (let j = 0; j < H; j++) {
          out[w + j] += r_hi * d_a2[j] + hi * r_d_a2[j];
          d_h1 += d_a2[j] * params[w + j];
          r_d_h1 += r_d_a2[j] * params[w + j];
          r_d_h1 += d_a2[j] * v[w + j];
        }
        r_d_a1[i] = r_d_h1 * (1 - hi * hi) - d_h1 * ((hi + hi) * r_hi);
      }
      for (let j = 0; j < H; j++) out[B2 + j] += r_d_a2[j];
      add_input_outer(out, x, base, r_d_a1);
      for (let j = 0; j < H; j++) out[B1 + j] += r_d_a1[j];
    }
    return out;
  };
}

// The exact Hessian-vector product H v of loss(params, x, y, rows).
export function hvp(params, vector, x, y, rows) {
  return hvp_operator(params, x, y, rows)(vector);
}
