// Optimizers as pure state transitions in the manner of optax:
//   init(theta) -> state;  gradient_point(state) -> where to evaluate the gradient;
//   step(state, g, lr) -> new state (the old one is never mutated).
// Twin of pygen/core/optimizers.py, written in the same operation order so that both produce
// the same bits. Bias corrections use running products of beta, never beta ** t.
//
// Conventions where frameworks differ (the deck's speaker notes say the same):
//  * Nesterov stores theta and evaluates the gradient at the look-ahead theta + alpha v
//    (optax stores the look-ahead point itself).
//  * AdaGrad starts its accumulator at 0 and adds eps outside the square root (optax starts at
//    0.1 and adds eps inside).
//  * RMSProp adds eps outside the square root (optax's default is inside).
//  * AMSGrad takes the maximum of the raw second moment, then bias-corrects it (PyTorch's rule;
//    optax takes the maximum of the bias-corrected moment).

import {check_finite, check_name, format_value, merge_params} from "./checks.js";

/** @typedef {number[]} Vector */
/** @typedef {Object<string, number>} Hyper */
/** @typedef {{theta: Vector}} GDState */
/** @typedef {{theta: Vector, v: Vector}} MomentumState  momentum and Nesterov: parameters and velocity */
/** @typedef {{theta: Vector, G: Vector}} AdaGradState  G: sum of squared gradients */
/** @typedef {{theta: Vector, E: Vector}} RMSPropState  E: exponential average of squared gradients */
/** @typedef {{theta: Vector, m: Vector, v: Vector, beta1_power: number, beta2_power: number}} AdamState  Adam and AdamW */
/** @typedef {AdamState & {v_max: Vector}} AMSGradState  v_max: running maximum of the raw v */
/** @typedef {GDState | MomentumState | AdaGradState | RMSPropState | AdamState | AMSGradState} State */
/**
 * What make_optimizer returns: the merged hyperparameters and the three pure functions.
 * @typedef {Object} Optimizer
 * @property {string} name
 * @property {Readonly<Hyper>} hyper
 * @property {(theta: Vector) => State} init
 * @property {(state: State) => Vector} gradient_point
 * @property {(state: State, g: Vector, lr: number) => State} step
 */

const zeros = (n) => new Array(n).fill(0);
const same_point = (state) => state.theta;

const ADAM_DEFAULTS = {beta1: 0.9, beta2: 0.999, eps: 1e-8};

// ---------------------------------------------------------------------------------------
// The two shared pieces: the heavy-ball velocity and Adam's bias-corrected update

/** v <- alpha v - lr g;  theta <- theta + v   (momentum and Nesterov alike). @returns {MomentumState} */
function velocity_step(state, g, lr, {alpha}) {
  const v = state.v.map((v_i, i) => alpha * v_i - lr * g[i]);
  return {theta: state.theta.map((x, i) => x + v[i]), v};
}

function adam_moments(state, g, {beta1, beta2}) {
  const m = state.m.map((m_i, i) => beta1 * m_i + (1 - beta1) * g[i]);
  const v = state.v.map((v_i, i) => beta2 * v_i + (1 - beta2) * g[i] * g[i]);
  return {m, v, beta1_power: state.beta1_power * beta1, beta2_power: state.beta2_power * beta2};
}

/** x - lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t). */
function bias_corrected_update(x, m_i, v_i, moments, lr, eps) {
  const m_hat = m_i / (1 - moments.beta1_power);
  const v_hat = v_i / (1 - moments.beta2_power);
  return x - (lr / (Math.sqrt(v_hat) + eps)) * m_hat;
}

/** @returns {AdamState} */
const adam_init = (theta) => ({
  theta: [...theta],
  m: zeros(theta.length),
  v: zeros(theta.length),
  beta1_power: 1,
  beta2_power: 1,
});

// ---------------------------------------------------------------------------------------
// The optimizers

const DEFINITIONS = {
  // Gradient descent: theta <- theta - lr g.
  gd: {
    defaults: {},
    init: (theta) => ({theta: [...theta]}),
    gradient_point: same_point,
    step: (state, g, lr) => ({theta: state.theta.map((x, i) => x - lr * g[i])}),
  },

  // Heavy-ball momentum (Polyak 1964): v <- alpha v - lr g(theta);  theta <- theta + v.
  momentum: {
    defaults: {alpha: 0.9},
    init: (theta) => ({theta: [...theta], v: zeros(theta.length)}),
    gradient_point: same_point,
    step: velocity_step,
  },

  // Nesterov (1983): v <- alpha v - lr g(theta + alpha v);  theta <- theta + v. The state
  // stores theta; the gradient is taken at the look-ahead point (optax stores that point).
  nesterov: {
    defaults: {alpha: 0.9},
    init: (theta) => ({theta: [...theta], v: zeros(theta.length)}),
    gradient_point: (state, {alpha}) => state.theta.map((x, i) => x + alpha * state.v[i]),
    step: velocity_step,
  },

  // AdaGrad (Duchi et al. 2011): G <- G + g^2;  theta <- theta - lr g / (sqrt(G) + eps).
  // G starts at 0, eps outside the root (optax: 0.1, eps inside).
  adagrad: {
    defaults: {eps: 1e-8},
    init: (theta) => ({theta: [...theta], G: zeros(theta.length)}),
    gradient_point: same_point,
    step: (state, g, lr, {eps}) => {
      const G = state.G.map((G_i, i) => G_i + g[i] * g[i]);
      return {theta: state.theta.map((x, i) => x - (lr / (Math.sqrt(G[i]) + eps)) * g[i]), G};
    },
  },

  // RMSProp (Tieleman & Hinton 2012): E <- gamma E + (1 - gamma) g^2;
  // theta <- theta - lr g / (sqrt(E) + eps), eps outside the root (optax's default: inside).
  rmsprop: {
    defaults: {gamma: 0.9, eps: 1e-8},
    init: (theta) => ({theta: [...theta], E: zeros(theta.length)}),
    gradient_point: same_point,
    step: (state, g, lr, {gamma, eps}) => {
      const E = state.E.map((E_i, i) => gamma * E_i + (1 - gamma) * g[i] * g[i]);
      return {theta: state.theta.map((x, i) => x - (lr / (Math.sqrt(E[i]) + eps)) * g[i]), E};
    },
  },

  // Adam (Kingma & Ba 2015): m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g^2;
  // theta <- theta - lr m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t).
  adam: {
    defaults: ADAM_DEFAULTS,
    init: adam_init,
    gradient_point: same_point,
    step: (state, g, lr, hyper) => {
      const moments = adam_moments(state, g, hyper);
      const theta = state.theta.map((x, i) => bias_corrected_update(x, moments.m[i], moments.v[i], moments, lr, hyper.eps));
      return {theta, ...moments};
    },
  },

  // AdamW (Loshchilov & Hutter 2019): Adam's update, then theta <- theta - lr weight_decay theta
  // (the old theta): the decay acts on the parameters directly, outside the adaptive scaling.
  adamw: {
    defaults: {...ADAM_DEFAULTS, weight_decay: 0.01},
    init: adam_init,
    gradient_point: same_point,
    step: (state, g, lr, hyper) => {
      const moments = adam_moments(state, g, hyper);
      const theta = state.theta.map(
        (x, i) => bias_corrected_update(x, moments.m[i], moments.v[i], moments, lr, hyper.eps) - lr * hyper.weight_decay * x,
      );
      return {theta, ...moments};
    },
  },

  // AMSGrad (Reddi et al. 2018): Adam with v_max <- max(v_max, v), so the second-moment estimate
  // never decreases; the maximum of the raw v is bias-corrected (PyTorch's rule; optax takes the
  // maximum of the corrected v).
  amsgrad: {
    defaults: ADAM_DEFAULTS,
    init: (theta) => ({...adam_init(theta), v_max: zeros(theta.length)}),
    gradient_point: same_point,
    step: (state, g, lr, hyper) => {
      const moments = adam_moments(state, g, hyper);
      const v_max = state.v_max.map((v_max_i, i) => (moments.v[i] > v_max_i ? moments.v[i] : v_max_i));
      const theta = state.theta.map((x, i) => bias_corrected_update(x, moments.m[i], v_max[i], moments, lr, hyper.eps));
      return {theta, ...moments, v_max};
    },
  },
};

export const OPTIMIZER_NAMES = Object.keys(DEFINITIONS);

export const DEFAULT_HYPER = Object.fromEntries(OPTIMIZER_NAMES.map((name) => [name, {...DEFINITIONS[name].defaults}]));

// Outside these ranges an update divides by zero or takes the root of a negative number.
const HYPER_RANGES = {
  beta1: {lo: 0, hi: 1, text: "in [0, 1)"},
  beta2: {lo: 0, hi: 1, text: "in [0, 1)"},
  gamma: {lo: 0, hi: 1, text: "in [0, 1)"},
  eps: {lo: 0, hi: Infinity, open_lo: true, text: "> 0"},
  weight_decay: {lo: 0, hi: Infinity, text: ">= 0"},
};

function check_hyper_ranges(name, hyper) {
  for (const [key, value] of Object.entries(hyper)) {
    const range = HYPER_RANGES[key];
    if (!range) continue;
    const above_lo = range.open_lo ? value > range.lo : value >= range.lo;
    if (!above_lo || !(value < range.hi)) {
      throw new Error(`optimizer ${name} parameter ${key} must be ${range.text}, got ${format_value(value)}`);
    }
  }
  return hyper;
}

/** @returns {Optimizer} */
export function make_optimizer(name, hyper = {}) {
  check_name("optimizer", name, OPTIMIZER_NAMES);
  const definition = DEFINITIONS[name];
  const merged = Object.freeze(check_hyper_ranges(name, merge_params(`optimizer ${name}`, definition.defaults, hyper)));
  return {
    name,
    hyper: merged,
    init: (theta) => definition.init(theta.map((x, i) => check_finite(`theta[${i}]`, x))),
    gradient_point: (state) => definition.gradient_point(state, merged),
    step: (state, g, lr) => definition.step(state, g, lr, merged),
  };
}
