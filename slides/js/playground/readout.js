// Words beside the plots: one line per optimizer (where it is, or that and where it diverged),
// the noise in use, and the hover readout of a single path point. Pure text builders plus two
// small DOM helpers.

import {OPTIMIZER_COLORS, OPTIMIZER_LABELS, format_number} from "./view.js";
import {FULL_BATCH, SURFACE_SETUP, noise_std} from "./state.js";

export const label_of = (optimizer) => OPTIMIZER_LABELS[optimizer] ?? optimizer;

const theta_text = (theta) => (theta.length === 1 ? format_number(theta[0]) : `(${theta.map(format_number).join(", ")})`);

// One sentence per run at the animation's step k; `compact` (the slide, where the text is
// projection-sized): the name and the loss only, the step being in the toolbar.
export function run_line({optimizer, result, error}, k, {compact = false} = {}) {
  const name = label_of(optimizer);
  if (error) return {text: compact ? `${name}: not run` : `${name}: not run: ${error}`, bad: true};
  const rows = result.rows;
  if (result.status === "diverged" && k >= rows.length - 1) {
    if (compact) return {text: `${name}: diverged at ${result.diverged_step}`, bad: true};
    const why = result.reason === "left_box" ? "the parameters left the region around the plot" : "a value overflowed to infinity";
    return {
      text: `${name}: DIVERGED at update ${result.diverged_step} (${why}); last finite loss ${format_number(rows[rows.length - 1].loss)}.`,
      bad: true,
    };
  }
  const row = rows[Math.min(k, rows.length - 1)];
  if (compact) return {text: `${name}: ${format_number(row.loss)}`, bad: false};
  return {text: `${name}: step ${row.step}, loss ${format_number(row.loss)}, |grad| ${format_number(row.grad_norm)}`, bad: false};
}

export function noise_line(state, {compact = false} = {}) {
  if (compact) {
    const noise = state.batch >= FULL_BATCH ? "full batch, no noise" : `B = ${state.batch}: noise std ${format_number(noise_std(state))}`;
    return `Loss at the step shown; ${noise}.`;
  }
  if (state.batch >= FULL_BATCH) return `Full batch (B = ${FULL_BATCH}): exact gradients, no noise.`;
  const sigma1 = SURFACE_SETUP[state.surface].sigma1;
  return `Mini-batch B = ${state.batch} of ${FULL_BATCH}: gradient noise std σ₁/√B = ${sigma1}/√${state.batch} = ${format_number(noise_std(state))} per coordinate (seed ${state.seed}).`;
}

export function hover_text(hit, {compact = false} = {}) {
  const {optimizer, row} = hit;
  if (compact) return `${label_of(optimizer)}, step ${row.step}: θ = ${theta_text(row.theta)}, loss ${format_number(row.loss)}`;
  return `${label_of(optimizer)}, step ${row.step}: θ = ${theta_text(row.theta)}, loss ${format_number(row.loss)}, |grad| ${format_number(row.grad_norm)}, lr ${format_number(row.lr)}`;
}

// The lines of the runs at step k, rewritten in place; false when the panel shows other
// optimizers (then fill_readout builds it anew). The animation calls this at most about 8 times
// a second, a change of a setting once.
export function update_readout(panel, runs, k, {compact = false} = {}) {
  const lines = panel.querySelectorAll(".pg-line[data-optimizer]");
  if (runs.length === 0 || lines.length !== runs.length || !runs.every((run, i) => lines[i].dataset.optimizer === run.optimizer))
    return false;
  runs.forEach((run, i) => {
    const line = run_line(run, k, {compact});
    const className = line.bad ? "pg-line pg-bad" : "pg-line";
    if (lines[i].className !== className) lines[i].className = className;
    if (lines[i].lastChild.textContent !== line.text) lines[i].lastChild.textContent = line.text;
  });
  return true;
}

// The whole readout: a line per run and the noise in use (rewritten in place when the same
// optimizers are shown).
export function fill_readout(panel, runs, state, k, {compact = false} = {}) {
  const note = panel.querySelector(".pg-note");
  if (note && update_readout(panel, runs, k, {compact})) {
    const text = noise_line(state, {compact});
    if (note.textContent !== text) note.textContent = text;
    return;
  }
  panel.replaceChildren();
  for (const run of runs) {
    const line = run_line(run, k, {compact});
    const row = document.createElement("div");
    row.className = line.bad ? "pg-line pg-bad" : "pg-line";
    row.dataset.optimizer = run.optimizer;
    const swatch = document.createElement("span");
    swatch.className = "pg-swatch";
    swatch.style.background = OPTIMIZER_COLORS[run.optimizer];
    const text = document.createElement("span");
    text.textContent = line.text;
    row.append(swatch, text);
    panel.append(row);
  }
  if (!runs.length) {
    const row = document.createElement("div");
    row.className = "pg-line";
    row.textContent = compact ? "No optimizer is ticked." : "No optimizer is selected: tick one on the left.";
    panel.append(row);
  }
  const note_line = document.createElement("div");
  note_line.className = "pg-line pg-note";
  note_line.textContent = noise_line(state, {compact});
  panel.append(note_line);
}
