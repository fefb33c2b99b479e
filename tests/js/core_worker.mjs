// Runs requests against the JavaScript core for the pytest suite, one JSON line in and one
// out, so that thousands of configurations share a single Node process.
// Numbers travel back as raw float64 bytes (base64): JSON would turn -0 into 0.
import {encode, serve} from "./json_lines.mjs";
import {run} from "../../slides/js/core/runner.js";
import * as surfaces from "../../slides/js/core/surfaces.js";
import * as optimizers from "../../slides/js/core/optimizers.js";
import * as schedules from "../../slides/js/core/schedules.js";
import * as noise from "../../slides/js/core/noise.js";
import * as scenes from "../../slides/js/core/scenes.js";
import * as portable_math from "../../slides/js/core/portable_math.js";

function encode_result(result) {
  const numbers = [];
  for (const row of result.rows) numbers.push(row.step, ...row.theta, row.loss, row.grad_norm, row.lr);
  return {
    status: result.status,
    reason: result.reason,
    diverged_step: result.diverged_step,
    message: result.message,
    row_status: result.rows.map((row) => row.status),
    dim: result.rows[0].theta.length,
    numbers: encode(numbers),
  };
}

const handlers = {
  run: ({config}) => encode_result(run(config)),
  // JSON has no NaN or Infinity: the bad-input tests name them and the worker makes them here.
  run_with_special: ({config, key, special}) => encode_result(run({...config, [key]: Number(special)})),
  run_scene: ({name, values}) =>
    scenes.run_scene(name, values).map(({label, optimizer, result}) => ({label, optimizer, ...encode_result(result)})),
  schedule_curves: ({values}) =>
    scenes
      .schedule_curves(values)
      .map(({label, schedule, params, points, message}) => ({label, schedule, params, message, numbers: encode(points.flat())})),
  // Numbers (matrix, eigenvalues, eigenvectors, then kappa and lr_bound when defined) as raw
  // float64; which of kappa / lr_bound are null is said separately.
  hessian_summary: ({values}) => {
    const h = scenes.hessian_summary(values);
    const optional = [h.kappa, h.lr_bound].filter((v) => v !== null);
    return {
      classification: h.classification,
      kappa_defined: h.kappa !== null,
      lr_bound_defined: h.lr_bound !== null,
      numbers: encode([...h.hessian.flat(), ...h.eigenvalues, ...h.eigenvectors.flat(), ...optional]),
    };
  },
  surface: ({name, params, thetas}) => {
    const s = surfaces.make_surface(name, params);
    return {numbers: encode(thetas.flatMap((t) => [s.f(t), ...s.grad(t), ...s.hessian(t).flat()]))};
  },
  schedule: ({name, params, base_lr, ts}) => {
    const lr_at = schedules.make_schedule(name, params);
    return {numbers: encode(ts.map((t) => lr_at(t, base_lr)))};
  },
  noise: ({seed, count}) => {
    const rng = noise.make_rng(seed);
    return {numbers: encode(Array.from({length: count}, () => rng.normal()))};
  },
  trig: ({xs}) => ({numbers: encode(xs.flatMap((x) => [portable_math.cos(x), portable_math.sin(x)]))}),
  optimizer: ({name, hyper}) => ({hyper: optimizers.make_optimizer(name, hyper).hyper}),
  names: () => ({
    surfaces: surfaces.SURFACE_NAMES,
    optimizers: optimizers.OPTIMIZER_NAMES,
    schedules: schedules.SCHEDULE_NAMES,
    scenes: scenes.SCENE_NAMES,
    default_hyper: optimizers.DEFAULT_HYPER,
    default_schedule_params: schedules.DEFAULT_SCHEDULE_PARAMS,
    scene_defaults: Object.fromEntries(scenes.SCENE_NAMES.map((n) => [n, scenes.scene_defaults(n)])),
    scene_view: scenes.SCENE_VIEW,
  }),
};

await serve(handlers);
