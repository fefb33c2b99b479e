"""Shared pytest configuration. The deck test harness lives in tests/harness/ (a package next
to this file); its fixtures are imported here so every test module can use them."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness.fixtures import (  # noqa: E402,F401
    engine_sessions,
    fixture_render,
    fixture_site,
    harness_session,
    rendered_site,
    site,
)
from site_pages import base_url, open_page  # noqa: E402,F401


# Markers (registered in pyproject.toml), applied here by fixture and test name so that a test
# gets them wherever it lives. The fast subset: python3 -m pytest -m "not browser and not quarto and not slow"
BROWSER_FIXTURES = {"harness_session", "browser", "session", "engine_sessions"}  # Chromium (Playwright), Firefox, WebKit
QUARTO_FIXTURES = {"rendered_site", "site", "fixture_render", "fixture_site"}  # real `quarto render`
QUARTO_TESTS = {"test_render_error_is_caught", "test_quarto_preview_serves_the_deck",
                "test_malformed_formula_is_a_visible_error_and_the_render_goes_on",
                "test_render_without_the_katex_package_fails_and_says_why", "test_render_without_node_fails_and_says_why"}
SLOW_FILES = {"test_parity.py", "test_training_twin.py"}  # the bitwise parity of the two cores
SLOW_TESTS = {
    "test_full_check_passes_on_the_committed_data",  # python -m pygen --check: retrains the networks
    "test_edge_of_stability_reproduces_within_tolerance_with_one_xla_thread",
}


def pytest_configure(config):
    """Under pytest-xdist (scripts/test.sh runs two workers) the controller renders the site and
    the fixture project once, side by side, before the workers start; they test those renders
    (harness/fixtures.py)."""
    import os
    import tempfile

    from harness.fixtures import FIXTURE_RENDERED_ONCE, RENDERED_ONCE, render_once

    _keep_our_order(config)
    parallel = getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput")
    wants_quarto = "not quarto" not in (config.option.markexpr or "")
    render_site = os.environ.get("SITE_ALREADY_RENDERED") != "1" and not os.environ.get(RENDERED_ONCE)
    if parallel and wants_quarto and (render_site or not os.environ.get(FIXTURE_RENDERED_ONCE)):
        render_once(Path(tempfile.mkdtemp(prefix="rendered-once-")), site=render_site)


# The longest units of work (a test, or an xdist group run by one worker), started first so that
# neither worker is left with one of them at the end while the other idles (pytest-xdist hands out
# units in collection order: scripts/test.sh). Measured with `--durations`; the rest follow by size.
LONG_FIRST = [
    "test_full_check_passes_on_the_committed_data",  # pygen --check: regenerates data/
    "webkit",  # every WebKit test (the deck alone a minute and more)
    "test_parity.py",  # the 10,000 hypothesis configurations
    "firefox",
    "test_pygen_hessian.py",
    "test_projection.py",  # the deck measured twice (default, high contrast) by its module fixture
    "test_speaker_view_panes_draw_every_plot",
    "test_pdf.py",
    "test_quarto_preview_serves_the_deck",
    "test_every_slide_with_cells_works_by_a_direct_link",
    "test_accessibility.py",
]


def _keep_our_order(config):
    """xdist sorts the units by their number of tests unless told not to; LONG_FIRST orders them."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def _module_fixture_group(item) -> str | None:
    """The test's module, if the test uses a fixture built once per module (a deck measured, a
    model trained, a Node process started): the module's tests then run on one worker, in order,
    and the fixture is built once, not once for every stretch of them a worker happens to get."""
    info = getattr(item, "_fixtureinfo", None)
    for definitions in (info.name2fixturedefs.values() if info else ()):
        if any(d.scope == "module" and d.baseid == item.nodeid.split("::")[0] for d in definitions):
            return item.path.name
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # tryfirst: before pytest-xdist's own hook, which names each test's group in its node id
    # (`...@webkit`) from the xdist_group markers set here; after it a marker groups nothing.

    for item in items:
        # One worker per browser engine (pytest-xdist --dist loadgroup): each starts its Firefox
        # or WebKit once, not once per worker.
        engine = getattr(getattr(item, "callspec", None), "params", {}).get("engine")
        group = item.get_closest_marker("xdist_group")
        if engine in ("firefox", "webkit"):
            item.add_marker(pytest.mark.xdist_group(engine))
        elif group is None and _module_fixture_group(item):
            item.add_marker(pytest.mark.xdist_group(_module_fixture_group(item)))
        fixtures = set(getattr(item, "fixturenames", ()))
        name = getattr(item, "originalname", None) or item.name
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if fixtures & QUARTO_FIXTURES or name in QUARTO_TESTS:
            item.add_marker(pytest.mark.quarto)
        if item.path.name in SLOW_FILES or name in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
    if hasattr(config, "workerinput"):  # the order in which pytest-xdist hands the units out
        items[:] = long_first(items)


def long_first(items):
    """The items by unit (xdist group, else the test alone): LONG_FIRST's units in its order, then
    the others, larger groups first; the order within a unit kept."""
    def unit(item):
        group = item.get_closest_marker("xdist_group")
        return group.args[0] if group and group.args else group.kwargs.get("name") if group else item.nodeid

    units = {}
    for item in items:
        units.setdefault(unit(item), []).append(item)

    def rank(key):
        tests = units[key]
        names = {key, tests[0].path.name, getattr(tests[0], "originalname", None) or tests[0].name}
        for position, long in enumerate(LONG_FIRST):
            if long in names:
                return (position, 0)
        return (len(LONG_FIRST), -len(tests))

    return [item for key in sorted(units, key=rank) for item in units[key]]
