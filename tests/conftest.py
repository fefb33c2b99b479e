"""Shared pytest configuration. The deck test harness lives in tests/harness/ (a package next
to this file); its fixtures are imported here so every test module can use them."""

import sys
from pathlib import Path

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
    """Under pytest-xdist (scripts/test.sh runs two workers) the controller renders the site once,
    before the workers start; they test that render (harness/fixtures.py)."""
    import os
    import tempfile

    from harness.fixtures import RENDERED_ONCE, render_once

    parallel = getattr(config.option, "numprocesses", None) and not hasattr(config, "workerinput")
    wants_quarto = "not quarto" not in (config.option.markexpr or "")
    if parallel and wants_quarto and os.environ.get("SITE_ALREADY_RENDERED") != "1" and not os.environ.get(RENDERED_ONCE):
        render_once(Path(tempfile.mkdtemp(prefix="rendered-once-")) / "render.json")


def pytest_collection_modifyitems(config, items):
    import pytest

    for item in items:
        # One worker per browser engine (pytest-xdist --dist loadgroup): each starts its Firefox
        # or WebKit once, not once per worker.
        engine = getattr(getattr(item, "callspec", None), "params", {}).get("engine")
        if engine in ("firefox", "webkit"):
            item.add_marker(pytest.mark.xdist_group(engine))
        fixtures = set(getattr(item, "fixturenames", ()))
        name = getattr(item, "originalname", None) or item.name
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        if fixtures & QUARTO_FIXTURES or name in QUARTO_TESTS:
            item.add_marker(pytest.mark.quarto)
        if item.path.name in SLOW_FILES or name in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
