// Text alternatives for the plots: a screen reader announces each plot as one image with a
// sentence that says what it shows (the caller's summary, then the axes read from the plot).
// Plot names its own parts for itself (aria-label="x-axis tick", "line", "frame" on groups
// without a role, which ARIA prohibits); inside an image they are hidden from assistive technology.

const PLOT_SVG = 'svg[class^="plot-"]';

function axis_label(svg, axis) {
  const text = svg.querySelector(`g[aria-label="${axis}-axis label"] text`);
  return text ? text.textContent.trim() : "";
}

// "x: Parameter x, from -4 to 4; y: ..." from the plot's axis labels and end ticks.
export function axes_phrase(svg) {
  const parts = [];
  for (const axis of ["x", "y"]) {
    const label = axis_label(svg, axis);
    const ticks = [...svg.querySelectorAll(`g[aria-label="${axis}-axis tick label"] text`)].map((t) => t.textContent.trim());
    if (!label && !ticks.length) continue;
    const range = ticks.length > 1 ? `, ticks from ${ticks[0]} to ${ticks[ticks.length - 1]}` : "";
    parts.push(`${axis} axis: ${label || "unlabelled"}${range}`);
  }
  return parts.join("; ");
}

// Marks every Plot SVG in `node` as an image described by `summary` (a sentence, or a function
// of the SVG's index for multi-panel figures) followed by its axes. Returns `node`.
export function describe_plot(node, summary) {
  if (!node || typeof node.querySelectorAll !== "function") return node;
  const svgs = node.matches(PLOT_SVG) ? [node] : [...node.querySelectorAll(PLOT_SVG)];
  svgs.forEach((svg, i) => {
    const own = typeof summary === "function" ? summary(i, svgs.length) : summary;
    const panel = svgs.length > 1 && typeof summary !== "function" ? `Panel ${i + 1} of ${svgs.length}. ` : "";
    const axes = axes_phrase(svg);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `${panel}${own}${axes ? `. ${axes}.` : ""}`);
    for (const part of svg.querySelectorAll("[aria-label]")) part.setAttribute("aria-hidden", "true");
  });
  return node;
}

// A plot drawn as stacked SVGs (trajectory_plot's kept layers) is one image: the container carries
// the description, with the axes read from `axes_svg`, and the layers are hidden from assistive
// technology. Returns `container`.
// The kept layers (axes, contours) come back unchanged on every slider move: their axes phrase
// is read once, and an SVG already hidden is not walked again (issue 10).
const LAYER_AXES = new WeakMap();
export function describe_layers(container, axes_svg, summary) {
  if (!LAYER_AXES.has(axes_svg)) LAYER_AXES.set(axes_svg, axes_phrase(axes_svg));
  const axes = LAYER_AXES.get(axes_svg);
  container.setAttribute("role", "img");
  container.setAttribute("aria-label", `${summary}${axes ? `. ${axes}.` : ""}`);
  for (const svg of container.querySelectorAll("svg")) {
    if (svg.getAttribute("aria-hidden") === "true") continue;
    svg.setAttribute("aria-hidden", "true");
    for (const part of svg.querySelectorAll("[aria-label]")) part.setAttribute("aria-hidden", "true");
  }
  return container;
}
