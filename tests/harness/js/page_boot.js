// Slide text for the harness page when no real Quarto output is available: renders each
// slide's markdown (marked) and math ($...$, $$...$$ with KaTeX, as the deck's local KaTeX
// would), and installs a small stand-in for reveal.js's keyboard navigation.
//
// The stand-in reproduces the one reveal.js behaviour the keyboard check needs: a key press
// is ignored while focus is in an <input>/<textarea> or a contenteditable element (reveal.js
// keyboard.js does exactly this test), otherwise ArrowRight/PageDown/Space go to the next
// slide and "slidechanged" is emitted. It is not reveal.js: layout, fragments, scaling and
// the speaker view are not modelled (see tests/harness/README.md).
import {marked} from "marked";
import katex from "katex";

function renderMath(tex, displayMode) {
  return katex.renderToString(tex, {displayMode, throwOnError: false});
}

export function renderMarkdown(source) {
  const math = [];
  const keep = (tex, display) => `@@HARNESSMATH${math.push({tex, display}) - 1}@@`;
  let text = source.replace(/\$\$([\s\S]+?)\$\$/g, (_, tex) => keep(tex, true));
  // Pandoc's rule: the opening $ is followed by a non-space, the closing $ preceded by a
  // non-space and not followed by a digit.
  text = text.replace(/(^|[^\\$])\$(?!\s)((?:\\.|[^$\\\n])+?)(?<!\s)\$(?!\d)/g, (_, pre, tex) => pre + keep(tex, false));
  let html = marked.parse(text, {async: false});
  html = html.replace(/@@HARNESSMATH(\d+)@@/g, (_, i) => renderMath(math[i].tex, math[i].display));
  return html;
}

for (const script of document.querySelectorAll("script.harness-md")) {
  const div = document.createElement("div");
  div.className = "harness-md";
  div.innerHTML = renderMarkdown(script.textContent);
  script.replaceWith(div);
}

if (window.Reveal && typeof window.Reveal.layout === "function" && window.Reveal.isReady && window.Reveal.isReady()) {
  window.Reveal.layout(); // the slide text arrived after reveal.js laid the slides out
} else if (window.Reveal && typeof window.Reveal.on === "function") {
  window.Reveal.on("ready", () => window.Reveal.layout());
}

if (!window.Reveal) installStandIn();

function installStandIn() {
  const slides = Array.from(document.querySelectorAll("section[data-harness-slide]"));
  const listeners = new Map();
  let index = 0;
  function emit(type, detail) {
    for (const fn of listeners.get(type) || []) fn({type, ...detail});
  }
  const Reveal = {
    isHarnessStandIn: true,
    on(type, fn) { if (!listeners.has(type)) listeners.set(type, []); listeners.get(type).push(fn); },
    off(type, fn) { listeners.set(type, (listeners.get(type) || []).filter(f => f !== fn)); },
    getIndices(slide) { return {h: slide ? Math.max(0, slides.indexOf(slide)) : index, v: 0}; },
    getCurrentSlide() { return slides[index]; },
    getTotalSlides() { return slides.length; },
    isReady() { return true; },
    slide(h, v) {
      const previous = slides[index];
      index = Math.max(0, Math.min(slides.length - 1, h));
      emit("slidechanged", {previousSlide: previous, currentSlide: slides[index], indexh: index, indexv: 0});
    },
    next() { this.slide(index + 1); },
    prev() { this.slide(index - 1); }
  };
  window.Reveal = Reveal;
  document.addEventListener("keydown", (event) => {
    const active = document.activeElement;
    if (active && (active.isContentEditable === true || (active.tagName && /input|textarea/i.test(active.tagName)))) return;
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (["ArrowRight", "PageDown", " ", "ArrowDown"].includes(event.key)) {
      event.preventDefault();
      Reveal.next();
    } else if (["ArrowLeft", "PageUp", "ArrowUp"].includes(event.key)) {
      event.preventDefault();
      Reveal.prev();
    }
  });
}
