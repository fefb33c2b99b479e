// Play / pause / step / reset of the paths along the steps, on requestAnimationFrame. The
// player only owns the current step k and calls draw(k); the whole run is already computed.

// A whole run plays in about RUN_SECONDS, whatever its number of steps (at least 10 steps a second).
export const RUN_SECONDS = 4;

export function make_player(draw, on_change = () => {}) {
  let steps = 0;
  let k = 0;
  let playing = false;
  let frame = null;
  let started_at = 0;
  let started_k = 0;
  const frame_times = [];

  const rate = () => Math.max(10, steps / RUN_SECONDS);

  function tick(now) {
    frame = null;
    if (!playing) return;
    frame_times.push(now);
    if (frame_times.length > 240) frame_times.shift();
    // A frame's timestamp is when the frame began, which can precede the click that started
    // the animation: never step backwards from where it started.
    const elapsed = Math.max(0, now - started_at);
    const next = Math.min(steps, started_k + Math.floor((elapsed / 1000) * rate()));
    if (next !== k) {
      k = next;
      draw(k);
    }
    if (k >= steps) {
      playing = false;
      on_change();
      return;
    }
    frame = requestAnimationFrame(tick);
  }

  function play() {
    if (playing) return;
    if (k >= steps) k = 0;
    playing = true;
    started_at = performance.now();
    started_k = k;
    frame_times.length = 0;
    draw(k);
    frame = requestAnimationFrame(tick);
    on_change();
  }

  function pause() {
    playing = false;
    if (frame !== null) cancelAnimationFrame(frame);
    frame = null;
    on_change();
  }

  return {
    play,
    pause,
    toggle: () => (playing ? pause() : play()),
    step: () => {
      pause();
      k = Math.min(steps, k + 1);
      draw(k);
    },
    reset: () => {
      pause();
      k = 0;
      draw(k);
    },
    // A new run: show it whole, paused.
    load: (new_steps) => {
      pause();
      steps = new_steps;
      k = steps;
      draw(k);
    },
    get k() {
      return k;
    },
    get playing() {
      return playing;
    },
    // Frames per second over the last frames played (null before two frames).
    fps: () => (frame_times.length < 2 ? null : (1000 * (frame_times.length - 1)) / (frame_times[frame_times.length - 1] - frame_times[0])),
  };
}
