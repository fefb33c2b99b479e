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
// that form, and not `export * as X from`, when it copies files into _site. The one exception is
// apache-arrow (below): it is imported dynamically, and _quarto.yml lists it under `resources:`.

import * as d3 from "../vendor/d3.js";
import * as Plot from "../vendor/plot.js";
import * as Inputs from "../vendor/inputs.js";
import * as htl from "../vendor/htl.js";
import {marked} from "../vendor/marked.js";
import {template} from "../vendor/observable_template.js";

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
// KaTeX is the page's own: every page of the site loads vendor/katex/katex.min.js for its math
// (html-math-method), so importing the ES build as well fetched the same library twice
// (262 kB of the deck's bytes on load, issue 10). Without it the formula is shown as source.
function tex_renderer(options) {
  return function (strings, ...values) {
    const source = String.raw(strings, ...values);
    const root = document.createElement("div");
    const katex = globalThis.katex;
    if (!katex || typeof katex.render !== "function") {
      const code = document.createElement("code");
      code.className = "katex-error";
      code.title = "KaTeX is not loaded on this page (html-math-method: katex)";
      code.textContent = source;
      return code;
    }
    katex.render(source, root, {throwOnError: false, ...options});
    return root.removeChild(root.firstChild);
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

export {d3, Plot, Inputs, arrow, Arrow, load_arrow, htl, html, svg, md, tex, marked};
