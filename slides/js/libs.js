// The deck's only door to third-party code. Quarto's OJS standard library would fetch d3,
// Plot, Inputs, htl, md, tex and apache-arrow from CDNs at run time, which fails in a lecture
// hall without network. The first cells of every deck import these under other names and
// bind the builtin names to them with ordinary cells. (A plain `import {Plot, Inputs, md} from
// "./js/libs.js"` with `//| output: false` works as well with Quarto 1.7.34: the real render
// requests nothing from a CDN, see tests/harness/README.md, "What real Quarto showed".) An
// import cell whose output is shown is displayed with the `md` builtin: give it `output: false`.
//
//   //| output: false
//   import {Plot as vendored_Plot, Inputs as vendored_Inputs, md as vendored_md} from "./js/libs.js"
//
//   //| output: false
//   Plot = vendored_Plot
//   Inputs = vendored_Inputs
//   md = vendored_md
//
// Every import below is a static `import ... from` of a file in ../vendor/ (built by
// scripts/build_vendor.mjs from package-lock.json): Quarto's resource scanner follows exactly
// that form, and not `export * as X from`, when it copies files into _site. The exceptions are
// apache-arrow and KaTeX (below): they are imported dynamically, and _quarto.yml lists them under
// `resources:`.

import * as d3 from "../vendor/d3.js";
import * as vendored_Plot from "../vendor/plot.js";
import * as Inputs from "../vendor/inputs.js";
import * as htl from "../vendor/htl.js";
import {marked} from "../vendor/marked.js";
import {template} from "../vendor/observable_template.js";

// Plot puts a <style> element into every chart it makes (its `:where(.plot-d6a7b5) {...}` rules:
// display, max-width, white-space of text). A slider that redraws a chart therefore removed one
// stylesheet from the document and added another, and Chromium then rebuilt the style rules of
// the whole page before the next frame: on the deck (90 stylesheets, 1,300 rules) 6.8 ms per
// redrawn chart under a 4x CPU throttle against 0.1 ms for a chart without one (issue 25, a slow
// laptop). `hoist_styles` moves each distinct rule text once into the page's <head> and takes the
// copies out of the chart, so a redraw changes no stylesheet. The rules are scoped to Plot's class
// names and have no specificity (`:where`), so where they live does not change what they do.
const hoisted = new Set();

function hoist_styles(node) {
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

// Plot as published, except that its charts and legends keep no <style> of their own.
const Plot = Object.freeze({
  ...vendored_Plot,
  plot: (options) => hoist_styles(vendored_Plot.plot(options)),
  legend: (options) => hoist_styles(vendored_Plot.legend(options)),
});

// Observable's `md`: a tagged template whose interpolated DOM nodes (a plot, an input) are
// placed where they appear in the text; a single top-level element is returned unwrapped.
const md = template(
  (markdown) => {
    const root = document.createElement("div");
    root.innerHTML = marked.parse(markdown, {async: false, langPrefix: ""}).trim();
    return root;
  },
  () => document.createElement("div"),
);

// Observable's `tex`: tex`x^2` renders inline, tex.block`...` as display math. A malformed
// formula shows KaTeX's red source text instead of throwing, so a cell never goes blank.
// No page loads KaTeX at startup: the pages' math is rendered at build time
// (filters/katex_prerender.lua, issue 10). `tex` imports the vendored KaTeX module, once, the
// first time it renders a formula (`load_katex()`, which a cell may also await beforehand), and
// adds KaTeX's stylesheet if the page has none. Until the module has arrived `tex` returns a
// <span class="math inline|display"> holding the source, which KaTeX's output replaces (as
// Pandoc's markup did when the browser rendered the math); once it is there, KaTeX's own element.
// If it cannot load, the span keeps the source and becomes a `katex-error` that says why.
// Quarto's resource scanner does not follow the dynamic import(): _quarto.yml lists
// /slides/vendor/katex.js under `resources:`.
let katex = null;
let katex_loading = null;
function add_katex_css() {
  if (typeof document === "undefined" || document.querySelector('link[rel="stylesheet"][href$="katex.min.css"]')) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = new URL("../../vendor/katex/katex.min.css", import.meta.url).href;
  document.head.appendChild(link);
}
function load_katex() {
  if (!katex_loading) {
    katex_loading = import("../vendor/katex.js").then(
      (module) => {
        katex = module.katex;
        add_katex_css();
        return katex;
      },
      (error) => {
        katex_loading = null; // a later call tries again
        throw error;
      },
    );
  }
  return katex_loading;
}
function tex_renderer(options) {
  const settings = {throwOnError: false, ...options};
  return function (strings, ...values) {
    const source = String.raw(strings, ...values);
    if (katex) {
      const root = document.createElement("div");
      katex.render(source, root, settings);
      return root.removeChild(root.firstChild);
    }
    const span = document.createElement("span");
    span.className = settings.displayMode ? "math display" : "math inline";
    span.textContent = source;
    load_katex().then(
      (loaded) => {
        span.textContent = "";
        loaded.render(source, span, settings);
      },
      (error) => {
        span.classList.add("katex-error");
        span.title = `KaTeX could not be loaded: ${error && error.message ? error.message : error}`;
      },
    );
    return span;
  };
}
const tex = tex_renderer({});
tex.block = tex_renderer({displayMode: true});
tex.options = tex_renderer;

const html = htl.html;
const svg = htl.svg;

// apache-arrow (235 kB) is read only by the data slides, so it is not fetched with the page
// (issue 10): `load_arrow()` imports it, once, when the first data file is read (deck_data.js's
// load_table, i.e. when a data slide is first shown) and resolves to the module. `arrow` (and
// `Arrow`, the capitalised name of Observable's builtin) is an object that holds the library's
// exports from then on; before that it is empty. A cell that reads Arrow data itself awaits the
// loader:  table = (await load_arrow()).tableFromIPC(bytes)
// Quarto's resource scanner does not follow a dynamic import(): _quarto.yml lists
// /slides/vendor/arrow.js under `resources:`, so the file is in every site.
const arrow = {};
const Arrow = arrow;
let arrow_loading = null;
function load_arrow() {
  if (!arrow_loading) {
    arrow_loading = import("../vendor/arrow.js").then(
      (module) => {
        Object.freeze(Object.assign(arrow, module));
        return module;
      },
      (error) => {
        arrow_loading = null; // a later call tries again
        throw error;
      },
    );
  }
  return arrow_loading;
}

export {d3, Plot, Inputs, arrow, Arrow, load_arrow, htl, html, svg, md, tex, load_katex, marked};
