"""The harness can fail: every broken fixture deck, rendered by real Quarto, is caught with a
message naming its slide and cell, and the good fixture (every Quarto feature the decks rely on)
passes.

Fixture project: tests/fixtures/decks (its own _quarto.yml; slides/js, slides/vendor, vendor/,
slides/_metadata.yml ... are links to the real ones, resolved in the scratch copy that is
rendered). tests/fixtures/render_error is a project whose render must fail."""

from pathlib import Path

import pytest

from harness import copy_project, corner_combinations, render

FIXTURES = Path(__file__).resolve().parent / "fixtures"

# page -> (failure kinds that must be reported for the labelled cell, the cell's label,
#          what must appear in the context: the state in which it failed)
BROKEN = {
    "slides/bad_throw.html": ({"cell-error"}, "throws", "initial load"),
    "slides/bad_cdn.html": ({"cell-error"}, "cdn-plot", "initial load"),
    "slides/bad_missing_data.html": ({"cell-error"}, "missing-file", "initial load"),
    "slides/bad_nan.html": ({"nan"}, "nan-path", "initial load, slide shown"),
    "slides/bad_slider_max.html": ({"far"}, "diverging-plot", "Learning rate=1.5"),
    "slides/bad_overflow.html": ({"overflow"}, "too-tall", "initial load, slide shown"),
    "slides/bad_not_copied.html": ({"cell-error"}, "not-copied", "initial load"),
    "slides/bad_empty_plot.html": ({"no-marks"}, "empty-plot", "initial load, slide shown"),
}


def test_good_fixture_passes(harness_session, fixture_site):
    report = harness_session.check_deck(fixture_site, "slides/good.html")
    assert not report.failures, report.format()
    # It was really driven: 2 sliders x (5 values + default), 4 corners, defaults, 2 buttons,
    # the keyboard check and the initial load.
    assert report.steps >= 20, report.format()
    assert report.load_ms is not None and report.bytes_loaded > 0
    labels = [c.label for c in report.deck.chunks]
    assert len(report.deck.chunks) >= 8 and "Sliders and a button" in [s.title for s in report.deck.slides], labels


def test_plain_import_of_the_libraries_requests_nothing_from_a_cdn(harness_session, fixture_site):
    """Real Quarto resolves `import {Plot, Inputs, md, d3} from "./js/libs.js"` before any cell
    binds the standard library's builtins: no CDN request, no error. (The old emulated harness
    predicted a race here; the real render shows none.)"""
    report = harness_session.check_deck(fixture_site, "slides/plain_import.html")
    assert not report.failures, report.format()
    assert report.steps >= 8, report.format()


@pytest.mark.parametrize("page", sorted(BROKEN))
def test_broken_fixture_is_caught_naming_the_cell(harness_session, fixture_site, page):
    kinds, label, context = BROKEN[page]
    report = harness_session.check_deck(fixture_site, page)
    hits = [f for f in report.failures if f.kind in kinds and f.chunk is not None and f.chunk.label == label]
    assert hits, f"expected a {kinds} failure of cell '{label}':\n{report.format()}"
    assert any(context in f.context for f in hits), report.format()
    for failure in hits:
        text = str(failure)
        assert f"cell ojs-cell-{failure.chunk.index} '{label}'" in text
        assert failure.slide is not None and failure.slide.describe() in text


# The harness fails in Firefox and WebKit too (tests/harness/engines.py): a cell error, a request
# that would leave 127.0.0.1, a file missing from the site, NaN and overflow are each reported.
OTHER_ENGINES_CATCH = ["slides/bad_throw.html", "slides/bad_cdn.html", "slides/bad_missing_data.html",
                       "slides/bad_nan.html", "slides/bad_overflow.html"]


@pytest.mark.parametrize("page", OTHER_ENGINES_CATCH)
@pytest.mark.parametrize("engine", ["firefox", "webkit"])
def test_broken_fixture_is_caught_in_firefox_and_webkit(engine_sessions, fixture_site, engine, page):
    kinds, label, context = BROKEN[page]
    report = engine_sessions(engine).check_deck(fixture_site, page, drive=False, keyboard=False)
    hits = [f for f in report.failures if f.kind in kinds and f.chunk is not None and f.chunk.label == label]
    assert hits, f"{engine}: expected a {kinds} failure of cell '{label}':\n{report.format()}"
    if page == "slides/bad_cdn.html":
        assert any(f.kind == "external-request" and "cdn.jsdelivr.net" in f.message for f in report.failures), report.format()
    if page == "slides/bad_missing_data.html":
        assert any(f.kind == "failed-request" and "no_such_file.arrow" in f.message for f in report.failures), report.format()


def test_cdn_builtin_is_an_aborted_external_request(harness_session, fixture_site):
    report = harness_session.check_deck(fixture_site, "slides/bad_cdn.html", drive=False, keyboard=False)
    external = [f for f in report.failures if f.kind == "external-request"]
    assert external and "cdn.jsdelivr.net" in external[0].message and "plot" in external[0].message


def test_missing_file_is_a_failed_request(harness_session, fixture_site):
    report = harness_session.check_deck(fixture_site, "slides/bad_missing_data.html", drive=False, keyboard=False)
    assert any(f.kind == "failed-request" and "no_such_file.arrow" in f.message for f in report.failures)


def test_file_quarto_does_not_copy_is_not_in_the_site(harness_session, fixture_site):
    """A root-absolute FileAttachment outside `resources:` is not copied by quarto render."""
    assert not (fixture_site / "slides" / "fixture_lib" / "extra.json").exists()
    report = harness_session.check_deck(fixture_site, "slides/bad_not_copied.html", drive=False, keyboard=False)
    assert any(f.kind == "failed-request" and "extra.json" in f.message and "not in the rendered site" in f.message
               for f in report.failures), report.format()


def test_keyboard_stays_in_slider_without_the_fix(harness_session, fixture_site):
    report = harness_session.check_deck(fixture_site, "without_keyboard_fix/bad_keyboard.html")
    hits = [f for f in report.failures if f.kind == "keyboard"]
    assert hits and "ArrowRight moved the slider" in hits[0].message, report.format()
    assert hits[0].chunk is not None and "ojs-cell-2" in str(hits[0])


def test_page_that_was_not_rendered_is_a_failure(harness_session, fixture_site):
    report = harness_session.check_deck(fixture_site, "slides/never_rendered.html")
    assert [f.kind for f in report.failures] == ["render"], report.format()


def test_render_error_is_caught(tmp_path):
    """A deck importing a module that does not exist: Quarto's render fails, and says which."""
    done = render(copy_project(FIXTURES / "render_error", tmp_path / "project"))
    assert not done.ok
    assert any("no_such_module.js" in line for line in done.problems), done.describe()


def test_corner_combinations():
    assert corner_combinations(1) == [(0,), (1,)]
    assert len(corner_combinations(3)) == 8
    assert len(set(corner_combinations(3))) == 8
    many = corner_combinations(8)
    assert len(many) == 64 and len(set(many)) == 64
    assert (0,) * 8 in many and (1,) * 8 in many
