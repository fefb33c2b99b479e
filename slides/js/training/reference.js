// The precomputed runs of data/live_training_reference.arrow (trained by pygen's twin of the
// browser's trainer), found by the configuration of a live run: a live run of a configuration in
// the file retraces its reference curve exactly, which the widget shows by drawing one under the
// other. Pure (Node and browser).

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

// rows: the file's rows (load_table) -> Map(reference_key -> rows in epoch order).
export function reference_index(rows) {
  const groups = new Map();
  for (const row of rows) {
    const config = {
      optimizer: row.optimizer,
      hyper: typeof row.hyper === "string" ? JSON.parse(row.hyper) : {},
      lr: row.lr_base ?? row.base_lr,
      schedule: row.schedule,
      epochs: row.epochs,
      batch_size: row.batch_size,
      seed: row.seed,
      train_rows: row.train_rows,
      sharpness_every: row.sharpness_every,
      sharpness_iterations: row.sharpness_iterations,
    };
    const key = reference_key(config);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push({
      epoch: row.epoch,
      step: row.step,
      lr: row.lr,
      train_loss: row.train_loss,
      test_loss: row.test_loss,
      lambda1: row.lambda1 ?? null,
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
