// The main thread's side of the training workers (worker.js): one module worker per run, so that
// two runs train at once on two cores and the slide's thread only draws. Each run reports its
// rows as they come; a worker that fails to start or dies is reported in words, never silently.

import {TRAINING_WORKER_URL} from "../training_worker.js";

// A worker that has not answered "load" after this long is reported as not starting (a module
// worker whose script cannot be fetched fires "error" at once; this catches a hung one).
const START_TIMEOUT_MS = 60000;

// {config, data_url, on_row(row), on_state({state, status, message}), on_error(text)}
// -> {play, pause, step, reset, stop}. `worker_url` is for tests (a failing worker).
export function start_run_worker({config, data_url, on_row, on_state, on_error, worker_url = null}) {
  let failed = false;
  let answered = false;
  const fail = (text) => {
    if (failed) return;
    failed = true;
    clearTimeout(timer);
    worker?.terminate();
    on_error(text);
  };
  let worker = null;
  const timer = setTimeout(() => {
    if (!answered) fail("its worker did not start within a minute");
  }, START_TIMEOUT_MS);
  try {
    worker = new Worker(worker_url ?? TRAINING_WORKER_URL, {type: "module"});
  } catch (error) {
    fail(`this browser could not start a training worker (${String(error?.message ?? error)})`);
    return {play() {}, pause() {}, step() {}, reset() {}, stop() {}};
  }
  worker.addEventListener("message", (event) => {
    const message = event.data;
    answered = true;
    if (message.type === "row") on_row(message.row);
    else if (message.type === "state") on_state(message);
    else if (message.type === "error") fail(message.message);
  });
  worker.addEventListener("error", (event) => {
    event.preventDefault(); // reported on the slide, not as an uncaught error
    fail(`its worker stopped (${event.message || "the worker script could not be loaded or crashed"})`);
  });
  worker.addEventListener("messageerror", () => fail("its worker sent a message that could not be read"));
  worker.postMessage({type: "load", config, data_url});
  const send = (type) => () => {
    if (!failed) worker.postMessage({type});
  };
  return {
    play: send("play"),
    pause: send("pause"),
    step: send("step"),
    reset: send("reset"),
    stop() {
      clearTimeout(timer);
      failed = true;
      worker.terminate();
    },
  };
}
