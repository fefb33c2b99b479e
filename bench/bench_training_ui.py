"""Benchmark of the live trainer on the deck (issue 22), in Chromium, offline, on a rendered site.

    SITE_DIR=_site python3 bench/bench_training_ui.py [--site DIR] [--samples 20]

Prints JSON:
  * finished_plot: 40 epochs of the slide's two runs (the lecture's SGD and Adam,
    batch 64, all 3,199 rows, lambda1 every 2 epochs), from the click on Start to the plot showing
    the last epoch of both runs, in seconds (each run in its own worker);
  * long_tasks_on_the_slide: the main thread's long tasks (PerformanceObserver "longtask", over
    50 ms) on the trainer's slide, 4 s idle, then 4 s of the two runs training (after the latency
    samples below, which come first because training takes only seconds): how
    many, the longest, their total (ms); redraw_per_row_ms: the widget's own main-thread work per
    redraw (at most one per frame) over the whole run;
  * latency on another slide ("Try it: learning rate in 1D"), idle and while the two runs train,
    in one run (half the idle samples before the training, the training's, the other half after): a slider change to the
    next frame after its redraw ("slider_ms"), and a key press (ArrowRight, then ArrowLeft back)
    to the next frame after reveal.js changed the slide ("key_ms"); medians, p95 and the ratio
    training / idle of the medians.
The machine is shared: read the ratios (measured side by side), not the absolute numbers.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import platform
import statistics
import threading
import time
from pathlib import Path

CHROMIUM = os.environ.get("HARNESS_CHROMIUM", "/usr/bin/chromium")
TRAINING_TITLE = "Adam vs SGD on a materials dataset"
OTHER_TITLE = "Try it: learning rate in 1D"
EPOCHS = 40  # the slide's default link: the lecture's two runs, 40 epochs
WATCH_SECONDS = 4

LONG_TASKS = """() => { window.__long_task_observer?.disconnect(); const seen = (window.__long_tasks = []);
  window.__long_task_observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) seen.push(e.duration); });
  window.__long_task_observer.observe({type: "longtask", buffered: false}); }"""

# A slider change on the slide shown, to the next frame after its redraw: ms.
SLIDER = """async (value) => {
  const input = document.querySelector('section.present input[type=range]');
  const t0 = performance.now();
  input.value = value;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  return performance.now() - t0;
}"""

# A key press to the next frame after reveal.js changed the slide: ms.
KEY_WATCH = """() => new Promise((resolve) => {
  const t0 = performance.now();
  const done = () => {
    Reveal.off('slidechanged', done);
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
  };
  Reveal.on('slidechanged', done);
  document.dispatchEvent(new KeyboardEvent('keydown', {key: 'ArrowRight', keyCode: 39, which: 39, bubbles: true}));
})"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def slide_index(page, title):
    return page.evaluate("""(t) => [...document.querySelectorAll('.reveal .slides > section')]
        .findIndex((s) => (s.querySelector('h2')?.textContent ?? '').startsWith(t))""", title)


def summary(values):
    values = sorted(values)
    if not values:
        return {"n": 0}
    return {"n": len(values), "median": round(statistics.median(values), 2),
            "p95": round(values[min(len(values) - 1, int(0.95 * len(values)))], 2), "max": round(values[-1], 2)}


def tasks(durations):
    return {"count": len(durations), "longest_ms": round(max(durations, default=0), 1), "total_ms": round(sum(durations), 1)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=Path(os.environ.get("SITE_DIR", "_site")))
    parser.add_argument("--samples", type=int, default=20, help="latency samples per condition")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(args.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    outside = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1050, "height": 700})
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(base) else (outside.append(r.request.url), r.abort()))
        page.goto(f"{base}/slides/unit6.html")
        page.wait_for_function("window.Reveal && Reveal.isReady()")
        training = slide_index(page, TRAINING_TITLE)
        other = slide_index(page, OTHER_TITLE)
        root = "document.querySelector('#adam-vs-sgd-on-a-materials-dataset .tr-root')"

        def latencies(samples):
            page.evaluate(f"Reveal.slide({other})")
            page.wait_for_timeout(300)
            slider, key = [], []
            for i in range(samples):
                slider.append(page.evaluate(SLIDER, str([0.1, 0.3, 0.5, 0.7][i % 4])))
                key.append(page.evaluate(KEY_WATCH))
                page.evaluate(f"Reveal.slide({other})")
                page.wait_for_timeout(50)
            return slider, key

        # the slide's widget, its workers ready (epoch 0 of both runs drawn)
        page.evaluate(f"Reveal.slide({training})")
        page.wait_for_function(f"{root} && {root}.training.runs().every((r) => r.rows.length > 0)", timeout=120000)
        idle_slider, idle_key, busy_slider, busy_key = [], [], [], []
        s, k = latencies(args.samples // 2)
        idle_slider += s
        idle_key += k
        # long tasks on the trainer's slide: idle for WATCH_SECONDS, then as long while training
        page.evaluate(f"Reveal.slide({training})")
        page.wait_for_timeout(500)
        page.evaluate(LONG_TASKS)
        page.wait_for_timeout(WATCH_SECONDS * 1000)
        idle_tasks = page.evaluate("window.__long_tasks")
        started = time.perf_counter()
        page.locator("section.present .tr-button", has_text="Start").click()
        t_click = page.evaluate("performance.now()")
        # latency on another slide while the runs train (first: training takes only seconds)
        s, k = latencies(args.samples // 2)
        busy_slider += s
        busy_key += k
        still_training = page.evaluate(f"{root}.dataset.phase") == "playing"
        page.evaluate(f"Reveal.slide({training})")
        page.evaluate(LONG_TASKS)
        page.wait_for_timeout(WATCH_SECONDS * 1000)
        busy_tasks = page.evaluate("window.__long_tasks")
        watched_while_training = page.evaluate(f"{root}.dataset.phase") == "playing"
        page.wait_for_function(f"{root}.dataset.phase === 'done'", timeout=600000, polling=50)
        page.wait_for_function(f"{root}.training.runs().every((r) => r.rows[r.rows.length - 1].epoch === {EPOCHS})")
        page.evaluate("new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))")
        finished = time.perf_counter() - started
        t_done = page.evaluate("performance.now()")
        draws = page.evaluate(f"{root}.training.draw_times()")
        # idle again, after the first idle half
        s, k = latencies(args.samples - args.samples // 2)
        idle_slider += s
        idle_key += k
        browser.close()
    server.shutdown()
    ratio = lambda busy, idle: round(statistics.median(busy) / statistics.median(idle), 3) if busy and idle else None  # noqa: E731
    print(json.dumps({
        "machine": {"platform": platform.platform(), "cpus": os.cpu_count()},
        "finished_plot": {"epochs": EPOCHS, "runs": 2, "seconds": round(finished, 2),
                          "in_page_ms": round(t_done - t_click, 1)},
        "long_tasks_on_the_slide": {
            "seconds_watched": WATCH_SECONDS,
            "still_training_at_the_end": watched_while_training,
            "idle": tasks(idle_tasks),
            "training": tasks(busy_tasks),
        },
        "redraw_per_row_ms": summary(draws),
        "latency_other_slide": {
            "measured_while_training": still_training,
            "slider_ms": {"idle": summary(idle_slider), "training": summary(busy_slider),
                          "ratio_of_medians": ratio(busy_slider, idle_slider)},
            "key_ms": {"idle": summary(idle_key), "training": summary(busy_key), "ratio_of_medians": ratio(busy_key, idle_key)},
        },
        "outside_requests": len(outside),
    }, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
