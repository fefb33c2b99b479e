// What Quarto would copy into _site for one document's {ojs} chunks, following Quarto's
// resource scanner (quarto-cli src/execute/ojs/extract-resources.ts):
//  - local imports ("./x", "../x", "/x") of the chunks, then, transitively, of every imported
//    .js file: `import ... from` and `export {...} from` only (not `export * from`, not
//    `export * as X from`, not dynamic import()); each .js is parsed with acorn as ES2020 and a
//    file that does not parse is not followed;
//  - string-literal FileAttachment("...") arguments: relative ones from the document's folder;
//    root-absolute ones Quarto looks for beside the document (dirname(doc) + "." + name), so
//    they are copied only if such a file exists there.
// stdin: {"projectRoot": "...", "doc": "...", "chunks": ["src", ...]}
// stdout: {"imports": [{file, from, exists}], "attachments": [{name, file, copied}],
//          "problems": [{kind, file, message}]}
import fs from "node:fs";
import path from "node:path";
import {parse} from "acorn";
import {parseChunk, literalFileAttachments} from "./ojs_module.js";

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const {projectRoot, doc, chunks} = input;
const docDir = path.dirname(doc);
const imports = [];
const attachments = [];
const problems = [];
const seen = new Set();
const queue = [];

function isLocal(source) {
  return typeof source === "string" && (source.startsWith("/") || source.startsWith("."));
}
function resolveFrom(dir, source) {
  return source.startsWith("/") ? path.resolve(projectRoot, "." + source) : path.resolve(dir, source);
}
function enqueue(file, from) {
  if (seen.has(file)) return;
  seen.add(file);
  const exists = fs.existsSync(file);
  imports.push({file, from, exists});
  if (!exists) {
    problems.push({kind: "missing-import", file, message: `OJS dependency ${path.relative(projectRoot, file)} (from ${path.relative(projectRoot, from)}) not found: quarto render fails`});
  } else if (file.endsWith(".js")) {
    queue.push(file);
  }
}

for (const source of chunks) {
  let parts;
  try {
    parts = parseChunk(source);
  } catch (e) {
    continue; // Quarto renders a syntax error box; the browser check reports it.
  }
  for (const {cell} of parts) {
    if (cell.body && cell.body.type === "ImportDeclaration" && isLocal(cell.body.source.value)) {
      enqueue(resolveFrom(docDir, cell.body.source.value), doc);
    }
    for (const name of literalFileAttachments(cell)) {
      const file = name.startsWith("/") ? path.resolve(docDir, "." + name) : path.resolve(docDir, name);
      attachments.push({name, file, copied: fs.existsSync(file)});
    }
  }
}

while (queue.length) {
  const file = queue.shift();
  let ast;
  try {
    ast = parse(fs.readFileSync(file, "utf8"), {ecmaVersion: 2020, sourceType: "module"});
  } catch (e) {
    problems.push({kind: "unparsable-module", file, message: `Quarto's resource scanner parses ${path.relative(projectRoot, file)} as ES2020 and fails (${e.message}): the files it imports are not copied into _site`});
    continue;
  }
  for (const node of ast.body) {
    const source = node.source && node.source.value;
    if ((node.type === "ImportDeclaration" || node.type === "ExportNamedDeclaration") && isLocal(source)) {
      enqueue(resolveFrom(path.dirname(file), source), file);
    }
  }
}

process.stdout.write(JSON.stringify({imports, attachments, problems}));
