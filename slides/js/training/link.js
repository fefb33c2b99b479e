// The live trainer's state, its link (URL hash) codec and the trainer configs it stands for.
// Pure (no DOM): loaded by the page training.qmd, by the deck slide and by Node in the tests.
// Twin of pygen/training_link.py: the decoder, the messages and training_configs are written
// the same way there, so that `python3 -m pygen replay '<link>'` retrains exactly the page's runs.
//
// The state:
//   {rows, epochs, sharpness,             training rows used (the first N), epochs, epochs between
//                                         lambda1 estimates (0: never)
//    runs: [{optimizer, lr, hyper, batch, schedule, seed}, ...]}   1 to MAX_RUNS runs side by side
//
// The link: "key=value" fields joined by "&", for example
//   #train=1&rows=3199&epochs=40&sharpness=2&run1=gd&run1.lr=0.01&run1.batch=64
//   &run1.schedule=constant&run1.seed=0&run2=adam&run2.lr=0.001&run2.beta1=0.9&...
// `train=1` (the format's version) marks a training link, so that `pygen replay` tells it from a
// playground link. The grammar, the number syntax and the messages are the playground's
// (playground/state.js: numbers written by String(x), read by Number(text), so they round-trip
// exactly; only letters, digits and _ . , + - ; nothing percent-decoded). Every field is optional,
// but a link with anything wrong is refused as a whole: the defaults and a message.
//
// A schedule's parameters follow from the run (so that the link cannot make a schedule that does
// not fit it): "step" halves the rate every 10 epochs, "cosine" decays to 0 over the whole run,
// "warmup_cosine" warms up for one epoch, then decays to 0 (training_schedule_params).

import {LinkError, LinkFields, decode_link, range, read_name, read_number, shown, HYPER_LIMITS} from "../playground/state.js";
import {OPTIMIZER_NAMES, DEFAULT_HYPER} from "../core/optimizers.js";
import {TRAINING_DEFAULTS, TRAINING_PRESETS} from "../core/trainer.js";

export const TRAINING_FORMAT_VERSION = "1";
export const MAX_RUNS = 4;
export const TRAINING_SET_ROWS = TRAINING_DEFAULTS.train_rows; // all training rows of the band-gap problem
export const MAX_EPOCHS = 1000;
export const MAX_TRAINING_SEED = 999999;
export const SHARPNESS_ITERATIONS = TRAINING_DEFAULTS.sharpness_iterations;
export const TRAINING_SCHEDULES = ["constant", "step", "cosine", "warmup_cosine"];

// The lecture's learning rates (pygen/experiments/settings.py TRAINING_RUNS: SGD and momentum
// 0.01, Adam and AdamW 1e-3) and hyperparameters (AdamW's weight decay 0.1); the rest alike.
export const TRAINING_LR = {
  gd: 0.01,
  momentum: 0.01,
  nesterov: 0.01,
  adagrad: 0.01,
  rmsprop: 0.001,
  adam: 0.001,
  adamw: 0.001,
  amsgrad: 0.001,
};
export const TRAINING_HYPER = Object.fromEntries(
  OPTIMIZER_NAMES.map((name) => [name, name === "adamw" ? {...DEFAULT_HYPER.adamw, weight_decay: 0.1} : {...DEFAULT_HYPER[name]}]),
);

export const TRAINING_LR_LIMIT = range(0, 10, "in (0, 10]", {lo_open: true});
export const ROWS_LIMIT = range(8, TRAINING_SET_ROWS, `a whole number in [8, ${TRAINING_SET_ROWS}]`, {integer: true});
export const EPOCHS_LIMIT = range(1, MAX_EPOCHS, `a whole number in [1, ${MAX_EPOCHS}]`, {integer: true});
export const SHARPNESS_LIMIT = range(0, 100, "a whole number in [0, 100]", {integer: true});
export const TRAINING_SEED_LIMIT = range(0, MAX_TRAINING_SEED, `a whole number in [0, ${MAX_TRAINING_SEED}]`, {integer: true});

export function default_run(optimizer = "gd") {
  return {optimizer, lr: TRAINING_LR[optimizer], hyper: {...TRAINING_HYPER[optimizer]}, batch: 64, schedule: "constant", seed: 0};
}

// The lecture's comparison: SGD against Adam at batch 64, seed 0, 40 epochs, lambda1 every 2.
export function default_training_state() {
  return {rows: TRAINING_SET_ROWS, epochs: 40, sharpness: 2, runs: [default_run("gd"), default_run("adam")]};
}

export function clone_training_state(state) {
  return {...state, runs: state.runs.map((run) => ({...run, hyper: {...run.hyper}}))};
}

// A run switched to another optimizer takes that optimizer's learning rate and hyperparameters.
export function with_optimizer(run, optimizer) {
  return {...run, optimizer, lr: TRAINING_LR[optimizer], hyper: {...TRAINING_HYPER[optimizer]}};
}

const RUN_KEY = /^run([1-9])$/; // one digit: MAX_RUNS < 10

// The state a hash stands for. Throws LinkError naming the first problem.
function read_training_state(hash) {
  const fields = new LinkFields(hash);
  const state = default_training_state();
  if (fields.empty) return state;
  const take = (key) => fields.take(key);
  const version = fields.has("train") ? take("train") : TRAINING_FORMAT_VERSION;
  if (version !== TRAINING_FORMAT_VERSION)
    throw new LinkError(`unknown training link version ${shown(version)}; expected ${TRAINING_FORMAT_VERSION}`);
  for (const key of ["rows", "epochs", "sharpness"]) {
    const limit = {rows: ROWS_LIMIT, epochs: EPOCHS_LIMIT, sharpness: SHARPNESS_LIMIT}[key];
    if (fields.has(key)) state[key] = read_number(key, take(key), limit);
  }
  const numbers = [];
  for (const key of fields.keys()) {
    const match = RUN_KEY.exec(key);
    if (match) numbers.push(Number(match[1]));
  }
  if (numbers.length) {
    numbers.sort((a, b) => a - b);
    if (numbers.length > MAX_RUNS) throw new LinkError(`at most ${MAX_RUNS} runs, got ${numbers.length}`);
    numbers.forEach((n, i) => {
      if (n !== i + 1) throw new LinkError(`the runs must be numbered run1 to run${numbers.length}, got run${n}`);
    });
    state.runs = numbers.map((n) => default_run(read_name("optimizer", take(`run${n}`), OPTIMIZER_NAMES)));
  }
  // a run's default batch (64) is cut to the training rows when the link uses fewer
  for (const run of state.runs) run.batch = Math.min(run.batch, state.rows);
  const batch_limit = range(1, state.rows, `a whole number in [1, ${state.rows}] (the training rows)`, {integer: true});
  for (const [key, value] of fields.unread()) {
    const dot = key.indexOf(".");
    const head = dot < 0 ? key : key.slice(0, dot);
    const tail = dot < 0 ? null : key.slice(dot + 1);
    const match = RUN_KEY.exec(head);
    if (!match || tail === null) throw new LinkError(`unknown field ${shown(key)}`);
    const run = state.runs[Number(match[1]) - 1];
    if (!run) throw new LinkError(`the field ${shown(key)} names a run the link does not have`);
    if (tail === "lr") run.lr = read_number(key, value, TRAINING_LR_LIMIT);
    else if (tail === "batch") run.batch = read_number(key, value, batch_limit);
    else if (tail === "seed") run.seed = read_number(key, value, TRAINING_SEED_LIMIT);
    else if (tail === "schedule") run.schedule = read_name("schedule", value, TRAINING_SCHEDULES);
    else if (Object.prototype.hasOwnProperty.call(run.hyper, tail)) run.hyper[tail] = read_number(key, value, HYPER_LIMITS[tail]);
    else throw new LinkError(`the optimizer ${run.optimizer} has no hyperparameter ${shown(tail)}`);
  }
  return state;
}

// {state, error}: the link's state and null, or the defaults and a sentence saying why.
export function decode_training_hash(hash) {
  return decode_link(hash, read_training_state, default_training_state);
}

// The hash of a state, without "#". Every number is written with String(x).
export function encode_training_hash(state) {
  const parts = [`train=${TRAINING_FORMAT_VERSION}`, `rows=${state.rows}`, `epochs=${state.epochs}`, `sharpness=${state.sharpness}`];
  state.runs.forEach((run, i) => {
    const key = `run${i + 1}`;
    parts.push(`${key}=${run.optimizer}`, `${key}.lr=${String(run.lr)}`);
    for (const name of Object.keys(DEFAULT_HYPER[run.optimizer])) parts.push(`${key}.${name}=${String(run.hyper[name])}`);
    parts.push(`${key}.batch=${run.batch}`, `${key}.schedule=${run.schedule}`, `${key}.seed=${run.seed}`);
  });
  return parts.join("&");
}

// A control changes the state by changing one field of its link, read exactly as the link's field
// would be: {state, error} (the new state, or null and what is wrong with `text`).
export function with_training_field(state, key, text) {
  const fields = encode_training_hash(state)
    .split("&")
    .filter((part) => !part.startsWith(`${key}=`));
  fields.push(`${key}=${text}`);
  try {
    return {state: read_training_state(fields.join("&")), error: null};
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    return {state: null, error: error.message};
  }
}

// ---------------------------------------------------------------------------------------
// Trainer configs

// Updates per epoch: the last mini-batch of an epoch may be smaller.
export function updates_per_epoch(rows, batch) {
  return Math.ceil(rows / batch);
}

export function training_schedule_params(schedule, epochs, per_epoch) {
  const total = epochs * per_epoch;
  if (schedule === "step") return {step_size: 10 * per_epoch, factor: 0.5};
  if (schedule === "cosine") return {total_steps: total, min_lr: 0};
  if (schedule === "warmup_cosine") return {warmup_steps: Math.min(per_epoch, total - 1), total_steps: total, min_lr: 0};
  return {};
}

// One trainer config per run, in the link's order.
export function training_configs(state) {
  return state.runs.map((run) => ({
    optimizer: run.optimizer,
    hyper: {...run.hyper},
    lr: run.lr,
    schedule: run.schedule,
    schedule_params: training_schedule_params(run.schedule, state.epochs, updates_per_epoch(state.rows, run.batch)),
    batch_size: run.batch,
    seed: run.seed,
    epochs: state.epochs,
    train_rows: state.rows,
    sharpness_every: state.sharpness,
    sharpness_iterations: SHARPNESS_ITERATIONS,
  }));
}

// ---------------------------------------------------------------------------------------
// Presets (the widget's menu; a preset is only a starting state, the link carries every field)

export const TRAINING_PRESET_NAMES = Object.keys(TRAINING_PRESETS);

// A preset of the trainer twin (TRAINING_PRESETS: the lecture's comparison, and full-batch
// gradient descent on a subset of the rows where lambda1 climbs to 2/eta) as the widget's state.
// Its runs share the training rows, the epochs and the sharpness interval (the link's fields).
export function training_preset_state(name) {
  const preset = Object.prototype.hasOwnProperty.call(TRAINING_PRESETS, name) ? TRAINING_PRESETS[name] : null;
  if (!preset || !preset.runs.length) return default_training_state();
  const first = preset.runs[0];
  return {
    rows: first.train_rows,
    epochs: first.epochs,
    sharpness: first.sharpness_every,
    runs: preset.runs.map((config) => ({
      optimizer: config.optimizer,
      lr: config.lr,
      hyper: {...TRAINING_HYPER[config.optimizer], ...config.hyper},
      batch: config.batch_size,
      schedule: config.schedule,
      seed: config.seed,
    })),
  };
}
