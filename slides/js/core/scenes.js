// The deck's interactive scenes: each maps a cell's slider values to runner configs.
// Twin of pygen/core/scenes.py, which runs the same scenes at their defaults to produce
// data/reference_trajectories.arrow; a test checks the browser reproduces them bit for bit.

import {check_finite, check_name, check_object, has_own} from "./checks.js";
import {run} from "./runner.js";
import {SCHEDULE_NAMES, make_schedule} from "./schedules.js";
import {make_surface} from "./surfaces.js";
import {PI, cos, sin} from "./portable_math.js";

// Each scene's `controls` are its cell's sliders, one definition for the deck (which builds its
// inputs from them: deck_controls.js scene_input), the Reset buttons (scene_defaults) and the
// tests: {key: {value, min, max, step, label, input?}}, `value` the default, `input: "number"`
// for a number box instead of a slider. Ranges, steps, labels and defaults are the source's.
//
// Each scene's start point and surface come from the professor's source; the box is the
// plotted view widened by half its size on every side, so a path that leaves it is reported
// as gone, not drawn off the slide.
// The momentum and Nesterov cells have the same sliders.
const MOMENTUM_CONTROLS = {
  lr: {value: 0.05, min: 0.01, max: 0.2, step: 0.01, label: "Learning Rate (η)"},
  alpha: {value: 0.9, min: 0, max: 0.99, step: 0.01, label: "Momentum (α)"},
  steps: {value: 40, min: 1, max: 100, step: 1, label: "Steps"},
};

const SCENES = {
  saddle: {
    controls: {
      lr: {value: 0.1, min: 0.01, max: 0.5, step: 0.01, label: "Learning Rate (η)"},
      noise: {value: 0, min: 0, max: 0.5, step: 0.01, label: "Gradient Noise StdDev"},
      steps: {value: 20, min: 1, max: 100, step: 1, label: "Steps"},
      seed: {value: 1, min: 0, max: 999999, step: 1, label: "Noise seed", input: "number"},
    },
    view: {x: [-2, 2], y: [-2, 2]},
    surface: () => ({name: "saddle", params: {}}),
    paths: (v) => [
      {label: "GD", optimizer: "gd", config: {lr: v.lr, noise_std: v.noise, noise_seed: v.seed, start: [0, 0.1], steps: v.steps}},
    ],
  },
  ill_conditioned: {
    controls: {
      a: {value: 10, min: 1, max: 20, step: 1, label: "Condition Number (a)"},
      lr: {value: 0.1, min: 0.01, max: 0.5, step: 0.01, label: "Learning Rate (η)"},
      steps: {value: 20, min: 1, max: 50, step: 1, label: "Steps"},
    },
    view: {x: [-10, 10], y: [-5, 5]},
    surface: (v) => ({name: "elongated_bowl", params: {a: v.a}}),
    paths: (v) => [{label: "GD", optimizer: "gd", config: {lr: v.lr, start: [-8, -4], steps: v.steps}}],
  },
  momentum: {
    controls: MOMENTUM_CONTROLS,
    view: {x: [-10, 5], y: [-5, 5]},
    surface: () => ({name: "elongated_bowl", params: {a: 15}}),
    paths: (v) => [
      {label: "GD", optimizer: "gd", config: {lr: v.lr, start: [-8, -4], steps: v.steps}},
      {label: "Momentum", optimizer: "momentum", config: {lr: v.lr, hyper: {alpha: v.alpha}, start: [-8, -4], steps: v.steps}},
    ],
  },
  lr_1d: {
    controls: {
      lr: {value: 0.1, min: 0.01, max: 1, step: 0.01, label: "Learning Rate (η)"},
      steps: {value: 5, min: 1, max: 50, step: 1, label: "Steps"},
    },
    // The source's view stopped at -1.5, just above the global minimum f(-1.06) = -1.51.
    view: {x: [-1.5, 1.5], y: [-1.75, 3]},
    surface: () => ({name: "quartic", params: {}}),
    // The quartic's own box [-10, 10]: beyond it every learning rate on the slider diverges.
    box: () => null,
    paths: (v) => [{label: "GD", optimizer: "gd", config: {lr: v.lr, start: [0], steps: v.steps}}],
  },
  comparison: {
    controls: {
      lr: {value: 0.1, min: 0.01, max: 1, step: 0.01, label: "GD/Mom/RMS LR"},
      lr_adam: {value: 0.5, min: 0.01, max: 1, step: 0.01, label: "Adam LR"},
      steps: {value: 50, min: 10, max: 200, step: 10, label: "Steps"},
    },
    view: {x: [-4, 4], y: [-4, 4]},
    surface: () => ({name: "skewed_bowl", params: {}}),
    paths: (v) => [
      {label: "GD", optimizer: "gd", config: {lr: v.lr, start: [3, -3], steps: v.steps}},
      {label: "Momentum", optimizer: "momentum", config: {lr: v.lr, hyper: {alpha: 0.9}, start: [3, -3], steps: v.steps}},
      {label: "RMSProp", optimizer: "rmsprop", config: {lr: v.lr, hyper: {gamma: 0.9}, start: [3, -3], steps: v.steps}},
      {label: "Adam", optimizer: "adam", config: {lr: v.lr_adam, start: [3, -3], steps: v.steps}},
    ],
  },
  flat_sharp: {
    controls: {
      shift: {value: 0, min: -0.5, max: 0.5, step: 0.01, label: "Test Data Shift"},
    },
    view: {x: [-1, 1], y: [0, 5]},
    surface: null,
    paths: () => [],
  },
  // The momentum scene's bowl and start, with Nesterov's look-ahead gradient beside momentum.
  nesterov: {
    controls: MOMENTUM_CONTROLS,
    view: {x: [-10, 5], y: [-5, 5]},
    surface: () => ({name: "elongated_bowl", params: {a: 15}}),
    paths: (v) => [
      {label: "Momentum", optimizer: "momentum", config: {lr: v.lr, hyper: {alpha: v.alpha}, start: [-8, -4], steps: v.steps}},
      {label: "Nesterov", optimizer: "nesterov", config: {lr: v.lr, hyper: {alpha: v.alpha}, start: [-8, -4], steps: v.steps}},
    ],
  },
  // No optimizer: eta_t of every schedule over t = 0..T (schedule_curves). The view's x is the
  // longest horizon on the slider; a plot shows t from 0 to the current T.
  schedules: {
    controls: {
      lr: {value: 0.5, min: 0.05, max: 1, step: 0.05, label: "Base rate (η₀)"},
      total_steps: {value: 100, min: 50, max: 300, step: 10, label: "Horizon T"},
      warmup_steps: {value: 10, min: 0, max: 40, step: 1, label: "Warm-up steps"},
      step_size: {value: 25, min: 5, max: 100, step: 5, label: "Step every"},
      factor: {value: 0.5, min: 0.1, max: 1, step: 0.05, label: "Step factor"},
      gamma: {value: 0.97, min: 0.9, max: 1, step: 0.005, label: "Decay γ"},
    },
    view: {x: [0, 300], y: [0, 1.05]},
    surface: null,
    paths: () => [],
  },
  // The quadratic 1/2 theta^T R diag(lambda1, lambda2) R^T theta: its Hessian is the same
  // everywhere, and its eigenvalues and eigenvector angle are the sliders. Both eigenvector
  // components of the start are nonzero at every angle the slider offers except a few
  // (GD then stays on one eigenvector, which is worth seeing too).
  hessian: {
    controls: {
      lambda1: {value: 1, min: -5, max: 10, step: 0.5, label: "Eigenvalue λ₁"},
      lambda2: {value: 10, min: -5, max: 10, step: 0.5, label: "Eigenvalue λ₂"},
      angle_deg: {value: 30, min: 0, max: 180, step: 5, label: "Eigenvector angle (°)"},
      lr: {value: 0.18, min: 0.01, max: 0.5, step: 0.01, label: "Learning Rate (η)"},
      steps: {value: 30, min: 1, max: 100, step: 1, label: "Steps"},
    },
    view: {x: [-5, 5], y: [-5, 5]},
    surface: (v) => ({name: "quadratic", params: {lambda1: v.lambda1, lambda2: v.lambda2, angle_deg: v.angle_deg}}),
    paths: (v) => [{label: "GD", optimizer: "gd", config: {lr: v.lr, start: [-4, 3], steps: v.steps}}],
  },
};

export const SCENE_NAMES = Object.keys(SCENES);

export const SCENE_VIEW = Object.fromEntries(SCENE_NAMES.map((name) => [name, {x: [...SCENES[name].view.x], y: [...SCENES[name].view.y]}]));

export const FLAT_SHARP_CURVATURE = {sharp: 50, flat: 2};

/**
 * One control of a scene's cell.
 * @typedef {{value: number, min: number, max: number, step: number, label: string, input?: "number"}} Control
 */

/** @type {Object<string, Object<string, Control>>} every scene's controls, in the cell's order */
export const SCENE_CONTROLS = Object.fromEntries(
  SCENE_NAMES.map((name) => [name, Object.fromEntries(Object.entries(SCENES[name].controls).map(([key, c]) => [key, {...c}]))]),
);

/** The controls of one scene (a copy). @returns {Object<string, Control>} */
export function scene_controls(name) {
  check_name("scene", name, SCENE_NAMES);
  return Object.fromEntries(Object.entries(SCENES[name].controls).map(([key, c]) => [key, {...c}]));
}

/** The cell's default values: each control's `value`. @returns {Object<string, number>} */
export function scene_defaults(name) {
  check_name("scene", name, SCENE_NAMES);
  return Object.fromEntries(Object.entries(SCENES[name].controls).map(([key, c]) => [key, c.value]));
}

function scene_values(name, values) {
  const defaults = scene_defaults(name);
  for (const [key, value] of Object.entries(check_object(`scene ${name} values`, values))) {
    if (!has_own(defaults, key)) {
      throw new Error(`unknown value ${JSON.stringify(key)} for scene ${name}; expected one of: ${Object.keys(defaults).join(", ")}`);
    }
    defaults[key] = check_finite(`scene ${name} value ${key}`, value);
  }
  return defaults;
}

function widened_box(view) {
  return [view.x, view.y].map(([lo, hi]) => [lo - (hi - lo) / 2, hi + (hi - lo) / 2]);
}

export function scene_surface(name, values = {}) {
  const scene = SCENES[check_name("scene", name, SCENE_NAMES)];
  if (!scene.surface) return null;
  const {name: surface_name, params} = scene.surface(scene_values(name, values));
  return make_surface(surface_name, params);
}

export function scene_configs(name, values = {}) {
  const scene = SCENES[check_name("scene", name, SCENE_NAMES)];
  const v = scene_values(name, values);
  if (!scene.surface) return [];
  const surface = scene.surface(v);
  const box = scene.box ? scene.box() : widened_box(scene.view);
  return scene.paths(v).map(({label, optimizer, config}) => ({
    label,
    optimizer,
    config: {surface: surface.name, surface_params: surface.params, optimizer, box, ...config},
  }));
}

export function run_scene(name, values = {}) {
  return scene_configs(name, values).map(({label, optimizer, config}) => ({label, optimizer, result: run(config)}));
}

// The flat/sharp scene has no optimizer: a trained model sits at theta = 0 and the test
// distribution shifts the minimum to `shift`.
export function flat_sharp_loss(kind, theta, shift) {
  check_name("minimum", kind, Object.keys(FLAT_SHARP_CURVATURE));
  const d = theta - shift;
  return d * d * FLAT_SHARP_CURVATURE[kind];
}

export function flat_sharp_losses(shift) {
  return {sharp: flat_sharp_loss("sharp", 0, shift), flat: flat_sharp_loss("flat", 0, shift)};
}

export const SCHEDULE_LABELS = {
  constant: "Constant",
  step: "Step decay",
  exponential: "Exponential",
  cosine: "Cosine",
  warmup_cosine: "Warm-up + cosine",
};

// The parameters each schedule takes from the schedules scene's sliders.
function schedule_params(name, v) {
  if (name === "step") return {step_size: v.step_size, factor: v.factor};
  if (name === "exponential") return {gamma: v.gamma};
  if (name === "cosine") return {total_steps: v.total_steps};
  if (name === "warmup_cosine") return {warmup_steps: v.warmup_steps, total_steps: v.total_steps};
  return {};
}

// eta_t = lr_at(t, eta_0) of every schedule for t = 0, 1, ..., T:
// [{label, schedule, params, points: [[t, lr], ...], message}]. A schedule the settings make
// invalid (a warm-up not shorter than T) has no points and says why in `message`.
export function schedule_curves(values = {}) {
  const v = scene_values("schedules", values);
  return SCHEDULE_NAMES.map((name) => {
    const params = schedule_params(name, v);
    const curve = {label: SCHEDULE_LABELS[name], schedule: name, params, points: [], message: null};
    let lr_at;
    try {
      lr_at = make_schedule(name, params);
    } catch (error) {
      curve.message = error.message;
      return curve;
    }
    for (let t = 0; t <= v.total_steps; t++) curve.points.push([t, lr_at(t, v.lr)]);
    return curve;
  });
}

// What the Hessian of the hessian scene says about the critical point at 0:
//   {hessian: [[a11, a12], [a12, a22]], eigenvalues: [lambda1, lambda2],
//    eigenvectors: [[c, s], [-s, c]], classification, kappa, lr_bound}
// The eigenpairs are the surface's construction parameters (exact), not a numerical
// eigensolver's output, so a zero eigenvalue is exactly zero and the classification cannot
// flip on a rounding error. classification: "minimum" (both > 0), "maximum" (both < 0),
// "saddle" (opposite signs), "degenerate" (an eigenvalue is 0: the second-derivative test
// cannot decide). kappa = lambda_max / lambda_min when both are > 0, else null; lr_bound =
// 2 / lambda_max (GD's stability bound) when lambda_max > 0, else null.
export function hessian_summary(values = {}) {
  const v = scene_values("hessian", values);
  const hessian = scene_surface("hessian", v).hessian([0, 0]);
  const angle = (v.angle_deg * PI) / 180;
  const c = cos(angle);
  const s = sin(angle);
  const [l1, l2] = [v.lambda1, v.lambda2];
  const lambda_max = l1 > l2 ? l1 : l2;
  const lambda_min = l1 > l2 ? l2 : l1;
  let classification = "degenerate";
  if (lambda_min > 0) classification = "minimum";
  else if (lambda_max < 0) classification = "maximum";
  else if (lambda_min < 0 && lambda_max > 0) classification = "saddle";
  return {
    hessian,
    eigenvalues: [l1, l2],
    eigenvectors: [
      [c, s],
      [-s, c],
    ],
    classification,
    kappa: lambda_min > 0 ? lambda_max / lambda_min : null,
    lr_bound: lambda_max > 0 ? 2 / lambda_max : null,
  };
}
