// What the figures of the real network's data (issue 11) share: the training runs' labels, the
// faded test loss, the faceted loss frame, the message instead of a plot, number formatting.
// Each figure takes load_table(...)'s result (slides/js/deck_data.js) and draws it, or says in
// words why it cannot.

import {axis, slide_margins} from "./axes.js";
import {awaiting_slide, message_plot} from "./readouts.js";

// The training runs' labels in the data files (SGD, not GD: these are minibatch runs).
export const RUN_LABELS = {gd: "SGD", momentum: "SGD + momentum", adam: "Adam"};
// A test loss is drawn faded beside its opaque training loss (the dash pattern is the optimizer's).
export const TEST_OPACITY = 0.45;

// The faceted loss-along-a-line plots (1-D slices, the sharp/flat interpolation) share their
// frame and their log loss axis.
export const FACETED_LOSS_FRAME = {...slide_margins({bottom: 44}), fx: {label: null, padding: 0.1}};
export const LOG_LOSS_AXIS = axis("Loss (eV², log)", {type: "log", grid: true, tickFormat: "~g"});

export function no_data_plot(message, {width, height}) {
  return message_plot(["No data to show", message], {width, height});
}

// A plot saying why there is nothing to draw (not shown yet, not loaded, columns missing), or null.
export function missing_data(loaded, size, required) {
  if (loaded?.status === "waiting") return awaiting_slide(size);
  if (!loaded || loaded.status !== "ok") return no_data_plot(loaded?.message ?? "The data file was not loaded.", size);
  const absent = required.filter((c) => !loaded.columns.includes(c));
  if (absent.length)
    return no_data_plot(`The data file lacks the column(s) ${absent.join(", ")}: regenerate it with \`python -m pygen\`.`, size);
  return null;
}

export function fmt(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : Number(v.toPrecision(digits)).toString();
}
