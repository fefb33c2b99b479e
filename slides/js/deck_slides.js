// When a slide is first shown, for the cells that should do nothing before then: a data cell
// fetches its file only once its slide (or one of its slides) has been on screen, so a cold
// load of the deck fetches and draws only what the first slide shows (issue 10).
//
//   //| output: false
//   spectrum_shown = first_shown("data-a-real-hessian-spectrum")
//   hessian_spectrum = load_table(FileAttachment("../data/hessian_spectrum.arrow"), {shown: spectrum_shown, ...})
//
// `first_shown` is a generator cell: false until one of the slides (the ids Quarto gives the
// slides' <section>s, from their titles) is shown, then true, once. It is true at once
//  * in print mode (?print-pdf): every slide is on paper;
//  * when the overview is opened: every slide is on screen as a thumbnail;
//  * outside a reveal.js page, and for an id that is no slide of the page (a renamed slide
//    must still show its data, only not lazily: a warning in the console says which id).
// Reached by a direct link (#/12), in the speaker view's frames or by the arrow keys, a slide
// is "shown" by reveal.js's `ready` and `slidechanged` events.

import {printing} from "./print_mode.js";

const shown_ids = new Set();
let everything_shown = false;
let listening = false;
const waiting = new Set(); // {ids, resolve}

function seen(ids) {
  return everything_shown || ids.some((id) => shown_ids.has(id));
}

function wake() {
  for (const waiter of [...waiting]) {
    if (seen(waiter.ids)) {
      waiting.delete(waiter);
      waiter.resolve(true);
    }
  }
}

function mark(slide) {
  if (slide && slide.id) shown_ids.add(slide.id);
  wake();
}

function listen(reveal) {
  if (listening) return;
  listening = true;
  reveal.on("ready", (event) => mark(event.currentSlide));
  reveal.on("slidechanged", (event) => mark(event.currentSlide));
  reveal.on("overviewshown", () => {
    everything_shown = true;
    wake();
  });
  if (reveal.isReady()) mark(reveal.getCurrentSlide());
}

function is_slide(id) {
  const element = globalThis.document?.getElementById(id);
  return Boolean(element && element.tagName === "SECTION");
}

export async function* first_shown(...slide_ids) {
  const reveal = globalThis.Reveal;
  if (!reveal || typeof reveal.on !== "function" || printing()) {
    yield true;
    return;
  }
  const unknown = slide_ids.filter((id) => !is_slide(id));
  if (unknown.length || slide_ids.length === 0) {
    console.warn(`first_shown: no slide with the id(s) ${unknown.join(", ") || "(none given)"}; loading at once.`);
    yield true;
    return;
  }
  listen(reveal);
  if (!seen(slide_ids)) {
    yield false;
    // Seen again: the slide may have been shown between the false and the runtime asking for the
    // next value (a frame later), e.g. when the cell was interpreted ahead of its slide
    // (deck_cells.js, while the browser was idle); a waiter added after that would wait forever.
    if (!seen(slide_ids)) await new Promise((resolve) => waiting.add({ids: slide_ids, resolve}));
  }
  yield true;
}
