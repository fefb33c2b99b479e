// The band-gap problem the network is trained on, read from data/training_set.arrow (an
// apache-arrow Table): twin of pygen/core/dataset.py. The file keeps the raw features as
// float32 (the source's precision) with the training set's per-feature mean and std as float64
// (schema metadata, JSON with 17 significant digits, read back exactly); each value is
// standardised here, elementwise (x - mean[k]) / std[k], which gives the bits of
// pygen/mlp.py make_problem's float64 arrays. Training rows come first, in the file's order.

const FIXED_COLUMNS = ["split", "band_gap_ev"];

function fail(message) {
  throw new Error(`training_set.arrow: ${message}`);
}

function parse_vector(metadata, key, length) {
  const text = metadata.get(key);
  let values;
  try {
    values = JSON.parse(text);
  } catch {
    values = null;
  }
  if (!Array.isArray(values) || values.length !== length || !values.every((v) => typeof v === "number" && Number.isFinite(v))) {
    fail(`its metadata "${key}" is not a list of ${length} finite numbers`);
  }
  return values;
}

// Dataset = {n_features, n_train, n_test, x_train, y_train, x_test, y_test} (row-major Float64Arrays).
export function training_dataset_from_table(table) {
  if (!table || !table.schema || typeof table.getChildAt !== "function") fail("not an Arrow table");
  const names = table.schema.fields.map((f) => f.name);
  if (names[0] !== FIXED_COLUMNS[0] || names[1] !== FIXED_COLUMNS[1] || names.length < 3) {
    fail(`expected the columns ${FIXED_COLUMNS.join(", ")} and the features, got ${names.slice(0, 3).join(", ")}`);
  }
  const n_features = names.length - FIXED_COLUMNS.length;
  const metadata = table.schema.metadata;
  const mean = parse_vector(metadata, "feature_mean", n_features);
  const std = parse_vector(metadata, "feature_std", n_features);
  const n_rows = table.numRows;
  const split = table.getChildAt(0).toArray();
  const band_gap = table.getChildAt(1).toArray();
  let n_train = 0;
  while (n_train < n_rows && split[n_train] === 0) n_train++;
  for (let i = n_train; i < n_rows; i++)
    if (split[i] !== 1) fail("the training rows (split 0) must come first, then the test rows (split 1)");
  const n_test = n_rows - n_train;
  const x_train = new Float64Array(n_train * n_features);
  const x_test = new Float64Array(n_test * n_features);
  for (let k = 0; k < n_features; k++) {
    const column = table.getChildAt(FIXED_COLUMNS.length + k).toArray();
    const m = mean[k];
    const s = std[k];
    for (let i = 0; i < n_train; i++) x_train[i * n_features + k] = (column[i] - m) / s;
    for (let i = 0; i < n_test; i++) x_test[i * n_features + k] = (column[n_train + i] - m) / s;
  }
  const all_values = [x_train, x_test, band_gap];
  if (!all_values.every((values) => values.every((v) => Number.isFinite(v)))) fail("it holds a non-finite value");
  return {
    n_features,
    n_train,
    n_test,
    x_train,
    y_train: Float64Array.from(band_gap.subarray(0, n_train)),
    x_test,
    y_test: Float64Array.from(band_gap.subarray(n_train)),
  };
}
