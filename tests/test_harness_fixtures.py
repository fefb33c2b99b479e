"""The deck harness can fail: every broken fixture deck is caught, with a message naming the
cell, and the good fixture (every Quarto feature the decks rely on) passes.

Fixture decks: tests/fixtures/decks/slides/*.qmd (a miniature project whose slides/js,
slides/vendor, vendor/ and slides/_metadata.yml are links to the real ones)."""

from pathlib import Path

import pytest

from harness import corner_combinations, parse_deck

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "decks" / "slides"
# Decks that must not get slides/_metadata.yml (its keyboard fix): Quarto appends lists, so a
# deck cannot switch an include off.
WITHOUT_KEYBOARD_FIX = FIXTURES.parent / "without_keyboard_fix"

# deck -> (failure kinds that must be reported for the labelled cell, the cell's label,
#          what must appear in the context: the state in which it failed)
BROKEN = {
    "bad_throw.qmd": ({"cell-error"}, "throws", "initial load"),
    "bad_cdn.qmd": ({"cell-error"}, "cdn-plot", "initial load"),
    "bad_missing_data.qmd": ({"cell-error"}, "missing-file", "initial load"),
    "bad_nan.qmd": ({"nan"}, "nan-path", "initial load, slide shown"),
    "bad_slider_max.qmd": ({"far"}, "diverging-plot", "Learning rate=1.5"),
    "bad_overflow.qmd": ({"overflow"}, "too-tall", "initial load, slide shown"),
    "bad_not_copied.qmd": ({"cell-error"}, "not-copied", "initial load"),
    "bad_empty_plot.qmd": ({"no-marks"}, "empty-plot", "initial load, slide shown"),
}


def test_good_fixture_passes(harness_session):
    report = harness_session.check_deck(FIXTURES / "good.qmd")
    assert not report.failures, report.format()
    # It was really driven: 2 sliders x (5 values + default), 4 corners, defaults, 2 buttons,
    # the keyboard check and the initial load.
    assert report.steps >= 20, report.format()
    assert report.load_ms is not None and report.bytes_loaded > 0


def test_good_fixture_requests_nothing_from_a_cdn(harness_session):
    """good.qmd binds the builtin names to the vendored libraries by ordinary cells: no race."""
    report = harness_session.check_deck(FIXTURES / "good.qmd", drive=False, keyboard=False)
    assert not [f for f in report.failures if f.kind == "external-request"], report.format()


def test_import_race_is_a_failure(harness_session):
    """Builtins shadowed by a plain import are first fetched from the CDN: caught, and named."""
    report = harness_session.check_deck(FIXTURES / "bad_import_race.qmd", drive=False, keyboard=False)
    race = [f for f in report.failures if f.kind == "external-request" and "the import race" in f.message]
    assert race and "cdn.jsdelivr.net" in race[0].message, report.format()


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_fixture_is_caught_naming_the_cell(harness_session, name):
    kinds, label, context = BROKEN[name]
    report = harness_session.check_deck(FIXTURES / name)
    hits = [f for f in report.failures if f.kind in kinds and f.chunk is not None and f.chunk.label == label]
    assert hits, f"expected a {kinds} failure of cell '{label}':\n{report.format()}"
    assert any(context in f.context for f in hits), report.format()
    for failure in hits:
        text = str(failure)
        assert f"cell {failure.chunk.index} '{label}'" in text
        assert failure.deck_slide_title() in text


def test_cdn_builtin_is_an_aborted_external_request(harness_session):
    report = harness_session.check_deck(FIXTURES / "bad_cdn.qmd", drive=False, keyboard=False)
    external = [f for f in report.failures if f.kind == "external-request"]
    assert external and "cdn.jsdelivr.net" in external[0].message and "Plot" in external[0].message


def test_missing_file_is_a_failed_request(harness_session):
    report = harness_session.check_deck(FIXTURES / "bad_missing_data.qmd", drive=False, keyboard=False)
    assert any(f.kind == "failed-request" and "no_such_file.arrow" in f.message for f in report.failures)


def test_file_quarto_would_not_copy_is_not_served(harness_session):
    report = harness_session.check_deck(FIXTURES / "bad_not_copied.qmd", drive=False, keyboard=False)
    assert any(f.kind == "failed-request" and "extra.json" in f.message and "not copied into _site" in f.message
               for f in report.failures), report.format()


def test_keyboard_stays_in_slider_without_the_fix(harness_session):
    report = harness_session.check_deck(WITHOUT_KEYBOARD_FIX / "bad_keyboard.qmd")
    hits = [f for f in report.failures if f.kind == "keyboard"]
    assert hits and "ArrowRight moved the slider" in hits[0].message, report.format()
    assert hits[0].chunk is not None and "cell 2" in str(hits[0])


def test_stand_in_layout_when_reveal_js_is_missing(harness_session):
    """Without node_modules/reveal.js the stand-in lays the slides out and handles the keys."""
    saved = harness_session.reveal_dir
    harness_session.reveal_dir = None
    try:
        good = harness_session.check_deck(FIXTURES / "good.qmd")
        broken = harness_session.check_deck(WITHOUT_KEYBOARD_FIX / "bad_keyboard.qmd")
    finally:
        harness_session.reveal_dir = saved
    assert not good.failures, good.format()
    assert any("stand-in" in n for n in good.notes), good.format()
    assert any(f.kind == "keyboard" and "ArrowRight moved the slider" in f.message for f in broken.failures), broken.format()


def test_corner_combinations():
    assert corner_combinations(1) == [(0,), (1,)]
    assert len(corner_combinations(3)) == 8
    assert len(set(corner_combinations(3))) == 8
    many = corner_combinations(8)
    assert len(many) == 64 and len(set(many)) == 64
    assert (0,) * 8 in many and (1,) * 8 in many


def test_deck_parsing():
    deck = parse_deck(FIXTURES / "good.qmd")
    titles = [s.title for s in deck.slides]
    assert titles[0].startswith("Harness fixture")
    assert "Sliders and a button" in titles
    assert [c.index for c in deck.chunks] == list(range(1, len(deck.chunks) + 1))
    first = deck.chunks[0]
    assert first.options == {"output": False} and not first.shows_output
    assert deck.slides[first.slide].title == "Imports"
    plots = [c for c in deck.chunks if c.looks_like_plot]
    assert len(plots) == 1 and deck.slides[plots[0].slide].title == "Sliders and a button"


def test_emulated_site_follows_quartos_copy_rules(tmp_path):
    """Only what `quarto render` would copy is served (rules of Quarto's resource scanner)."""
    from harness.project import deck_options, scan_deck

    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n")
    js = tmp_path / "slides" / "js"
    js.mkdir(parents=True)
    (tmp_path / "data").mkdir()
    for name in ("rel.arrow", "abs.arrow"):
        (tmp_path / "data" / name).write_bytes(b"x")
    (js / "a.js").write_text('export * as B from "./b.js";\nimport {c} from "./c.js";\nexport {e} from "./e.js";\n')
    (js / "b.js").write_text("export const b = 1;\n")
    (js / "c.js").write_text('import {d} from "./d.js";\nexport class C { #hidden = 1; }\nexport const c = d;\n')
    (js / "d.js").write_text("export const d = 1;\n")
    (js / "e.js").write_text("export const e = 1;\n")
    deck_path = tmp_path / "slides" / "deck.qmd"
    deck_path.write_text('---\ntitle: t\n---\n\n## s\n\n```{ojs}\nimport {c} from "./js/a.js"\n'
                         'r = FileAttachment("../data/rel.arrow")\na = FileAttachment("/data/abs.arrow")\n```\n')
    deck = parse_deck(deck_path)
    site = scan_deck(deck, tmp_path, deck_options(deck, tmp_path))
    assert {"slides/js/a.js", "slides/js/c.js", "slides/js/e.js", "data/rel.arrow"} <= site.files
    assert "slides/js/b.js" not in site.files  # `export * as` is not followed
    assert "slides/js/d.js" not in site.files  # c.js is not ES2020 (class field): not followed
    assert "data/abs.arrow" not in site.files  # root-absolute: looked for beside the deck
    assert any(p["kind"] == "unparsable-module" and p["file"].endswith("c.js") for p in site.problems)
    (tmp_path / "_quarto.yml").write_text("project:\n  type: website\n  resources:\n    - data/**\n")
    assert "data/abs.arrow" in scan_deck(deck, tmp_path, deck_options(deck, tmp_path)).files
