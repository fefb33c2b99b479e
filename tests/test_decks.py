"""Every page of the site, as real `quarto render` built it, works offline in a real browser.

The `site` fixture renders the project with Quarto (tests/harness/fixtures.py); each page of
`_site/` is served from 127.0.0.1 with every other request aborted and loaded cold at 1050x700
in each of Chromium, Firefox ESR and WebKitGTK (one harness, tests/harness/engines.py). Decks:
every slide is shown, every slider driven through min / max / intermediate values and min-max
corners, every button clicked, the keyboard checked after a slider click, overflow measured on
Quarto's real layout. HTML pages: loaded, math rendered locally, their cells (if any) driven the
same way. Any cell error, console error, failed or external request,
NaN, mark drawn far off its plot or unrendered TeX fails, naming the page, slide and cell."""

from pathlib import Path

import pytest
import yaml
from harness.engines import ENGINES

ROOT = Path(__file__).resolve().parent.parent


def rendered_pages() -> list[str]:
    """The pages _quarto.yml renders (its `render:` list, globs expanded from the project root)."""
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text(encoding="utf-8"))
    pages = []
    for pattern in config["project"]["render"]:
        pages += sorted(p.relative_to(ROOT).with_suffix(".html").as_posix() for p in ROOT.glob(pattern.lstrip("/")))
    return pages


PAGES = rendered_pages()


def test_every_page_is_listed():
    assert {"index.html", "exercise.html", "slides/unit6.html"} <= set(PAGES), PAGES


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("engine", ENGINES)
def test_page_works_offline_in_the_browser(engine_sessions, site, engine, page):
    """The same checks in Chromium, Firefox ESR and WebKitGTK (tests/harness/engines.py)."""
    report = engine_sessions(engine).check_deck(site, page)
    print(report.format())
    assert not report.failures, report.format()
    if page.startswith("slides/"):
        assert report.deck.reveal and report.deck.chunks, f"{page} is not a reveal.js deck with {{ojs}} cells"
