// The one trajectory runner: every cell, test and generator goes through run(config).
// Twin of pygen/core/runner.py. See ARCHITECTURE.md for the config and the rows.

import {check_count, check_finite, check_integer, check_non_negative, check_object, format_value, has_own} from "./checks.js";
import {make_noise} from "./noise.js";
import {make_optimizer} from "./optimizers.js";
import {make_schedule} from "./schedules.js";
import {make_surface} from "./surfaces.js";

/**
 * A run's configuration (ARCHITECTURE.md): the required keys and the optional ones.
 * @typedef {Object} RunConfig
 * @property {string} surface
 * @property {string} optimizer
 * @property {number} lr
 * @property {number[]} start
 * @property {number} steps
 * @property {Object<string, number>} [surface_params]
 * @property {Object<string, number>} [hyper]
 * @property {string} [schedule]
 * @property {Object<string, number>} [schedule_params]
 * @property {number} [noise_std]
 * @property {number} [noise_seed]
 * @property {number[][] | null} [box]
 */
/**
 * Row t: the parameters after t updates, the loss and noise-free gradient norm there, and the
 * learning rate of the update that leaves this row.
 * @typedef {{step: number, theta: number[], loss: number, grad_norm: number, lr: number, status: "ok" | "diverged"}} Row
 */
/**
 * @typedef {Object} RunResult
 * @property {Row[]} rows
 * @property {"completed" | "diverged"} status
 * @property {"non_finite" | "left_box" | null} reason
 * @property {number | null} diverged_step
 * @property {string} message
 * @property {RunConfig} config  the config with the defaults filled in
 */

const CONFIG_DEFAULTS = {
  surface_params: {},
  hyper: {},
  schedule: "constant",
  schedule_params: {},
  noise_std: 0,
  noise_seed: 0,
  box: null,
};
const REQUIRED_KEYS = ["surface", "optimizer", "lr", "start", "steps"];
const CONFIG_KEYS = [...REQUIRED_KEYS, ...Object.keys(CONFIG_DEFAULTS)];
// Config values that are objects of named numbers.
const OBJECT_KEYS = ["surface_params", "hyper", "schedule_params"];
// A run is drawn on a slide: far beyond this a browser tab would hang, not teach.
export const MAX_STEPS = 100000;

const all_finite = (values) => values.every((value) => Number.isFinite(value));
const inside = (theta, box) => theta.every((x, i) => box[i][0] <= x && x <= box[i][1]);

function norm(g) {
  let sum = 0;
  for (const g_i of g) sum = sum + g_i * g_i;
  return Math.sqrt(sum);
}

function check_box(box, dim) {
  if (!Array.isArray(box) || box.length !== dim) {
    throw new Error(`box must list [lo, hi] for each of the ${dim} coordinates, got ${JSON.stringify(box)}`);
  }
  return box.map((bounds, i) => {
    if (!Array.isArray(bounds) || bounds.length !== 2) {
      throw new Error(`box[${i}] must be [lo, hi], got ${JSON.stringify(bounds)}`);
    }
    const lo = check_finite(`box[${i}][0]`, bounds[0]);
    const hi = check_finite(`box[${i}][1]`, bounds[1]);
    if (!(lo < hi)) throw new Error(`box[${i}] must have lo < hi, got [${lo}, ${hi}]`);
    return [lo, hi];
  });
}

function check_start(start, dim, box) {
  if (!Array.isArray(start) || start.length !== dim) {
    throw new Error(`start must be a list of ${dim} numbers, got ${JSON.stringify(start)}`);
  }
  const theta = start.map((x, i) => check_finite(`start[${i}]`, x));
  if (!inside(theta, box)) throw new Error(`start ${JSON.stringify(theta)} lies outside the box ${JSON.stringify(box)}`);
  return theta;
}

function diverged_message(reason, step, box) {
  const bounds = box.map(([lo, hi]) => `[${lo}, ${hi}]`).join(" x ");
  const what = reason === "left_box" ? `left the box ${bounds}` : "produced a non-finite value";
  return `diverged: update ${step} ${what}`;
}

/** @param {RunConfig} config @returns {RunResult} */
export function run(config) {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new Error(`config must be an object, got ${format_value(config)}`);
  }
  for (const key of Object.keys(config)) {
    if (!CONFIG_KEYS.includes(key))
      throw new Error(`unknown config key ${JSON.stringify(key)}; expected one of: ${CONFIG_KEYS.join(", ")}`);
  }
  for (const key of REQUIRED_KEYS) {
    if (!has_own(config, key)) throw new Error(`config is missing ${JSON.stringify(key)}`);
  }
  for (const key of OBJECT_KEYS) check_object(key, config[key]);
  const cfg = {...CONFIG_DEFAULTS, ...config};
  const surface = make_surface(cfg.surface, cfg.surface_params);
  const optimizer = make_optimizer(cfg.optimizer, cfg.hyper);
  const lr_at = make_schedule(cfg.schedule, cfg.schedule_params);
  const base_lr = check_non_negative("lr", cfg.lr);
  const steps = check_count("steps", cfg.steps);
  if (steps > MAX_STEPS) throw new Error(`steps must be at most ${MAX_STEPS}, got ${steps}`);
  const perturb = make_noise(cfg.noise_std, check_integer("noise_seed", cfg.noise_seed));
  const box = check_box(cfg.box ?? surface.box, surface.dim);
  let state = optimizer.init(check_start(cfg.start, surface.dim, box));

  const rows = [];
  const result = (status, reason = null, diverged_step = null) => ({
    rows,
    status,
    reason,
    diverged_step,
    message: status === "completed" ? `completed ${steps} steps` : diverged_message(reason, diverged_step, box),
    config: cfg,
  });
  const diverge = (reason, step) => {
    rows[rows.length - 1].status = "diverged";
    return result("diverged", reason, step);
  };

  for (let t = 0; ; t++) {
    const theta = state.theta;
    const loss = surface.f(theta);
    const grad_norm = norm(surface.grad(theta));
    const lr = lr_at(t, base_lr);
    if (!Number.isFinite(loss) || !Number.isFinite(grad_norm) || !Number.isFinite(lr)) {
      if (t === 0) throw new Error(`the start ${JSON.stringify(theta)} gives a non-finite loss, gradient or learning rate`);
      return diverge("non_finite", t);
    }
    rows.push({step: t, theta: [...theta], loss, grad_norm, lr, status: "ok"});
    if (t === steps) return result("completed");

    const g = surface.grad(optimizer.gradient_point(state));
    if (!all_finite(g)) return diverge("non_finite", t + 1);
    const next = optimizer.step(state, perturb(g), lr);
    if (!all_finite(next.theta)) return diverge("non_finite", t + 1);
    if (!inside(next.theta, box)) return diverge("left_box", t + 1);
    state = next;
  }
}
