// The decks' controls: inputs built from a scene's control spec (core/scenes.js
// SCENE_CONTROLS), and what the "Reset / Re-run" buttons do. Browser only (no Python twin).
//
// Observable inputs are views: setting an input's value and dispatching an "input" event
// is how a program moves a slider so that every dependent cell re-runs.

import {Inputs} from "./libs.js";
import {SCENE_CONTROLS, scene_controls} from "./core/scenes.js";

// The largest seed the seed box accepts (six digits are easy to read out and type back): the
// saddle scene's seed control.
export const MAX_SEED = SCENE_CONTROLS.saddle.seed.max;

// The input of one control of a scene, as its spec says: a slider (Inputs.range) or, for
// `input: "number"`, a number box, with the spec's range, step, label and default.
export function scene_input(scene, key) {
  const controls = scene_controls(scene);
  if (!Object.prototype.hasOwnProperty.call(controls, key)) {
    throw new Error(`unknown control ${JSON.stringify(key)} for scene ${scene}; expected one of: ${Object.keys(controls).join(", ")}`);
  }
  return spec_input(controls[key]);
}

// The input a control spec ({value, min, max, step, label, input}) describes: a slider, or a
// number box for `input: "number"`. Scenes keep their specs in core/scenes.js; a data slide
// keeps its own beside its plot helpers (e.g. CONNECTIVITY_T_CONTROL in plots/landscape_plots.js).
export function spec_input({value, min, max, step, label, input}) {
  const make = input === "number" ? Inputs.number : Inputs.range;
  return name_inputs(make([min, max], {value, step, label}), label);
}

// Inputs.range labels only its number box (<label for>); the slider beside it has no name for a
// screen reader. Every input of `form` without a label gets `label` as its accessible name.
export function name_inputs(form, label) {
  for (const input of form.querySelectorAll("input")) {
    if (!(input.labels && input.labels.length) && !input.hasAttribute("aria-label")) input.setAttribute("aria-label", String(label));
  }
  return form;
}

export function set_input(input, value) {
  input.value = value;
  input.dispatchEvent(new Event("input", {bubbles: true}));
  return value;
}

// Moves each input of `inputs` ({key: viewof element}) back to defaults[key].
export function reset_inputs(inputs, defaults) {
  for (const [key, input] of Object.entries(inputs)) {
    if (!Object.prototype.hasOwnProperty.call(defaults, key)) throw new Error(`no default for the input ${JSON.stringify(key)}`);
    set_input(input, defaults[key]);
  }
  return defaults;
}

// A fresh noise seed, different from the one in use, in 1..MAX_SEED. It is shown in the
// seed box, so any run can be repeated by typing its seed back in.
export function new_seed(current) {
  const draw = () => 1 + Math.floor(Math.random() * MAX_SEED);
  let seed = draw();
  while (seed === current) seed = draw();
  return seed;
}
