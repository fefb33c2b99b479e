"""Benchmark of the optimizer playground in Chromium, offline, on a rendered site.

    SITE_DIR=_site python3 bench/bench_playground.py [--site DIR] [--samples 30] [--seconds 3]
                                                     [--where page,slide] [--cpu-throttle 4]

All eight optimizers x 1,000 steps with mini-batch noise (B = 16), on the playground page
(playground.html, from the link below) and on the deck's playground slide (the same state applied
to the widget once its slide is shown), each measured the same way. Prints JSON, per place:
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
import re
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


JS_SLIDE_STATE = """async (link) => {
  const {decode_hash} = await import(new URL("js/playground/state.js", location.href).href);
  const root = document.querySelector('.pg-root');
  root.playground.apply(decode_hash(link).state);
  return root.playground.encode();
}"""

PLACES = {"page": "playground.html", "slide": "slides/unit6.html#/try-it-optimizer-playground"}


def measure(page, base: str, where: str, samples: int, seconds: float) -> dict:
    """Control changes and the animation, on the playground page or on the deck's slide."""
    if where == "page":
        page.goto(f"{base}/{PLACES['page']}{LINK}")
        page.wait_for_selector(".pg-root canvas", timeout=60000)
    else:
        page.goto(f"{base}/{PLACES['slide']}")
        page.wait_for_selector("#try-it-optimizer-playground .pg-root canvas", timeout=60000)
        page.evaluate(JS_SLIDE_STATE, LINK)
    assert len(page.locator(".pg-readout .pg-line[data-optimizer]").all()) == 8
    n = samples
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
    state_hash = page.evaluate("document.querySelector('.pg-root').playground.encode()")
    assert f"opt={ALL}&" in state_hash and re.search(r"&steps=(999|1000)(&|$)", state_hash), state_hash
    return {"control_change": timings, "animation": page.evaluate(JS_ANIMATION, seconds)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", default=os.environ.get("SITE_DIR"), help="the rendered _site (default: $SITE_DIR)")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--where", default="page,slide", help="page, slide or both (default page,slide)")
    parser.add_argument("--cpu-throttle", type=float, default=1.0, help="slow Chromium's CPU down this many times (default 1)")
    args = parser.parse_args(argv)
    places = [w for w in args.where.split(",") if w]
    if not places or any(w not in PLACES for w in places):
        parser.error("--where takes page, slide or page,slide")
    if not args.site or not all((Path(args.site) / PLACES[w].split("#")[0]).is_file() for w in places):
        print("bench_playground: give a rendered site with playground.html and slides/unit6.html (--site DIR or SITE_DIR)",
              file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=args.site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    outside = []
    result = {"link": LINK, "cpu_throttle": args.cpu_throttle,
              "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "load_average_before": [round(v, 2) for v in os.getloadavg()]}}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        for where in places:
            page = browser.new_page(viewport={"width": 1280, "height": 900} if where == "page" else {"width": 1050, "height": 700})
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else (outside.append(r.request.url), r.abort()))
            if args.cpu_throttle > 1:
                throttle = page.context.new_cdp_session(page)  # the setting lasts as long as this session
                throttle.send("Emulation.setCPUThrottlingRate", {"rate": args.cpu_throttle})
            result[where] = measure(page, base, where, args.samples, args.seconds)
            page.close()
        browser.close()
    server.shutdown()
    result["outside_requests"] = len(outside)
    result["machine"]["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
    print(json.dumps(result, indent=2))
    return 0 if not outside else 1


if __name__ == "__main__":
    sys.exit(main())
