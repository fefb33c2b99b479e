// The page's address follows the playground's state, a moment after the last change: the
// history entry is replaced once when a slider comes to rest, not at every step of a drag.
// Replacing it cost the page 5-18 ms of script and the browser as much again (it serialises the
// page's state, form fields included, and redraws its address bar) before the change could
// reach the screen, and Chromium throttles a page that replaces its history entry more than
// about 200 times in 10 seconds (issue 25).

// Long enough to span the events of a drag, short enough that the address is current by the
// time anyone looks at it or copies it.
export const ADDRESS_DELAY_MS = 250;

export function page_address({delay = ADDRESS_DELAY_MS} = {}) {
  let pending = null;
  let timer = null;
  // The address shown when the pending state began: if it is no longer shown when the write is
  // due, the reader has navigated meanwhile (a pasted link, the back button) and their address
  // wins; the page's hashchange handler shows its state.
  let shown = null;

  function flush() {
    clearTimeout(timer);
    timer = null;
    const here = window.location.hash;
    if (pending !== null && here === shown && here !== pending) history.replaceState(null, "", pending);
    pending = null;
  }

  // a page left or hidden (a phone switching apps) keeps the state it showed
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") flush();
  });

  return {
    // `hash`: "#..." of the state now shown
    follow(hash) {
      if (pending === null) shown = window.location.hash;
      pending = hash;
      clearTimeout(timer);
      timer = setTimeout(flush, delay);
    },
    // a hash the reader typed or navigated to: the state it gives replaces any pending one
    drop() {
      clearTimeout(timer);
      timer = null;
      pending = null;
    },
    flush,
  };
}
