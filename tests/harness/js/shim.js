// Installed into a page that real Quarto rendered, once it has loaded. It names what the driver
// talks about and gives it window.__harness = {describe, settled, snapshot, check}:
//  - slides: the leaf <section>s of reveal.js in document order (data-harness-slide = index);
//  - cells: Quarto's {ojs} chunks, `div.cell` holding `#ojs-cell-N[-k]` outputs (data-harness-chunk
//    = N, Quarto's own chunk number); a `//| label:` becomes the id of the chunk's output div.
// On an HTML page (no reveal.js) the whole <main> is one "slide" with index 0.
import {runChecks} from "./checks.js";

const PLOT_CALL = /Plot\.plot\s*\(|\b\w+_plot\s*\(/;

const sections = document.querySelector(".reveal .slides")
  ? [...document.querySelectorAll(".reveal .slides section")].filter(s => !s.querySelector("section"))
  : [document.querySelector("main") || document.body];
sections.forEach((s, i) => { s.dataset.harnessSlide = String(i); });

const chunkNumber = cell => {
  const out = cell.querySelector('[id^="ojs-cell-"]');
  const m = out && /^ojs-cell-(\d+)/.exec(out.id);
  return m ? Number(m[1]) : null;
};
const cells = [...document.querySelectorAll("div.cell")].filter(c => chunkNumber(c) !== null);
for (const c of cells) c.dataset.harnessChunk = String(chunkNumber(c));

// Each chunk's source, from the script Quarto's OJS runtime runs (base64 JSON of {cellName,
// source}); the page carries no other copy of a cell that does not echo its code
// (filters/drop_hidden_cell_source.lua). A chunk of several cells (ojs-cell-N-k) joins them.
function chunkSources() {
  const sources = new Map();
  for (const script of document.querySelectorAll('script[type="ojs-module-contents"]')) {
    const bytes = Uint8Array.from(atob(script.textContent.trim()), ch => ch.charCodeAt(0));
    for (const {cellName, source} of JSON.parse(new TextDecoder().decode(bytes)).contents || []) {
      const m = /^ojs-cell-(\d+)/.exec(cellName || "");
      if (m) sources.set(Number(m[1]), [sources.get(Number(m[1])), source].filter(Boolean).join("\n"));
    }
  }
  return sources;
}

function describe() {
  const sources = chunkSources();
  const slides = sections.map((s, index) => {
    const heading = s.querySelector("h1, h2, h3");
    const title = s.id === "title-slide" ? "(title slide)" : (heading ? heading.textContent.trim() : "");
    return {index, title, id: s.id || ""};
  });
  const chunks = cells.map(c => {
    const labelled = [...c.querySelectorAll(".cell-output-display[id]")].find(d => !d.id.startsWith("ojs-cell-"));
    const code = c.querySelector(".cell-code code");
    const source = sources.get(Number(c.dataset.harnessChunk)) ?? (code ? code.textContent : "");
    const outputs = [...c.querySelectorAll('[id^="ojs-cell-"]')];
    const hidden = c.classList.contains("hidden") || outputs.every(o => o.closest(".hidden"));
    return {index: Number(c.dataset.harnessChunk), label: labelled ? labelled.id : "",
      slide: Number((c.closest("[data-harness-slide]") || {dataset: {harnessSlide: "-1"}}).dataset.harnessSlide),
      source, shows_output: !hidden, plot: !hidden && PLOT_CALL.test(source)};
  });
  return {slides, chunks, reveal: !!window.Reveal};
}

let activity = 0;
new MutationObserver(() => { activity++; })
  .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});

const frame = () => new Promise(requestAnimationFrame);
function quiet() {
  const connector = window._ojs && window._ojs.ojsConnector;
  if (!connector) return cells.length === 0;
  return connector.runtime._computing === null && !document.querySelector(".observablehq--running")
    // A cell whose module failed to load keeps the waiting class beside its error: it is done.
    && !document.querySelector(".ojs-in-a-box-waiting-for-module-import:not(.observablehq--error)");
}

async function settled(timeoutMs = 20000) {
  const started = performance.now();
  for (;;) {
    if (quiet()) {
      const before = activity;
      await frame();
      await frame();
      if (quiet() && before === activity) return {ok: true, at: performance.now()};
    } else {
      await new Promise(r => setTimeout(r, 10));
    }
    if (performance.now() - started > timeoutMs) {
      const pending = [...document.querySelectorAll(".observablehq--running")].map(el => {
        const cell = el.closest("[data-harness-chunk]");
        return {chunk: cell ? Number(cell.dataset.harnessChunk) : null, name: "(pending output)"};
      });
      return {ok: false, pending};
    }
  }
}

// Quarto shows a failed cell as an error callout in the cell's output.
function snapshot() {
  const errors = [];
  for (const callout of document.querySelectorAll(".cell-output-display .callout-important, .observablehq--error")) {
    if (callout.parentElement.closest(".callout-important, .observablehq--error")) continue;
    const cell = callout.closest("[data-harness-chunk]");
    const text = [...callout.querySelectorAll(".callout-title-container, .callout-body, pre")].map(e => e.textContent)
      .join(": ") || callout.textContent;
    errors.push({chunk: cell ? Number(cell.dataset.harnessChunk) : null,
      error: text.trim().replace(/\s+/g, " ").slice(0, 300)});
  }
  return {errors};
}

window.__harness = {describe, settled, snapshot, check: runChecks};
