// Loss surfaces with value, gradient and Hessian in closed form.
// Twin of pygen/core/surfaces.py: every expression is written in the same operation order there,
// so both languages return the same bits.

import {check_name, merge_params} from "./checks.js";
import {PI, cos, sin} from "./portable_math.js";

const WIDE_BOX = [
  [-1000, 1000],
  [-1000, 1000],
];

const DEFINITIONS = {
  // The seed's 1D example. From |x| = 10 any learning rate above 0.005 overshoots further
  // out, so leaving [-10, 10] really is divergence.
  quartic: {
    dim: 1,
    defaults: {},
    box: [[-10, 10]],
    f: ([x]) => x * x * x * x - 2 * x * x + x / 2,
    grad: ([x]) => [4 * x * x * x - 4 * x + 0.5],
    hessian: ([x]) => [[12 * x * x - 4]],
  },
  saddle: {
    dim: 2,
    defaults: {},
    box: WIDE_BOX,
    f: ([x, y]) => x * x - y * y,
    grad: ([x, y]) => [2 * x, -2 * y],
    hessian: () => [
      [2, 0],
      [0, -2],
    ],
  },
  elongated_bowl: {
    dim: 2,
    defaults: {a: 10},
    box: WIDE_BOX,
    f: ([x, y], {a}) => (x * x) / 2 + (a * y * y) / 2,
    grad: ([x, y], {a}) => [x, a * y],
    hessian: (_, {a}) => [
      [1, 0],
      [0, a],
    ],
  },
  skewed_bowl: {
    dim: 2,
    defaults: {},
    box: WIDE_BOX,
    f: ([x, y]) => (x * x) / 2 + 10 * y * y + x * y,
    grad: ([x, y]) => [x + y, 20 * y + x],
    hessian: () => [
      [1, 1],
      [1, 20],
    ],
  },
  rosenbrock: {
    dim: 2,
    defaults: {a: 1, b: 100},
    box: WIDE_BOX,
    f: ([x, y], {a, b}) => (a - x) * (a - x) + b * (y - x * x) * (y - x * x),
    grad: ([x, y], {a, b}) => [-2 * (a - x) - 4 * b * x * (y - x * x), 2 * b * (y - x * x)],
    hessian: ([x, y], {b}) => [
      [2 - 4 * b * y + 12 * b * x * x, -4 * b * x],
      [-4 * b * x, 2 * b],
    ],
  },
  // 1/2 theta^T A theta with A = R diag(lambda1, lambda2) R^T; R rotates by angle_deg, so
  // the eigenvectors are (cos, sin) and (-sin, cos).
  quadratic: {
    dim: 2,
    defaults: {lambda1: 1, lambda2: 10, angle_deg: 0},
    box: WIDE_BOX,
    derive: ({lambda1, lambda2, angle_deg}) => {
      const angle = (angle_deg * PI) / 180;
      const c = cos(angle);
      const s = sin(angle);
      return {
        c,
        s,
        a11: lambda1 * c * c + lambda2 * s * s,
        a12: (lambda1 - lambda2) * c * s,
        a22: lambda1 * s * s + lambda2 * c * c,
      };
    },
    f: ([x, y], {a11, a12, a22}) => (a11 * x * x + 2 * a12 * x * y + a22 * y * y) / 2,
    grad: ([x, y], {a11, a12, a22}) => [a11 * x + a12 * y, a12 * x + a22 * y],
    hessian: (_, {a11, a12, a22}) => [
      [a11, a12],
      [a12, a22],
    ],
  },
};

export const SURFACE_NAMES = Object.keys(DEFINITIONS);

/**
 * What make_surface returns: value, gradient and Hessian in closed form, and the default box.
 * @typedef {Object} Surface
 * @property {string} name
 * @property {number} dim
 * @property {Object<string, number>} params  the defaults merged with the caller's values
 * @property {number[][]} box  [[lo, hi], ...] per coordinate
 * @property {(theta: number[]) => number} f
 * @property {(theta: number[]) => number[]} grad
 * @property {(theta: number[]) => number[][]} hessian
 */

/** @returns {Surface} */
export function make_surface(name, params = {}) {
  check_name("surface", name, SURFACE_NAMES);
  const definition = DEFINITIONS[name];
  const merged = merge_params(`surface ${name}`, definition.defaults, params);
  const constants = definition.derive ? {...merged, ...definition.derive(merged)} : merged;
  return {
    name,
    dim: definition.dim,
    params: merged,
    box: definition.box.map(([lo, hi]) => [lo, hi]),
    f: (theta) => definition.f(theta, constants),
    grad: (theta) => definition.grad(theta, constants),
    hessian: (theta) => definition.hessian(theta, constants),
  };
}
