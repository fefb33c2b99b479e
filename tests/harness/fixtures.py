"""pytest fixtures of the harness (imported by tests/conftest.py): one Chromium, the project's
site as `quarto render` builds it, and the fixture project's site."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from .runner import HarnessSession
from .site import REPO_ROOT, Render, copy_project, render

# Parallel workers (pytest-xdist) must not each render the project into the one _site/: the
# controller renders it once before they start (tests/conftest.py, render_once) and names the
# file holding that render's result here.
RENDERED_ONCE = "HARNESS_RENDERED_ONCE"


# The same for the fixture project (`fixture_render`): the tests that use it run on both workers
# (Chromium's, Firefox's and WebKit's), which rendered it once each.
FIXTURE_RENDERED_ONCE = "HARNESS_FIXTURE_RENDERED_ONCE"
FIXTURE_PROJECT = REPO_ROOT / "tests" / "fixtures" / "decks"


def render_once(folder: Path, site: bool = True) -> None:
    """Render the project (unless `site` is False) and the fixture project now, at the same time
    (two Quarto processes: one core each), and let every worker's `rendered_site` and
    `fixture_render` use these renders (their results are saved as JSON in `folder`)."""
    import threading

    # copied before the project's render starts writing into slides/js (which the fixtures link)
    project = copy_project(FIXTURE_PROJECT, folder / "fixture" / "project")
    thread = threading.Thread(target=lambda: render(project).save(folder / "fixture.json"))
    thread.start()
    if site:
        render(REPO_ROOT).save(folder / "render.json")
        os.environ[RENDERED_ONCE] = str(folder / "render.json")
    thread.join()
    if (folder / "fixture.json").exists():  # else the fixture renders it and says what failed
        os.environ[FIXTURE_RENDERED_ONCE] = str(folder / "fixture.json")


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


@pytest.fixture(scope="session")
def engine_sessions(harness_session):
    """`engine_sessions(name)`: the HarnessSession of "chromium" (harness_session), "firefox" or
    "webkit" (engines.py), each started on first use and closed at the end of the test session."""
    sessions = {"chromium": harness_session}

    def get(name: str) -> HarnessSession:
        if name not in sessions:
            sessions[name] = HarnessSession(engine=name)
        return sessions[name]

    try:
        yield get
    finally:
        for name, session in sessions.items():
            if name != "chromium":
                session.close()


@pytest.fixture(scope="session")
def rendered_site():
    """The project rendered by real Quarto into its own `_site/`, exactly as the professor's
    `quarto render` does (README's first command renders it too; rendering again here makes the
    tests check the sources as they are now). Set SITE_ALREADY_RENDERED=1 to test an existing
    `_site/` as it is."""
    if os.environ.get("SITE_ALREADY_RENDERED") == "1" and (REPO_ROOT / "_site" / "index.html").exists():
        return None
    done = Render.load(os.environ[RENDERED_ONCE]) if os.environ.get(RENDERED_ONCE) else render(REPO_ROOT)
    assert done.ok, done.describe()
    return done


@pytest.fixture(scope="session")
def site(rendered_site):
    return REPO_ROOT / "_site"


@pytest.fixture(scope="session")
def fixture_render(tmp_path_factory):
    """tests/fixtures/decks (a small Quarto project of broken and good decks) rendered by real
    Quarto in a scratch copy: its symbolic links to the real slides/js, vendor/ ... resolved."""
    if os.environ.get(FIXTURE_RENDERED_ONCE):
        return Render.load(os.environ[FIXTURE_RENDERED_ONCE])
    project = copy_project(FIXTURE_PROJECT, tmp_path_factory.mktemp("fixture") / "project")
    return render(project)


@pytest.fixture(scope="session")
def fixture_site(fixture_render):
    assert fixture_render.ok, fixture_render.describe()
    return fixture_render.site
