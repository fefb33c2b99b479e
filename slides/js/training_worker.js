// Where the live trainer's worker script is. Resolved from this module, which lies in slides/js/
// as the pages' bundles do (scripts/deck_bundle.mjs): the same address whether the trainer's
// modules are loaded as files (the deck's slide) or from slides/js/training.bundle.js (the page,
// issue 26). runs.js resolving it from its own import.meta.url would point into slides/js/ once
// bundled.
export const TRAINING_WORKER_URL = new URL("./training/worker.js", import.meta.url).href;
