// The playground's only door to the rest of the deck's code: every other file in this folder
// imports the optimisation core, the plot helpers and the vendored libraries from here, so a
// move of those modules (slides/js/core/, slides/js/plots/) changes the paths in this file only.
// Plain `import` + `export {}` (not `export * from`): Quarto's resource scanner follows static
// `import ... from` statements when it copies modules into _site.

import {run, MAX_STEPS} from "../core/runner.js";
import {make_surface, SURFACE_NAMES} from "../core/surfaces.js";
import {OPTIMIZER_NAMES, DEFAULT_HYPER} from "../core/optimizers.js";
import {SCHEDULE_NAMES, DEFAULT_SCHEDULE_PARAMS, make_schedule} from "../core/schedules.js";

export {
  run,
  MAX_STEPS,
  make_surface,
  SURFACE_NAMES,
  OPTIMIZER_NAMES,
  DEFAULT_HYPER,
  SCHEDULE_NAMES,
  DEFAULT_SCHEDULE_PARAMS,
  make_schedule,
};
