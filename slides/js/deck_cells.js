// A deck's {ojs} cells are handed to Quarto's OJS runtime when their slide is first shown, not all
// at load (issue 25: "the OJS runtime's evaluation of cells on slides not yet shown").
//
// Quarto's runtime reads every cell of the page from the page's `ojs-module-contents` script at
// load and interprets it: it parses the cell's source twice (once to split it into cells, once in
// its interpreter), builds its definition and runs it. For the 61 cells of Unit 6 that was about
// 420 ms of a 1.5 s cold load (CPU profile), for cells on slides nobody has seen yet. Here the
// runtime's `interpretFromScriptTags` is replaced: it interprets the deck's setup cells (those on
// the first slide that has cells) and the cells of the slide on screen at once, and the others
// when their slide is first shown (reveal.js's `ready` and `slidechanged`: a direct link, the arrow
// keys, the speaker view's frames), the next slide's when the browser is idle after a slide is
// shown, and all of them when the overview opens. In print mode (?print-pdf), outside reveal.js,
// in a Shiny document or with static `ojs-define` data, Quarto's own method runs unchanged.
//
// A cell that uses a name defined by a cell on another slide brings that cell with it: the names
// a cell defines are its top-level statements (`name = ...`, `viewof name = ...`, `function name`,
// `class name`, `import {a as name}`) written at the start of a line, as every cell of the deck
// writes them, and the names it uses are every identifier in its source (more than it uses, which
// only brings a cell early). A deck opts in with `include-after-body: lazy-cells.html` in its
// front matter (Unit 6 does): tests/test_lazy_loading.py opens every slide of it that has cells by
// a direct link and finds every cell run and none failing, which is what shows that the deck's
// cells keep to that way of writing definitions.
//
// Quarto also writes a quiet cell `shinyInput('name')` for every `viewof` (40 in Unit 6), which
// only a Shiny server reads; without Shiny, `shinyInput` is not even defined and each of those
// cells failed into a hidden inspector. They are left out when the page has no Shiny.

const NAME = "[A-Za-z_$][\\w$]*";
const DEFINITIONS = [
  new RegExp(`^(?:viewof\\s+|mutable\\s+)?(${NAME})\\s*=(?![=>])`, "gm"),
  new RegExp(`^(?:async\\s+)?function\\s*\\*?\\s*(${NAME})`, "gm"),
  new RegExp(`^class\\s+(${NAME})`, "gm"),
];
const IMPORT = /^import\s*\{([^}]*)\}/gm;
const IMPORTED = new RegExp(`^(?:viewof\\s+|mutable\\s+)?(${NAME})(?:\\s+as\\s+(?:viewof\\s+|mutable\\s+)?(${NAME}))?$`);
const IDENTIFIER = new RegExp(NAME, "g");
const SHINY_ONLY = /^\s*shinyInput\(\s*["'][^"']*["']\s*\)\s*$/;

/** The names a cell's source defines at its top level. */
export function cell_definitions(source) {
  const names = new Set();
  for (const pattern of DEFINITIONS) for (const [, name] of source.matchAll(pattern)) names.add(name);
  for (const [, list] of source.matchAll(IMPORT)) {
    for (const specifier of list.split(",")) {
      const match = IMPORTED.exec(specifier.trim());
      if (match) names.add(match[2] ?? match[1]);
    }
  }
  return names;
}

/** Every identifier in a cell's source: a superset of the names it uses. */
export function cell_references(source) {
  return new Set(source.match(IDENTIFIER) ?? []);
}

/** Whether a call of the page's module contents only feeds a Shiny server. */
export function shiny_only(call) {
  return call.methodName === "interpretQuiet" && SHINY_ONLY.test(call.source);
}

/**
 * The cells to interpret with `wanted` (indices into `calls`), given those already interpreted
 * (`done`, a Set of indices): `wanted` and every cell defining a name that one of them uses, and
 * so on, in the page's order.
 */
export function with_definers(calls, wanted, done = new Set()) {
  const definers = new Map();
  calls.forEach((call, index) => {
    if (!call.defines) call.defines = cell_definitions(call.source);
    for (const name of call.defines) {
      definers.set(name, [...(definers.get(name) ?? []), index]);
    }
  });
  const chosen = new Set();
  const queue = wanted.filter((index) => !done.has(index));
  while (queue.length) {
    const index = queue.pop();
    if (chosen.has(index) || done.has(index)) continue;
    chosen.add(index);
    const call = calls[index];
    if (!call.references) call.references = cell_references(call.source);
    for (const name of call.references) {
      for (const definer of definers.get(name) ?? []) {
        if (!chosen.has(definer) && !done.has(definer)) queue.push(definer);
      }
    }
  }
  return [...chosen].sort((a, b) => a - b);
}

function module_contents(document) {
  const calls = [];
  for (const script of document.querySelectorAll("script[type='ojs-module-contents']")) {
    const bytes = Uint8Array.from(atob(script.text.trim()), (ch) => ch.charCodeAt(0));
    calls.push(...JSON.parse(new TextDecoder().decode(bytes)).contents);
  }
  return calls;
}

function when_idle(callback) {
  if (typeof globalThis.requestIdleCallback === "function") globalThis.requestIdleCallback(callback, {timeout: 2000});
  else setTimeout(callback, 200);
}

/**
 * Replaces `runtime.interpretFromScriptTags` (Quarto's, `window._ojs.runtime`) so that the cells
 * of a reveal.js deck are interpreted when their slide is first shown. Returns true when
 * installed, false where Quarto's method is kept (no runtime, no reveal.js, print view).
 */
export function interpret_when_shown(runtime = globalThis._ojs?.runtime, reveal = globalThis.Reveal, document = globalThis.document) {
  if (!runtime || typeof runtime.interpretFromScriptTags !== "function" || !reveal || typeof reveal.on !== "function") {
    return false;
  }
  if (typeof reveal.isPrintView === "function" && reveal.isPrintView()) return false;
  const all_at_once = runtime.interpretFromScriptTags;
  runtime.interpretFromScriptTags = function () {
    if (globalThis._ojs?.hasShiny || globalThis._ojs?.isDashboard || document.querySelector("script[type='ojs-define']")) {
      return all_at_once.call(this);
    }
    const calls = module_contents(document).filter((call) => !shiny_only(call));
    // A call's output is the element named by its cellName, or, for a call of several cells,
    // `${cellName}-1`, `-2`, ... (Quarto's subfigure ids, handed out in the order the cells run).
    const output_of = (name) => (name ? (document.getElementById(name) ?? document.getElementById(`${name}-1`)) : null);
    const slide_of = calls.map((call) => output_of(call.cellName)?.closest("section") ?? null);
    const done = new Set();
    const interpret = (indices) => {
      const chosen = with_definers(calls, indices, done);
      if (!chosen.length) return;
      for (const index of chosen) {
        done.add(index);
        const {methodName, source, cellName, inline} = calls[index];
        if (methodName === "interpret") this.interpret(source, cellName, inline);
        else if (methodName === "interpretLenient") this.interpretLenient(source, cellName, inline);
        else if (methodName === "interpretQuiet") this.interpretQuiet(source);
        else throw new Error(`Don't know how to call method ${methodName}`);
      }
      // Quarto clears its "waiting for the imports" class when interpreting is finished; a
      // cell interpreted after the imports have arrived would keep it otherwise.
      this.finishInterpreting();
    };
    const cells_on = (slide) => calls.flatMap((_, index) => (slide && slide_of[index] === slide ? [index] : []));
    const first_with_cells = slide_of.find((slide) => slide !== null) ?? null;
    // Cells outside every slide, and the setup cells, at once.
    interpret(calls.flatMap((_, index) => (slide_of[index] === null || slide_of[index] === first_with_cells ? [index] : [])));

    const show = (slide) => {
      interpret(cells_on(slide));
      const slides = typeof reveal.getSlides === "function" ? reveal.getSlides() : [];
      const next = slides[slides.indexOf(slide) + 1];
      if (next && cells_on(next).some((index) => !done.has(index))) when_idle(() => interpret(cells_on(next)));
    };
    reveal.on("ready", (event) => show(event.currentSlide));
    reveal.on("slidechanged", (event) => show(event.currentSlide));
    reveal.on("overviewshown", () => interpret(calls.map((_, index) => index)));
    if (reveal.isReady()) show(reveal.getCurrentSlide());
  };
  return true;
}
