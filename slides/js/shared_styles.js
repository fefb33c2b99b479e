// Plot puts a <style> element into every chart it makes (its `:where(.plot-d6a7b5) {...}` rules:
// display, max-width, white-space of text). A slider that redraws a chart therefore removes one
// stylesheet from the document and adds another, and Chromium then rebuilds the style rules of
// the whole page before the next frame: on the deck (90 stylesheets, 1,300 rules) that cost
// 6.8 ms per redrawn chart under a 4x CPU throttle against 0.1 ms for a chart without one
// (issue 25, a slow laptop). `hoist_styles` moves each distinct rule text once into the page's
// <head> and takes the copies out of the chart, so a redraw changes no stylesheet. The rules are
// scoped to Plot's class names and have no specificity (`:where`), so where they live does not
// change what they do.

const hoisted = new Set();

export function hoist_styles(node) {
  if (typeof document === "undefined" || !node?.querySelectorAll) return node;
  for (const style of node.querySelectorAll("style")) {
    const rules = style.textContent;
    if (!hoisted.has(rules)) {
      hoisted.add(rules);
      const shared = document.createElement("style");
      shared.dataset.hoistedFrom = "plot";
      shared.textContent = rules;
      document.head.appendChild(shared);
    }
    style.remove();
  }
  return node;
}
