"""The PDF handout (scripts/print_pdf.py).

The real render (the `site` fixture: `quarto render` of the project, and the fixture project's
good deck) is printed through reveal.js's ?print-pdf over http://127.0.0.1, and each PDF is
checked for one page per slide (plus one per speaker-notes page with --notes) and vector plots on
the interactive slides' pages. The printing machinery itself is tested on small pages of its own.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

import print_pdf  # noqa: E402
from pdf_reader import pdf_pages  # noqa: E402

SLIDE_PT = (1050 * 0.75, 700 * 0.75)  # CSS px -> PDF points
# Evidence of a vector plot on a page: the page is printed twice, the second time with the cells'
# SVG output hidden (KaTeX's SVG glyphs stay); a plot's axes, ticks and marks are at least this
# many path segments of difference (a page without a plot differs by none). (Absolute counts do not separate plots from slides of
# typeset math, whose fraction bars and radicals are vector paths too.)
PLOT_SEGMENTS = 20
HIDE_PLOTS_CSS = ".cell-output-display svg:not(.katex svg), section svg[class^='plot-'] { visibility: hidden !important; }"
PLOT_CALL = re.compile(r"Plot\.\w+\s*\(|\w+_plot\s*\(|\.plot\s*\(")


def plotted_slides(deck, controls_imply_plot: bool) -> list[int]:
    """Slides with a cell that draws a plot (Plot.* directly or one of plots.js's *_plot helpers);
    with controls_imply_plot (the lecture decks) also every slide with a control (Inputs.*):
    each interactive slide of the lecture is a plot driven by its sliders."""
    slides = {chunk.slide for chunk in deck.chunks if chunk.shows_output and PLOT_CALL.search(chunk.source)}
    if controls_imply_plot:
        slides |= {chunk.slide for chunk in deck.chunks if "Inputs." in chunk.source}
    return sorted(slides)


def assert_vector_plots(deck, pages, pages_without_plots, controls_imply_plot=True):
    slides = plotted_slides(deck, controls_imply_plot)
    assert slides, "the deck has no plot to check"
    for slide in slides:
        page, bare = pages[slide], pages_without_plots[slide]
        assert page.path_segments - bare.path_segments >= PLOT_SEGMENTS, (
            f"page {slide + 1} ({deck.slides[slide].title!r}) has no vector plot: "
            f"{page.path_segments} path segments, {bare.path_segments} with the plots hidden")
        assert page.xobjects_drawn == 0, f"page {slide + 1}: a plot was printed as a raster image"


def run_script(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "print_pdf.py"), *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def assert_slide_sized(pages):
    for number, page in enumerate(pages, 1):
        assert abs(page.width_pt - SLIDE_PT[0]) < 2 and abs(page.height_pt - SLIDE_PT[1]) < 2, (
            f"page {number} is {page.width_pt:.1f} x {page.height_pt:.1f} pt, not the 1050x700 slide")


def assert_slide_shaped(pages):
    """reveal.js prints a slide on a page of the slide's size times (1 + margin): the 3:2 shape."""
    for number, page in enumerate(pages, 1):
        assert page.width_pt >= SLIDE_PT[0] - 2, f"page {number} is narrower than the slide"
        assert abs(page.width_pt / page.height_pt - 1.5) < 0.01, (
            f"page {number} is {page.width_pt:.1f} x {page.height_pt:.1f} pt, not the 1050x700 slide's shape")


# --- arguments and bad input -------------------------------------------------------------------

def test_missing_site_is_a_clear_error(tmp_path):
    done = run_script("--site", str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "quarto render" in done.stderr


def test_missing_deck_is_a_clear_error(tmp_path):
    (tmp_path / "slides").mkdir()
    done = run_script("--site", str(tmp_path), "--deck", "slides/nope.html")
    assert done.returncode == 2 and "nope.html does not exist" in done.stderr


def test_url_needs_out_and_loopback(tmp_path):
    assert "--url needs --out" in run_script("--url", "http://127.0.0.1:1/x.html").stderr
    with pytest.raises(ValueError, match="file://"):
        print_pdf.print_url("file:///tmp/x.html", browser=None, out=tmp_path / "x.pdf")
    with pytest.raises(ValueError, match="127.0.0.1"):
        print_pdf.print_url("http://example.org/x.html", browser=None, out=tmp_path / "x.pdf")


def test_dry_run_lists_decks(tmp_path):
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "deck.html").write_text('<div class="reveal"><div class="slides"></div></div>')
    (tmp_path / "slides" / "notes.html").write_text("<p>not a deck</p>")
    done = run_script("--site", str(tmp_path), "--all", "--notes", "--dry-run")
    assert done.returncode == 0
    assert "deck.html" in done.stdout and "deck-notes.pdf" in done.stdout and "notes.html" not in done.stdout


# --- printing, on pages we control ----------------------------------------------------------------

@pytest.fixture(scope="module")
def session(harness_session):
    """The test session's one harness (tests/harness/fixtures.py): Playwright's sync API allows
    one instance per thread, so every browser test shares its Chromium."""
    return harness_session


@pytest.fixture(scope="module")
def browser(session):
    return session.browser


SVG_PLOT = "".join(f'<line x1="{20 + 2 * i}" y1="40" x2="{20 + 2 * i}" y2="600" stroke="black"/>' for i in range(480))
TEST_PAGE = f"""<!doctype html><html><body>
<section class="slide"><h1>Title</h1></section>
<section class="slide"><svg width="1000" height="650">{SVG_PLOT}
  <path d="M 20 600 C 300 40, 600 40, 980 600" fill="none" stroke="red"/></svg></section>
<section class="slide"><p>Late text</p><div id="late"></div></section>
<script>
  // Content that appears after load, like an OJS cell finishing: the PDF must wait for it.
  setTimeout(() => {{ document.getElementById("late").textContent = "computed later"; }}, 400);
</script>
</body></html>"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    (folder / "page.html").write_text(TEST_PAGE)
    handler = functools.partial(print_pdf.QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_page_per_element_printing_and_the_pdf_reader(browser, served, tmp_path):
    out = tmp_path / "page.pdf"
    result = print_pdf.print_url(f"{served}/page.html", browser, print_mode=False,
                                 page_selector="section.slide", out=out)
    assert result.clean, result.summary()
    assert result.pages_in_layout == 3
    pages = pdf_pages(out)
    assert len(pages) == 3
    assert_slide_sized(pages)
    assert pages[1].path_segments >= 400 > pages[0].path_segments
    # "Late text" and the text that appeared 400 ms after load are two text runs.
    assert pages[2].text_shows >= 2, "the PDF was taken before the page settled"


def test_blocked_requests_are_reported(browser, tmp_path):
    folder = tmp_path / "cdn"
    folder.mkdir()
    (folder / "cdn.html").write_text('<script src="https://cdn.jsdelivr.net/npm/d3@7"></script><p>x</p>')
    handler = functools.partial(print_pdf.QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = print_pdf.print_url(f"http://127.0.0.1:{server.server_address[1]}/cdn.html", browser,
                                     print_mode=False, out=tmp_path / "cdn.pdf")
    finally:
        server.shutdown()
        server.server_close()
    assert not result.clean
    assert result.ok, "the blocked request's own console message is not a second error"
    assert result.blocked_requests == ["https://cdn.jsdelivr.net/npm/d3@7"]
    assert "blocked non-loopback requests" in result.summary()


def test_missing_local_file_is_an_error(browser, tmp_path):
    folder = tmp_path / "missing"
    folder.mkdir()
    (folder / "page.html").write_text('<script src="gone.js"></script><p>x</p>')
    with print_pdf.serve_directory(folder) as base:
        result = print_pdf.print_url(f"{base}/page.html", browser, print_mode=False, out=tmp_path / "m.pdf")
    assert not result.ok
    assert any("gone.js" in failure for failure in result.failed_requests)


# --- reveal.js's own print layout (the pinned reveal.js from npm, the major version Quarto ships) ---

REVEAL_DECK = """<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="reveal/reveal.css"><link rel="stylesheet" href="reveal/theme/white.css">
</head><body><div class="reveal"><div class="slides">
<section><h2>Title</h2><aside class="notes">Say hello.</aside></section>
<section><h2>Interactive</h2><div class="cell observablehq--running" id="cell"></div>
  <aside class="notes">Drag the slider.</aside></section>
<section><h2>End</h2></section>
</div></div>
<script src="reveal/reveal.js"></script>
<script>
  Reveal.initialize({width: 1050, height: 700, hash: true});
  // Like an OJS cell: running for a while, then its plot appears.
  setTimeout(() => {
    const cell = document.getElementById("cell");
    cell.innerHTML = '<svg width="900" height="450">PLOT</svg>';
    cell.classList.remove("observablehq--running");
  }, 1200);
</script></body></html>""".replace("PLOT", "".join(
    f'<line x1="{10 + 2 * i}" y1="10" x2="{10 + 2 * i}" y2="440" stroke="black"/>' for i in range(440)))


@pytest.fixture(scope="module")
def reveal_site(tmp_path_factory):
    dist = ROOT / "node_modules" / "reveal.js" / "dist"
    if not dist.is_dir():
        message = "node_modules/reveal.js is not installed (run `npm ci`)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    site = tmp_path_factory.mktemp("reveal_site")
    shutil.copytree(dist, site / "slides" / "reveal")
    (site / "slides" / "deck.html").write_text(REVEAL_DECK)
    return site


@pytest.mark.parametrize("notes", [False, True], ids=["slides", "with-notes"])
def test_reveal_print_layout_one_page_per_slide(reveal_site, notes, tmp_path, session):
    out = tmp_path / "deck.pdf"
    with print_pdf.serve_directory(reveal_site) as base:
        result = print_pdf.print_url(f"{base}/slides/deck.html", session.browser, notes=notes, out=out)
    assert result.clean, result.summary()
    assert result.slides == 3
    pages = pdf_pages(out)
    assert len(pages) == result.pages_in_layout == (5 if notes else 3), "a page per slide (+ per notes)"
    plot_page = pages[2] if notes else pages[1]  # with notes: slide 1, its notes, slide 2, ...
    assert plot_page.path_segments >= 400, "printed before the cell finished, or off the page"
    assert_slide_shaped(pages)


def test_cli_prints_every_deck_of_a_site(reveal_site, tmp_path):
    done = run_script("--site", str(reveal_site), "--out-dir", str(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert len(pdf_pages(tmp_path / "deck.pdf")) == 3
    assert "3 page(s), 3 slide(s)" in done.stdout


# --- the real thing: Quarto's rendered decks --------------------------------------------------------

@pytest.mark.parametrize("notes", [False, True], ids=["slides", "with-notes"])
def test_rendered_deck_prints_one_page_per_slide(site, notes, tmp_path, session):
    out = tmp_path / "unit6.pdf"
    args = ["--site", str(site), "--deck", "slides/unit6.html", "--out", str(out)]
    done = run_script(*args, *(["--notes"] if notes else []))
    assert done.returncode == 0, done.stdout + done.stderr
    pages = pdf_pages(out)
    deck = session.describe(site, "slides/unit6.html")
    html = (site / "slides" / "unit6.html").read_text()
    with_notes = html.count('<aside class="notes">')
    expected = len(deck.slides) + (with_notes if notes else 0)
    assert len(pages) == expected, f"{len(pages)} pages for {len(deck.slides)} slides" + (
        f" and {with_notes} notes pages" if notes else "")
    assert_slide_shaped(pages)
    if not notes:
        bare = tmp_path / "bare.pdf"
        with print_pdf.serve_directory(site) as base:
            print_pdf.print_url(f"{base}/slides/unit6.html", session.browser, extra_css=HIDE_PLOTS_CSS, out=bare)
        assert_vector_plots(deck, pages, pdf_pages(bare))


def test_fixture_deck_prints_its_plot_as_vectors(fixture_site, session, tmp_path):
    """The fixture deck's only plot (no controls-imply-plot rule there) is a vector drawing."""
    out, bare = tmp_path / "good.pdf", tmp_path / "bare.pdf"
    with print_pdf.serve_directory(fixture_site) as base:
        result = print_pdf.print_url(f"{base}/slides/good.html", session.browser, out=out)
        print_pdf.print_url(f"{base}/slides/good.html", session.browser, extra_css=HIDE_PLOTS_CSS, out=bare)
    assert result.ok, result.summary()
    deck = session.describe(fixture_site, "slides/good.html")
    pages = pdf_pages(out)
    assert len(pages) == len(deck.slides) == result.slides
    assert_vector_plots(deck, pages, pdf_pages(bare), controls_imply_plot=False)
