// Optimizers as pure state transitions in the manner of optax:
//   init(theta) -> state;  gradient_point(state) -> where to evaluate the gradient;
//   step(state, g, lr) -> new state (the old one is never mutated).
// Twin of pygen/core/optimizers.py, written in the same operation order so that both produce
// the same bits. Bias corrections use running products of beta, never beta ** t.

import {check_finite, check_name, merge_params} from "./checks.js";

const zeros = (n) => new Array(n).fill(0);
const same_point = (state) => state.theta;

const ADAM_DEFAULTS = {beta1: 0.9, beta2: 0.999, eps: 1e-8};

function adam_moments(state, g, {beta1, beta2}) {
  const m = state.m.map((m_i, i) => beta1 * m_i + (1 - beta1) * g[i]);
  const v = state.v.map((v_i, i) => beta2 * v_i + (1 - beta2) * g[i] * g[i]);
  return {m, v, beta1_power: state.beta1_power * beta1, beta2_power: state.beta2_power * beta2};
}

const adam_init = (theta) => ({
  theta: [...theta], m: zeros(theta.length), v: zeros(theta.length), beta1_power: 1, beta2_power: 1,
});

const DEFINITIONS = {
  gd: {
    defaults: {},
    init: (theta) => ({theta: [...theta]}),
    gradient_point: same_point,
    step: (state, g, lr) => ({theta: state.theta.map((x, i) => x - lr * g[i])}),
  },

  momentum: {
    defaults: {alpha: 0.9},
    init: (theta) => ({theta: [...theta], v: zeros(theta.length)}),
    gradient_point: same_point,
    step: (state, g, lr, {alpha}) => {
      const v = state.v.map((v_i, i) => alpha * v_i - lr * g[i]);
      return {theta: state.theta.map((x, i) => x + v[i]), v};
    },
  },

  // Same velocity update as momentum, but the gradient is taken at the look-ahead point.
  nesterov: {
    defaults: {alpha: 0.9},
    init: (theta) => ({theta: [...theta], v: zeros(theta.length)}),
    gradient_point: (state, {alpha}) => state.theta.map((x, i) => x + alpha * state.v[i]),
    step: (state, g, lr, {alpha}) => {
      const v = state.v.map((v_i, i) => alpha * v_i - lr * g[i]);
      return {theta: state.theta.map((x, i) => x + v[i]), v};
    },
  },

  adagrad: {
    defaults: {eps: 1e-8},
    init: (theta) => ({theta: [...theta], G: zeros(theta.length)}),
    gradient_point: same_point,
    step: (state, g, lr, {eps}) => {
      const G = state.G.map((G_i, i) => G_i + g[i] * g[i]);
      return {theta: state.theta.map((x, i) => x - lr / (Math.sqrt(G[i]) + eps) * g[i]), G};
    },
  },

  rmsprop: {
    defaults: {gamma: 0.9, eps: 1e-8},
    init: (theta) => ({theta: [...theta], E: zeros(theta.length)}),
    gradient_point: same_point,
    step: (state, g, lr, {gamma, eps}) => {
      const E = state.E.map((E_i, i) => gamma * E_i + (1 - gamma) * g[i] * g[i]);
      return {theta: state.theta.map((x, i) => x - lr / (Math.sqrt(E[i]) + eps) * g[i]), E};
    },
  },

  adam: {
    defaults: ADAM_DEFAULTS,
    init: adam_init,
    gradient_point: same_point,
    step: (state, g, lr, hyper) => {
      const moments = adam_moments(state, g, hyper);
      const theta = state.theta.map((x, i) => {
        const m_hat = moments.m[i] / (1 - moments.beta1_power);
        const v_hat = moments.v[i] / (1 - moments.beta2_power);
        return x - lr / (Math.sqrt(v_hat) + hyper.eps) * m_hat;
      });
      return {theta, ...moments};
    },
  },

  // Adam with weight decay applied to the parameters directly, outside the adaptive scaling.
  adamw: {
    defaults: {...ADAM_DEFAULTS, weight_decay: 0.01},
    init: adam_init,
    gradient_point: same_point,
    step: (state, g, lr, hyper) => {
      const moments = adam_moments(state, g, hyper);
      const theta = state.theta.map((x, i) => {
        const m_hat = moments.m[i] / (1 - moments.beta1_power);
        const v_hat = moments.v[i] / (1 - moments.beta2_power);
        return x - lr / (Math.sqrt(v_hat) + hyper.eps) * m_hat - lr * hyper.weight_decay * x;
      });
      return {theta, ...moments};
    },
  },

  // Adam whose second-moment estimate never decreases (the running maximum of v).
  amsgrad: {
    defaults: ADAM_DEFAULTS,
    init: (theta) => ({...adam_init(theta), v_max: zeros(theta.length)}),
    gradient_point: same_point,
    step: (state, g, lr, hyper) => {
      const moments = adam_moments(state, g, hyper);
      const v_max = state.v_max.map((v_max_i, i) => (moments.v[i] > v_max_i ? moments.v[i] : v_max_i));
      const theta = state.theta.map((x, i) => {
        const m_hat = moments.m[i] / (1 - moments.beta1_power);
        const v_hat = v_max[i] / (1 - moments.beta2_power);
        return x - lr / (Math.sqrt(v_hat) + hyper.eps) * m_hat;
      });
      return {theta, ...moments, v_max};
    },
  },
};

export const OPTIMIZER_NAMES = Object.keys(DEFINITIONS);

export const DEFAULT_HYPER = Object.fromEntries(
  OPTIMIZER_NAMES.map((name) => [name, {...DEFINITIONS[name].defaults}]),
);

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
      throw new Error(`optimizer ${name} parameter ${key} must be ${range.text}, got ${value}`);
    }
  }
  return hyper;
}

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
