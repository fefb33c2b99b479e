// Browser-side dependencies (plot helpers and vendored libraries), kept apart from core.js so
// that the pure modules (state.js, csv.js) load in Node without a DOM.

import {Plot} from "../libs.js";
import {surface_marks, curve_marks} from "../plots/trajectory.js";
import {OPTIMIZER_COLORS, OPTIMIZER_DASHES, OPTIMIZER_LABELS, PATH_WIDTH} from "../plots/style.js";
import {tick_count} from "../plots/axes.js";
import {format_number} from "../plots/readouts.js";
import {describe_plot, describe_layers} from "../plots/describe.js";

export {
  Plot,
  surface_marks,
  curve_marks,
  OPTIMIZER_COLORS,
  OPTIMIZER_DASHES,
  OPTIMIZER_LABELS,
  PATH_WIDTH,
  tick_count,
  format_number,
  describe_layers,
  describe_plot,
};
