"""Every deck under slides/ runs in a real browser, offline, with every input driven.

The harness (tests/harness/, see its README.md) builds a page per deck that runs its {ojs}
cells the way Quarto's OJS runtime does, serves only what `quarto render` would copy into
_site, aborts every request that leaves 127.0.0.1, shows every slide at 1050x700 in reveal.js,
drives every slider through min / max / intermediate values and min-max corners, clicks every
button, and checks the keyboard after a slider click. When `quarto` is on PATH the same checks
run against the real `quarto render` output as well."""

from pathlib import Path

import pytest

from harness import parse_deck
from harness.quarto_mode import quarto_available, render_and_check

ROOT = Path(__file__).resolve().parent.parent
DECKS = sorted(p for p in (ROOT / "slides").rglob("*.qmd") if not p.name.startswith("_"))


def test_there_is_a_deck():
    assert DECKS, "no .qmd deck under slides/"


@pytest.mark.parametrize("deck", DECKS, ids=[str(p.relative_to(ROOT)) for p in DECKS])
def test_deck_runs_offline_in_the_browser(harness_session, deck):
    report = harness_session.check_deck(deck)
    print(report.format())  # warnings (approximate-layout overflow, import race) show with -s / -rA
    assert not report.failures, report.format()
    assert parse_deck(deck).chunks, f"{deck} has no {{ojs}} cell"


def test_rendered_decks_with_quarto(harness_session, tmp_path):
    if not quarto_available():
        pytest.skip("quarto is not on PATH (it cannot be installed on these machines): the checks against "
                    "`quarto render` output run where Quarto exists (the professor's machine, the publish "
                    "pipeline)")
    reports = render_and_check(harness_session, ROOT, tmp_path / "_site", DECKS)
    failing = [r for r in reports if r.failures]
    assert not failing, "\n".join(r.format() for r in failing)
