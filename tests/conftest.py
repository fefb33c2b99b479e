"""Shared pytest configuration. The deck test harness lives in tests/harness/ (a package next
to this file); its fixtures are imported here so every test module can use them."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness.fixtures import (  # noqa: E402,F401
    fixture_render,
    fixture_site,
    harness_session,
    rendered_site,
    site,
)
