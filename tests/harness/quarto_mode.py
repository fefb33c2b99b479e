"""The same checks against real `quarto render` output (only where quarto is on PATH).

The project is copied to a temporary folder (the work tree stays untouched), rendered there
into a temporary output directory, and that _site is served as it is: no emulation of what
Quarto copies, Quarto's own OJS runtime, standard library, reveal.js, theme and layout. The
pages get a small shim (js/quarto_shim.js) that numbers slides and {ojs} cells in document
order and reads errors from Quarto's error callouts.

NOT EXERCISED on the machines this was written on (Quarto cannot be installed there): the code
follows Quarto's documented output structure (div.cell > div[id^=ojs-cell-], reveal.js
sections, window._ojs.ojsConnector) and must be confirmed on a machine with Quarto.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from .project import deck_options, find_project_root
from .qmd import parse_deck
from .runner import DeckReport, DeckRun, Failure, HarnessSession, check_keyboard, drive_slide

IGNORE = shutil.ignore_patterns("node_modules", ".git", "_site", ".quarto", "__pycache__", ".pytest_cache")


def quarto_available() -> bool:
    return shutil.which("quarto") is not None


def render_project(root: Path, workdir: Path) -> Path:
    """Copy the project to workdir/project, `quarto render` it, return its output directory."""
    project = workdir / "project"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(root, project, ignore=IGNORE, symlinks=True)
    out = workdir / "_site"
    result = subprocess.run(["quarto", "render", "--output-dir", str(out)], cwd=project,
                            capture_output=True, text=True, timeout=1800, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"quarto render failed ({result.returncode}):\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}")
    return out


def check_rendered(session: HarnessSession, deck_path: Path, root: Path, site: Path,
                   drive: bool = True, keyboard: bool = True) -> DeckReport:
    deck = parse_deck(deck_path)
    report = DeckReport(deck=deck)
    rel = deck_path.resolve().relative_to(root.resolve()).with_suffix(".html").as_posix()
    if not (site / rel).exists():
        report.failures.append(Failure("render", f"quarto render produced no {rel}"))
        return report
    session.server.pages.clear()
    session.server.mounts.clear()
    session.server.mount("/", site)
    options = deck_options(deck, find_project_root(Path(os.path.abspath(deck_path))))
    evaluated = [c.index for c in deck.chunks if c.evaluates]
    plot_chunks = [c.index for c in deck.chunks if c.looks_like_plot and c.evaluates and c.shows_output]
    run = DeckRun(session, deck, report, f"{session.server.origin}/{rel}", options.width, options.height, plot_chunks)
    run.layout_is_quartos = True
    try:
        session.server.reset_log()
        start = time.perf_counter()
        run.page.goto(run.url, wait_until="load")
        run.page.wait_for_function("() => window._ojs && window._ojs.ojsConnector && window.Reveal && window.Reveal.isReady()",
                                   timeout=60000)
        shim = (session.bundle / "harness-quarto-shim.js").read_text(encoding="utf-8")
        run.page.evaluate("(m) => { window.__harnessChunkMap = m; }", evaluated)
        run.page.add_script_tag(content=shim)
        settled = run.settle()
        report.load_ms = settled.get("at") if settled.get("ok") else (time.perf_counter() - start) * 1000
        report.bytes_loaded = session.server.bytes_served
        counts = run.page.evaluate("() => [window.__harness.slideCount, window.__harness.cellCount]")
        if counts[0] != len(deck.slides) or counts[1] != len(evaluated):
            report.notes.append(f"rendered page has {counts[0]} slides / {counts[1]} OJS cells, the .qmd parser found "
                                f"{len(deck.slides)} / {len(evaluated)}: slide and cell names may be off")
        run.collect("initial load", settled, checks=False)
        for slide in deck.slides[: counts[0]]:
            run.collect("initial load, slide shown", run.show(slide.index), slide=slide.index)
        if drive:
            for slide in deck.slides[: counts[0]]:
                drive_slide(run, slide)
        if keyboard:
            for slide in deck.slides[: counts[0]]:
                check_keyboard(run, slide)
    finally:
        run.close()
    return report


def render_and_check(session: HarnessSession, root: Path, workdir: Path, decks: list[Path]) -> list[DeckReport]:
    workdir.mkdir(parents=True, exist_ok=True)
    site = render_project(root, workdir)
    return [check_rendered(session, deck, root, site) for deck in decks]
