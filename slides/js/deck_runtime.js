// A slider's plots are redrawn in the task of its input event, before the browser paints the
// moved thumb (issue 10: "a slider answers within a frame").
//
// Observable's runtime recomputes the cells downstream of a changed value in the next animation
// frame (runtime_computeSoon: `new Promise(requestAnimationFrame)`), so a slider's plots were
// drawn up to 16.7 ms after its input event and painted a frame after that. The frame wait is
// there to batch changes and to pace generators that yield once per frame. An input event is
// already one change, and the browser dispatches pointer and key input once per frame, so the
// computation it starts can run at once: the first recompute after an input event runs in a
// microtask instead of the next frame. Only that one: the runtime's follow-up computations (it
// pulls every generator's next value after a compute) wait for the frame as before, so a
// generator yielding every frame is still paced by frames and cannot starve the page.
//
// The runtime is Quarto's (window._ojs.ojsConnector.runtime, @observablehq/runtime 5). It is
// patched through `_computeSoon`, a method the runtime defines writable for this kind of
// scheduling; tests/test_deck_runtime.py shows that a slider's plot changes before the next
// animation frame, and fails if Quarto's runtime no longer has the method.

// A registered symbol, so that a test can see the patch in a bundled, minified build.
const PATCHED = Symbol.for("deck.recompute_on_input");

export function quarto_runtime() {
  return globalThis._ojs?.ojsConnector?.runtime ?? null;
}

// Installs the scheduling on `runtime` (Quarto's by default) for input events dispatched in
// `target`'s tree; true when installed now or before, false where there is no such runtime.
export function recompute_on_input(runtime = quarto_runtime(), target = globalThis.document) {
  if (!runtime || typeof runtime._computeSoon !== "function" || !target) return false;
  if (runtime[PATCHED]) return true;
  const by_frame = runtime._computeSoon;
  let input_pending = false;
  target.addEventListener(
    "input",
    () => {
      input_pending = true;
      // Cleared with the input's task, if no computation took it (an input nothing depends on).
      setTimeout(() => {
        input_pending = false;
      }, 0);
    },
    true,
  );
  runtime._computeSoon = function () {
    if (!input_pending) return by_frame.call(this);
    input_pending = false;
    return Promise.resolve().then(() => (this._disposed ? undefined : this._computeNow()));
  };
  runtime[PATCHED] = true;
  return true;
}

// A hidden value is rendered once, not again at every change (issue 25: a slow laptop).
//
// Every declaration of a cell (`hess_runs = run_scene(...)`) has an Observable inspector, which
// renders the value as a collapsed object tree each time it changes; Quarto then hides that tree
// (class quarto-ojs-hide), since a declaration is not an output. On the Hessian slide a move of a
// slider re-rendered five such hidden trees, walking the runs' arrays: a fifth of the move's
// script. Once Quarto has hidden an inspector's tree, a new value that is not a DOM node only
// clears the running state, as the inspector would, and leaves the hidden tree as it is.
// Errors and DOM values are rendered as before, and so is the first value after an error (the
// node then holds the error and Quarto's callout, which that rendering clears).
const HIDDEN_PATCHED = Symbol.for("deck.hidden_values_rendered_once");

function is_dom_value(value) {
  return typeof globalThis.Node === "function" && value instanceof globalThis.Node;
}

// The inspector's node holds only a value's tree (a span) that Quarto has hidden: not an error
// (a div, then Quarto's error callout beside it, which the next value must clear).
function shows_a_hidden_value(node) {
  const tree = node.firstChild;
  return (
    node.classList.contains("quarto-ojs-hide") &&
    !node.classList.contains("observablehq--error") &&
    node.childNodes.length === 1 &&
    tree.nodeName === "SPAN" &&
    tree.classList.contains("observablehq--inspect")
  );
}

export function render_hidden_values_once(connector = globalThis._ojs?.ojsConnector) {
  const inspector = connector?.inspectorClass;
  if (typeof inspector?.prototype?.fulfilled !== "function") return false;
  if (inspector.prototype[HIDDEN_PATCHED]) return true;
  const fulfilled = inspector.prototype.fulfilled;
  inspector.prototype.fulfilled = function (value, name) {
    if (!shows_a_hidden_value(this._node) || is_dom_value(value)) return fulfilled.call(this, value, name);
    const node = this._node;
    node.classList.remove("observablehq--running");
    node.dispatchEvent(new globalThis.CustomEvent("update", {detail: {}}));
  };
  inspector.prototype[HIDDEN_PATCHED] = true;
  return true;
}
