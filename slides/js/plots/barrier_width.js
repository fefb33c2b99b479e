// The barrier between two trained networks against the hidden width, one line per path, with the
// width at which the parameters outnumber the training rows marked (slide "Data: barriers and
// width"; mode_connectivity.arrow, 8 to 1,024 units, 6 seed pairs per width).

import {Plot} from "../libs.js";
import {NEUTRAL_COLORS as GREY} from "./style.js";
import {legend_plot} from "./legend.js";
import {axis, frame_mark, slide_margins} from "./axes.js";
import {describe_plot} from "./describe.js";
import {fmt, missing_data, no_data_plot} from "./network_figures.js";
import {PATH_STYLES, barrier_summary, parameters_match_rows} from "./connectivity.js";

// The paths sit a little apart along x (in octaves), so that their error bars do not cover each other.
const DODGE = {linear: -0.09, aligned: -0.03, activation: 0.03, bezier: 0.09};
const END_STYLE = {label: "end points' own loss", color: GREY.mid, dash: "1,5"};
// The caption names the two alignments by their method (the walk's short "aligned" is weight matching).
const CAPTION_NAMES = {linear: "straight", aligned: "weight matching", activation: "activation matching", bezier: "Bezier"};

export const BARRIER_LOSS_CONTROL = new Map([
  ["training loss", "train"],
  ["test loss", "test"],
]);

// The training rows the parameters are compared with: the file's metadata (pygen records it).
export function training_rows(loaded) {
  try {
    return JSON.parse(loaded.metadata.parameters).n_train ?? null;
  } catch {
    return null;
  }
}

// One row per width and path: the mean barrier over the seed pairs and its spread, on `loss`
// ("train" or "test"), and the end points' own loss.
export function barrier_width_rows(loaded, loss = "train") {
  const summary = barrier_summary(loaded);
  const rows = [];
  for (const [w, paths] of Object.entries(summary)) {
    for (const [path, s] of Object.entries(paths)) {
      if (!(path in PATH_STYLES)) continue;
      const mean = loss === "train" ? s.mean : s.test_mean;
      const sd = loss === "train" ? s.sd : s.test_sd;
      rows.push({width: Number(w), path, mean, sd, n: s.n, n_params: s.n_params, end: loss === "train" ? s.end_train : s.end_test});
    }
  }
  return rows.sort((p, q) => p.width - q.width);
}

export function barrier_width_plot(loaded, {loss = "train", width = 960, height = 330} = {}) {
  const missing = missing_data(loaded, {width, height}, ["width", "n_params", "seed_a", "seed_b", "path", "t", "train_loss", "test_loss"]);
  if (missing) return missing;
  const rows = barrier_width_rows(loaded, loss);
  const widths = [...new Set(rows.map((r) => r.width))];
  if (widths.length < 2)
    return no_data_plot("The file holds fewer than two widths: regenerate it with `python -m pygen --tier heavy`.", {width, height});
  const n_train = training_rows(loaded);
  const crossing = n_train ? parameters_match_rows(barrier_summary(loaded), n_train) : null;
  const shifted = rows.map((r) => ({...r, x: r.width * 2 ** (DODGE[r.path] ?? 0), label: PATH_STYLES[r.path].label}));
  const ends = [...new Map(rows.map((r) => [r.width, {width: r.width, end: r.end}])).values()];
  const top = Math.max(...shifted.map((r) => r.mean + r.sd));
  const which = loss === "train" ? "training" : "test";
  const marks = [frame_mark()];
  if (crossing) {
    // the rule where the parameters equal the training rows, named on either side of it
    marks.push(Plot.ruleX([crossing], {stroke: GREY.mid, strokeWidth: 2, strokeDasharray: "4,4"}));
    const side = (text, anchor, dx) =>
      Plot.text([crossing], {
        x: (d) => d,
        frameAnchor: "top",
        dy: -4,
        dx,
        text: () => text,
        textAnchor: anchor,
        fill: GREY.dark,
        fontSize: 17,
        lineAnchor: "bottom",
      });
    marks.push(side("← fewer", "end", -6));
    marks.push(side(`more parameters than the ${n_train.toLocaleString("en")} training rows →`, "start", 6));
  }
  marks.push(Plot.line(ends, {x: "width", y: "end", stroke: END_STYLE.color, strokeWidth: 3, strokeDasharray: END_STYLE.dash}));
  for (const [path, style] of Object.entries(PATH_STYLES)) {
    const own = shifted.filter((r) => r.path === path);
    marks.push(
      Plot.ruleX(own, {x: "x", y1: (r) => Math.max(0, r.mean - r.sd), y2: (r) => r.mean + r.sd, stroke: style.color, strokeWidth: 2}),
    );
    marks.push(Plot.line(own, {x: "x", y: "mean", stroke: style.color, strokeWidth: 3, strokeDasharray: style.dash}));
    marks.push(
      Plot.dot(own, {
        x: "x",
        y: "mean",
        fill: style.color,
        stroke: GREY.dark,
        r: 4.5,
        title: (r) =>
          `${style.label}, ${r.width} units (${r.n_params.toLocaleString("en")} parameters): ${fmt(r.mean)} ± ${fmt(r.sd, 2)} eV² over ${r.n} pairs`,
      }),
    );
  }
  const widest = widths[widths.length - 1];
  const at = (path) => shifted.find((r) => r.width === widest && r.path === path);
  const caption =
    `Mean over ${rows[0].n} seed pairs per width, bars ± 1 sd. At ${widest.toLocaleString("en")} units (${at("linear").n_params.toLocaleString("en")} parameters): ` +
    Object.keys(PATH_STYLES)
      .filter((p) => at(p))
      .map((p) => `${CAPTION_NAMES[p]} ${fmt(at(p).mean)} ± ${fmt(at(p).sd, 2)}`)
      .join(", ") +
    ` eV²; end points' own loss ${fmt(ends[ends.length - 1].end)}.`;
  const plot = describe_plot(
    Plot.plot({
      width,
      height,
      ...slide_margins({bottom: 44}),
      marginTop: 28,
      x: axis("Hidden units per layer (log scale)", {
        type: "log",
        base: 2,
        domain: [widths[0] / 1.25, widest * 1.25],
        ticks: widths,
        tickFormat: (d) => String(d),
      }),
      y: axis(`Barrier, ${which} loss (eV²)`, {grid: true, domain: [0, top * 1.05]}),
      caption,
      marks,
    }),
    `Barrier on the ${which} loss between two trained networks against the hidden width (log scale), for the straight line, ` +
      "the line after weight matching, the line after activation matching and the trained Bezier curve, mean over seed pairs with ± 1 sd bars, " +
      "the end points' own loss, and a vertical line where the parameters outnumber the training rows",
  );
  return legend_plot(plot, [
    ...Object.values(PATH_STYLES).map((s) => ({label: s.label, color: s.color, dash: s.dash ?? "", width: 3})),
    {label: END_STYLE.label, color: END_STYLE.color, dash: END_STYLE.dash, width: 3},
  ]);
}
