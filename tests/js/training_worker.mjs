// Runs requests against the JavaScript training twin (slides/js/core/{network,sharpness,
// trainer,dataset}.js) for tests/test_training_twin.py, one JSON line in and one out (see
// json_lines.mjs). The dataset is read once from data/training_set.arrow with apache-arrow, as
// the browser reads it. Numbers travel back as raw float64 bytes.
import {readFileSync} from "node:fs";
import {tableFromIPC} from "apache-arrow";
import {encode, serve} from "./json_lines.mjs";
import * as network from "../../slides/js/core/network.js";
import * as portable_math from "../../slides/js/core/portable_math.js";
import {estimate_sharpness} from "../../slides/js/core/sharpness.js";
import {check_training_config, train, TRAINING_DEFAULTS, TRAINING_PRESETS} from "../../slides/js/core/trainer.js";
import {training_dataset_from_table} from "../../slides/js/core/dataset.js";

let dataset = null;
const load = () => (dataset ??= training_dataset_from_table(tableFromIPC(readFileSync("data/training_set.arrow"))));
const decode = (base64) => new Float64Array(new Uint8Array(Buffer.from(base64, "base64")).buffer);
const rows_of = (count) => Int32Array.from({length: count}, (_, i) => i);

// A row's numbers in a fixed order; null (not estimated, or a diverged row's losses) as NaN.
const row_numbers = (row) => [row.epoch, row.step, row.lr, row.train_loss, row.test_loss, row.lambda1].map((v) => (v === null ? NaN : v));

const handlers = {
  dataset: () => {
    const d = load();
    return {
      n_features: d.n_features,
      n_train: d.n_train,
      n_test: d.n_test,
      numbers: encode([...d.x_train, ...d.y_train, ...d.x_test, ...d.y_test]),
    };
  },
  train: ({config}) => {
    const result = train(config, load());
    return {
      status: result.status,
      message: result.message,
      config: result.config,
      row_status: result.rows.map((row) => row.status),
      numbers: encode(result.rows.flatMap(row_numbers)),
    };
  },
  check: ({config}) => check_training_config(config),
  network: ({params, vector, count}) => {
    const d = load();
    const p = decode(params);
    const rows = rows_of(count);
    const {loss, grad} = network.loss_and_grad(p, d.x_train, d.y_train, rows);
    const hv = network.hvp(p, decode(vector), d.x_train, d.y_train, rows);
    return {numbers: encode([network.loss(p, d.x_train, d.y_train, rows), loss, ...grad, ...hv])};
  },
  sharpness: ({params, start, count, iterations}) => {
    const d = load();
    const {lambda1, vector} = estimate_sharpness(decode(params), d.x_train, d.y_train, rows_of(count), decode(start), iterations);
    return {numbers: encode([lambda1, ...vector])};
  },
  init_params: ({seed}) => ({numbers: encode(network.init_params(seed))}),
  math: ({xs}) => ({
    numbers: encode(Array.from(decode(xs)).flatMap((x) => [portable_math.tanh(x), portable_math.expm1(x), portable_math.exp(x)])),
  }),
  presets: () => ({defaults: TRAINING_DEFAULTS, presets: TRAINING_PRESETS}),
};

await serve(handlers);
