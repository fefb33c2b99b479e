"""pytest fixtures of the harness (imported by tests/conftest.py)."""

from __future__ import annotations

import pytest

from .runner import HarnessSession


@pytest.fixture(scope="session")
def harness_session():
    """One Chromium and one loopback server for the whole test session.

    A missing Chromium or Node is an error, not a skip: the browser tests are the only proof
    that the cells run."""
    session = HarnessSession()
    try:
        yield session
    finally:
        session.close()
