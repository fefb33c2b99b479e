// In-page checks on what the cells drew. Each returns issues {kind, chunk, slide, message};
// the Python side adds the cell/slide names and decides what fails.
//
// Definitions (documented in tests/harness/README.md):
//  - mark: an SVG path/circle/rect/line/polyline/polygon/ellipse/image that is not part of an
//    axis, tick, grid or frame (Plot labels those groups with aria-label) and has geometry;
//  - far outside: a mark's box, in the coordinates of its <svg>, reaches more than
//    FAR_FACTOR plot widths (heights) beyond the plot's left/right (top/bottom) edge, or any
//    coordinate in its geometry attributes exceeds HUGE_COORDINATE in magnitude;
//  - overflow: the union of the slide's cell outputs is larger than the slide (1050x700 by
//    default) by more than OVERFLOW_TOLERANCE px; overflow-layout: any element of the slide,
//    as laid out on this page, reaches beyond the slide box. Clipping containers are measured
//    themselves, their content is not. A `.scrollable` slide too (Quarto makes the references
//    slide one): the handout prints one page per slide, so what needs scrolling is cut there.

export const FAR_FACTOR = 3;
export const HUGE_COORDINATE = 1e6;
export const OVERFLOW_TOLERANCE = 1;

const SCRIPT_ARITY = {msub: 2, msup: 2, munder: 2, mover: 2, mfrac: 2, mroot: 2, msubsup: 3, munderover: 3};
const PRIMITIVES = "path, circle, rect, line, polyline, polygon, ellipse, image";
const NON_MARK_LABEL = /axis|tick|grid|frame|legend|swatch/i;
const GEOMETRY_ATTRIBUTES = ["d", "points", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry",
  "width", "height", "transform"];
const NUMBER = /[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/g;

function chunkOf(element) {
  const cell = element.closest("[data-harness-chunk]");
  return cell ? Number(cell.dataset.harnessChunk) : null;
}

function slideOf(element) {
  const section = element.closest("[data-harness-slide]");
  return section ? Number(section.dataset.harnessSlide) : null;
}

function isNonMark(element, svg) {
  for (let e = element; e && e !== svg; e = e.parentElement) {
    const label = e.getAttribute && e.getAttribute("aria-label");
    if (label && NON_MARK_LABEL.test(label)) return true;
    if (e.tagName && e.tagName.toLowerCase() === "defs") return true;
    if (e.tagName && /^(clippath|mask|pattern|marker|symbol)$/i.test(e.tagName)) return true;
  }
  return false;
}

function hasGeometry(element) {
  const tag = element.tagName.toLowerCase();
  if (tag === "path") return /\d/.test(element.getAttribute("d") || "");
  if (tag === "polyline" || tag === "polygon") return /\d/.test(element.getAttribute("points") || "");
  return true;
}

function markLabel(element, svg) {
  for (let e = element; e && e !== svg; e = e.parentElement) {
    const label = e.getAttribute && e.getAttribute("aria-label");
    if (label) return label;
  }
  return element.tagName.toLowerCase();
}

function svgSize(svg) {
  const vb = svg.viewBox && svg.viewBox.baseVal;
  if (vb && vb.width > 0 && vb.height > 0) return {x: vb.x, y: vb.y, width: vb.width, height: vb.height};
  const r = svg.getBoundingClientRect();
  return {x: 0, y: 0, width: r.width, height: r.height};
}

function describeNumber(v) {
  return Math.abs(v) >= 1e6 ? v.toExponential(2) : String(Math.round(v));
}

function checkSvg(svg, issues, base) {
  // Nested svgs are checked with their own box.
  if (svg.parentElement && svg.parentElement.closest("svg")) return {marks: 0};
  const area = svgSize(svg);
  let marks = 0;
  let badAttributes = 0, far = 0;
  const svgCTM = svg.getScreenCTM();
  for (const el of svg.querySelectorAll("*")) {
    // NaN / Infinity in any attribute that is not a label.
    for (const attr of el.attributes) {
      if (/^(aria-|data-|class$|id$)/.test(attr.name)) continue;
      if (/NaN|Infinity/.test(attr.value)) {
        if (badAttributes++ < 3) {
          issues.push({...base, kind: "nan", message:
            `SVG <${el.tagName.toLowerCase()} ${attr.name}="${attr.value.slice(0, 60)}"> (${markLabel(el, svg)}) contains NaN/Infinity`});
        }
      }
    }
    if (el.tagName.toLowerCase() === "text" && /(?<![A-Za-z])NaN(?![a-z])|Infinity/.test(el.textContent) && badAttributes++ < 3) {
      issues.push({...base, kind: "nan", message: `SVG text "${el.textContent.slice(0, 60)}" shows NaN/Infinity`});
    }
    if (!el.matches(PRIMITIVES) || isNonMark(el, svg) || !hasGeometry(el)) continue;
    marks++;
    // Far outside the plot area.
    let message = null;
    for (const name of GEOMETRY_ATTRIBUTES) {
      const value = el.getAttribute(name);
      if (!value) continue;
      for (const m of value.match(NUMBER) || []) {
        if (Math.abs(Number(m)) > HUGE_COORDINATE) {
          message = `${name} has coordinate ${describeNumber(Number(m))}`;
          break;
        }
      }
      if (message) break;
    }
    if (!message && svgCTM) {
      let box;
      try { box = el.getBBox(); } catch (e) { box = null; }
      const ctm = el.getScreenCTM();
      if (box && ctm && (box.width > 0 || box.height > 0 || box.x !== 0 || box.y !== 0)) {
        const m = svgCTM.inverse().multiply(ctm);
        const corners = [[box.x, box.y], [box.x + box.width, box.y], [box.x, box.y + box.height],
          [box.x + box.width, box.y + box.height]].map(([x, y]) => ({x: m.a * x + m.c * y + m.e, y: m.b * x + m.d * y + m.f}));
        // Back into viewBox units.
        const sx = area.width / (svg.getBoundingClientRect().width || area.width);
        const sy = area.height / (svg.getBoundingClientRect().height || area.height);
        for (const c of corners) {
          const x = area.x + c.x * sx, y = area.y + c.y * sy;
          if (!isFinite(x) || !isFinite(y)
              || x < area.x - FAR_FACTOR * area.width || x > area.x + (1 + FAR_FACTOR) * area.width
              || y < area.y - FAR_FACTOR * area.height || y > area.y + (1 + FAR_FACTOR) * area.height) {
            message = `reaches (${describeNumber(x)}, ${describeNumber(y)}) in a ${Math.round(area.width)}x${Math.round(area.height)} plot`;
            break;
          }
        }
      }
    }
    if (message && far++ < 3) {
      issues.push({...base, kind: "far", message: `mark "${markLabel(el, svg)}" drawn far outside its plot area: ${message}`});
    }
  }
  return {marks};
}

function visible(element) {
  if (element.closest(".quarto-ojs-hide, .hidden")) return false;
  const style = getComputedStyle(element);
  return style.display !== "none" && style.visibility !== "hidden";
}

function scope(slide) {
  if (slide === null || slide === undefined) return document;
  return document.querySelector(`[data-harness-slide="${slide}"]`) || document.createElement("div");
}

export function checkOutputs(plotChunks, slide = null) {
  const issues = [];
  const plotSet = new Set(plotChunks);
  const root = scope(slide);
  for (const cell of root.querySelectorAll("[data-harness-chunk]")) {
    const chunk = Number(cell.dataset.harnessChunk);
    const base = {chunk, slide: slideOf(cell)};
    let marks = 0, svgs = 0;
    for (const svg of cell.querySelectorAll("svg")) {
      if (!visible(svg)) continue;
      svgs++;
      marks += checkSvg(svg, issues, base).marks;
    }
    if (plotSet.has(chunk) && svgs === 0) {
      issues.push({...base, kind: "no-svg", message: "plot cell rendered no SVG"});
    } else if ((plotSet.has(chunk) || svgs > 0) && marks === 0) {
      issues.push({...base, kind: "no-marks", message: "plot has no SVG marks (only axes or nothing)"});
    }
    // A readout that shows NaN (outside the inspector of hidden values).
    for (const el of cell.querySelectorAll("*")) {
      if (el.closest("svg") || el.closest(".observablehq--inspect") || !visible(el)) continue;
      for (const node of el.childNodes) {
        if (node.nodeType === 3 && /(?<![A-Za-z])NaN(?![a-z])/.test(node.textContent)) {
          issues.push({...base, kind: "nan", message: `text "${node.textContent.trim().slice(0, 60)}" shows NaN`});
          break;
        }
      }
    }
  }
  // TeX that no math renderer turned into math (a CDN that did not load, a wrong math setting).
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest("code, pre, script, style, .katex, .cell-code, aside.notes, .hidden") || !visible(parent)) continue;
    if (/\\\(|\\\[|\$\$|\\(frac|lambda|eta|nabla|theta)\b/.test(node.textContent)) {
      issues.push({chunk: chunkOf(parent), slide: slideOf(parent), kind: "math",
        message: `raw TeX on the page (math not rendered): "${node.textContent.trim().slice(0, 60)}"`});
      break;
    }
  }
  // MathML a browser refuses (Firefox: "Incorrect number of children for <msub/> tag"): what a
  // screen reader reads. Checked by structure, so every engine fails it, not only Gecko.
  for (const script of root.querySelectorAll(Object.keys(SCRIPT_ARITY).join(", "))) {
    const arity = SCRIPT_ARITY[script.localName];
    if (script.children.length !== arity) {
      const tex = script.closest("math")?.querySelector("annotation")?.textContent ?? "";
      issues.push({chunk: chunkOf(script), slide: slideOf(script), kind: "math",
        message: `invalid MathML: <${script.localName}> has ${script.children.length} children, not ${arity} (${tex.slice(0, 80)})`});
    }
  }
  for (const err of root.querySelectorAll(".katex-error")) {
    issues.push({chunk: chunkOf(err), slide: slideOf(err), kind: "math",
      message: `KaTeX error: ${(err.getAttribute("title") || err.textContent).slice(0, 120)}`});
  }
  return issues;
}

function clips(style) {
  return /(hidden|auto|scroll|clip)/.test(style.overflowX + " " + style.overflowY);
}

// The slide's box in client coordinates and its scale: reveal.js lays every slide out in its
// .slides container (width x height logical px) and scales that container to the window.
function slideBox(section, width) {
  const r = document.querySelector(".reveal .slides").getBoundingClientRect();
  return {left: r.left, top: r.top, scale: r.width / width || 1};
}

export function checkOverflow(width, height, slide = null) {
  const issues = [];
  const sections = slide === null || slide === undefined
    ? document.querySelectorAll("section[data-harness-slide]")
    : [scope(slide)].filter(s => s.matches && s.matches("section"));
  for (const section of sections) {
    const box = slideBox(section, width);
    const rects = [];
    const visit = (element) => {
      for (const child of element.children) {
        const style = getComputedStyle(child);
        if (style.display === "none" || style.visibility === "hidden" || style.position === "fixed") continue;
        const r = child.getBoundingClientRect();
        if (r.width > 0 && r.height > 0) {
          rects.push({element: child, chunk: chunkOf(child),
            right: (r.right - box.left) / box.scale, bottom: (r.bottom - box.top) / box.scale,
            left: (r.left - box.left) / box.scale, top: (r.top - box.top) / box.scale});
        }
        if (!clips(style)) visit(child);
      }
    };
    visit(section);
    const index = Number(section.dataset.harnessSlide);
    // 1. The slide's cells, taken together, must fit the slide.
    const cells = rects.filter(r => r.chunk !== null);
    if (cells.length) {
      const top = Math.min(...cells.map(r => r.top)), bottom = Math.max(...cells.map(r => r.bottom));
      const left = Math.min(...cells.map(r => r.left)), right = Math.max(...cells.map(r => r.right));
      if (bottom - top > height + OVERFLOW_TOLERANCE || right > width + OVERFLOW_TOLERANCE || left < -OVERFLOW_TOLERANCE) {
        const chunks = [...new Set(cells.map(r => r.chunk))];
        const tallest = cells.reduce((a, b) => (b.bottom - b.top > a.bottom - a.top ? b : a));
        issues.push({chunk: tallest.chunk, chunks, slide: index, kind: "overflow",
          message: `the slide's cells alone need ${Math.round(right - Math.min(0, left))}x${Math.round(bottom - top)} px, more than the ${width}x${height} slide`});
      }
    }
    // 2. Everything on the slide, as Quarto's theme lays it out.
    const offenders = rects.filter(o => o.right > width + OVERFLOW_TOLERANCE || o.bottom > height + OVERFLOW_TOLERANCE
      || o.left < -OVERFLOW_TOLERANCE || o.top < -OVERFLOW_TOLERANCE);
    if (offenders.length) {
      // Name the outermost offenders (a child of an offender is usually an offender too).
      const outer = offenders.filter(o => !offenders.some(p => p !== o && p.element.contains(o.element)));
      const maxRight = Math.max(...offenders.map(o => o.right));
      const maxBottom = Math.max(...offenders.map(o => o.bottom));
      const chunks = [...new Set(outer.map(o => o.chunk).filter(c => c !== null))];
      const what = outer.slice(0, 3).map(o => {
        const tag = o.element.tagName.toLowerCase();
        return o.chunk === null ? `<${tag}> "${(o.element.textContent || "").trim().slice(0, 40)}"` : `<${tag}> of cell ${o.chunk}`;
      }).join(", ");
      issues.push({chunk: chunks.length ? chunks[0] : null, chunks, slide: index, kind: "overflow-layout",
        message: `slide content reaches ${Math.round(maxRight)}x${Math.round(maxBottom)}, beyond the ${width}x${height} slide (${what})`});
    }
  }
  return issues;
}

export function runChecks({plotChunks = [], width = 1050, height = 700, overflow = true, slide = null} = {}) {
  const issues = checkOutputs(plotChunks, slide);
  if (overflow) issues.push(...checkOverflow(width, height, slide));
  return issues;
}
