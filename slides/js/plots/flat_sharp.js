// The flat vs sharp minimum figure (scenes: flat_sharp_loss, flat_sharp_losses).

import {Plot} from "../libs.js";
import {X_TICK_PADDING, axis, frame_mark, slide_margins, tick_count} from "./axes.js";
import {describe_plot} from "./describe.js";
import {line_legend, with_legend} from "./legend.js";
import {linspace, visible_pieces} from "./geometry.js";
import {awaiting_slide, format_number} from "./readouts.js";
import {NEUTRAL_COLORS} from "./style.js";

// Flat vs sharp minimum: both test-loss parabolas shifted by `shift`, the trained model at
// theta = 0, and its test loss on each. A value above the view is marked at the top edge with
// its number instead of being drawn off the slide.
export function flat_sharp_plot(curve, losses, view, {width = 960, height = 360, shift = 0, shown = true} = {}) {
  if (!shown) return awaiting_slide({width, height}); // nothing drawn before its slide is shown
  const xs = linspace(view.x[0], view.x[1], 400);
  const kinds = [
    {key: "sharp", label: "Sharp Minimum", color: NEUTRAL_COLORS.dark, dash: null},
    {key: "flat", label: "Flat Minimum", color: NEUTRAL_COLORS.dark, dash: "8,5"},
  ];
  const marks = [frame_mark(), Plot.ruleX([0], {stroke: NEUTRAL_COLORS.light, strokeDasharray: "2,3"})];
  const off_scale = [];
  for (const kind of kinds) {
    const points = xs.map((x, i) => ({x, y: curve(kind.key, x, shift), step: i}));
    marks.push(
      Plot.line(visible_pieces(points, view), {
        x: "x",
        y: "y",
        z: "piece",
        stroke: () => kind.label,
        strokeWidth: 3,
        ...(kind.dash ? {strokeDasharray: kind.dash} : {}),
        clip: true,
      }),
    );
    const value = losses[kind.key];
    const on_scale = value <= view.y[1];
    const y = on_scale ? value : view.y[1];
    marks.push(
      Plot.dot([{x: 0, y}], {
        x: "x",
        y: "y",
        r: 9,
        fill: () => kind.label,
        stroke: "white",
        strokeWidth: 2,
        symbol: on_scale ? "circle" : "triangle",
        clip: true,
      }),
    );
    if (!on_scale) off_scale.push(`${kind.label}: ${format_number(value)} is above the plotted range (triangle at the top edge).`);
  }
  // Room for 24 px tick and axis labels (the projection size of plot text, theme.css).
  const margins = slide_margins({extra_left: 16, bottom: 64});
  const frame_width = width - margins.marginLeft - margins.marginRight;
  const frame_height = height - (margins.marginTop ?? 20) - margins.marginBottom;
  const plot = Plot.plot({
    width,
    height,
    ...margins,
    x: axis("Parameter Deviation", {domain: view.x, ticks: tick_count(frame_width, "x"), tickPadding: X_TICK_PADDING}),
    y: axis("Loss", {domain: view.y, ticks: tick_count(frame_height, "y")}),
    color: {domain: kinds.map((k) => k.label), range: [NEUTRAL_COLORS.dark, NEUTRAL_COLORS.mid]},
    // Under the frame, not on the curves: what the dots are, and any value beyond the view.
    caption: ["Dots: the trained model (deviation 0) evaluated on each shifted test loss.", ...off_scale].join(" "),
    marks,
  });
  // The legend shows each curve as drawn (both dark, told apart by the dash).
  describe_plot(
    plot,
    `Test loss against parameter deviation for the sharp (solid) and the flat (dashed) minimum, test data shifted by ${format_number(shift)}; at the trained model: sharp ${format_number(losses.sharp)}, flat ${format_number(losses.flat)}`,
  );
  return with_legend(line_legend(kinds.map((k) => ({label: k.label, color: k.color, dash: k.dash ?? ""}))), plot);
}

// The two test losses as the professor's bullet list ("- **Sharp Minimum Loss**: 4.50"), built as
// DOM rather than with `md`: the deck's only readout computed on a cold load, and marked's first
// parse costs about 40 ms there (issue 10).
export function flat_sharp_readout(losses) {
  const list = document.createElement("ul");
  list.className = "flat-sharp-readout";
  for (const [label, value] of [
    ["Sharp Minimum Loss", losses.sharp],
    ["Flat Minimum Loss", losses.flat],
  ]) {
    const item = document.createElement("li");
    const name = document.createElement("strong");
    name.textContent = label;
    item.append(name, `: ${value.toFixed(2)}`);
    list.append(item);
  }
  return list;
}
