// Installed into a page rendered by real Quarto (tests/harness/quarto_mode.py) so that the
// harness's driver can check it like its own pages: it numbers the slides and the {ojs} cells
// (data-harness-slide / data-harness-chunk, in document order) and provides
// window.__harness.{settled, snapshot, check} on top of Quarto's own runtime.
import {runChecks} from "./checks.js";

const chunkMap = window.__harnessChunkMap || [];
const leafSections = [...document.querySelectorAll(".reveal .slides section")]
  .filter(s => !s.querySelector("section"));
leafSections.forEach((s, i) => { s.dataset.harnessSlide = String(i); });
const cells = [...document.querySelectorAll("div.cell")].filter(c => c.querySelector('[id^="ojs-cell-"]'));
cells.forEach((c, i) => { if (i < chunkMap.length) c.dataset.harnessChunk = String(chunkMap[i]); });

let activity = 0;
new MutationObserver(() => { activity++; })
  .observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});

const frame = () => new Promise(requestAnimationFrame);
function quiet() {
  const connector = window._ojs && window._ojs.ojsConnector;
  if (!connector) return false;
  const runtime = connector.runtime;
  return runtime._computing === null && !document.querySelector(".observablehq--running")
    && !document.querySelector(".ojs-in-a-box-waiting-for-module-import");
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

function snapshot() {
  const records = [];
  for (const el of document.querySelectorAll(".observablehq--error")) {
    const cell = el.closest("[data-harness-chunk]");
    const callout = el.querySelector(".callout-important");
    records.push({chunk: cell ? Number(cell.dataset.harnessChunk) : null, statement: 0,
      name: "(output)", state: "rejected", updates: 0, importDisplay: false,
      error: (callout || el).textContent.trim().replace(/\s+/g, " ").slice(0, 300)});
  }
  const chunkErrors = [];
  for (const callout of document.querySelectorAll(".cell-output-display .callout-important")) {
    if (callout.closest(".observablehq--error")) continue;
    const cell = callout.closest("[data-harness-chunk]");
    chunkErrors.push({chunk: cell ? Number(cell.dataset.harnessChunk) : null,
      error: callout.textContent.trim().replace(/\s+/g, " ").slice(0, 300)});
  }
  return {records, chunkErrors, builtinLoads: [], importsResolved: []};
}

window.__harness = {settled, snapshot, check: runChecks, quarto: true,
  slideCount: leafSections.length, cellCount: cells.length};
