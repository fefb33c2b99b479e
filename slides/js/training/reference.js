// The precomputed runs of data/live_training_reference.arrow (trained by pygen's twin of the
// browser's trainer), found by the configuration of a live run: a live run of a configuration in
// the file retraces its reference curve exactly, which the widget shows by drawing one under the
// other. Pure (Node and browser).

import {DEFAULT_HYPER} from "../core/optimizers.js";

// The configuration fields that decide a run's rows. Epochs only matter through a schedule that
// depends on them; a run with a constant rate retraces the reference epoch for epoch however long.
export function reference_key(config) {
  return JSON.stringify([
    config.optimizer,
    Object.entries(config.hyper ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
    config.lr,
    config.schedule,
    config.schedule === "constant" ? null : config.epochs,
    config.batch_size,
    config.seed,
    config.train_rows,
    config.sharpness_every,
    config.sharpness_iterations,
  ]);
}

const parse = (text, fallback) => (typeof text === "string" && text !== "" ? JSON.parse(text) : fallback);

// A reference row's run config: its `config` column (JSON of the checked config), or the flat
// columns (the config's own learning rate as `base_lr`: `lr` is the row's rate at that epoch).
function row_config(row) {
  const config =
    row.config !== undefined
      ? parse(row.config, {})
      : {
          optimizer: row.optimizer,
          hyper: parse(row.hyper, {}),
          lr: row.base_lr,
          schedule: row.schedule,
          epochs: row.epochs,
          batch_size: row.batch_size,
          seed: row.seed,
          train_rows: row.train_rows,
          sharpness_every: row.sharpness_every,
          sharpness_iterations: row.sharpness_iterations,
        };
  return {...config, hyper: {...(DEFAULT_HYPER[config.optimizer] ?? {}), ...(config.hyper ?? {})}};
}

// rows: the file's rows (load_table) -> Map(reference_key -> rows in epoch order).
export function reference_index(rows) {
  const groups = new Map();
  for (const row of rows) {
    const key = reference_key(row_config(row));
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push({
      epoch: row.epoch,
      step: row.step,
      lr: row.lr,
      train_loss: row.train_loss ?? null,
      test_loss: row.test_loss ?? null,
      // lambda1 where it was estimated (the file flags it: a float column with no nulls)
      lambda1: row.lambda1_estimated === 0 ? null : (row.lambda1 ?? null),
      status: row.status,
    });
  }
  for (const list of groups.values()) list.sort((a, b) => a.epoch - b.epoch);
  return groups;
}

// The reference rows of a live run's config (up to its last epoch), or null.
export function reference_for(index, config) {
  const rows = index.get(reference_key(config));
  return rows ? rows.filter((row) => row.epoch <= config.epochs) : null;
}
