// The live trainer's pure modules driven from pytest (tests/test_training_link.py): one JSON line
// in, one out. The link codec and the CSV of slides/js/training/, and whole runs of the browser's
// trainer (slides/js/core/trainer.js) on data/training_set.arrow read by the browser's reader.
import {readFileSync} from "node:fs";
import {serve} from "./json_lines.mjs";
import {decode_training_hash, encode_training_hash, training_configs} from "../../slides/js/training/link.js";
import {training_csv} from "../../slides/js/training/csv.js";

const datasets = new Map();

async function dataset(path) {
  if (!datasets.has(path)) {
    const arrow = await import("../../slides/vendor/arrow.js");
    const {training_dataset_from_table} = await import("../../slides/js/core/dataset.js");
    datasets.set(path, training_dataset_from_table(arrow.tableFromIPC(readFileSync(path))));
  }
  return datasets.get(path);
}

const handlers = {
  decode: ({hash}) => {
    const {state, error} = decode_training_hash(hash);
    return {error, hash: encode_training_hash(state), configs: training_configs(state)};
  },
  // rows given as JSON, numbers as {bits: base64} where exactness matters
  csv: ({runs}) => {
    const number = (v) => (v && typeof v === "object" ? Buffer.from(v.bits, "base64").readDoubleLE(0) : v);
    const rows = (list) => list.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, number(v)])));
    return training_csv(runs.map((run) => ({optimizer: run.optimizer, rows: rows(run.rows)})));
  },
  // every run of the link through the trainer, one epoch at a time as the worker does it
  replay: async ({hash, data}) => {
    const {start_training, train_epoch} = await import("../../slides/js/core/trainer.js");
    const {state, error} = decode_training_hash(hash);
    const ds = await dataset(data);
    const runs = training_configs(state).map((config) => {
      const run = start_training(config, ds);
      while (run.status === "running") train_epoch(run);
      return {optimizer: config.optimizer, rows: run.rows, status: run.status};
    });
    return {error, csv: training_csv(runs), statuses: runs.map((r) => r.status)};
  },
};

await serve(handlers);
