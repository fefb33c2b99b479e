// The one training loop of the band-gap network: the browser's worker, the tests, `pygen replay`
// and the data generator all train through it. Twin of pygen/core/trainer.py, bit for bit.
//
//   config = {optimizer, hyper, lr, schedule, schedule_params, batch_size, seed, epochs,
//             train_rows, sharpness_every, sharpness_iterations}        (TRAINING_DEFAULTS)
//   row    = {epoch, step, lr, train_loss, test_loss, lambda1, status}
//
// Each epoch visits the first `train_rows` training rows once, in mini-batches of `batch_size`
// in an order drawn from the project's generator (the last batch may be smaller; a full batch
// keeps the rows' order), and updates the parameters with the core's optimizer and schedule
// (make_optimizer, make_schedule: the update rules are not written again here). Row 0 is the
// initialisation; row e holds the losses on the training rows and on every test row after e
// epochs, the learning rate of the next update, and lambda1 (sharpness.js) every
// `sharpness_every` epochs (null otherwise). A non-finite loss or parameter stops the run: its
// last row has status "diverged", null losses, and the run a message in words.

import {check_count, check_non_negative, check_object, format_value, has_own} from "./checks.js";
import {init_params, loss, loss_and_grad, NETWORK_PARAMETER_COUNT} from "./network.js";
import {make_rng} from "./noise.js";
import {make_optimizer} from "./optimizers.js";
import {make_schedule} from "./schedules.js";
import {estimate_sharpness} from "./sharpness.js";

export const TRAINING_DEFAULTS = {
  optimizer: "adam",
  hyper: {},
  lr: 0.001,
  schedule: "constant",
  schedule_params: {},
  batch_size: 64,
  seed: 0,
  epochs: 40,
  train_rows: 3199,
  sharpness_every: 2,
  sharpness_iterations: 10,
};
const TRAINING_KEYS = Object.keys(TRAINING_DEFAULTS);
const OBJECT_KEYS = ["hyper", "schedule_params"]; // null there: no values
// A run is trained in front of an audience: beyond these a browser tab would hang, not teach.
export const MAX_TRAINING_EPOCHS = 1000;
export const MAX_SHARPNESS_ITERATIONS = 100;
const MAX_TRAINING_SEED = 4294967295;
// The streams of a run's seed: initialisation (the seed itself), batch order, sharpness start.
const BATCH_ORDER_OFFSET = 1000003;
const SHARPNESS_START_OFFSET = 2000003;

function check_range(what, value, lo, hi) {
  check_count(what, value);
  if (value < lo || value > hi) throw new Error(`${what} must be between ${lo} and ${hi}, got ${format_value(value)}`);
  return value;
}

// The config with the defaults filled in, or an Error naming the first bad value.
export function check_training_config(config) {
  if (config === null || typeof config !== "object" || Array.isArray(config)) {
    throw new Error(`training config must be an object, got ${format_value(config)}`);
  }
  for (const key of Object.keys(config)) {
    if (!TRAINING_KEYS.includes(key)) {
      throw new Error(`unknown training config key ${JSON.stringify(key)}; expected one of: ${TRAINING_KEYS.join(", ")}`);
    }
    if (config[key] === null && !OBJECT_KEYS.includes(key)) throw new Error(`${key} must not be null`);
  }
  const merged = {};
  for (const key of TRAINING_KEYS) merged[key] = has_own(config, key) ? config[key] : TRAINING_DEFAULTS[key];
  merged.hyper = {...check_object("hyper", merged.hyper)};
  merged.schedule_params = {...check_object("schedule_params", merged.schedule_params)};
  make_optimizer(merged.optimizer, merged.hyper);
  make_schedule(merged.schedule, merged.schedule_params);
  merged.lr = check_non_negative("lr", merged.lr);
  merged.train_rows = check_range("train_rows", merged.train_rows, 1, TRAINING_DEFAULTS.train_rows);
  merged.batch_size = check_range("batch_size", merged.batch_size, 1, merged.train_rows);
  merged.seed = check_range("seed", merged.seed, 0, MAX_TRAINING_SEED);
  merged.epochs = check_range("epochs", merged.epochs, 0, MAX_TRAINING_EPOCHS);
  merged.sharpness_every = check_range("sharpness_every", merged.sharpness_every, 0, MAX_TRAINING_EPOCHS);
  merged.sharpness_iterations = check_range("sharpness_iterations", merged.sharpness_iterations, 1, MAX_SHARPNESS_ITERATIONS);
  return merged;
}

export const EDGE_OF_STABILITY_ROWS = 512;
export const EDGE_OF_STABILITY_LRS = [0.02, 0.04];
export const EDGE_OF_STABILITY_EPOCHS = 600;

// The presets the slide and the page offer.
export const TRAINING_PRESETS = {
  // The lecture's comparison (pygen/experiments/settings.py TRAINING_RUNS), batch 64.
  lecture: {
    label: "Adam vs SGD (the lecture's runs)",
    runs: [
      {...TRAINING_DEFAULTS, optimizer: "gd", lr: 0.01},
      {...TRAINING_DEFAULTS, optimizer: "adam", lr: 0.001},
    ],
  },
  // Full-batch gradient descent on the first EDGE_OF_STABILITY_ROWS training rows at two learning
  // rates: lambda1 climbs ("progressive sharpening") to 2 / eta and then hovers there while the loss
  // still falls, unevenly: the edge of stability (Cohen et al. 2021), each run at its own 2 / eta.
  // Tuned in Python (full-batch GD, 800 epochs, lambda1 every 20): with 512 rows and eta = 0.02,
  // lambda1 goes 24 -> 100 = 2/eta by epoch 120, overshoots to 132 at epoch 220, falls back and
  // stays within 2% of 100 from epoch 300 on; at eta = 0.04 it reaches 50 by epoch 30 and stays at
  // 51-53 from epoch 100. 1,000 rows at eta = 0.02 draw the same picture (2/eta at epoch 130) at
  // about 1.6 times the cost per epoch; 256 rows at eta = 0.03 too, with a less representative subset.
  // 512 rows keep an epoch at ~5 ms of one core in JS (the test loss over 697 rows included) and a
  // lambda1 estimate at ~25 ms, so 600 epochs with lambda1 every 5 take ~5 s of one core per run:
  // both runs finish well within 30 s of browser training on this 2-core machine, and lambda1 meets
  // 2 / eta within the first few seconds.
  edge_of_stability: {
    label: `Edge of stability: full-batch GD on ${EDGE_OF_STABILITY_ROWS} rows`,
    runs: EDGE_OF_STABILITY_LRS.map((lr) => ({
      ...TRAINING_DEFAULTS,
      optimizer: "gd",
      lr,
      batch_size: EDGE_OF_STABILITY_ROWS,
      train_rows: EDGE_OF_STABILITY_ROWS,
      epochs: EDGE_OF_STABILITY_EPOCHS,
      sharpness_every: 5,
    })),
  },
};

function permute_in_place(order, rng) {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    const swap = order[i];
    order[i] = order[j];
    order[j] = swap;
  }
}

function all_finite(values) {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

const range = (n) => {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
};

// A run ready to train: row 0 (the initialisation) is in run.rows; train_epoch advances it.
export function start_training(config, dataset) {
  const cfg = check_training_config(config);
  if (cfg.train_rows > dataset.n_train) {
    throw new Error(`train_rows must be at most the ${dataset.n_train} training rows, got ${cfg.train_rows}`);
  }
  const optimizer = make_optimizer(cfg.optimizer, cfg.hyper);
  const run = {
    config: cfg,
    dataset,
    optimizer,
    lr_at: make_schedule(cfg.schedule, cfg.schedule_params),
    state: optimizer.init(init_params(cfg.seed)),
    train_rows: range(cfg.train_rows),
    test_rows: range(dataset.n_test),
    order: range(cfg.train_rows),
    batch_rng: make_rng(cfg.seed + BATCH_ORDER_OFFSET),
    sharpness_start: null,
    epoch: 0,
    step: 0,
    rows: [],
    status: "running",
    message: "",
  };
  const start_rng = make_rng(cfg.seed + SHARPNESS_START_OFFSET);
  run.sharpness_start = new Float64Array(NETWORK_PARAMETER_COUNT);
  for (let p = 0; p < NETWORK_PARAMETER_COUNT; p++) run.sharpness_start[p] = start_rng.normal();
  record(run);
  return run;
}

function record(run) {
  const {config: cfg, dataset} = run;
  const theta = run.state.theta;
  const train_loss = loss(theta, dataset.x_train, dataset.y_train, run.train_rows);
  const test_loss = loss(theta, dataset.x_test, dataset.y_test, run.test_rows);
  const lr = run.lr_at(run.step, cfg.lr);
  if (!Number.isFinite(train_loss) || !Number.isFinite(test_loss)) {
    return diverge(run, run.step, run.lr_at(run.step - 1, cfg.lr), "a non-finite loss");
  }
  let lambda1 = null;
  if (cfg.sharpness_every > 0 && run.epoch % cfg.sharpness_every === 0) {
    const estimate = estimate_sharpness(
      theta,
      dataset.x_train,
      dataset.y_train,
      run.train_rows,
      run.sharpness_start,
      cfg.sharpness_iterations,
    );
    if (Number.isFinite(estimate.lambda1) && all_finite(estimate.vector)) {
      lambda1 = estimate.lambda1;
      run.sharpness_start = estimate.vector;
    }
  }
  const row = {epoch: run.epoch, step: run.step, lr, train_loss, test_loss, lambda1, status: "ok"};
  run.rows.push(row);
  if (run.epoch === cfg.epochs) {
    run.status = "completed";
    run.message = `completed ${cfg.epochs} epochs (${run.step} updates)`;
  }
  return row;
}

// The run stops at update `update` (1, 2, ...; made with learning rate `lr`): its last row.
function diverge(run, update, lr, what) {
  const row = {epoch: run.epoch, step: update, lr, train_loss: null, test_loss: null, lambda1: null, status: "diverged"};
  run.rows.push(row);
  run.status = "diverged";
  run.message = `diverged: update ${update} (epoch ${run.epoch}) produced ${what}`;
  return row;
}

// Trains one more epoch and returns its row (null once the run has stopped).
export function train_epoch(run) {
  if (run.status !== "running") return null;
  const {config: cfg, dataset, optimizer} = run;
  const n = cfg.train_rows;
  const batch = cfg.batch_size;
  run.epoch += 1;
  if (batch < n) permute_in_place(run.order, run.batch_rng);
  for (let start = 0; start < n; start += batch) {
    const rows = run.order.subarray(start, Math.min(start + batch, n));
    const point = optimizer.gradient_point(run.state);
    const {loss: batch_loss, grad} = loss_and_grad(point, dataset.x_train, dataset.y_train, rows);
    const lr = run.lr_at(run.step, cfg.lr);
    if (!Number.isFinite(batch_loss) || !all_finite(grad)) return diverge(run, run.step + 1, lr, "a non-finite loss or gradient");
    const next = optimizer.step(run.state, grad, lr);
    if (!all_finite(next.theta)) return diverge(run, run.step + 1, lr, "non-finite parameters");
    run.state = next;
    run.step += 1;
  }
  return record(run);
}

// A whole run: {rows, status ("completed" | "diverged"), message, config}.
export function train(config, dataset) {
  const run = start_training(config, dataset);
  while (run.status === "running") train_epoch(run);
  return {rows: run.rows, status: run.status, message: run.message, config: run.config};
}
