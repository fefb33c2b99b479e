// The browser's side of bench/bench_training.py: the JavaScript training twin in Node (V8, as in
// Chromium). Prints one JSON object: the time of each epoch at batch 64 on every training row,
// then of lambda1 estimates at the parameters reached (cold: from the run's start vector; warm:
// from the previous estimate's vector, as the trainer does), and those parameters (base64) for
// the exact lambda1 that bench_training.py computes; then the edge-of-stability preset's first run.
import {readFileSync} from "node:fs";
import {tableFromIPC} from "apache-arrow";
import {training_dataset_from_table} from "../slides/js/core/dataset.js";
import {estimate_sharpness} from "../slides/js/core/sharpness.js";
import {start_training, train_epoch, TRAINING_DEFAULTS, TRAINING_PRESETS} from "../slides/js/core/trainer.js";

const [epochs, estimates] = process.argv.slice(2).map(Number);
// CPU time of this process (ms): on a shared machine, closer to what an idle core would take.
const cpu = () => {
  const {user, system} = process.cpuUsage();
  return (user + system) / 1000;
};
const dataset = training_dataset_from_table(tableFromIPC(readFileSync(new URL("../data/training_set.arrow", import.meta.url))));
const run = start_training({optimizer: "gd", lr: 0.01, batch_size: 64, sharpness_every: 0, epochs}, dataset);
const epoch_ms = [];
const epoch_cpu_ms = [];
while (run.status === "running") {
  const start = performance.now();
  const start_cpu = cpu();
  train_epoch(run);
  epoch_ms.push(performance.now() - start);
  epoch_cpu_ms.push(cpu() - start_cpu);
}
const theta = Float64Array.from(run.state.theta);
const rows = Int32Array.from({length: dataset.n_train}, (_, i) => i);
const iterations = TRAINING_DEFAULTS.sharpness_iterations;
const sharpness = {cold_ms: [], cold_cpu_ms: [], warm_ms: [], cold_lambda1: null, warm_lambda1: null};
let warm_start = null;
for (let i = 0; i < estimates; i++) {
  let start = performance.now();
  const start_cpu = cpu();
  const cold = estimate_sharpness(theta, dataset.x_train, dataset.y_train, rows, run.sharpness_start, iterations);
  sharpness.cold_ms.push(performance.now() - start);
  sharpness.cold_cpu_ms.push(cpu() - start_cpu);
  sharpness.cold_lambda1 = cold.lambda1;
  // warm: from an estimate two epochs earlier's vector, as during training (here: the cold one's)
  warm_start ??= cold.vector;
  start = performance.now();
  const warm = estimate_sharpness(theta, dataset.x_train, dataset.y_train, rows, warm_start, iterations);
  sharpness.warm_ms.push(performance.now() - start);
  sharpness.warm_lambda1 = warm.lambda1;
}
// The edge-of-stability preset's first run: its epochs (lambda1 every 5 included), whole.
const preset = TRAINING_PRESETS.edge_of_stability.runs[0];
let start = performance.now();
let start_cpu = cpu();
const eos = start_training(preset, dataset);
while (eos.status === "running") train_epoch(eos);
const edge_of_stability = {epochs: preset.epochs, wall_s: (performance.now() - start) / 1000, cpu_s: (cpu() - start_cpu) / 1000};
const params = Buffer.from(theta.buffer).toString("base64");
process.stdout.write(JSON.stringify({epoch_ms, epoch_cpu_ms, iterations, sharpness, edge_of_stability, params}) + "\n");
