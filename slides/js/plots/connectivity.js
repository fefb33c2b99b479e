// Mode connectivity: the paths between two trained networks, their styles and barriers, shared by
// the walk (connectivity_walk.js) and the width sweep (barrier_width.js), and by the tests, which
// recompute the slides' numbers with this arithmetic.

import {d3} from "../libs.js";

// The four paths between two networks: shades and dashes, not optimizer colours.
export const PATH_STYLES = {
  linear: {label: "straight line", short: "straight", color: "#000000", dash: "6,4"},
  aligned: {label: "line after weight matching", short: "aligned", color: "#E69F00", dash: null},
  activation: {label: "line after activation matching", short: "activations", color: "#CC79A7", dash: "12,3,3,3"},
  bezier: {label: "trained Bezier curve", short: "Bezier", color: "#56B4E9", dash: "2,3"},
};

// Barrier of one path: maximum along it minus the mean of its two end points.
export function barrier(losses) {
  return Math.max(...losses) - (losses[0] + losses[losses.length - 1]) / 2;
}

// {width: {path: {mean, sd, min, max, n, test_mean, test_sd, end_train, end_test, n_params}}} over
// the seed pairs (mean, sd, min, max: the barrier on the training loss; sd with n - 1).
export function barrier_summary(loaded) {
  const out = {};
  const paths = d3.group(loaded.rows, (r) => `${r.width}|${r.path}|${r.seed_a}|${r.seed_b}`);
  const per = new Map();
  for (const rows of paths.values()) {
    const sorted = [...rows].sort((p, q) => p.t - q.t);
    const key = `${sorted[0].width}|${sorted[0].path}`;
    if (!per.has(key)) per.set(key, []);
    per.get(key).push({
      train: barrier(sorted.map((r) => r.train_loss)),
      test: barrier(sorted.map((r) => r.test_loss)),
      end: (sorted[0].train_loss + sorted[sorted.length - 1].train_loss) / 2,
      end_test: (sorted[0].test_loss + sorted[sorted.length - 1].test_loss) / 2,
      n_params: sorted[0].n_params,
    });
  }
  for (const [key, list] of per) {
    const [w, path] = key.split("|");
    if (!out[w]) out[w] = {};
    const train = list.map((d) => d.train);
    out[w][path] = {
      mean: d3.mean(train),
      sd: d3.deviation(train) ?? 0,
      min: Math.min(...train),
      max: Math.max(...train),
      n: list.length,
      test_mean: d3.mean(list.map((d) => d.test)),
      test_sd: d3.deviation(list.map((d) => d.test)) ?? 0,
      end_train: d3.mean(list.map((d) => d.end)),
      end_test: d3.mean(list.map((d) => d.end_test)),
      n_params: list[0].n_params,
    };
  }
  return out;
}

// The hidden width h at which the network 136 -> h -> h -> 1 has as many parameters as there are
// training rows: n_params(h) = h^2 + (n_in + 3) h + 1, with n_in read off one width's count.
export function parameters_match_rows(summary, n_train) {
  const [w, paths] = Object.entries(summary)[0];
  const h = Number(w);
  const n_params = Object.values(paths)[0].n_params;
  const b = (n_params - 1 - h * h) / h; // n_in + 3
  return (-b + Math.sqrt(b * b + 4 * (n_train - 1))) / 2;
}
