// The playground's state, its URL-hash codec and the runner configs it stands for.
// Pure (no DOM): loaded by the page, by the deck slide and by Node in the tests.
// Twin of pygen/replay.py: the decoder, the messages and playground_configs are written the
// same way there, so that `python3 -m pygen replay '<link>'` reruns exactly the page's runs.
//
// The state:
//   {surface, surface_params,            one of SURFACE_NAMES and its parameters
//    enabled: [optimizer names],         any subset, kept in OPTIMIZER_NAMES order
//    settings: {name: {lr, hyper}},      every optimizer's learning rate and hyperparameters
//    schedule, schedule_params,          one of SCHEDULE_NAMES and its parameters
//    batch, seed, steps, start}          mini-batch size, noise seed, updates, start point
//
// Mini-batch noise: the gradient of a mini-batch of B of the FULL_BATCH = 1024 examples is
// the full gradient plus Gaussian noise of standard deviation
//     std = sigma_1 / sqrt(B)   for B < FULL_BATCH,   std = 0 for B = FULL_BATCH,
// per coordinate, where sigma_1 (SURFACE_SETUP[surface].sigma1) is the noise of a single
// example, chosen per surface to be about the size of the gradients on its view. sqrt and
// / are correctly rounded in JavaScript and Python alike, so std has the same bits in both.
// Optimizer i of OPTIMIZER_NAMES draws its noise with seed  seed * 8 + i  (independent
// streams per optimizer, all fixed by the one seed in the link).
//
// The link: the hash holds "key=value" fields joined by "&", for example
//   #v=1&surface=rosenbrock&surface.a=1&surface.b=100&opt=gd,adam&lr.gd=0.001&lr.adam=0.05
//   &adam.beta1=0.9&adam.beta2=0.999&adam.eps=1e-8&schedule=constant&batch=1024&seed=1
//   &steps=300&start=-1.5,2
// Numbers are written with String(x) (the shortest text that reads back as the same double)
// and read by Number(text) (correctly rounded, like Python's float), so they round-trip
// exactly. Only letters, digits and _ . , + - may appear; nothing is percent-decoded. Every
// field is optional (missing ones keep their defaults) but a link with anything wrong
// (unknown name or field, repeated field, a number out of range, NaN, Infinity, a start off
// the view, too long) is refused as a whole: decode_hash returns the defaults and a message.

import {run, make_surface, SURFACE_NAMES, OPTIMIZER_NAMES, DEFAULT_HYPER, SCHEDULE_NAMES, DEFAULT_SCHEDULE_PARAMS} from "./core.js";

export const FORMAT_VERSION = "1";
export const FULL_BATCH = 1024;
export const MAX_PLAYGROUND_STEPS = 1000;
export const MAX_SEED = 999999;
export const MAX_HASH_LENGTH = 2000;
export const SEED_STRIDE = 8;

// The plotted view of each surface (the quartic's y is the loss), the default start, the
// single-example noise sigma_1. The runner's box is the view widened by half its size on
// every side, as in the deck's scenes (the quartic keeps its own box), so a path that leaves
// it is reported as diverged, not drawn far off the plot.
export const SURFACE_SETUP = {
  quartic: {view: {x: [-2, 2], y: [-2, 4]}, start: [-1.8], sigma1: 4},
  saddle: {view: {x: [-3, 3], y: [-3, 3]}, start: [-2.5, 0.01], sigma1: 4},
  elongated_bowl: {view: {x: [-10, 10], y: [-6, 6]}, start: [-8, -4], sigma1: 8},
  skewed_bowl: {view: {x: [-4, 4], y: [-4, 4]}, start: [3, -3], sigma1: 8},
  rosenbrock: {view: {x: [-2, 2], y: [-1, 3]}, start: [-1.5, 2], sigma1: 40},
  quadratic: {view: {x: [-5, 5], y: [-5, 5]}, start: [4, 3], sigma1: 8},
};

// Allowed values: [lo, hi] closed unless lo_open / hi_open; `integer` for counts.
export const range = (lo, hi, text, extra = {}) => ({lo, hi, text, ...extra});
const UNIT = range(0, 1, "in [0, 1)", {hi_open: true});

export const SURFACE_PARAM_LIMITS = {
  quartic: {},
  saddle: {},
  elongated_bowl: {a: range(0.1, 1000, "in [0.1, 1000]")},
  skewed_bowl: {},
  rosenbrock: {a: range(-10, 10, "in [-10, 10]"), b: range(0, 1000, "in [0, 1000]")},
  quadratic: {
    lambda1: range(-100, 100, "in [-100, 100]"),
    lambda2: range(-100, 100, "in [-100, 100]"),
    angle_deg: range(-360, 360, "in [-360, 360]"),
  },
};

export const LR_LIMIT = range(0, 100, "in [0, 100]");

export const HYPER_LIMITS = {
  alpha: UNIT,
  beta1: UNIT,
  beta2: UNIT,
  gamma: UNIT,
  eps: range(0, 1, "in (0, 1]", {lo_open: true}),
  weight_decay: range(0, 1, "in [0, 1]"),
};

export const SCHEDULE_PARAM_LIMITS = {
  constant: {},
  step: {step_size: range(1, 1000, "a whole number in [1, 1000]", {integer: true}), factor: range(0, 1, "in (0, 1]", {lo_open: true})},
  exponential: {gamma: range(0, 1, "in (0, 1]", {lo_open: true})},
  cosine: {total_steps: range(1, 1000, "a whole number in [1, 1000]", {integer: true}), min_lr: range(0, 100, "in [0, 100]")},
  warmup_cosine: {
    warmup_steps: range(0, 999, "a whole number in [0, 999]", {integer: true}),
    total_steps: range(1, 1000, "a whole number in [1, 1000]", {integer: true}),
    min_lr: range(0, 100, "in [0, 100]"),
  },
};

export const BATCH_LIMIT = range(1, FULL_BATCH, `a whole number in [1, ${FULL_BATCH}]`, {integer: true});
export const SEED_LIMIT = range(0, MAX_SEED, `a whole number in [0, ${MAX_SEED}]`, {integer: true});
export const STEPS_LIMIT = range(1, MAX_PLAYGROUND_STEPS, `a whole number in [1, ${MAX_PLAYGROUND_STEPS}]`, {integer: true});

// Learning rates that make a readable run from every surface's default start.
export const DEFAULT_LR = {
  gd: 0.001,
  momentum: 0.0005,
  nesterov: 0.0005,
  adagrad: 0.5,
  rmsprop: 0.01,
  adam: 0.05,
  adamw: 0.05,
  amsgrad: 0.05,
};
export const DEFAULT_ENABLED = ["gd", "momentum", "rmsprop", "adam"];

export function default_state() {
  return {
    surface: "rosenbrock",
    surface_params: {...make_surface("rosenbrock").params},
    enabled: [...DEFAULT_ENABLED],
    settings: Object.fromEntries(OPTIMIZER_NAMES.map((name) => [name, {lr: DEFAULT_LR[name], hyper: {...DEFAULT_HYPER[name]}}])),
    schedule: "constant",
    schedule_params: {},
    batch: FULL_BATCH,
    seed: 1,
    steps: 300,
    start: [...SURFACE_SETUP.rosenbrock.start],
  };
}

export function clone_state(state) {
  return {
    ...state,
    surface_params: {...state.surface_params},
    enabled: [...state.enabled],
    settings: Object.fromEntries(
      OPTIMIZER_NAMES.map((name) => [name, {lr: state.settings[name].lr, hyper: {...state.settings[name].hyper}}]),
    ),
    schedule_params: {...state.schedule_params},
    start: [...state.start],
  };
}

// A new surface brings its own default parameters and start point.
export function with_surface(state, name) {
  const next = clone_state(state);
  next.surface = name;
  next.surface_params = {...make_surface(name).params};
  next.start = [...SURFACE_SETUP[name].start];
  return next;
}

export function with_schedule(state, name) {
  const next = clone_state(state);
  next.schedule = name;
  next.schedule_params = {...DEFAULT_SCHEDULE_PARAMS[name]};
  return next;
}

// ---------------------------------------------------------------------------------------
// The hash codec (its primitives are exported for the live trainer's link, training/link.js)

export class LinkError extends Error {}

const SAFE_TEXT = /^[A-Za-z0-9_.,+-]*$/;
const NUMBER_TEXT = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const WHOLE_TEXT = /^(0|[1-9][0-9]*)$/;
const MAX_NUMBER_TEXT = 30;

export const shown = (text) => `"${text.length > 40 ? `${text.slice(0, 40)}...` : text}"`;

export function read_number(key, text, limit) {
  if (limit.integer) {
    if (text.length > 9 || !WHOLE_TEXT.test(text)) throw new LinkError(`${key} must be ${limit.text}, got ${shown(text)}`);
  } else if (text.length > MAX_NUMBER_TEXT || !NUMBER_TEXT.test(text)) {
    throw new LinkError(`${key} must be a number, got ${shown(text)}`);
  }
  let value = Number(text);
  if (value === 0) value = 0; // -0 reads as 0: String(-0) would not write it back
  const above = limit.lo_open ? value > limit.lo : value >= limit.lo;
  const below = limit.hi_open ? value < limit.hi : value <= limit.hi;
  if (!Number.isFinite(value) || !above || !below) throw new LinkError(`${key} must be ${limit.text}, got ${shown(text)}`);
  return value;
}

export function read_name(key, text, known) {
  if (!known.includes(text)) throw new LinkError(`unknown ${key} ${shown(text)}; expected one of: ${known.join(", ")}`);
  return text;
}

export function parse_fields(text) {
  if (text.length > MAX_HASH_LENGTH) throw new LinkError(`the link is too long (${text.length} characters, at most ${MAX_HASH_LENGTH})`);
  const fields = new Map();
  const parts = text.split("&");
  parts.forEach((part, index) => {
    const equals = part.indexOf("=");
    if (equals < 0) throw new LinkError(`field ${index + 1} (${shown(SAFE_TEXT.test(part) ? part : "?")}) has no "="`);
    const key = part.slice(0, equals);
    const value = part.slice(equals + 1);
    if (!SAFE_TEXT.test(key) || !SAFE_TEXT.test(value)) {
      throw new LinkError(`field ${index + 1} contains a character other than letters, digits and _ . , + -`);
    }
    if (fields.has(key)) throw new LinkError(`the field ${shown(key)} appears twice`);
    fields.set(key, value);
  });
  return fields;
}

// The fields of a link's hash (with or without "#"), read one at a time: `take` reads a field and
// marks it read, `unread()` gives the others in the link's order, for the caller to read by pattern
// or refuse by name (pygen/replay.py LinkFields). Throws LinkError if the hash is not text or malformed.
export class LinkFields {
  constructor(hash) {
    if (typeof hash !== "string") throw new LinkError("it is not text");
    const text = hash.startsWith("#") ? hash.slice(1) : hash;
    this.fields = text === "" ? new Map() : parse_fields(text);
    this.read = new Set();
  }
  get empty() {
    return this.fields.size === 0;
  }
  has(key) {
    return this.fields.has(key);
  }
  keys() {
    return this.fields.keys();
  }
  take(key) {
    this.read.add(key);
    return this.fields.get(key);
  }
  unread() {
    return [...this.fields].filter(([key]) => !this.read.has(key));
  }
}

// {state, error}: the state `read` makes of a link and null, or `defaults()` and a sentence
// saying why the link was refused.
export function decode_link(hash, read, defaults) {
  try {
    return {state: read(hash), error: null};
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    return {state: defaults(), error: `This link could not be read (${error.message}). The defaults are shown.`};
  }
}

function read_start(text, surface) {
  const setup = SURFACE_SETUP[surface];
  const dim = setup.start.length;
  const parts = text.split(",");
  if (parts.length !== dim)
    throw new LinkError(`start must be ${dim} number${dim > 1 ? "s separated by a comma" : ""}, got ${shown(text)}`);
  const axes = ["x", "y"];
  const limits = axes.slice(0, dim).map((axis) => {
    const [lo, hi] = setup.view[axis];
    return range(lo, hi, `in [${lo}, ${hi}] (the plotted view)`);
  });
  return parts.map((part, i) => read_number(`start ${axes[i]}`, part, limits[i]));
}

// The state a hash stands for. Throws LinkError naming the first problem.
function read_state(hash) {
  const fields = new LinkFields(hash);
  const state = default_state();
  if (fields.empty) return state;
  const take = (key) => fields.take(key);
  const version = fields.has("v") ? take("v") : FORMAT_VERSION;
  if (version !== FORMAT_VERSION) throw new LinkError(`unknown link version ${shown(version)}; expected ${FORMAT_VERSION}`);
  if (fields.has("surface")) {
    const surface = read_name("surface", take("surface"), SURFACE_NAMES);
    Object.assign(state, with_surface(state, surface));
  }
  if (fields.has("schedule")) {
    const schedule = read_name("schedule", take("schedule"), SCHEDULE_NAMES);
    Object.assign(state, with_schedule(state, schedule));
  }
  if (fields.has("opt")) {
    const text_opt = take("opt");
    const names = text_opt === "" ? [] : text_opt.split(",").map((name) => read_name("optimizer", name, OPTIMIZER_NAMES));
    if (new Set(names).size !== names.length) throw new LinkError(`opt lists an optimizer twice: ${shown(text_opt)}`);
    state.enabled = OPTIMIZER_NAMES.filter((name) => names.includes(name));
  }
  for (const [key, value] of fields.unread()) {
    const dot = key.indexOf(".");
    const head = dot < 0 ? key : key.slice(0, dot);
    const tail = dot < 0 ? null : key.slice(dot + 1);
    if (tail === null && key === "batch") state.batch = read_number(key, value, BATCH_LIMIT);
    else if (tail === null && key === "seed") state.seed = read_number(key, value, SEED_LIMIT);
    else if (tail === null && key === "steps") state.steps = read_number(key, value, STEPS_LIMIT);
    else if (tail === null && key === "start") state.start = read_start(value, state.surface);
    else if (head === "surface" && tail !== null) {
      const limits = SURFACE_PARAM_LIMITS[state.surface];
      if (!Object.hasOwn(limits, tail)) throw new LinkError(`the surface ${state.surface} has no parameter ${shown(tail)}`);
      state.surface_params[tail] = read_number(key, value, limits[tail]);
    } else if (head === "schedule" && tail !== null) {
      const limits = SCHEDULE_PARAM_LIMITS[state.schedule];
      if (!Object.hasOwn(limits, tail)) throw new LinkError(`the schedule ${state.schedule} has no parameter ${shown(tail)}`);
      state.schedule_params[tail] = read_number(key, value, limits[tail]);
    } else if (head === "lr" && tail !== null && OPTIMIZER_NAMES.includes(tail)) {
      state.settings[tail].lr = read_number(key, value, LR_LIMIT);
    } else if (tail !== null && OPTIMIZER_NAMES.includes(head)) {
      if (!Object.hasOwn(DEFAULT_HYPER[head], tail)) throw new LinkError(`the optimizer ${head} has no hyperparameter ${shown(tail)}`);
      state.settings[head].hyper[tail] = read_number(key, value, HYPER_LIMITS[tail]);
    } else {
      throw new LinkError(`unknown field ${shown(key)}`);
    }
  }
  if (state.schedule === "warmup_cosine" && !(state.schedule_params.total_steps > state.schedule_params.warmup_steps)) {
    throw new LinkError("schedule.total_steps must exceed schedule.warmup_steps");
  }
  return state;
}

// {state, error}: the link's state and null, or the defaults and a sentence saying why.
export function decode_hash(hash) {
  return decode_link(hash, read_state, default_state);
}

// The hash of a state, without "#". Every number is written with String(x); every optimizer's
// settings are written (not only the enabled ones'), so the link restores the whole page.
export function encode_hash(state) {
  const parts = [`v=${FORMAT_VERSION}`, `surface=${state.surface}`];
  for (const key of Object.keys(SURFACE_PARAM_LIMITS[state.surface])) parts.push(`surface.${key}=${String(state.surface_params[key])}`);
  parts.push(`opt=${state.enabled.join(",")}`);
  for (const name of OPTIMIZER_NAMES) {
    parts.push(`lr.${name}=${String(state.settings[name].lr)}`);
    for (const key of Object.keys(DEFAULT_HYPER[name])) parts.push(`${name}.${key}=${String(state.settings[name].hyper[key])}`);
  }
  parts.push(`schedule=${state.schedule}`);
  for (const key of Object.keys(SCHEDULE_PARAM_LIMITS[state.schedule])) parts.push(`schedule.${key}=${String(state.schedule_params[key])}`);
  parts.push(`batch=${state.batch}`, `seed=${state.seed}`, `steps=${state.steps}`, `start=${state.start.map(String).join(",")}`);
  return parts.join("&");
}

// A control changes the state by changing one field of its link: the text typed into a box is
// read exactly as the link's field would be (same grammar, ranges and messages), so the
// controls can never make a state the link could not carry. {state, error}: the new state, or
// null and the sentence saying what is wrong with `text`.
export function with_field(state, key, text) {
  const fields = encode_hash(state)
    .split("&")
    .filter((part) => !part.startsWith(`${key}=`));
  fields.push(`${key}=${text}`);
  try {
    return {state: read_state(fields.join("&")), error: null};
  } catch (error) {
    if (!(error instanceof LinkError)) throw error;
    return {state: null, error: error.message};
  }
}

// ---------------------------------------------------------------------------------------
// Runner configs

export function noise_std(state) {
  return state.batch >= FULL_BATCH ? 0 : SURFACE_SETUP[state.surface].sigma1 / Math.sqrt(state.batch);
}

export function noise_seed(state, optimizer) {
  return state.seed * SEED_STRIDE + OPTIMIZER_NAMES.indexOf(optimizer);
}

export function surface_box(surface) {
  if (surface === "quartic") return make_surface("quartic").box;
  const {x, y} = SURFACE_SETUP[surface].view;
  const widen = ([lo, hi]) => [lo - (hi - lo) / 2, hi + (hi - lo) / 2];
  return [widen(x), widen(y)];
}

// One runner config per enabled optimizer, in OPTIMIZER_NAMES order.
export function playground_configs(state) {
  return state.enabled.map((optimizer) => ({
    optimizer,
    config: {
      surface: state.surface,
      surface_params: {...state.surface_params},
      optimizer,
      hyper: {...state.settings[optimizer].hyper},
      lr: state.settings[optimizer].lr,
      schedule: state.schedule,
      schedule_params: {...state.schedule_params},
      noise_std: noise_std(state),
      noise_seed: noise_seed(state, optimizer),
      start: [...state.start],
      steps: state.steps,
      box: surface_box(state.surface),
    },
  }));
}

// Every enabled optimizer through the one runner. A run the core refuses is reported in
// words ({error}) and the others still run. `cache` (a Map, optional) keeps the runs of the
// previous call by config: changing one optimizer's setting reruns that optimizer only.
export function run_playground(state, cache = null) {
  const fresh = new Map();
  const runs = playground_configs(state).map(({optimizer, config}) => {
    const key = JSON.stringify(config);
    let entry = cache?.get(key);
    if (!entry) {
      try {
        entry = {optimizer, result: run(config), error: null};
      } catch (error) {
        entry = {optimizer, result: null, error: String(error && error.message ? error.message : error)};
      }
    }
    fresh.set(key, entry);
    return entry;
  });
  if (cache) {
    cache.clear();
    for (const [key, entry] of fresh) cache.set(key, entry);
  }
  return runs;
}
