#!/usr/bin/env python3
"""Screenshots of a rendered deck's slides at the projector's size, as the lecture hall sees them.

    python3 scripts/screenshot_slides.py                      # every slide of slides/unit6.html -> shots/
    python3 scripts/screenshot_slides.py --slides 12 57 67    # those slides (numbers as reveal.js shows them)
    python3 scripts/screenshot_slides.py --match "Try it"     # slides whose title contains the text
    python3 scripts/screenshot_slides.py --page index.html    # an HTML page of the site (whole page)

Run `quarto render` first. The site is served from 127.0.0.1 (the OJS runtime refuses file://),
every other request is blocked, and each shot waits until the cells have settled.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from print_pdf import CHROMIUM, CHROMIUM_ARGS, LOOPBACK_HOSTS, serve_directory  # noqa: E402

SETTLED = """() => !document.querySelector('.observablehq--running')
  && (!window._ojs || !window._ojs.ojsConnector || window._ojs.ojsConnector.runtime._computing === null)"""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:50]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=ROOT / "_site", help="the rendered site (default _site/)")
    parser.add_argument("--page", default="slides/unit6.html", help="page inside the site (default slides/unit6.html)")
    parser.add_argument("--slides", type=int, nargs="*", help="slide numbers, 1-based (default: all)")
    parser.add_argument("--match", help="only slides whose title contains this text")
    parser.add_argument("--out", type=Path, default=ROOT / "shots", help="output folder (default shots/)")
    parser.add_argument("--width", type=int, default=1050)
    parser.add_argument("--height", type=int, default=700)
    args = parser.parse_args(argv)
    if not (args.site / args.page).is_file():
        parser.error(f"{args.site / args.page} does not exist: run `quarto render` first")
    if args.width < 100 or args.height < 100:
        parser.error("--width and --height must be at least 100")
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    blocked: list[str] = []
    with serve_directory(args.site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": args.width, "height": args.height})

        def route(r):
            host = r.request.url.split("/")[2].split(":")[0] if "://" in r.request.url else ""
            if r.request.url.startswith(("data:", "blob:")) or host in LOOPBACK_HOSTS:
                r.continue_()
            else:
                blocked.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.goto(f"{base}/{args.page}")
        page.wait_for_function(SETTLED, timeout=60000)
        if not page.evaluate("() => !!window.Reveal"):
            path = args.out / f"{slug(args.page)}.png"
            page.screenshot(path=str(path), full_page=True)
            print(path)
            return 0
        titles = page.evaluate("""() => [...document.querySelectorAll('.reveal .slides section')]
          .filter(s => !s.querySelector('section')).map(s => (s.querySelector('h1, h2') || {textContent: ''}).textContent.trim())""")
        wanted = args.slides or range(1, len(titles) + 1)
        for number in wanted:
            if not 1 <= number <= len(titles):
                parser.error(f"slide {number} does not exist (the deck has {len(titles)})")
            title = titles[number - 1]
            if args.match and args.match not in title:
                continue
            page.evaluate("(i) => Reveal.slide(i)", number - 1)  # the deck has no vertical slides
            time.sleep(0.3)
            page.wait_for_function(SETTLED, timeout=60000)
            path = args.out / f"{number:03d}-{slug(title)}.png"
            page.screenshot(path=str(path))
            print(path)
        browser.close()
    if blocked:
        print(f"blocked non-loopback requests: {blocked}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
