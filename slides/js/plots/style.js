// The deck's colours, fonts and margins: one colour per optimizer across the whole deck, grey
// for everything that is not an optimizer. Browser and Node (no imports).

// One colour per optimizer across the whole deck: the Okabe-Ito palette, which stays
// distinguishable under the common colour-vision deficiencies and in greyscale print.
export const OPTIMIZER_COLORS = {
  gd: "#D55E00", // vermillion (also "SGD" on real-data slides)
  momentum: "#0072B2", // blue
  nesterov: "#E69F00", // orange
  adagrad: "#56B4E9", // sky blue
  rmsprop: "#009E73", // bluish green
  adam: "#CC79A7", // reddish purple
  adamw: "#000000", // black
  amsgrad: "#F0E442", // yellow (not plotted on white anywhere yet)
};

// One dash pattern per optimizer (SVG stroke-dasharray, "" = solid) beside its colour, so that the
// paths can also be told apart without colour (greyscale print, colour-vision deficiencies).
export const OPTIMIZER_DASHES = {
  gd: "",
  momentum: "14,6",
  nesterov: "5,5",
  adagrad: "14,5,3,5",
  rmsprop: "3,4",
  adam: "20,5,5,5,5,5",
  adamw: "9,4",
  amsgrad: "3,4,12,4",
};
// Path lines are at least 3 px wide (readable from the back of the hall); the reference path
// under a live one is wider, grey and translucent.
export const PATH_WIDTH = 3;
export const REFERENCE_PATH_WIDTH = 6;
export const REFERENCE_PATH_OPACITY = 0.45;

// Things that are not optimizers are grey, so that a colour always means an optimizer.
// The name shown for each optimizer id wherever one is labelled (legends, readouts, the playground).
export const OPTIMIZER_LABELS = {
  gd: "GD",
  momentum: "Momentum",
  nesterov: "Nesterov",
  adagrad: "AdaGrad",
  rmsprop: "RMSProp",
  adam: "Adam",
  adamw: "AdamW",
  amsgrad: "AMSGrad",
};
export const REFERENCE_LABEL = "Python reference";
export const REFERENCE_COLOR = "#8c8c8c";
// mid is the lightest grey that text may use: 4.54:1 on white (WCAG AA asks 4.5:1; #777 is 4.48).
export const NEUTRAL_COLORS = {dark: "#333333", mid: "#767676", light: "#bbbbbb"};

export const READOUT_FONT_SIZE = 17;
export const READOUT_LINE_HEIGHT = 22;
export const SURFACE_SHADE = "#3b4a5a";
// The loss surface itself: slate, like the 2D contours, and neither an optimizer's colour nor
// the reference's light grey (a 1D curve in grey read as the faint reference path).
export const SURFACE_CURVE_COLOR = "#34495e";
export const SURFACE_CURVE_LABEL = "Loss curve f(x)";
export const MARGIN_LEFT = 72;
export const MARGIN_RIGHT = 20;

// Margins of the trajectory plots. A cell picks width and height so that the frame
// (width - left - right) x (height - top - bottom) has the view's aspect ratio where the
// surface's geometry is the point (equal scales on x and y); see frame_size. The left and bottom
// margins hold 24 px tick labels plus the axis label beside / under them (projection size).
export const TRAJECTORY_MARGINS = {top: 16, right: MARGIN_RIGHT, bottom: 64, left: MARGIN_LEFT + 16};

// The plotting frame (inside the margins) of a trajectory plot of the given size.
export function frame_size(width, height) {
  const m = TRAJECTORY_MARGINS;
  return {width: width - m.left - m.right, height: height - m.top - m.bottom};
}
