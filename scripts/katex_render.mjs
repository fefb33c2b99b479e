// Renders TeX formulas to HTML with KaTeX at build time (filters/katex_prerender.lua runs it
// once per document, so no page runs KaTeX's JavaScript at load for its static math; issue 10).
//
//   echo '[{"tex": "x^2", "display": false}]' | node scripts/katex_render.mjs
//
// Reads a JSON array of {tex, display} from stdin and writes a JSON array of HTML strings, one
// per formula, in the same order. The options are the ones Pandoc's KaTeX snippet (Quarto's
// html-math-method: katex) used in the browser: displayMode for display math, throwOnError
// false, no macros; KaTeX's default output, htmlAndMathml, keeps MathML for screen readers.
// A malformed formula becomes KaTeX's visible error (red source text, the message in its title;
// the Lua filter names it in a warning); the exit status is 0. KaTeX comes from node_modules (package-lock.json),
// the same version as vendor/katex/.
import katex from "katex";

function escape_html(text) {
  return text.replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})[c]);
}

function render(tex, display) {
  try {
    return katex.renderToString(tex, {displayMode: display, throwOnError: false, output: "htmlAndMathml"});
  } catch (error) {
    // throwOnError: false turns parse errors into katex-error spans; anything else lands here.
    const message = `KaTeX: ${error && error.message ? error.message : error}`;
    return `<span class="katex-error" title="${escape_html(message)}" style="color:#cc0000">${escape_html(tex)}</span>`;
  }
}

async function read_stdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

const formulas = JSON.parse(await read_stdin());
if (!Array.isArray(formulas)) throw new Error("katex_render.mjs: expected a JSON array of {tex, display}");
const out = formulas.map(({tex, display}) => {
  if (typeof tex !== "string") throw new Error(`katex_render.mjs: not a TeX string: ${JSON.stringify(tex)}`);
  return render(tex, Boolean(display));
});
process.stdout.write(JSON.stringify(out));
