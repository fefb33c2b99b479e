// The playground's pure modules driven from pytest (tests/test_playground.py): one JSON line in,
// one out. Numbers travel back as raw float64 bytes (base64), like tests/js/core_worker.mjs.
import {encode, serve} from "./json_lines.mjs";
import {decode_hash, encode_hash, run_playground, playground_configs} from "../../slides/js/playground/state.js";
import {runs_csv} from "../../slides/js/playground/csv.js";

const handlers = {
  // String(x) of doubles given as raw bytes (so -0 and every bit pattern arrive intact).
  strings: ({numbers}) => Array.from(new Float64Array(Buffer.from(numbers, "base64").buffer.slice(0)), (x) => String(x)),
  decode: ({hash}) => {
    const {state, error} = decode_hash(hash);
    return {error, hash: encode_hash(state), configs: playground_configs(state)};
  },
  replay: ({hash}) => {
    const {state, error} = decode_hash(hash);
    const runs = run_playground(state);
    return {
      error,
      csv: runs_csv(runs),
      runs: runs.map(({optimizer, result, error: run_error}) => ({
        optimizer,
        error: run_error,
        status: result && result.status,
        message: result && result.message,
        numbers: result ? encode(result.rows.flatMap((r) => [r.step, ...r.theta, r.loss, r.grad_norm, r.lr])) : null,
      })),
    };
  },
};

await serve(handlers);
