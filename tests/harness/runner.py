"""Run a deck's {ojs} cells in Chromium, offline, and report every failure by slide and cell.

    from harness import HarnessSession
    with HarnessSession() as session:
        report = session.check_deck("slides/unit6.qmd")
        assert not report.failures, report.format()
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .page import build_page
from .project import HARNESS_DIR, NODE, REPO_ROOT, deck_options, find_project_root, scan_deck
from .qmd import Chunk, Deck, Slide, parse_deck
from .server import HarnessServer, runtime_prefix

CHROMIUM = os.environ.get("HARNESS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
STDLIB_CDN_HOSTS = {"cdn.jsdelivr.net", "cdn.observableusercontent.com"}
SETTLE_TIMEOUT_MS = int(os.environ.get("HARNESS_SETTLE_TIMEOUT_MS", "20000"))
CORNER_CAP = 64
INTERMEDIATE = (0.25, 0.5, 0.75)
MAX_PER_KIND_AND_CELL = 3  # repeated failures of one kind in one cell are summarised


# ---------------------------------------------------------------------------------------------
# Results

@dataclass
class Failure:
    kind: str
    message: str
    slide: Slide | None = None
    chunk: Chunk | None = None
    context: str = "initial load"

    def deck_slide_title(self) -> str:
        return self.slide.describe() if self.slide is not None else ""

    def where(self) -> str:
        parts = []
        if self.slide is not None:
            parts.append(self.slide.describe())
        if self.chunk is not None:
            parts.append(self.chunk.describe())
        return " / ".join(parts) if parts else "page"

    def __str__(self) -> str:
        return f"{self.where()}: {self.kind}: {self.message} [{self.context}]"


@dataclass
class DeckReport:
    deck: Deck
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    load_ms: float | None = None
    bytes_loaded: int = 0  # everything served for the cold load
    bytes_site: int = 0  # of which the deck's own files (not the runtime / reveal.js / KaTeX CSS under site_libs/)
    steps: int = 0
    suppressed: int = 0

    def kinds(self) -> set[str]:
        return {f.kind for f in self.failures}

    def for_chunk(self, index: int) -> list[Failure]:
        return [f for f in self.failures if f.chunk is not None and f.chunk.index == index]

    def format(self) -> str:
        lines = [f"{self.deck.path}: {len(self.failures)} failure(s) after {self.steps} checked state(s)"]
        lines += [f"  - {f}" for f in self.failures]
        if self.suppressed:
            lines.append(f"  ({self.suppressed} repeated failure(s) of the same kind and cell not listed)")
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Build of the browser bundle (cached per content of tests/harness/js)

def build_bundle() -> Path:
    js_dir = HARNESS_DIR / "js"
    digest = hashlib.sha256()
    for f in sorted(js_dir.glob("*.js")) + sorted(js_dir.glob("*.mjs")):
        digest.update(f.name.encode() + f.read_bytes())
    lock = REPO_ROOT / "package-lock.json"
    if lock.exists():
        digest.update(lock.read_bytes())
    out = Path(tempfile.gettempdir()) / f"ojs-harness-{digest.hexdigest()[:16]}"
    if not all((out / f).exists() for f in ("harness-ojs-runtime.js", "harness-page.js", "harness-quarto-shim.js")):
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([NODE, str(js_dir / "build.mjs"), str(out)], cwd=REPO_ROOT, check=True)
    return out


# ---------------------------------------------------------------------------------------------
# In-page helpers

JS_SET_RANGES = """(pairs) => {
  for (const [id, value] of pairs) {
    const el = document.querySelector(`[data-harness-range="${id}"]`);
    el.value = String(value);
    el.dispatchEvent(new Event("input", {bubbles: true}));
    el.dispatchEvent(new Event("change", {bubbles: true}));
  }
  return pairs.map(([id]) => Number(document.querySelector(`[data-harness-range="${id}"]`).value));
}"""

JS_FIND_CONTROLS = """(slide) => {
  const section = document.querySelector(`section[data-harness-slide="${slide}"]`);
  const inCell = el => el.closest("[data-harness-chunk]") && !el.closest(".quarto-ojs-hide, .hidden");
  const label = el => {
    const form = el.closest("form");
    const l = form && form.querySelector("label");
    return (l ? l.textContent : el.name || "").trim();
  };
  // Sliders (what Inputs.range makes), and number boxes that are not a slider's companion
  // (Inputs.number) when they have both a minimum and a maximum.
  const numbers = [...section.querySelectorAll("form input[type=number]")].filter(inCell)
    .filter(el => !el.closest("form").querySelector("input[type=range]") && el.min !== "" && el.max !== "");
  const ranges = [...section.querySelectorAll("form input[type=range]")].filter(inCell).concat(numbers).map((el, i) => {
    el.dataset.harnessRange = `${slide}-${i}`;
    return {id: el.dataset.harnessRange, kind: el.type, min: Number(el.min || 0), max: Number(el.max || 100),
      value: Number(el.value), step: el.step, label: label(el),
      chunk: Number(el.closest("[data-harness-chunk]").dataset.harnessChunk)};
  });
  const buttons = [...section.querySelectorAll("form button, form input[type=button]")].filter(inCell).map((el, i) => {
    el.dataset.harnessButton = `${slide}-${i}`;
    return {id: el.dataset.harnessButton, label: (el.textContent || el.value || "").trim(),
      chunk: Number(el.closest("[data-harness-chunk]").dataset.harnessChunk)};
  });
  return {ranges, buttons};
}"""

JS_LATENCY = """async ({id, value}) => {
  const el = document.querySelector(`[data-harness-range="${id}"]`);
  const own = el.closest("[data-harness-chunk]");
  let last = null, lastChunk = null;
  const cellOf = node => (node.nodeType === 1 ? node : node.parentElement)?.closest("[data-harness-chunk]");
  const observer = new MutationObserver(mutations => {
    for (const m of mutations) {
      const cell = cellOf(m.target);
      if (cell && cell !== own) { last = performance.now(); lastChunk = Number(cell.dataset.harnessChunk); }
    }
  });
  observer.observe(document.querySelector("main"), {subtree: true, childList: true, attributes: true, characterData: true});
  const t0 = performance.now();
  el.value = String(value);
  el.dispatchEvent(new Event("input", {bubbles: true}));
  const settled = await window.__harness.settled(%d);
  observer.disconnect();
  if (last === null) return {latency: null, settled: settled.ok};
  const t1 = performance.now();
  await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
  return {latency: last - t0 + (performance.now() - t1), chunk: lastChunk, settled: settled.ok};
}""" % SETTLE_TIMEOUT_MS


def _range_values(r: dict) -> list[float]:
    lo, hi = r["min"], r["max"]
    return [lo, hi] + [lo + f * (hi - lo) for f in INTERMEDIATE]


def corner_combinations(count: int, cap: int = CORNER_CAP) -> list[tuple[int, ...]]:
    """All 2^count min/max combinations, or `cap` of them spread evenly (all-min and all-max kept)."""
    total = 2 ** count
    if total <= cap:
        picks = range(total)
    else:
        picks = sorted({round(i * (total - 1) / (cap - 1)) for i in range(cap)})
    return [tuple((p >> b) & 1 for b in range(count)) for p in picks]


# ---------------------------------------------------------------------------------------------
# One deck, one page

class DeckRun:
    """A loaded harness page with its event log; `collect` turns new events into failures."""

    def __init__(self, session: "HarnessSession", deck: Deck, report: DeckReport, url: str,
                 width: int, height: int, plot_chunks: list[int]):
        self.session, self.deck, self.report = session, deck, report
        self.width, self.height, self.plot_chunks = width, height, plot_chunks
        self.layout_is_quartos = False  # True only for pages rendered by quarto
        self.events: list[tuple[str, str, str]] = []  # (kind, message, url)
        self.seen: dict[tuple, int] = {}
        self.reported_records: set[tuple] = set()
        self.context = session.browser.new_context(viewport={"width": width, "height": height})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.events.append(("page-error", str(error), "")))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)
        self.url = url

    # -- network and console --------------------------------------------------------------
    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or (parts.scheme in ("http", "https") and parts.hostname in LOOPBACK):
            route.continue_()
        else:
            self.events.append(("external-request", f"request to {url} aborted (offline: only 127.0.0.1 is reachable)", url))
            route.abort("blockedbyclient")

    def _request_failed(self, request):
        url = request.url
        if any(e[2] == url for e in self.events if e[0] == "external-request"):
            return
        self.events.append(("failed-request", f"request to {url} failed: {request.failure}", url))

    def _response(self, response):
        if response.status >= 400:
            reason = response.headers.get("x-harness-reason", "")
            path = urlsplit(response.url).path
            self.events.append(("failed-request", f"{path} -> HTTP {response.status}" + (f" ({reason})" if reason else ""), response.url))

    def _console(self, message):
        if message.type not in ("error", "assert"):
            return
        text = message.text
        location = (message.location or {}).get("url", "")
        if text.startswith("Failed to load resource") and any(
                e[2] == location for e in self.events if e[0] in ("external-request", "failed-request")):
            return  # the request itself is reported
        self.events.append(("console-error", text[:500], location))

    # -- failures -------------------------------------------------------------------------
    def add(self, kind: str, message: str, chunk_index: int | None = None, slide_index: int | None = None,
            context: str = "initial load"):
        chunk = self.deck.chunk(chunk_index)
        slide = None
        if slide_index is not None and 0 <= slide_index < len(self.deck.slides):
            slide = self.deck.slides[slide_index]
        elif chunk is not None:
            slide = self.deck.slides[chunk.slide]
        key = (kind, chunk_index, slide_index, message)
        if key in self.seen:
            return
        per_kind = (kind, chunk_index, slide_index)
        count = self.seen.get(per_kind, 0)
        self.seen[key] = 1
        self.seen[per_kind] = count + 1
        if count >= MAX_PER_KIND_AND_CELL:
            self.report.suppressed += 1
            return
        self.report.failures.append(Failure(kind, message, slide, chunk, context))

    def settle(self) -> dict:
        return self.page.evaluate(f"() => window.__harness.settled({SETTLE_TIMEOUT_MS})")

    def show(self, slide: int) -> dict:
        """Make `slide` the current slide (reveal.js shows only that one) and let it settle."""
        self.page.evaluate("""(i) => {
          const el = document.querySelector(`section[data-harness-slide="${i}"]`);
          const {h, v} = window.Reveal.getIndices(el);
          window.Reveal.slide(h, v);
          if (window.Reveal.isHarnessStandIn) el.scrollIntoView({block: "start"});
        }""", slide)
        return self.settle()

    def collect(self, context: str, settled: dict | None = None, slide: int | None = None,
                checks: bool = True):
        self.report.steps += 1
        if settled is not None and not settled.get("ok"):
            pending = settled.get("pending") or []
            if pending:
                for p in pending[:5]:
                    self.add("not-settled", f"variable {p['name']} still pending after {SETTLE_TIMEOUT_MS / 1000:.0f} s",
                             p["chunk"], context=context)
            else:
                self.add("not-settled", f"runtime still computing after {SETTLE_TIMEOUT_MS / 1000:.0f} s", context=context)
        snap = self.page.evaluate("() => window.__harness.snapshot()")
        loads = sorted({b["name"] for b in snap["builtinLoads"]})
        for record in snap["records"]:
            if record["state"] != "rejected":
                continue
            key = (record["chunk"], record["statement"], record["name"], record["error"])
            if key in self.reported_records:
                continue
            self.reported_records.add(key)
            if record["importDisplay"]:
                message = (f"the import cell's display (Quarto shows an import with the `md` builtin) failed: "
                           f"{record['error']}; shadow md or give the cell `//| output: false`")
            else:
                message = f"{record['name']}: {record['error']}"
            self.add("cell-error", message, record["chunk"], context=context)
        for item in snap["chunkErrors"]:
            self.add("cell-error", item["error"], item["chunk"], context=context)
        shadowed = {name for item in snap["importsResolved"] for name in item["names"]}
        events, self.events = self.events, []
        for kind, message, url in events:
            if kind == "external-request" and loads:
                if urlsplit(url).hostname in STDLIB_CDN_HOSTS and set(loads) <= shadowed:
                    # The import race (README.md): the end state is right, but offline the lecture
                    # hall sees the aborted requests and a flash of error boxes.
                    message += (f"; the standard library's {', '.join(loads)} were computed before the import "
                                f"that shadows them had arrived (the import race): import the libraries under "
                                f"other names and define the builtin names as ordinary cells")
                else:
                    message += f"; builtins fetched from a CDN: {', '.join(loads)}"
            # Attributed to the slide being shown or driven (the cell is named by its own failure).
            self.add(kind, message, slide_index=slide, context=context)
        if not checks:
            return
        issues = self.page.evaluate("(o) => window.__harness.check(o)",
                                    {"plotChunks": self.plot_chunks, "width": self.width,
                                     "height": self.height, "overflow": slide is not None, "slide": slide})
        for issue in issues:
            if issue["kind"] == "overflow-layout" and not self.layout_is_quartos:
                # The slide text is laid out with the harness's approximation of Quarto's theme:
                # reported, not failed (the real check runs on `quarto render` output).
                slide_obj = self.deck.slides[issue["slide"]] if issue.get("slide") is not None else None
                warning = f"{slide_obj.describe() if slide_obj else 'slide'}: {issue['message']} (approximate layout)"
                if warning not in self.report.warnings:
                    self.report.warnings.append(warning)
                continue
            self.add(issue["kind"], issue["message"], issue.get("chunk"), issue.get("slide"), context=context)

    def close(self):
        self.context.close()


# ---------------------------------------------------------------------------------------------
# Session

class HarnessSession:
    """One Chromium and one loopback server, reused for every deck of a test session."""

    def __init__(self, headless: bool = True):
        from playwright.sync_api import sync_playwright

        self.bundle = build_bundle()
        reveal = REPO_ROOT / "node_modules" / "reveal.js" / "dist"
        self.reveal_dir = reveal if (reveal / "reveal.js").exists() and not os.environ.get("HARNESS_NO_REVEAL") else None
        self.server = HarnessServer()
        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, headless=headless, args=CHROMIUM_ARGS)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            self.browser.close()
        finally:
            self._pw.stop()
            self.server.close()

    # -- page --------------------------------------------------------------------------------
    def prepare(self, path: str | Path) -> tuple[Deck, DeckReport, str, object]:
        deck = parse_deck(path)
        root = find_project_root(Path(os.path.abspath(deck.path)))
        options = deck_options(deck, root)
        site = scan_deck(deck, root, options)
        report = DeckReport(deck=deck)
        for include in options.include_after_body + options.include_in_header:
            if not include.exists():
                report.failures.append(Failure("render", f"included file {include} does not exist: quarto render fails"))
        page_path, html = build_page(deck, root, options, use_reveal=self.reveal_dir is not None)
        self.server.pages.clear()
        self.server.mounts.clear()
        self.server.add_page(page_path, html)
        self.server.mount(runtime_prefix(), self.bundle)
        self.server.mount(runtime_prefix() + "/katex", REPO_ROOT / "node_modules" / "katex" / "dist")
        if self.reveal_dir is not None:
            self.server.mount(runtime_prefix() + "/reveal", self.reveal_dir)
        else:
            report.notes.append("reveal.js is not installed (node_modules/reveal.js): slides were laid out by the "
                                "harness's stand-in and the keyboard check used its reveal.js-like key handling")
        self.server.mount("/", root, allowed=site.files)
        for problem in site.problems:
            report.failures.append(Failure("render", problem["message"]))
        return deck, report, self.server.origin + page_path, options

    def open(self, path: str | Path) -> DeckRun:
        deck, report, url, options = self.prepare(path)
        plot_chunks = [c.index for c in deck.chunks if c.looks_like_plot and c.evaluates and c.shows_output]
        run = DeckRun(self, deck, report, url, options.width, options.height, plot_chunks)
        self.server.reset_log()
        start = time.perf_counter()
        run.page.goto(url, wait_until="load")
        run.page.wait_for_function("() => window.__harness !== undefined", timeout=SETTLE_TIMEOUT_MS)
        settled = run.settle()
        # In-page time from navigation start until every cell settled (falls back to wall time).
        report.load_ms = settled.get("at") if settled.get("ok") else (time.perf_counter() - start) * 1000
        report.bytes_loaded = self.server.bytes_served
        report.bytes_site = sum(n for path, status, n in self.server.log if not path.startswith(runtime_prefix() + "/"))
        run.collect("initial load", settled, checks=False)
        for slide in deck.slides:
            run.collect("initial load, slide shown", run.show(slide.index), slide=slide.index)
        return run

    # -- the whole check ---------------------------------------------------------------------
    def check_deck(self, path: str | Path, drive: bool = True, keyboard: bool = True) -> DeckReport:
        run = self.open(path)
        try:
            if drive:
                for slide in run.deck.slides:
                    drive_slide(run, slide)
            if keyboard:
                for slide in run.deck.slides:
                    check_keyboard(run, slide)
        finally:
            run.close()
        return run.report


# ---------------------------------------------------------------------------------------------
# Driving inputs

def _fmt(value: float) -> str:
    return f"{value:.6g}"


def _control(r: dict) -> str:
    return "slider" if r.get("kind", "range") == "range" else "number box"


def drive_slide(run: DeckRun, slide: Slide):
    controls = run.page.evaluate(JS_FIND_CONTROLS, slide.index)
    ranges, buttons = controls["ranges"], controls["buttons"]
    if not ranges and not buttons:
        return
    defaults = [(r["id"], r["value"]) for r in ranges]
    run.show(slide.index)

    def apply(pairs: list[tuple[str, float]], what: str):
        actual = run.page.evaluate(JS_SET_RANGES, pairs)
        settled = run.settle()
        by_id = {r["id"]: r for r in ranges}
        described = ", ".join(f"{by_id[i]['label'] or i}={_fmt(v)}" for (i, _), v in zip(pairs, actual))
        run.collect(f"{what}: {described}", settled, slide=slide.index)

    for r in ranges:
        for value in _range_values(r):
            apply([(r["id"], value)], f"{_control(r)} '{r['label']}'")
        apply([(r["id"], r["value"])], f"{_control(r)} '{r['label']}' back to default")
    if len(ranges) > 1:
        for combo in corner_combinations(len(ranges)):
            pairs = [(r["id"], r["max"] if bit else r["min"]) for r, bit in zip(ranges, combo)]
            apply(pairs, "corner")
        apply(defaults, "defaults")
    for b in buttons:
        locator = run.page.locator(f'[data-harness-button="{b["id"]}"]')
        try:
            locator.click(timeout=3000)
        except Exception as error:  # noqa: BLE001 - Playwright raises its own TimeoutError
            reason = "outside the visible slide" if "outside of the viewport" in str(error) else str(error).splitlines()[0]
            run.add("unclickable", f"button '{b['label']}' cannot be clicked: {reason}", b["chunk"], slide.index,
                    context="button click")
            locator.dispatch_event("click")
        run.collect(f"button '{b['label']}' clicked", run.settle(), slide=slide.index)


def check_keyboard(run: DeckRun, slide: Slide):
    """After a click on a slider, ArrowRight must go to the next slide, not move the slider."""
    controls = run.page.evaluate(JS_FIND_CONTROLS, slide.index)
    sliders = [r for r in controls["ranges"] if r["kind"] == "range"]
    if not sliders:
        return
    r = sliders[0]
    page = run.page
    standin = page.evaluate("() => !!(window.Reveal && window.Reveal.isHarnessStandIn)")
    run.show(slide.index)
    locator = page.locator(f'[data-harness-range="{r["id"]}"]')
    box = locator.bounding_box()
    viewport = page.viewport_size
    if (box is None or box["x"] < 0 or box["y"] < 0 or box["x"] + box["width"] > viewport["width"]
            or box["y"] + box["height"] > viewport["height"]):
        run.add("keyboard", f"slider '{r['label']}' is outside the visible slide: it cannot be clicked",
                r["chunk"], slide.index, context="keyboard")
        return
    page.mouse.click(box["x"] + box["width"] * 0.3, box["y"] + box["height"] / 2)
    run.settle()
    before = page.evaluate("(id) => Number(document.querySelector(`[data-harness-range=\"${id}\"]`).value)", r["id"])
    focused = page.evaluate("(id) => document.activeElement === document.querySelector(`[data-harness-range=\"${id}\"]`)", r["id"])
    page.keyboard.press("ArrowRight")
    run.settle()
    after = page.evaluate("(id) => Number(document.querySelector(`[data-harness-range=\"${id}\"]`).value)", r["id"])
    index = page.evaluate("() => Number((window.Reveal.getCurrentSlide() || {dataset: {}}).dataset.harnessSlide)")
    last = slide.index == len(run.deck.slides) - 1
    what = f"after a click on slider '{r['label']}'"
    if after != before:
        run.add("keyboard", f"{what}, ArrowRight moved the slider ({_fmt(before)} -> {_fmt(after)}) "
                            f"instead of going to the next slide (focus {'stayed' if focused else 'was'} in the slider)",
                r["chunk"], slide.index, context="keyboard")
    elif not last and index != slide.index + 1:
        run.add("keyboard", f"{what}, ArrowRight did not go to the next slide (slide index {index})",
                r["chunk"], slide.index, context="keyboard")
    if standin and not any("stand-in" in n for n in run.report.notes):
        run.report.notes.append("keyboard checked with the harness's reveal.js stand-in")
    run.show(slide.index)
    page.evaluate(JS_SET_RANGES, [(r["id"], r["value"])])
    run.collect("keyboard check (slider restored)", run.settle(), slide=slide.index)
