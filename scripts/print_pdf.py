#!/usr/bin/env python3
"""Print a rendered deck to PDF: one page per slide, every interactive plot in its default state.

    python scripts/print_pdf.py                          # every deck in _site/slides/ -> _site/slides/<deck>.pdf
    python scripts/print_pdf.py --deck slides/unit6.html --out unit6.pdf
    python scripts/print_pdf.py --deck slides/unit6.html --notes   # + speaker-notes pages
    python scripts/print_pdf.py --url http://127.0.0.1:4200/slides/unit6.html --out unit6.pdf

Run `quarto render` first (or point --url at a running `quarto preview`). The site is served
over http://127.0.0.1 by this script, because the OJS runtime refuses file:// URLs; the page is
opened with reveal.js's `?print-pdf` print layout in Chromium (Playwright, /usr/bin/chromium),
and the PDF is taken only after every OJS cell has settled (no cell running, no DOM change for
a while, fonts loaded). Every request to a non-loopback address is blocked and reported. Exit
code 1 when a local file is missing, a script throws or a cell shows an error (the PDF is written
anyway); a blocked request the page recovered from is a warning (an error with --strict-offline).

Pages that are not reveal.js decks (for example the test harness pages) are printed as they are.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}

# Runs in the page: reports what still keeps it from being "settled".
SETTLE_PROBE = """
() => {
  const pending = [];
  if (document.readyState !== "complete") pending.push("document still loading");
  const reveal = document.querySelector(".reveal");
  if (reveal && window.Reveal) {
    if (typeof Reveal.isReady === "function" && !Reveal.isReady()) pending.push("reveal.js not ready");
    if (window.PRINT_PDF && !document.querySelector(".pdf-page")) pending.push("reveal.js print layout not built");
  }
  const running = document.querySelectorAll(".observablehq--running, .observablehq--pending");
  if (running.length) pending.push(`${running.length} OJS cell(s) still running`);
  if (document.fonts && document.fonts.status !== "loaded") pending.push("fonts loading");
  const quiet = performance.now() - (window.__LAST_MUTATION__ ?? 0);
  if (quiet < window.__QUIET_MS__) pending.push(`DOM changed ${Math.round(quiet)} ms ago`);
  return pending;
}
"""

# Installed before any page script: records the time of the latest DOM change.
MUTATION_CLOCK = """
window.__LAST_MUTATION__ = performance.now();
window.__QUIET_MS__ = %d;
new MutationObserver(() => { window.__LAST_MUTATION__ = performance.now(); })
  .observe(document, {subtree: true, childList: true, attributes: true, characterData: true});
"""

ERROR_PROBE = """
() => Array.from(document.querySelectorAll(".observablehq--error, .ojs-error, .cell-output-error"))
  .map((element) => element.textContent.trim().slice(0, 200))
"""

# In print mode reveal.js wraps each printed slide in a .pdf-page element; with
# showNotes=separate-page each slide's notes follow as a .speaker-notes-pdf page of their own.
PAGE_COUNT_PROBE = """() => document.querySelectorAll(
  '.pdf-page, .speaker-notes-pdf[data-layout="separate-page"]').length"""

# reveal.js lays the print view out once, when it starts, and centres each slide (config.center
# or class .center) by the height its content had THEN. OJS cells render later and make slides
# taller, so centred slides are centred again, with reveal.js's own formula, once all settled.
RECENTER_SLIDES = """
() => {
  if (!window.Reveal || !document.documentElement.classList.contains("print-pdf")) return 0;
  const config = Reveal.getConfig();
  const size = Reveal.getComputedSlideSize(window.innerWidth, window.innerHeight);
  const pageHeight = Math.floor(size.height * (1 + config.margin));
  let moved = 0;
  for (const slide of document.querySelectorAll(".pdf-page > section")) {
    if (slide.classList.contains("stack")) continue;
    if (!(config.center || slide.classList.contains("center"))) continue;
    if (slide.scrollHeight > pageHeight) continue;  // a multi-page slide keeps reveal.js's layout
    const top = Math.max((pageHeight - slide.scrollHeight) / 2, 0) + "px";
    if (slide.style.top !== top) { slide.style.top = top; moved++; }
  }
  return moved;
}
"""
SLIDE_COUNT_PROBE = "() => (window.Reveal && Reveal.getTotalSlides) ? Reveal.getTotalSlides() : null"


@dataclass
class PrintResult:
    url: str
    pdf: Path
    pages_in_layout: int | None
    slides: int | None
    blocked_requests: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    cell_errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing went wrong on the page: every local file loaded, no script error, no cell
        error. A blocked request to the internet that the page recovered from is allowed here
        (see `clean`): Quarto's runtime can ask for a CDN builtin before the import that
        shadows it has arrived, then recompute the cell with the vendored library."""
        return not (self.failed_requests or self.console_errors or self.cell_errors)

    @property
    def clean(self) -> bool:
        """ok, and not a single request to the internet."""
        return self.ok and not self.blocked_requests

    def summary(self) -> str:
        lines = [f"{self.pdf}: {self.pages_in_layout} page(s), {self.slides} slide(s) from {self.url}"]
        for title, items in [("blocked non-loopback requests", self.blocked_requests),
                             ("failed requests", self.failed_requests),
                             ("console errors", self.console_errors),
                             ("OJS cell errors", self.cell_errors)]:
            if items:
                lines.append(f"  {title}:")
                lines += [f"    {item}" for item in items[:20]]
        return "\n".join(lines)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve_directory(directory: Path):
    """Serves directory at http://127.0.0.1:<free port>; yields the base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# For pages that are not reveal.js decks: each element matching the selector becomes one page
# of the slide's size (reveal.js's own print layout does this for a deck).
PAGE_PER_ELEMENT_CSS = """
@page { size: %(width)dpx %(height)dpx; margin: 0; }
html, body { margin: 0 !important; padding: 0 !important; }
%(selector)s { break-after: page; break-inside: avoid; margin: 0 !important; outline: none !important;
  width: %(width)dpx !important; height: %(height)dpx !important; overflow: hidden !important; }
"""


def print_url(url: str, browser, *, notes: bool = False, settle_timeout_s: float = 60.0,
              quiet_ms: int = 750, print_mode: bool = True, page_selector: str | None = None,
              width: int = 1050, height: int = 700, extra_css: str | None = None,
              out: Path) -> PrintResult:
    """Opens url (a loopback http URL) and prints it to out. print_mode: add reveal.js's
    ?print-pdf (and showNotes=separate-page when notes). page_selector: for a page that is not
    a deck, print every matching element on a page of its own (width x height CSS pixels)."""
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in {h.strip("[]") for h in LOOPBACK_HOSTS}:
        raise ValueError(f"url must be http:// on 127.0.0.1 or localhost (the OJS runtime refuses file://), got {url}")
    if print_mode:
        query = "print-pdf" + (("&" + urlencode({"showNotes": "separate-page"})) if notes else "")
        if parts.query:
            query = parts.query + "&" + query
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))

    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    result = PrintResult(url=url, pdf=out, pages_in_layout=None, slides=None)

    def route(route):
        host = urlsplit(route.request.url).hostname or ""
        if route.request.url.startswith(("data:", "blob:")) or host in {h.strip("[]") for h in LOOPBACK_HOSTS}:
            route.continue_()
        else:
            result.blocked_requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("requestfailed", lambda request: None if request.url in result.blocked_requests
            else result.failed_requests.append(f"{request.url} ({request.failure})"))
    page.on("response", lambda response: result.failed_requests.append(f"{response.url} (HTTP {response.status})")
            if response.status >= 400 else None)
    def on_console(message):
        if message.type != "error":
            return
        location = (message.location or {}).get("url", "")
        if message.text.startswith("Failed to load resource") and location in result.blocked_requests:
            return  # the blocked request itself is reported
        result.console_errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: result.console_errors.append(str(error)))
    page.add_init_script(MUTATION_CLOCK % quiet_ms + ("window.PRINT_PDF = true;" if print_mode else ""))

    page.goto(url, wait_until="load")
    deadline = time.monotonic() + settle_timeout_s
    pending = page.evaluate(SETTLE_PROBE)
    while pending and time.monotonic() < deadline:
        page.wait_for_timeout(100)
        pending = page.evaluate(SETTLE_PROBE)
    if pending:
        context.close()
        raise TimeoutError(f"{url} did not settle within {settle_timeout_s:g} s: " + "; ".join(pending))

    if print_mode:
        page.evaluate(RECENTER_SLIDES)
    result.cell_errors = page.evaluate(ERROR_PROBE)
    result.slides = page.evaluate(SLIDE_COUNT_PROBE)
    if print_mode and page.query_selector(".reveal"):
        result.pages_in_layout = page.evaluate(PAGE_COUNT_PROBE)
    if extra_css:
        page.add_style_tag(content=extra_css)
    if page_selector:
        page.add_style_tag(content=PAGE_PER_ELEMENT_CSS % {"width": width, "height": height,
                                                           "selector": page_selector})
        result.pages_in_layout = page.evaluate("(s) => document.querySelectorAll(s).length", page_selector)
    out.parent.mkdir(parents=True, exist_ok=True)
    # reveal.js's print layout sets @page to the slide size; prefer_css_page_size honours it.
    page.pdf(path=str(out), print_background=True, prefer_css_page_size=True,
             width=f"{width}px", height=f"{height}px")
    context.close()
    return result


def find_decks(site: Path) -> list[Path]:
    """Every reveal.js deck Quarto wrote under site/slides/."""
    decks = []
    for html in sorted((site / "slides").glob("*.html")):
        head = html.read_text(errors="replace")[:200_000]
        if 'class="reveal"' in head or "reveal.js" in head:
            decks.append(html)
    return decks


def launch_browser(playwright):
    if not Path(CHROMIUM).exists():
        raise FileNotFoundError(f"{CHROMIUM} not found: install Debian's `chromium` package")
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--deck", help="deck HTML inside --site, e.g. slides/unit6.html")
    source.add_argument("--all", action="store_true", help="every deck in <site>/slides/ (the default)")
    source.add_argument("--url", help="a page already served on http://127.0.0.1 or localhost")
    parser.add_argument("--site", type=Path, default=Path("_site"), help="rendered site to serve (default _site)")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--out", type=Path, help="output PDF (one deck)")
    target.add_argument("--out-dir", type=Path, help="folder for <deck>.pdf files (default: beside each deck)")
    parser.add_argument("--notes", action="store_true", help="add each slide's speaker notes on a separate page")
    parser.add_argument("--no-print-mode", action="store_true", help="print the page as it is, without ?print-pdf")
    parser.add_argument("--page-selector", help="(pages that are not decks) print each matching element on its own page")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for OJS cells to settle")
    parser.add_argument("--allow-errors", action="store_true",
                        help="exit 0 even if a cell failed, a local file was missing or a script failed (the PDF "
                             "is written either way; without this flag such a PDF makes the exit code 1)")
    parser.add_argument("--strict-offline", action="store_true",
                        help="also fail when the page asked for anything on the internet (blocked)")
    parser.add_argument("--dry-run", action="store_true", help="check the arguments and list what would be printed")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.url:
        if args.out is None:
            print("print_pdf: --url needs --out FILE", file=sys.stderr)
            return 2
        targets = [(args.url, args.out)]
        site = None
    else:
        site = args.site
        if not args.dry_run and not site.is_dir():
            print(f"print_pdf: {site}/ does not exist; run `quarto render` first", file=sys.stderr)
            return 2
        decks = [site / args.deck] if args.deck else (find_decks(site) if site.is_dir() else [])
        if args.deck and not args.dry_run and not decks[0].is_file():
            print(f"print_pdf: {decks[0]} does not exist", file=sys.stderr)
            return 2
        if not decks and not args.dry_run:
            print(f"print_pdf: no reveal.js deck found in {site}/slides/", file=sys.stderr)
            return 2
        if args.out and len(decks) > 1:
            print("print_pdf: --out takes one deck; use --out-dir for several", file=sys.stderr)
            return 2
        targets = []
        for deck in decks:
            suffix = "-notes.pdf" if args.notes else ".pdf"
            out = args.out or ((args.out_dir or deck.parent) / (deck.stem + suffix))
            targets.append((deck, out))

    if args.dry_run:
        if not targets:
            print(f"print_pdf: nothing to print: no reveal.js deck in {site}/slides/ (run `quarto render` first)")
        for source, out in targets:
            print(f"would print {source} -> {out}")
        return 0

    from playwright.sync_api import sync_playwright

    exit_code = 0
    with sync_playwright() as playwright, contextlib.ExitStack() as stack:
        browser = launch_browser(playwright)
        stack.callback(browser.close)
        base = stack.enter_context(serve_directory(site)) if site is not None else None
        for source, out in targets:
            url = source if base is None else f"{base}/{source.relative_to(site).as_posix()}"
            result = print_url(url, browser, notes=args.notes, settle_timeout_s=args.timeout,
                               print_mode=not args.no_print_mode, page_selector=args.page_selector, out=out)
            print(result.summary())
            if not result.ok or (args.strict_offline and not result.clean):
                if not args.allow_errors:
                    exit_code = 1
            elif not result.clean:
                print("  warning: the page asked for files on the internet (blocked); the PDF is complete "
                      "without them. --strict-offline makes this an error.")
    return exit_code


if __name__ == "__main__":
    sys.exit(main())
