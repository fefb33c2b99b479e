// SVG elements made with plain DOM calls, for the layers a slider redraws (issue 10): Plot's
// pipeline (channels, scales, a style sheet per plot) cost most of a move where only a few
// elements change. Those layers are written element for element as Plot writes them, and the
// tests compare the two.

// An SVG element with the given attributes (null or undefined: left out).
export function svg_element(name, attributes = {}) {
  const element = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [key, value] of Object.entries(attributes)) {
    if (value !== null && value !== undefined) element.setAttribute(key, value);
  }
  return element;
}

const TEXT_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"};

// Text for SVG markup built as a string (many elements at once are parsed faster than made).
export function escape_text(text) {
  return text.replace(/[&<>]/g, (c) => TEXT_ESCAPES[c]);
}
