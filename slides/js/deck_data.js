// Reading the data files of data/ for the decks, so that a missing or corrupt file becomes a
// sentence on the slide and never an error box. Browser only (no Python twin).
//
// A cell passes its FileAttachment (the path must be a string literal in the cell, or Quarto
// does not copy the file into the site):
//   reference = load_table(FileAttachment("../data/reference_trajectories.arrow"), {...})

import {load_arrow} from "./libs.js";

// {status: "ok", rows, columns, metadata} or {status: "missing" | "corrupt", message}.
// rows are plain objects (Arrow's row proxies converted), columns the field names; `columns`
// restricts the rows to those fields. With `shown: false` (its slide not shown yet, see
// deck_slides.js) nothing is fetched: {status: "waiting", message}. apache-arrow itself is
// fetched with the first file read (libs.js's load_arrow), not with the page.
export async function load_table(file, {name = "the data file", required_columns = [], columns: wanted = null, shown = true} = {}) {
  if (!shown) {
    return {status: "waiting", message: `${name} is loaded when its slide is first shown.`};
  }
  // The reader is fetched alongside the file (once per page).
  const reader = load_arrow().then(
    (module) => ({module}),
    (error) => ({error}),
  );
  let buffer;
  try {
    buffer = await file.arrayBuffer();
  } catch (error) {
    return {status: "missing", message: `${name} is missing (${short(error)}): regenerate it with \`python -m pygen\`.`};
  }
  const {module: arrow, error: reader_error} = await reader;
  if (reader_error) {
    return {
      status: "missing",
      message: `The Arrow reader (slides/vendor/arrow.js) could not be loaded (${short(reader_error)}), so ${name} cannot be shown.`,
    };
  }
  let table;
  try {
    table = arrow.tableFromIPC(new Uint8Array(buffer));
  } catch (error) {
    return {status: "corrupt", message: `${name} is not a readable Arrow file (${short(error)}): regenerate it with \`python -m pygen\`.`};
  }
  const columns = table.schema.fields.map((field) => field.name);
  // apache-arrow reads some non-Arrow bytes as an empty table instead of throwing.
  if (columns.length === 0) {
    return {status: "corrupt", message: `${name} is not a readable Arrow file (no columns): regenerate it with \`python -m pygen\`.`};
  }
  const absent = required_columns.filter((column) => !columns.includes(column));
  if (absent.length) {
    return {status: "corrupt", message: `${name} lacks the column(s) ${absent.join(", ")}: regenerate it with \`python -m pygen\`.`};
  }
  if (table.numRows === 0) {
    return {status: "corrupt", message: `${name} has no rows: regenerate it with \`python -m pygen\`.`};
  }
  // Only the wanted columns are turned into JS objects (the band-gap file has 138 of them).
  const selected = wanted ? table.select(wanted.filter((c) => columns.includes(c))) : table;
  const rows = selected.toArray().map((row) => plain(row.toJSON()));
  const metadata = Object.fromEntries(table.schema.metadata ?? []);
  return {status: "ok", rows, columns, metadata};
}

function plain(object) {
  const out = {};
  for (const [key, value] of Object.entries(object)) {
    if (typeof value === "bigint") out[key] = Number(value);
    else if (value && typeof value === "object" && typeof value.toArray === "function") out[key] = Array.from(value.toArray(), Number);
    else out[key] = value;
  }
  return out;
}

function short(error) {
  const text = String(error?.message ?? error);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function group_by(rows, key) {
  const groups = new Map();
  for (const row of rows) {
    const k = typeof key === "function" ? key(row) : row[key];
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k).push(row);
  }
  return groups;
}

// The Python reference paths of a scene, for drawing under the live ones.
//   loaded:    load_table(FileAttachment("../data/reference_trajectories.arrow"))
//   values:    the cell's current slider values; live_runs: run_scene(scene, values)
// Returns {runs, note}: runs (same shape as run_scene's, rows only) when the sliders are at the
// settings the file was generated with, else []; note says in words what is drawn, whether the
// live path equals the reference bit for bit, or why nothing is drawn.
export function scene_reference(loaded, scene, values, live_runs) {
  if (!loaded || loaded.status !== "ok") {
    return {runs: [], note: `Python reference not shown: ${loaded?.message ?? "data/reference_trajectories.arrow was not loaded."}`};
  }
  let generated_at;
  try {
    generated_at = JSON.parse(loaded.metadata.parameters).scene_defaults[scene];
  } catch {
    generated_at = undefined;
  }
  if (!generated_at) {
    return {runs: [], note: `Python reference not shown: the file records no settings for the scene ${scene}.`};
  }
  const at_reference_settings = Object.keys(generated_at).every((key) => values[key] === generated_at[key]);
  if (!at_reference_settings) {
    return {runs: [], note: "Python reference (pygen) is drawn at the default settings only."};
  }
  const runs = reference_runs(loaded, scene);
  return {runs, note: reference_agreement(runs, live_runs)};
}

// The reference paths of a scene, built once per loaded file and scene (a slider move at the
// default settings must not regroup the whole file, issue 10). Treat them as read-only.
const REFERENCE_RUNS = new WeakMap();
function reference_runs(loaded, scene) {
  if (!REFERENCE_RUNS.has(loaded)) REFERENCE_RUNS.set(loaded, new Map());
  const by_scene = REFERENCE_RUNS.get(loaded);
  if (!by_scene.has(scene)) by_scene.set(scene, build_reference_runs(loaded, scene));
  return by_scene.get(scene);
}

function build_reference_runs(loaded, scene) {
  const rows = loaded.rows.filter((row) => row.scene === scene);
  return [...group_by(rows, "path").values()].map((path_rows) => {
    const sorted = [...path_rows].sort((a, b) => a.step - b.step);
    return {
      label: sorted[0].label,
      optimizer: sorted[0].optimizer,
      result: {
        status: sorted[0].run_status,
        rows: sorted.map((row) => ({
          step: row.step,
          theta: row.dim === 1 ? [row.theta0] : [row.theta0, row.theta1],
          loss: row.loss,
          grad_norm: row.grad_norm,
          lr: row.lr,
          status: row.status,
        })),
      },
    };
  });
}

// Compares live and reference paths exactly (===, i.e. bit for bit for finite doubles).
export function reference_agreement(reference_runs, live_runs) {
  if (reference_runs.length !== live_runs.length) {
    return `Python reference has ${reference_runs.length} path(s), the live scene ${live_runs.length}: regenerate with \`python -m pygen\`.`;
  }
  for (let p = 0; p < live_runs.length; p++) {
    const live = live_runs[p].result.rows;
    const ref = reference_runs[p].result.rows;
    const n = Math.max(live.length, ref.length);
    for (let t = 0; t < n; t++) {
      const a = live[t];
      const b = ref[t];
      const same = a && b && a.loss === b.loss && a.theta.every((x, i) => x === b.theta[i]);
      if (!same) return `${live_runs[p].label} differs from the Python reference at step ${t}.`;
    }
  }
  return "Faint wide line: the Python reference (pygen); the live path equals it bit for bit.";
}
