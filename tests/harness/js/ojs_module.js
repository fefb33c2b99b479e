// Parsing and compiling of {ojs} chunks, shared by the browser runtime
// (harness_runtime.js) and the resource scanner (scan_resources.mjs).
//
// Quarto parses every {ojs} chunk with the parser's `parseModule` (a chunk may
// hold several top-level statements, each one an Observable cell) and hands
// each cell's source text to its interpreter. @observablehq/parser 6 dropped
// `parseModule`, so ModuleParser below finds the cell boundaries with the
// parser's own CellParser, and every cell is then parsed again on its own with
// the public `parseCell`, exactly as Quarto's runner re-parses `src.slice(start, end)`.

import {CellParser, parseCell, walk} from "@observablehq/parser";
import {simple as walkSimple} from "acorn-walk";
import {tokTypes as tt} from "acorn";

class ModuleParser extends CellParser {
  parseTopLevel(node) {
    node.cells = [];
    while (this.type !== tt.eof) {
      const cell = this.parseCell(this.startNode());
      node.cells.push({start: cell.start, end: cell.end});
    }
    this.next();
    return this.finishNode(node, "Program");
  }
}

// -> [{start, end, source, cell}] one entry per Observable cell of the chunk.
export function parseChunk(source) {
  const program = ModuleParser.parse(source, {ecmaVersion: 13});
  return program.cells.map(({start, end}) => {
    const text = source.slice(start, end);
    return {start, end, source: text, cell: parseCell(text)};
  });
}

export function cellName(cell) {
  if (!cell.id) return null;
  if (cell.id.type === "Identifier") return cell.id.name;
  return cell.id.id.name; // ViewExpression / MutableExpression
}

export function cellKind(cell) {
  if (cell.body && cell.body.type === "ImportDeclaration") return "import";
  if (cell.id && cell.id.type === "ViewExpression") return "viewof";
  if (cell.id && cell.id.type === "MutableExpression") return "mutable";
  return "normal";
}

// Specifiers of an import cell, as the interpreter Quarto uses expands them:
// `viewof x` imports both "viewof x" and "x"; `mutable x` both "mutable x" and "x".
export function importSpecifiers(cell) {
  const out = [];
  for (const s of cell.body.specifiers || []) {
    if (s.view) out.push({name: `viewof ${s.imported.name}`, alias: `viewof ${s.local.name}`});
    else if (s.mutable) out.push({name: `mutable ${s.imported.name}`, alias: `mutable ${s.local.name}`});
    out.push({name: s.imported.name, alias: s.local.name});
  }
  return out;
}

export function importString(cell) {
  const specs = importSpecifiers(cell).map(s => `${s.name} as ${s.alias}`).join(", ");
  return `import {${specs}} from "${cell.body.source.value}"`;
}

const AsyncFunction = Object.getPrototypeOf(async function() {}).constructor;
const GeneratorFunction = Object.getPrototypeOf(function*() {}).constructor;
const AsyncGeneratorFunction = Object.getPrototypeOf(async function*() {}).constructor;

// Turn a parsed (non-import) cell into {name, inputs, definition}: the runtime
// variable's input names ("x", "viewof x", "mutable x") and a function taking
// one parameter per input. `viewof x` in the body becomes that input's value
// (the view element); `mutable x` becomes `.value` of the Mutable.
export function compileCell(cell, source) {
  const inputs = [];
  const params = [];
  const paramOf = new Map();
  const paramFor = (input) => {
    if (!paramOf.has(input)) {
      const param = input.includes(" ")
        ? `__ojs_${input.replace(" ", "_")}_${paramOf.size}`
        : input;
      paramOf.set(input, param);
      inputs.push(input);
      params.push(param);
    }
    return paramOf.get(input);
  };
  for (const ref of cell.references || []) {
    if (ref.type === "ViewExpression") paramFor(`viewof ${ref.id.name}`);
    else if (ref.type === "MutableExpression") paramFor(`mutable ${ref.id.name}`);
    else paramFor(ref.name);
  }
  const replacements = [];
  walkSimple(cell.body, {
    ViewExpression(node) {
      replacements.push({start: node.start, end: node.end, text: paramFor(`viewof ${node.id.name}`)});
    },
    MutableExpression(node) {
      replacements.push({start: node.start, end: node.end, text: `${paramFor(`mutable ${node.id.name}`)}.value`});
    }
  }, walk);
  replacements.sort((a, b) => b.start - a.start);
  let body = source.slice(cell.body.start, cell.body.end);
  for (const r of replacements) {
    body = body.slice(0, r.start - cell.body.start) + r.text + body.slice(r.end - cell.body.start);
  }
  const code = cell.body.type === "BlockStatement" ? body : `return (${body}\n)`;
  const Fn = cell.generator && cell.async ? AsyncGeneratorFunction
    : cell.async ? AsyncFunction
    : cell.generator ? GeneratorFunction
    : Function;
  return {name: cellName(cell), kind: cellKind(cell), inputs, definition: new Fn(...params, code)};
}

// String literals passed to FileAttachment(...) (Quarto copies only those).
export function literalFileAttachments(cell) {
  const out = [];
  if (!cell.body || cell.body.type === "ImportDeclaration") return out;
  walkSimple(cell.body, {
    CallExpression(node) {
      if (node.callee && node.callee.type === "Identifier" && node.callee.name === "FileAttachment"
          && node.arguments.length > 0 && node.arguments[0].type === "Literal") {
        out.push(node.arguments[0].value);
      }
    }
  }, walk);
  return out;
}
