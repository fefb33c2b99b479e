// What the decks' "Reset / Re-run" buttons do. Browser only (no Python twin).
//
// Observable inputs are views: setting an input's value and dispatching an "input" event
// is how a program moves a slider so that every dependent cell re-runs.

// The largest seed the seed box accepts: six digits are easy to read out and type back.
export const MAX_SEED = 999999;

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

// True when every key of defaults has that value in values.
export function at_defaults(values, defaults) {
  return Object.keys(defaults).every((key) => values[key] === defaults[key]);
}
