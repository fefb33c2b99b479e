"""Lighthouse's mobile audit of every page of the rendered site, served compressed on 127.0.0.1.

    python3 bench/bench_lighthouse.py                       # every page of _site/, 3 runs each
    python3 bench/bench_lighthouse.py --runs 1 --page playground.html --reports /tmp/lh
    python3 bench/bench_lighthouse.py --reference /tmp/site-main   # and another render, side by side

Lighthouse (the npm package pinned in package-lock.json, `npm ci` installs it) runs Debian's
Chromium (CHROME_PATH, default /usr/bin/chromium) with its default mobile profile: a Moto G
Power sized screen, slow 4G (150 ms RTT, 1.6 Mbit/s down) and a 4x slower CPU, both simulated
from one unthrottled load. The site is served by scripts/serve_site.py (gzip, as GitHub Pages
and `npx serve` serve it). The pages are every .html in the site outside site_libs/, so a page
added later is audited too.

Prints JSON: per page the median of the runs of each category score (performance,
accessibility, best practices, SEO, 0-100) and of the Web Vitals (first and largest contentful
paint, total blocking time, cumulative layout shift, speed index, in ms), the bytes transferred,
whether the goals of issue 26 are met (performance >= 90, LCP <= 2500 ms, TBT <= 200 ms,
CLS <= 0.1, the other categories >= 95), and the audits that failed in any run (with the
requests that went outside the site and the console errors). The simulated CPU is this
machine's CPU slowed down 4x: on a busy machine every time is longer ("benchmark_index" is
Lighthouse's measure of this machine's speed in each run; an idle desktop scores about 1,000 to
3,000, and the 4x slowdown is calibrated for that). With --reference, the same pages of another
render (e.g. of main) are audited in the same runs, alternating with ours, so that both see the
same load: compare those side by side, not with figures from another time.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
from serve_site import CompressingSiteServer  # noqa: E402

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
VITALS = {"fcp_ms": "first-contentful-paint", "lcp_ms": "largest-contentful-paint", "tbt_ms": "total-blocking-time",
          "cls": "cumulative-layout-shift", "speed_index_ms": "speed-index", "bytes": "total-byte-weight",
          "main_thread_ms": "mainthread-work-breakdown", "js_execution_ms": "bootup-time"}
GOALS = {"performance": (">=", 90), "lcp_ms": ("<=", 2500), "tbt_ms": ("<=", 200), "cls": ("<=", 0.1),
         "accessibility": (">=", 95), "best-practices": (">=", 95), "seo": (">=", 95)}


def site_pages(site: Path) -> list[str]:
    """Every page of the rendered site: its .html files outside Quarto's site_libs/."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if "site_libs" not in p.relative_to(site).parts)


def run_lighthouse(url: str, chrome: str, report_path: Path) -> dict:
    command = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={report_path}", "--quiet",
               f"--only-categories={','.join(CATEGORIES)}", "--max-wait-for-load=60000",
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run"]
    done = subprocess.run(command, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0 or not report_path.is_file():
        raise RuntimeError(f"lighthouse failed on {url} ({done.returncode}): {done.stderr[-2000:]}")
    return json.loads(report_path.read_text(encoding="utf-8"))


def failed_audits(report: dict) -> dict[str, str]:
    """The audits of the four categories that did not pass (performance: its metrics and the
    opportunities worth 100 ms or more), each with its display value or first items."""
    failed = {}
    for category in CATEGORIES:
        for ref in report["categories"][category]["auditRefs"]:
            audit = report["audits"][ref["id"]]
            score, mode = audit.get("score"), audit.get("scoreDisplayMode")
            if category == "performance":
                saving = (audit.get("details") or {}).get("overallSavingsMs") or 0
                if not (ref.get("weight") and score is not None and score < 0.9) and saving < 100:
                    continue
            elif mode not in ("binary", "numeric") or score is None or score >= 1:
                continue
            items = (audit.get("details") or {}).get("items") or []
            shown = [json.dumps(item, default=str)[:200] for item in items[:3]]
            failed[ref["id"]] = " | ".join(filter(None, [audit.get("displayValue", ""), *shown]))[:600]
    return failed


def outside_requests(report: dict, origin: str) -> list[str]:
    items = (report["audits"].get("network-requests", {}).get("details") or {}).get("items") or []
    return sorted({i["url"] for i in items if not i["url"].startswith((origin, "data:", "blob:"))})


def not_found(report: dict) -> list[str]:
    items = (report["audits"].get("network-requests", {}).get("details") or {}).get("items") or []
    return sorted({i["url"] for i in items if i.get("statusCode", 200) >= 400})


def one_run(report: dict) -> dict:
    values = {c: round(100 * report["categories"][c]["score"]) for c in CATEGORIES}
    for key, audit in VITALS.items():
        value = report["audits"][audit].get("numericValue")
        values[key] = None if value is None else (round(value, 3) if key == "cls" else round(value))
    values["benchmark_index"] = round(report["environment"].get("benchmarkIndex") or 0)
    return values


class Audited:
    """One site's pages through the runs: the runs' values, failed audits, outside requests, 404s."""

    def __init__(self, site: Path, pages: list[str], label: str):
        self.server = CompressingSiteServer(site)
        self.label = label
        pages = [page for page in pages if (site / page).is_file()]  # a page new in one site only
        self.runs: dict[str, list[dict]] = {page: [] for page in pages}
        self.extra = {page: {"failed_audits": {}, "outside_requests": [], "not_found": []} for page in pages}

    def audit(self, page: str, run: int, chrome: str, reports_dir: Path, keep: bool):
        report_path = reports_dir / f"{self.label}.{page.replace('/', '_')}.{run}.json"
        report = run_lighthouse(self.server.url(page), chrome, report_path)
        self.runs[page].append(one_run(report))
        extra = self.extra[page]
        for audit, text in failed_audits(report).items():
            extra["failed_audits"].setdefault(audit, text)
        extra["outside_requests"] = sorted(set(extra["outside_requests"]) | set(outside_requests(report, self.server.origin)))
        extra["not_found"] = sorted(set(extra["not_found"]) | set(not_found(report)))
        if not keep:
            report_path.unlink()

    def results(self) -> dict:
        results = {}
        for page, runs in self.runs.items():
            median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
            met = goals(median)
            results[page] = {"median": median, "goals_met": all(met.values()),
                             "goals_missed": [k for k, ok in met.items() if not ok], "runs": runs, **self.extra[page]}
        return results


def goals(median: dict) -> dict[str, bool]:
    met = {}
    for key, (op, bound) in GOALS.items():
        value = median.get(key)
        met[key] = value is not None and (value >= bound if op == ">=" else value <= bound)
    return met


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", default=os.environ.get("SITE_DIR", str(ROOT / "_site")))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", action="append", help="only this page (relative to the site; repeatable)")
    parser.add_argument("--reports", help="keep each run's Lighthouse JSON report in this folder")
    parser.add_argument("--reference", help="another rendered site (e.g. main's) to audit in the same runs, side by side")
    args = parser.parse_args(argv)
    site = Path(args.site)
    chrome = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
    if not (site / "index.html").is_file():
        print(f"bench_lighthouse.py: {site} holds no rendered site: run `quarto render` first", file=sys.stderr)
        return 2
    if not LIGHTHOUSE.exists():
        print("bench_lighthouse.py: Lighthouse is not installed (node_modules/.bin/lighthouse): run `npm ci`",
              file=sys.stderr)
        return 2
    pages = args.page or site_pages(site)
    reports_dir = Path(args.reports or tempfile.mkdtemp(prefix="lighthouse-"))
    reports_dir.mkdir(parents=True, exist_ok=True)
    version = subprocess.run([str(LIGHTHOUSE), "--version"], capture_output=True, text=True).stdout.strip()
    ours = Audited(site, pages, "site")
    reference = Audited(Path(args.reference), pages, "reference") if args.reference else None
    started = time.monotonic()
    try:
        # Round-robin over the pages (and between the two sites, in turn first), so that a burst
        # of load on the machine hits every page and both sites alike.
        for run in range(args.runs):
            for page in pages:
                sites = [ours, reference] if reference else [ours]
                for audited in sites if run % 2 == 0 else sites[::-1]:
                    if page in audited.runs:
                        audited.audit(page, run, chrome, reports_dir, keep=bool(args.reports))
    finally:
        for audited in filter(None, [ours, reference]):
            audited.server.close()
    results = ours.results()
    if reference:
        for page, theirs in reference.results().items():
            results[page]["reference"] = theirs
    print(json.dumps({
        "lighthouse": version, "profile": "mobile (simulated slow 4G, 4x CPU slowdown)", "served": "gzip, 127.0.0.1",
        "runs_per_page": args.runs, "reference": args.reference,
        "load_average": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
        "seconds": round(time.monotonic() - started), "reports": str(reports_dir) if args.reports else None,
        "all_goals_met": all(r["goals_met"] for r in results.values()), "pages": results,
    }, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
