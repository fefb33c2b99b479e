import {readFileSync} from "node:fs";
import {tableFromIPC} from "apache-arrow";
import {training_dataset_from_table} from "../slides/js/core/dataset.js";
import {start_training, train_epoch} from "../slides/js/core/trainer.js";
import {estimate_sharpness} from "../slides/js/core/sharpness.js";
import {loss_and_grad, loss, init_params} from "../slides/js/core/network.js";
const d = training_dataset_from_table(tableFromIPC(readFileSync("/work/wt/issue-22-twin/data/training_set.arrow")));
const run = start_training({optimizer: "gd", lr: 0.01, sharpness_every: 0, epochs: 20}, d);
const times = [];
for (let e = 0; e < 10; e++) { const t = performance.now(); train_epoch(run); times.push(performance.now() - t); }
console.log("epoch ms", times.map((t) => t.toFixed(1)).join(" "));
const p = init_params(0); const rows = Int32Array.from({length: 3199}, (_, i) => i);
let t = performance.now(); for (let i = 0; i < 5; i++) loss_and_grad(p, d.x_train, d.y_train, rows); console.log("full grad ms", ((performance.now() - t) / 5).toFixed(1));
t = performance.now(); for (let i = 0; i < 5; i++) loss(p, d.x_train, d.y_train, rows); console.log("full loss ms", ((performance.now() - t) / 5).toFixed(1));
const start = new Float64Array(2481).fill(1);
for (const it of [10, 20]) { t = performance.now(); const r = estimate_sharpness(run.state.theta, d.x_train, d.y_train, rows, start, it); console.log("sharp", it, (performance.now() - t).toFixed(0), r.lambda1); }
