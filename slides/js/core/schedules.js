// Learning-rate schedules: make_schedule(name, params) -> lr_at(t, base_lr) for t = 0, 1, ...
// Twin of pygen/core/schedules.py. Powers are repeated products and the cosine is
// portable_math.cos, so both languages give the same bits.

import {check_count, check_name, check_non_negative, merge_params} from "./checks.js";
import {PI, cos, power_int} from "./portable_math.js";

function cosine_decay(t, total, base_lr, min_lr) {
  if (t >= total) return min_lr;
  return min_lr + ((base_lr - min_lr) * (1 + cos((PI * t) / total))) / 2;
}

function require_positive_count(what, value) {
  check_count(what, value);
  if (value < 1) throw new Error(`${what} must be at least 1, got ${value}`);
}

// A negative factor, decay or floor would make the learning rate negative: gradient ascent.
function require_positive(what, value) {
  if (!(value > 0)) throw new Error(`${what} must be > 0, got ${value}`);
}

const DEFINITIONS = {
  constant: {
    defaults: {},
    make: () => (t, base_lr) => base_lr,
  },
  step: {
    defaults: {step_size: 10, factor: 0.5},
    make: ({step_size, factor}) => {
      require_positive_count("schedule step: step_size", step_size);
      require_positive("schedule step: factor", factor);
      return (t, base_lr) => base_lr * power_int(factor, Math.floor(t / step_size));
    },
  },
  exponential: {
    defaults: {gamma: 0.95},
    make: ({gamma}) => {
      require_positive("schedule exponential: gamma", gamma);
      return (t, base_lr) => base_lr * power_int(gamma, t);
    },
  },
  cosine: {
    defaults: {total_steps: 100, min_lr: 0},
    make: ({total_steps, min_lr}) => {
      require_positive_count("schedule cosine: total_steps", total_steps);
      check_non_negative("schedule cosine: min_lr", min_lr);
      return (t, base_lr) => cosine_decay(t, total_steps, base_lr, min_lr);
    },
  },
  // Linear ramp to base_lr over warmup_steps, then cosine decay over the remaining steps.
  warmup_cosine: {
    defaults: {warmup_steps: 10, total_steps: 100, min_lr: 0},
    make: ({warmup_steps, total_steps, min_lr}) => {
      check_count("schedule warmup_cosine: warmup_steps", warmup_steps);
      require_positive_count("schedule warmup_cosine: total_steps", total_steps);
      check_non_negative("schedule warmup_cosine: min_lr", min_lr);
      if (total_steps <= warmup_steps) {
        throw new Error(`schedule warmup_cosine: total_steps (${total_steps}) must exceed warmup_steps (${warmup_steps})`);
      }
      return (t, base_lr) => {
        if (t < warmup_steps) return (base_lr * (t + 1)) / warmup_steps;
        return cosine_decay(t - warmup_steps, total_steps - warmup_steps, base_lr, min_lr);
      };
    },
  },
};

export const SCHEDULE_NAMES = Object.keys(DEFINITIONS);

export const DEFAULT_SCHEDULE_PARAMS = Object.fromEntries(SCHEDULE_NAMES.map((name) => [name, {...DEFINITIONS[name].defaults}]));

export function make_schedule(name, params = {}) {
  check_name("schedule", name, SCHEDULE_NAMES);
  const definition = DEFINITIONS[name];
  return definition.make(merge_params(`schedule ${name}`, definition.defaults, params));
}
