// The harness's stand-in for Quarto's OJS runtime (site_libs/quarto-ojs/quarto-ojs-runtime.js).
//
// It mirrors what Quarto's runtime does (quarto-cli src/resources/formats/html/ojs/:
// quarto-ojs.js, ojs-connector.js and the bundled unofficial-observablehq-compiler):
//  - one Runtime, one main module; every statement of every {ojs} chunk is a variable of it;
//  - the standard library is @observablehq/stdlib's Library: d3, Plot, Inputs, htl, md, tex,
//    Arrow, FileAttachment(...).arrow() ... are fetched from cdn.jsdelivr.net /
//    cdn.observableusercontent.com at run time, so offline they fail as in the lecture hall;
//  - `width` follows the <main> element, FileAttachment names are resolved like Quarto
//    ("/x" -> docToRoot + "/x", anything else relative to the page);
//  - imports: "./x.js" is import()ed as `${runtimeToDoc}/./x.js`, "/x.js" as
//    `${runtimeToRoot}//x.js`, relative to THIS file, which is served where Quarto puts its
//    runtime (site_libs/quarto-ojs/), so dynamic import() inside a cell resolves as in Quarto;
//    each ES module export becomes a variable; an import cell is displayed with the `md`
//    builtin (hidden afterwards), as Quarto's interpreter does;
//  - cell functions are bound to an interpreter object (not to the previous value).
//
// On top of that it records, for the test driver, the state of every variable, which chunk and
// statement it belongs to, and which CDN-loading builtins were asked for.

import {Runtime} from "@observablehq/runtime";
import {Inspector} from "@observablehq/inspector";
import {Library, FileAttachments} from "@observablehq/stdlib";
import {parseChunk, compileCell, importSpecifiers, importString} from "./ojs_module.js";
import {runChecks} from "./checks.js";

const paths = window._ojs_paths || {runtimeToDoc: "", runtimeToRoot: "", docToRoot: ""};

const state = {
  started: performance.now(),
  records: [],          // one per runtime variable we observe
  chunkErrors: [],      // syntax errors, failed imports
  builtinLoads: [],     // CDN-backed builtins that were computed
  importsResolved: [],  // when each import cell's module arrived
  activity: 0,          // bumps on every observer event
  outstandingImports: 0,
  ready: false
};

// ---------------------------------------------------------------------------------------------
// Library, as Quarto's createRuntime() sets it up.

const lib = new Library();
const mainEl = document.querySelector("main");
lib.width = function width() {
  return lib.Generators.observe(function(change) {
    let w = change(mainEl.clientWidth);
    function resized() {
      const v = mainEl.clientWidth;
      if (v !== w) change((w = v));
    }
    window.addEventListener("resize", resized);
    return () => window.removeEventListener("resize", resized);
  });
};
function fileAttachmentPathResolver(n) {
  if (n.startsWith("/")) {
    return paths.docToRoot === "" ? `.${n}` : `${paths.docToRoot}${n}`;
  }
  return n;
}
lib.FileAttachment = () => FileAttachments(fileAttachmentPathResolver);

// Record which builtins that load code from a CDN get computed (diagnostics only: the failure
// itself is the aborted request and the rejected variable).
const CDN_BUILTINS = ["d3", "Plot", "Inputs", "htl", "md", "tex", "Arrow", "aq", "_", "topojson",
  "vl", "dot", "L", "mermaid", "SQLite", "DuckDBClient"];
for (const name of CDN_BUILTINS) {
  const original = lib[name];
  if (typeof original !== "function") continue;
  lib[name] = function() {
    state.builtinLoads.push({name, at: performance.now() - state.started});
    return original.apply(this, arguments);
  };
}

// Quarto's runtime (an older @observablehq/runtime) reports a name that is neither a cell, a
// builtin nor a window property as "x is not defined"; runtime 6 does that with its default
// global lookup, so none is passed here.
const runtime = new Runtime(lib);
const main = runtime.module();
const interpreterThis = {}; // Quarto binds cell functions to its Interpreter object.

// ---------------------------------------------------------------------------------------------
// Observers

function makeObserver(record, element) {
  const inspector = element ? new Inspector(element) : null;
  return {
    pending() {
      record.state = "pending";
      state.activity++;
      if (inspector) inspector.pending();
    },
    fulfilled(value, name) {
      record.state = "fulfilled";
      record.error = null;
      record.updates++;
      state.activity++;
      if (inspector) inspector.fulfilled(value, name);
      if (element) {
        // Quarto hides the inspected (non-DOM) value of declarations unless `output: all`.
        const isNode = value instanceof Node;
        element.classList.toggle("quarto-ojs-hide", record.hide || (!isNode && record.declaration && !record.outputAll));
      }
    },
    rejected(error, name) {
      record.state = "rejected";
      record.error = describeError(error);
      state.activity++;
      if (inspector) inspector.rejected(error, name);
      if (element) element.classList.toggle("quarto-ojs-hide", false);
    }
  };
}

function describeError(error) {
  if (error == null) return String(error);
  if (error instanceof Error || (error.name && error.message)) return `${error.name}: ${error.message}`;
  if (error instanceof Event) return `${error.type} event (${error.target && (error.target.src || error.target.href) || "?"})`;
  return String(error);
}

function newRecord(chunk, statement, name, extra = {}) {
  const record = {chunk: chunk.index, statement, name, state: "new", error: null, updates: 0,
    declaration: false, outputAll: chunk.outputAll, hide: false, ...extra};
  state.records.push(record);
  return record;
}

function observe(chunk, statement, target, name, extra) {
  const record = newRecord(chunk, statement, name, extra);
  const element = document.createElement("div");
  target.appendChild(element);
  return {record, observer: makeObserver(record, element)};
}

// ---------------------------------------------------------------------------------------------
// Imports, as Quarto's importPathResolver (non-self-contained) does them.

function es6ImportAsObservableModule(m) {
  return function(runtime) {
    const module = runtime.module();
    for (const key of Object.keys(m)) {
      const v = m[key];
      module.variable().define(key, [], () => v);
    }
    return module;
  };
}

async function resolveImportPath(path) {
  const isLocalModule = path.startsWith("/") || path.startsWith(".");
  const fromObservable = /^https:\/\/(api\.|beta\.|)observablehq\.com\//i.test(path);
  if (!isLocalModule || fromObservable) {
    // Quarto defers to observablehq.com's API for notebook imports: offline this fails.
    let source = path.replace(/\.js(\?|$)/i, "");
    if (/^[0-9a-f]{16}$/i.test(source)) source = `d/${source}`;
    source = source.replace(/^https:\/\/(api\.|beta\.|)observablehq\.com\//i, "");
    const m = await import(`https://api.observablehq.com/${source}.js?v=3`);
    return m.default;
  }
  const resourceURL = new URL(path, window.location);
  const match = resourceURL.pathname.match(/\.(ojs|js|qmd)$/);
  if (!match) throw new Error(`import of "${path}": Quarto only imports .js, .ojs and .qmd files`);
  const moduleType = match[1];
  const importPath = path.startsWith("/")
    ? (paths.runtimeToRoot ? `${paths.runtimeToRoot}/${path}` : path)
    : (paths.runtimeToDoc ? `${paths.runtimeToDoc}/${path}` : path);
  const fetchPath = path.startsWith("/")
    ? (paths.docToRoot ? `${paths.docToRoot}/${path}` : path)
    : path;
  if (moduleType === "js") {
    try {
      return es6ImportAsObservableModule(await import(importPath));
    } catch (e) {
      console.error(e); // Quarto logs it too
      throw e;
    }
  }
  if (moduleType === "ojs") {
    const source = await (await fetch(fetchPath)).text();
    return function(runtime) {
      const module = runtime.module();
      for (const part of parseChunk(source)) defineCell(null, 0, part, module, null);
      return module;
    };
  }
  throw new Error(`import of "${path}": .qmd imports are not supported by the test harness`);
}

// ---------------------------------------------------------------------------------------------
// Cells

function defineCell(chunk, statement, part, module, target) {
  const {cell, source} = part;
  const quiet = chunk === null;
  const obs = (name, extra) => quiet ? {observer: undefined} : observe(chunk, statement, target, name, extra);
  if (cell.body && cell.body.type === "ImportDeclaration") {
    state.outstandingImports++;
    return resolveImportPath(cell.body.source.value).then((define) => {
      const other = module._runtime.module(define);
      // Quarto's interpreter shows an import as markdown (hidden by a MutationObserver later):
      // this needs the `md` builtin, i.e. the CDN, unless `md` is shadowed.
      const display = obs(`import display`, {hide: true, importDisplay: true});
      module.variable(display.observer).define(null, ["md"], md => md`~~~javascript
  ${importString(cell)}
  ~~~`);
      for (const {name, alias} of importSpecifiers(cell)) module.import(name, alias, other);
      if (module === main) {
        state.importsResolved.push({path: cell.body.source.value, at: performance.now() - state.started,
          names: importSpecifiers(cell).map(s => s.alias)});
      }
    }).finally(() => { state.outstandingImports--; });
  }
  const compiled = compileCell(cell, source);
  const fn = compiled.definition.bind(interpreterThis);
  if (compiled.kind === "viewof") {
    const view = obs(`viewof ${compiled.name}`, {declaration: true});
    module.variable(view.observer).define(`viewof ${compiled.name}`, compiled.inputs, fn);
    const value = obs(compiled.name, {declaration: true, hide: true});
    module.variable(value.observer).define(compiled.name, ["Generators", `viewof ${compiled.name}`], (G, _) => G.input(_));
  } else if (compiled.kind === "mutable") {
    module.variable(null).define(`initial ${compiled.name}`, compiled.inputs, fn);
    const m = obs(`mutable ${compiled.name}`, {declaration: true});
    module.variable(m.observer).define(`mutable ${compiled.name}`, ["Mutable", `initial ${compiled.name}`], (M, _) => new M(_));
    const value = obs(compiled.name, {declaration: true, hide: true});
    module.variable(value.observer).define(compiled.name, [`mutable ${compiled.name}`], _ => _.generator);
  } else {
    const v = obs(compiled.name || "(anonymous)", {declaration: compiled.name !== null});
    module.variable(v.observer).define(compiled.name, compiled.inputs, fn);
  }
  return Promise.resolve();
}

function interpretChunk(chunk) {
  const display = document.getElementById(`ojs-cell-${chunk.index}`);
  let parts;
  try {
    parts = parseChunk(chunk.source);
  } catch (error) {
    state.chunkErrors.push({chunk: chunk.index, error: `SyntaxError: ${error.message}`});
    if (display) display.textContent = `SyntaxError: ${error.message}`;
    return Promise.resolve();
  }
  // Several statements in one chunk: Quarto gives each its own output block, stacked.
  const targets = [];
  if (parts.length <= 1 || !display) {
    targets.push(display);
  } else {
    const outer = display.parentElement;
    for (let i = 0; i < parts.length; i++) {
      const wrapper = document.createElement("div");
      wrapper.className = outer.className;
      const inner = document.createElement("div");
      inner.id = `ojs-cell-${chunk.index}-${i + 1}`;
      wrapper.appendChild(inner);
      outer.parentElement.insertBefore(wrapper, outer);
      targets.push(inner);
    }
    outer.remove();
  }
  return Promise.all(parts.map((part, i) => {
    let p;
    try {
      p = defineCell(chunk, i, part, main, targets[i] || display);
    } catch (error) {
      p = Promise.reject(error);
    }
    return p.catch((error) => {
      state.chunkErrors.push({chunk: chunk.index, statement: i, error: describeError(error)});
      const box = document.createElement("div");
      box.className = "harness-import-error";
      box.textContent = describeError(error);
      (targets[i] || display || document.body).appendChild(box);
    });
  }));
}

// ---------------------------------------------------------------------------------------------
// Settling: no variable pending, no computation scheduled, no import outstanding, and that
// stays so across two animation frames.

const frame = () => new Promise(requestAnimationFrame);

function quiet() {
  return state.ready && runtime._computing === null && runtime._precomputes.length === 0
    && state.outstandingImports === 0 && !state.records.some(r => r.state === "pending");
}

async function settled(timeoutMs = 20000) {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (quiet()) {
      const activity = state.activity;
      await frame();
      await frame();
      // `at`: ms since navigation start (the page's cold-load time when called right after load)
      if (quiet() && activity === state.activity) return {ok: true, at: performance.now()};
    } else {
      await new Promise(r => setTimeout(r, 5));
    }
    if (performance.now() > deadline) {
      return {ok: false, pending: state.records.filter(r => r.state === "pending").map(r => ({chunk: r.chunk, name: r.name}))};
    }
  }
}

function snapshot() {
  return {
    records: state.records.map(({chunk, statement, name, state, error, updates, importDisplay}) =>
      ({chunk, statement, name, state, error, updates, importDisplay: !!importDisplay})),
    chunkErrors: state.chunkErrors.slice(),
    builtinLoads: state.builtinLoads.slice(),
    importsResolved: state.importsResolved.slice()
  };
}

window.__harness = {state, settled, snapshot, runtime, main, check: runChecks};

// ---------------------------------------------------------------------------------------------
// Start, as interpretFromScriptTags() does.

const chunks = [];
for (const el of document.querySelectorAll("script[type='ojs-module-contents']")) {
  for (const call of JSON.parse(el.text).contents) chunks.push(call);
}
state.ready = true;
for (const call of chunks) {
  interpretChunk({index: call.index, source: call.source, outputAll: !!call.outputAll});
}
