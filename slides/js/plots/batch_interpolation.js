// The straight line between the small- and the large-batch solution (Keskar et al. figure 3;
// slide "Data: between the small- and the large-batch solution").

import {Plot, d3} from "../libs.js";
import {OPTIMIZER_COLORS as COLORS, NEUTRAL_COLORS as GREY} from "./style.js";
import {axis, frame_mark} from "./axes.js";
import {describe_plot} from "./describe.js";
import {FACETED_LOSS_FRAME, LOG_LOSS_AXIS, fmt, missing_data} from "./network_figures.js";

export function sharp_flat_summary(loaded) {
  const out = {};
  for (const [pair, rows] of d3.group(loaded.rows, (r) => r.pair)) {
    const at = (alpha, key) => d3.mean(rows.filter((r) => Math.abs(r.alpha - alpha) < 1e-9).map((r) => r[key]));
    out[pair] = {
      large_epochs: rows[0].large_epochs,
      small_train: at(0, "train_loss"),
      small_test: at(0, "test_loss"),
      large_train: at(1, "train_loss"),
      large_test: at(1, "test_loss"),
      before_small: at(-1, "train_loss"),
      beyond_large: at(2, "train_loss"),
    };
  }
  return out;
}

// Mean top eigenvalue of the SGD end points in batch_sharpness.arrow: {batch|epochs: value}.
export function end_point_sharpness(batch_sharpness) {
  if (!batch_sharpness || batch_sharpness.status !== "ok") return {};
  const rows = batch_sharpness.rows.filter((r) => r.optimizer === "gd");
  const out = {};
  for (const [key, g] of d3.group(rows, (r) => `${r.batch_size}|${r.epochs}`)) out[key] = d3.mean(g.map((r) => r.top_eigenvalue));
  return out;
}

export function batch_interpolation_plot(loaded, batch_sharpness, {width = 960, height = 300} = {}) {
  const missing = missing_data(loaded, {width, height}, ["pair", "seed", "alpha", "train_loss", "test_loss", "large_epochs"]);
  if (missing) return missing;
  const panel = (r) =>
    r.pair === "equal_epochs" ? `batch 512 also 40 epochs (Keskar's setting)` : `batch 512 for 300 epochs (same train loss)`;
  const long = loaded.rows.flatMap((r) => [
    {panel: panel(r), alpha: r.alpha, loss: r.train_loss, split: "train", key: `${r.seed} train`, seed: r.seed},
    {panel: panel(r), alpha: r.alpha, loss: r.test_loss, split: "test", key: `${r.seed} test`, seed: r.seed},
  ]);
  const s = sharp_flat_summary(loaded);
  const lam = end_point_sharpness(batch_sharpness);
  const lam_text = (key) => (lam[key] === undefined ? "not loaded" : fmt(lam[key]));
  const caption =
    `Solid: train, dashed: test loss (3 seeds). λmax (batch_sharpness.arrow, mean of 3 seeds): batch 64 ${lam_text("64|40")}; batch 512 40 epochs ${lam_text("512|40")}, 300 epochs ${lam_text("512|300")}. ` +
    Object.entries(s)
      .map(
        ([pair, v]) =>
          `${pair === "equal_epochs" ? "40 epochs" : "300 epochs"}: train at α=−1 ${fmt(v.before_small)}, at α=2 ${fmt(v.beyond_large)}; test at α=0 ${fmt(v.small_test)}, at α=1 ${fmt(v.large_test)} eV²`,
      )
      .join("; ") +
    ".";
  return describe_plot(
    Plot.plot({
      width,
      height,
      ...FACETED_LOSS_FRAME,
      x: axis("α   (0 = batch 64 solution, 1 = batch 512 solution)", {domain: [-1, 2], ticks: [-1, 0, 1, 2]}),
      y: LOG_LOSS_AXIS,
      caption,
      marks: [
        frame_mark(),
        Plot.ruleX([0, 1], {stroke: GREY.light}),
        Plot.line(
          long.filter((d) => d.split === "train"),
          {
            fx: "panel",
            x: "alpha",
            y: "loss",
            z: "key",
            stroke: COLORS.gd,
            strokeWidth: (d) => (d.seed === 0 ? 3 : 1.2),
            strokeOpacity: (d) => (d.seed === 0 ? 1 : 0.5),
          },
        ),
        Plot.line(
          long.filter((d) => d.split === "test"),
          {
            fx: "panel",
            x: "alpha",
            y: "loss",
            z: "key",
            stroke: GREY.dark,
            strokeWidth: (d) => (d.seed === 0 ? 3 : 1),
            strokeOpacity: (d) => (d.seed === 0 ? 1 : 0.5),
            strokeDasharray: "6,4",
          },
        ),
      ],
    }),
    "Training and test loss on the straight line between the small-batch and the large-batch solution",
  );
}
