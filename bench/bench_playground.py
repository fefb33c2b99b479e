"""Benchmark of the optimizer playground in Chromium, offline, on a rendered site.

    SITE_DIR=_site python3 bench/bench_playground.py [--site DIR] [--samples 30] [--seconds 3]

All eight optimizers x 1,000 steps with mini-batch noise (B = 16). Prints JSON:
  * per kind of control change: the time from the change event to the end of the synchronous
    redraw ("sync": the runs through the core, the canvas paths, the loss panel, the readout) and
    to the next frame after it ("to_frame": the change is on screen), median and p95 in ms.
    learning_rate_typed reruns one optimizer (the other seven runs are reused: same config);
    steps_slider reruns all eight x 1,000 steps; surface_parameter_new_contours reruns all eight
    and recomputes the contours; surface_select_cached_contours switches between two surfaces
    whose contours are kept (all eight rerun);
  * the animation's frame rate while playing (frames per second of requestAnimationFrame
    callbacks that drew a new step, and the longest frame).
Every request that is not to 127.0.0.1 is aborted and counted.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import statistics
import sys
import threading
from pathlib import Path

CHROMIUM = os.environ.get("HARNESS_CHROMIUM", "/usr/bin/chromium")
ALL = "gd,momentum,nesterov,adagrad,rmsprop,adam,adamw,amsgrad"
LINK = f"#opt={ALL}&steps=1000&batch=16&seed=5"

# One change, timed in the page: returns [sync_ms, to_frame_ms].
JS_CHANGE = """async ([selector, value, event]) => {
  const input = document.querySelector(selector);
  const t0 = performance.now();
  input.value = value;
  input.dispatchEvent(new Event(event, {bubbles: true}));
  const t1 = performance.now();
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return [t1 - t0, performance.now() - t0];
}"""

JS_ANIMATION = """async (seconds) => {
  const root = document.querySelector('.pg-root');
  const player = root.playground.player;
  player.reset();
  const frames = [];
  let last = -1;
  let running = true;
  const watch = (now) => {
    if (player.k !== last) { frames.push(now); last = player.k; }
    if (running) requestAnimationFrame(watch);
  };
  requestAnimationFrame(watch);
  player.play();
  await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
  running = false;
  const k = player.k;
  player.pause();
  const gaps = frames.slice(1).map((t, i) => t - frames[i]);
  return {frames: frames.length, k, fps: gaps.length ? 1000 * gaps.length / (frames[frames.length - 1] - frames[0]) : null,
          longest_frame_ms: gaps.length ? Math.max(...gaps) : null, player_fps: player.fps()};
}"""


def percentile(values, q):
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values):
    return {"median_ms": round(statistics.median(values), 2), "p95_ms": round(percentile(values, 0.95), 2),
            "max_ms": round(max(values), 2), "samples": len(values)}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=os.environ.get("SITE_DIR"), help="the rendered _site (default: $SITE_DIR)")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args(argv)
    if not args.site or not (Path(args.site) / "playground.html").is_file():
        print("bench_playground: give a rendered site with playground.html (--site DIR or SITE_DIR)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=args.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    outside = []
    result = {"link": LINK, "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                        "load_average_before": [round(v, 2) for v in os.getloadavg()]}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else (outside.append(r.request.url), r.abort()))
        page.goto(f"{base}/playground.html{LINK}")
        page.wait_for_selector(".pg-root canvas", timeout=30000)
        assert len(page.locator(".pg-readout .pg-line[data-optimizer]").all()) == 8
        n = args.samples
        changes = {
            "learning_rate_typed": ('.pg-text[data-key="lr.adam"]', [str(0.01 + 0.001 * (i % 20)) for i in range(n)], "change"),
            "steps_slider": ("input.pg-range[aria-label=steps]", [str(1000 - ((i + 1) % 2)) for i in range(n)], "input"),
            "surface_parameter_new_contours": ('.pg-text[data-key="surface.b"]', [str(100 + 0.5 * (i + 1)) for i in range(n)], "change"),
            "surface_select_cached_contours": ("select[aria-label=surface]",
                                               ["saddle" if i % 2 == 0 else "rosenbrock" for i in range(n)], "change"),
        }
        timings = {}
        for name, (selector, values, event) in changes.items():
            page.evaluate(JS_CHANGE, [selector, values[-1], event])  # warm-up
            sync, frame = [], []
            for value in values:
                s, f = page.evaluate(JS_CHANGE, [selector, value, event])
                sync.append(s)
                frame.append(f)
            timings[name] = {"sync": summary(sync), "to_frame": summary(frame)}
        # every sample above really ran 8 x 1,000 (the surface select resets nothing else)
        state_hash = page.evaluate("location.hash")
        assert f"opt={ALL}&" in state_hash and "steps=1000" in state_hash, state_hash
        result["control_change"] = timings
        result["animation"] = page.evaluate(JS_ANIMATION, args.seconds)
        browser.close()
    server.shutdown()
    result["outside_requests"] = len(outside)
    result["machine"]["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(result, indent=2))
    return 0 if not outside else 1


if __name__ == "__main__":
    sys.exit(main())
