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

// KaTeX puts an operator name in a script as two children, `<mi>max</mi><mo>&#x2061;</mo>`
// (\\lambda_{\\max}): an <msub> of three children, invalid MathML that Firefox reports at load
// ("Incorrect number of children for <msub/> tag") and a screen reader reads wrongly. The name
// and its function-application mark belong together: one <mrow> makes the script one child.
const SCRIPT_ARITY = {msub: 2, msup: 2, munder: 2, mover: 2, mfrac: 2, mroot: 2, msubsup: 3, munderover: 3};
const FUNCTION_APPLICATION = "\u2061";

function parse_mathml(xml) {
  const root = {children: []};
  const stack = [root];
  for (const [token] of xml.matchAll(/<[^>]+>|[^<]+/g)) {
    const top = stack[stack.length - 1];
    if (token.startsWith("</")) {
      top.close = token;
      stack.pop();
    } else if (token.startsWith("<") && !token.endsWith("/>")) {
      const node = {open: token, name: /^<([\w:-]+)/.exec(token)[1], children: []};
      top.children.push(node);
      stack.push(node);
    } else {
      top.children.push({text: token});
    }
  }
  return root;
}

const text_of = (node) => (node.text ?? "") + (node.children || []).map(text_of).join("");
const serialise = (node) => node.text ?? `${node.open ?? ""}${node.children.map(serialise).join("")}${node.close ?? ""}`;

function group_function_names(node) {
  if (!node.children) return;
  node.children.forEach(group_function_names);
  const arity = SCRIPT_ARITY[node.name];
  if (!arity || node.children.length <= arity) return;
  const children = [];
  for (const child of node.children) {
    const previous = children[children.length - 1];
    if (child.name === "mo" && text_of(child) === FUNCTION_APPLICATION && previous && previous.name !== undefined) {
      children[children.length - 1] = {open: "<mrow>", name: "mrow", children: [previous, child], close: "</mrow>"};
    } else {
      children.push(child);
    }
  }
  node.children = children;
}

function valid_scripts(html) {
  return html.replace(/<math[\s\S]*?<\/math>/g, (math) => {
    const tree = parse_mathml(math);
    group_function_names(tree);
    return serialise(tree);
  });
}

function render(tex, display) {
  try {
    return valid_scripts(katex.renderToString(tex, {displayMode: display, throwOnError: false, output: "htmlAndMathml"}));
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
