// One training run in a module Web Worker, so that the slide's main thread never trains: keys,
// the clicker and slide changes stay instant while two runs use the machine's two cores (one
// worker per run; runs.js starts them). The worker imports the twin modules themselves (workers
// get no import map, so these are the files of slides/js/core/, listed under `resources:` in
// _quarto.yml), loads data/training_set.arrow once and trains one epoch per task, so that a
// "pause" or "reset" message is read between two epochs.
//
// Messages in:  {type: "load", config, data_url}   read the data, set the run up (posts epoch 0)
//               {type: "play"} | {type: "pause"} | {type: "step"} | {type: "reset"}
// Messages out: {type: "row", row}     a finished epoch (epoch 0 = the initialisation)
//               {type: "state", state, status, message}   "ready" | "playing" | "paused" | "done"
//               {type: "error", message}                   the data or the trainer failed, in words

import {tableFromIPC} from "../../vendor/arrow.js";
import {training_dataset_from_table} from "../core/dataset.js";
import {start_training, train_epoch} from "../core/trainer.js";

let config = null;
let dataset = null;
let run = null;
let playing = false;
let generation = 0; // a reset while an epoch is queued discards that epoch's continuation

const post = (message) => self.postMessage(message);
const short = (error) => String(error?.message ?? error);

async function read_dataset(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Error(`data/training_set.arrow could not be fetched (${short(error)})`);
  }
  if (!response.ok) throw new Error(`data/training_set.arrow is missing (HTTP ${response.status}): regenerate it with \`python -m pygen\``);
  try {
    return training_dataset_from_table(tableFromIPC(new Uint8Array(await response.arrayBuffer())));
  } catch (error) {
    throw new Error(`data/training_set.arrow is not a readable training set (${short(error)}): regenerate it with \`python -m pygen\``);
  }
}

function begin() {
  generation += 1;
  playing = false;
  run = start_training(config, dataset);
  for (const row of run.rows) post({type: "row", row});
  report("ready");
}

function finished() {
  return run.status !== "running";
}

function report(state) {
  post({type: "state", state: finished() ? "done" : state, status: run.status, message: run.message ?? null});
}

function epoch() {
  post({type: "row", row: train_epoch(run)});
}

function keep_playing(current) {
  if (!playing || current !== generation) return;
  if (finished()) {
    playing = false;
    report("done");
    return;
  }
  epoch();
  // the next epoch in a new task: messages (pause, reset) are handled in between
  setTimeout(() => keep_playing(current), 0);
}

const HANDLERS = {
  async load(message) {
    config = message.config;
    dataset = dataset ?? (await read_dataset(message.data_url));
    begin();
  },
  play() {
    if (!run || finished() || playing) return; // a second "play" must not start a second loop
    playing = true;
    report("playing");
    keep_playing(generation);
  },
  pause() {
    playing = false;
    if (run) report("paused");
  },
  step() {
    if (!run || finished()) return;
    playing = false;
    epoch();
    report("paused");
  },
  reset() {
    if (run) begin();
  },
};

self.addEventListener("message", async (event) => {
  const type = event.data?.type;
  if (typeof type !== "string" || !Object.prototype.hasOwnProperty.call(HANDLERS, type)) return;
  const handler = HANDLERS[type];
  try {
    await handler(event.data);
  } catch (error) {
    playing = false;
    post({type: "error", message: short(error)});
  }
});
