"""Benchmark of the decks' interactivity on the real render, in the harness's offline Chromium.

    python bench/bench_deck.py [slides/unit6.html ...] [--site _site] [--samples 15] [--loads 3]

Run `quarto render` first: the decks are measured as Quarto built them in `_site/`. Prints JSON:
per deck, the cold-load time until every cell has settled (median of --loads fresh browser
contexts; every request served from 127.0.0.1, everything else aborted), the bytes loaded by one
cold load, and per slider the median and p95 latency from the input event to the last DOM change
of a dependent cell (any other cell on the page) plus two animation frames.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from harness import HarnessSession  # noqa: E402
from harness.runner import JS_FIND_CONTROLS, JS_LATENCY, JS_SET_RANGES  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def slider_values(r: dict, samples: int) -> list[float]:
    """`samples` values sweeping the range back and forth, each different from the last."""
    lo, hi = r["min"], r["max"]
    out = []
    for i in range(samples):
        f = (i % 5) / 4 if (i // 5) % 2 == 0 else 1 - (i % 5) / 4
        out.append(lo + f * (hi - lo))
    return out


def bench_deck(session: HarnessSession, site: Path, deck: str, samples: int, loads: int) -> dict:
    load_ms, bytes_loaded = [], None
    run = None
    for i in range(loads):
        if run is not None:
            run.close()
        run = session.open(site, deck)  # a fresh browser context: nothing cached
        load_ms.append(run.report.load_ms)
        if bytes_loaded is None:
            bytes_loaded = run.report.bytes_loaded
    sliders = []
    try:
        for slide in run.deck.slides:
            controls = run.page.evaluate(JS_FIND_CONTROLS, slide.index)
            if not any(c["kind"] == "range" for c in controls["ranges"]):
                continue
            run.show(slide.index)
            for r in [c for c in controls["ranges"] if c["kind"] == "range"]:
                times, dependent = [], set()
                for value in slider_values(r, samples):
                    result = run.page.evaluate(JS_LATENCY, {"id": r["id"], "value": value})
                    if result["latency"] is not None:
                        times.append(result["latency"])
                        dependent.add(result["chunk"])
                run.page.evaluate(JS_SET_RANGES, [(r["id"], r["value"])])
                run.settle()
                sliders.append({
                    "slide": slide.index, "slide_title": slide.title, "cell": r["chunk"], "label": r["label"],
                    "samples": len(times),
                    "median_ms": round(statistics.median(times), 2) if times else None,
                    "p95_ms": round(percentile(times, 0.95), 2) if times else None,
                    "dependent_cells": sorted(c for c in dependent if c is not None),
                })
    finally:
        run.close()
    return {
        "deck": deck,
        "cold_load_ms": {"median": round(statistics.median(load_ms), 1), "runs": [round(x, 1) for x in load_ms]},
        "bytes_loaded": bytes_loaded,
        "sliders": sliders,
        "failures_seen_during_load": len(run.report.failures),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("decks", nargs="*", help="rendered decks inside the site (default: every slides/*.html)")
    parser.add_argument("--site", type=Path, default=ROOT / "_site", help="the rendered site (default _site/)")
    parser.add_argument("--samples", type=int, default=15, help="latency samples per slider (default 15)")
    parser.add_argument("--loads", type=int, default=3, help="cold loads per deck (default 3)")
    args = parser.parse_args(argv)
    if args.samples < 1 or args.loads < 1:
        parser.error("--samples and --loads must be at least 1")
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} is not a rendered site: run `quarto render` first")
    decks = args.decks or sorted(p.relative_to(args.site).as_posix() for p in (args.site / "slides").glob("*.html"))
    missing = [d for d in decks if not (args.site / d).is_file()]
    if missing:
        parser.error(f"no such deck in {args.site}: {', '.join(missing)}")
    with HarnessSession() as session:
        results = [bench_deck(session, args.site, deck, args.samples, args.loads) for deck in decks]
    print(json.dumps({
        "benchmark": "deck interactivity (quarto render output, offline Chromium)",
        "environment": {"python": platform.python_version(), "machine": platform.machine(),
                        "browser": "/usr/bin/chromium (headless)"},
        "decks": results,
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
