"""Check a page of a rendered site in Chromium, offline, and report every failure by slide and cell.

    from harness import HarnessSession
    with HarnessSession() as session:
        report = session.check_deck(site, "slides/unit6.html")   # site: a `_site/` quarto rendered
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

from .server import SiteServer
from .site import REPO_ROOT

HARNESS_DIR = Path(__file__).resolve().parent
NODE = os.environ.get("HARNESS_NODE", "node")
CHROMIUM = os.environ.get("HARNESS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
SETTLE_TIMEOUT_MS = int(os.environ.get("HARNESS_SETTLE_TIMEOUT_MS", "20000"))
CORNER_CAP = 64
INTERMEDIATE = (0.25, 0.5, 0.75)
MAX_PER_KIND_AND_CELL = 3  # repeated failures of one kind in one cell are summarised


# ---------------------------------------------------------------------------------------------
# What the page holds (read from the rendered DOM by js/shim.js)

@dataclass
class Slide:
    index: int
    title: str
    id: str = ""

    def describe(self) -> str:
        return f"slide {self.index + 1} '{self.title}'" if self.title else f"slide {self.index + 1}"


@dataclass
class Chunk:
    """One {ojs} chunk of the source: Quarto's `ojs-cell-N`."""
    index: int
    label: str
    slide: int
    source: str
    shows_output: bool
    plot: bool

    def describe(self) -> str:
        first = next((line.strip() for line in self.source.splitlines() if line.strip() and not line.startswith("//")), "")
        name = f"cell ojs-cell-{self.index}" + (f" '{self.label}'" if self.label else "")
        return f"{name} ({first[:60]})" if first else name


@dataclass
class Deck:
    """A rendered page: a reveal.js deck (its slides) or an HTML page (one 'slide', its main)."""
    path: str
    slides: list[Slide]
    chunks: list[Chunk]
    reveal: bool

    def chunk(self, index: int | None) -> Chunk | None:
        return next((c for c in self.chunks if c.index == index), None)

    @classmethod
    def from_page(cls, path: str, described: dict) -> "Deck":
        return cls(path, [Slide(**s) for s in described["slides"]], [Chunk(**c) for c in described["chunks"]],
                   described["reveal"])


# ---------------------------------------------------------------------------------------------
# Results

@dataclass
class Failure:
    kind: str
    message: str
    slide: Slide | None = None
    chunk: Chunk | None = None
    context: str = "initial load"

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
    deck: Deck | None
    path: str = ""
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    load_ms: float | None = None
    bytes_loaded: int = 0  # everything served for the cold load
    steps: int = 0
    suppressed: int = 0

    def kinds(self) -> set[str]:
        return {f.kind for f in self.failures}

    def format(self) -> str:
        lines = [f"{self.path}: {len(self.failures)} failure(s) after {self.steps} checked state(s)"]
        lines += [f"  - {f}" for f in self.failures]
        if self.suppressed:
            lines.append(f"  ({self.suppressed} repeated failure(s) of the same kind and cell not listed)")
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Build of the in-page script (cached per content of tests/harness/js)

def build_shim() -> Path:
    js_dir = HARNESS_DIR / "js"
    digest = hashlib.sha256()
    for f in sorted(js_dir.glob("*.js")) + sorted(js_dir.glob("*.mjs")):
        digest.update(f.name.encode() + f.read_bytes())
    out = Path(tempfile.gettempdir()) / f"ojs-harness-{digest.hexdigest()[:16]}"
    if not (out / "harness-shim.js").exists():
        # Built aside and moved into place: parallel test workers (pytest-xdist) may build it at once.
        scratch = Path(tempfile.mkdtemp(prefix="ojs-harness-build-"))
        subprocess.run([NODE, str(js_dir / "build.mjs"), str(scratch)], cwd=REPO_ROOT, check=True)
        out.mkdir(parents=True, exist_ok=True)
        os.replace(scratch / "harness-shim.js", out / "harness-shim.js")
    return out / "harness-shim.js"


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
  const section = document.querySelector(`[data-harness-slide="${slide}"]`);
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
  // Frames after a change: [start of the frame's animation callbacks, a task after its paint].
  const frames = [];
  const observer = new MutationObserver(mutations => {
    for (const m of mutations) {
      const cell = cellOf(m.target);
      if (cell && cell !== own) { last = performance.now(); lastChunk = Number(cell.dataset.harnessChunk); }
    }
    if (last === null) return;
    requestAnimationFrame(() => {
      const at = performance.now();
      setTimeout(() => frames.push([at, performance.now()]), 0);
    });
  });
  observer.observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  // The Observable runtime recomputes in the next animation frame, not in the input event: a
  // callback queued before the input runs first in that frame and marks when the work can start.
  let frame = null;
  requestAnimationFrame(() => { frame = performance.now(); });
  const t0 = performance.now();
  el.value = String(value);
  el.dispatchEvent(new Event("input", {bubbles: true}));
  const settled = await window.__harness.settled(%d);
  observer.disconnect();
  if (last === null) return {latency: null, compute: null, settled: settled.ok};
  const t1 = performance.now();
  await new Promise(requestAnimationFrame);
  await new Promise(requestAnimationFrame);
  // painted: the input to the end of the first frame drawn after the last change (the first
  // task after that frame's paint), what a viewer sees; latency adds two whole frames to compute.
  const painted = frames.filter(([at]) => at >= last).map(([, done]) => done - t0);
  return {compute: last - t0, frame_wait: frame === null ? null : frame - t0,
          latency: last - t0 + (performance.now() - t1), painted: painted.length ? Math.min(...painted) : null,
          chunk: lastChunk, settled: settled.ok};
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
    """A loaded page with its event log; `collect` turns new events into failures."""

    def __init__(self, session: "HarnessSession", report: DeckReport, url: str, width: int, height: int):
        self.session, self.report = session, report
        self.deck: Deck | None = None
        self.width, self.height = width, height
        self.events: list[tuple[str, str, str]] = []  # (kind, message, url)
        self.seen: dict[tuple, int] = {}
        self.reported_errors: set[tuple] = set()
        self.url = url
        if session.engine is not None:
            # Firefox or WebKit (engines.py): a page with the same methods; its events are read
            # from it in collect().
            self.context = None
            self.page = session.engine.new_page(width, height)
            return
        self.context = session.browser.new_context(viewport={"width": width, "height": height})
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.events.append(("page-error", str(error), "")))
        self.page.on("requestfailed", self._request_failed)
        self.page.on("response", self._response)

    # -- network and console --------------------------------------------------------------
    def _route(self, route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob") or (parts.scheme in ("http", "https", "ws") and parts.hostname in LOOPBACK):
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
            path = urlsplit(response.url).path
            self.events.append(("failed-request", f"{path} -> HTTP {response.status} (not in the rendered site)", response.url))

    def _console(self, message):
        if message.type not in ("error", "assert"):
            return
        text = message.text
        location = (message.location or {}).get("url", "")
        if text.startswith("Failed to load resource") and any(
                e[2] == location for e in self.events if e[0] in ("external-request", "failed-request")):
            return  # the request itself is reported
        if text.startswith("Error evaluating OJS cell"):
            return  # Quarto's echo of a cell error: the cell's error callout is reported with its cell
        self.events.append(("console-error", text[:500], location))

    # -- failures -------------------------------------------------------------------------
    def add(self, kind: str, message: str, chunk_index: int | None = None, slide_index: int | None = None,
            context: str = "initial load"):
        chunk = self.deck.chunk(chunk_index) if self.deck else None
        slide = None
        if self.deck and slide_index is not None and 0 <= slide_index < len(self.deck.slides):
            slide = self.deck.slides[slide_index]
        elif self.deck and chunk is not None and 0 <= chunk.slide < len(self.deck.slides):
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
        if self.deck and self.deck.reveal:
            self.page.evaluate("""(i) => {
              const el = document.querySelector(`[data-harness-slide="${i}"]`);
              const {h, v} = window.Reveal.getIndices(el);
              window.Reveal.slide(h, v);
            }""", slide)
        return self.settle()

    def collect(self, context: str, settled: dict | None = None, slide: int | None = None,
                checks: bool = True):
        self.report.steps += 1
        if settled is not None and not settled.get("ok"):
            pending = settled.get("pending") or []
            if pending:
                for p in pending[:5]:
                    self.add("not-settled", f"output still pending after {SETTLE_TIMEOUT_MS / 1000:.0f} s",
                             p["chunk"], context=context)
            else:
                self.add("not-settled", f"runtime still computing after {SETTLE_TIMEOUT_MS / 1000:.0f} s", context=context)
        for item in self.page.evaluate("() => window.__harness.snapshot()")["errors"]:
            key = (item["chunk"], item["error"])
            if key not in self.reported_errors:
                self.reported_errors.add(key)
                self.add("cell-error", item["error"], item["chunk"], context=context)
        if self.context is None:  # an engines.py page: its events, and what the server could not serve
            self.events += self.page.drain_events()
            self.events += [("failed-request", f"{path} -> HTTP {status} (not in the rendered site)", path)
                            for path, status in self.session.server.take_failures()
                            if path != "/favicon.ico"]  # the browser's own request (Firefox), not the page's
        events, self.events = self.events, []
        for kind, message, _url in events:
            # Attributed to the slide being shown or driven (the cell is named by its own failure).
            self.add(kind, message, slide_index=slide, context=context)
        if not checks:
            return
        plot_chunks = [c.index for c in self.deck.chunks if c.plot] if self.deck else []
        issues = self.page.evaluate("(o) => window.__harness.check(o)",
                                    {"plotChunks": plot_chunks, "width": self.width, "height": self.height,
                                     "overflow": slide is not None and bool(self.deck and self.deck.reveal),
                                     "slide": slide})
        for issue in issues:
            self.add(issue["kind"], issue["message"], issue.get("chunk"), issue.get("slide"), context=context)

    def close(self):
        (self.context or self.page).close()


# ---------------------------------------------------------------------------------------------
# Session

class HarnessSession:
    """One browser and one loopback server, reused for every page of a test session.

    `engine`: "chromium" (Playwright; `.browser` is its Browser, which other tests use), or
    "firefox" / "webkit" (engines.py: Debian's Firefox ESR over WebDriver BiDi, WebKitGTK over
    WebDriver), which run the same DeckRun, shim and checks through a page of the same API."""

    def __init__(self, headless: bool = True, engine: str = "chromium"):
        self.shim = build_shim().read_text(encoding="utf-8")
        self.server = SiteServer()
        self.engine_name = engine
        self.engine = None
        self.browser = None
        self._pw = None
        if engine != "chromium":
            from .engines import launch

            self.engine = launch(engine, headless=headless)
            self.server.head_script = getattr(self.engine, "head_script", None)
            return
        from playwright.sync_api import sync_playwright

        self._pw = sync_playwright().start()
        self.browser = self._pw.chromium.launch(executable_path=CHROMIUM, headless=headless, args=CHROMIUM_ARGS)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        try:
            (self.engine or self.browser).close()
        finally:
            if self._pw is not None:
                self._pw.stop()
            self.server.close()

    def open(self, site: Path, rel: str, width: int = 1050, height: int = 700) -> DeckRun:
        """Load `rel` from the rendered `site` cold, wait until every cell has settled, and
        collect what happened on the way (each slide shown once)."""
        report = DeckReport(deck=None, path=rel)
        if not (Path(site) / rel).is_file():
            report.failures.append(Failure("render", f"quarto render produced no {rel} in {site}"))
            run = DeckRun(self, report, "", width, height)
            return run
        self.server.serve(site)
        self.server.reset_log()
        run = self.open_url(self.server.url(rel), rel, width, height, report)
        run.report.bytes_loaded = self.server.bytes_served
        return run

    def open_url(self, url: str, name: str, width: int = 1050, height: int = 700,
                 report: DeckReport | None = None, every_slide: bool = True) -> DeckRun:
        """Load a page from any loopback server (e.g. `quarto preview`), then show every slide in
        turn and collect its failures. `every_slide=False` stops once the first slide has settled:
        a plain load, which fetches nothing a later slide loads when shown (bench_deck measures it)."""
        report = report or DeckReport(deck=None, path=name)
        run = DeckRun(self, report, url, width, height)
        start = time.perf_counter()
        run.page.goto(run.url, wait_until="load")
        run.page.wait_for_function("() => document.readyState === 'complete' && (!document.querySelector('.reveal') "
                                   "|| (window.Reveal && window.Reveal.isReady()))", timeout=60000)
        run.page.add_script_tag(content=self.shim)
        run.deck = report.deck = Deck.from_page(name, run.page.evaluate("() => window.__harness.describe()"))
        settled = run.settle()
        # In-page time from navigation start until every cell settled (falls back to wall time).
        report.load_ms = settled.get("at") if settled.get("ok") else (time.perf_counter() - start) * 1000
        if not every_slide:
            return run
        run.collect("initial load", settled, checks=False)
        for slide in run.deck.slides:
            run.collect("initial load, slide shown", run.show(slide.index), slide=slide.index)
        return run

    def describe(self, site: Path, rel: str) -> Deck:
        """The slides and cells of a rendered page, without running the checks."""
        self.server.serve(site)
        context = self.browser.new_context(viewport={"width": 1050, "height": 700})
        context.route("**/*", lambda route: route.continue_() if urlsplit(route.request.url).hostname in LOOPBACK
                      else route.abort("blockedbyclient"))
        try:
            page = context.new_page()
            page.goto(self.server.url(rel), wait_until="load")
            page.add_script_tag(content=self.shim)
            return Deck.from_page(rel, page.evaluate("() => window.__harness.describe()"))
        finally:
            context.close()

    # -- the whole check ---------------------------------------------------------------------
    def check_deck(self, site: Path, rel: str, drive: bool = True, keyboard: bool = True) -> DeckReport:
        run = self.open(site, rel)
        try:
            if run.deck is not None:
                if drive:
                    for slide in run.deck.slides:
                        drive_slide(run, slide)
                if keyboard and run.deck.reveal:
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
    run.show(slide.index)
    page.evaluate(JS_SET_RANGES, [(r["id"], r["value"])])
    run.collect("keyboard check (slider restored)", run.settle(), slide=slide.index)
