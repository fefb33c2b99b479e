"""The benchmark's peer deck (bench/peer_deck.py) is the professor's six interactive cells as
written: not a timed test, only the extraction from slides/source/unit6_source.txt."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from peer_deck import CHUNK_START, LIBRARY_CELLS, SOURCE, peer_cells, peer_qmd  # noqa: E402


def test_peer_extraction_gives_the_six_cells_as_written():
    text = SOURCE.read_text(encoding="utf-8")
    cells = peer_cells(text)
    assert len(cells) == 6
    assert [c.title for c in cells] == [
        "Saddle point dynamics under gradient descent",
        "Vanilla GD on ill-conditioned surface",
        "Momentum on the elongated bowl",
        "Learning rate sensitivity demonstration",
        "Optimizer comparison on benchmark surfaces",
        "Flat vs sharp minima",
    ]
    chunks = [chunk for cell in cells for chunk in cell.chunks]
    # every `//| echo: false` chunk of the source, once, each one verbatim in the source
    assert len(chunks) == text.count(CHUNK_START) == 14
    assert all(chunk.startswith(CHUNK_START) and chunk in text for chunk in chunks)
    assert all(sum("Inputs.range" in chunk for chunk in cell.chunks) == 1 for cell in cells)
    # each cell ends with its plot, not with the next slide's text
    assert all("Plot.plot" in cell.chunks[-1] for cell in cells)


def test_peer_deck_fences_every_chunk_after_the_decks_library_cells():
    qmd = peer_qmd(peer_cells())
    assert qmd.count("```{ojs}") == 14 + 2
    assert qmd.index(LIBRARY_CELLS) < qmd.index(CHUNK_START + "\nviewof lr_saddle")
    assert 'from "./js/libs.js"' in LIBRARY_CELLS


def test_paired_cold_load_ratios_cancel_a_drift_that_the_medians_keep():
    from bench_deck import paired_ratios

    # Both decks slow down by the same factor over the run; ours is 0.9 of the peer in every pair.
    peer = [1000.0 * (1 + 0.1 * i) for i in range(7)]
    ours = [0.9 * p for p in peer]
    paired = paired_ratios(ours, peer)
    assert paired == {"median": 0.9, "min": 0.9, "max": 0.9, "ours_faster": 7, "pairs": 7}
    assert paired_ratios([], []) is None
    assert paired_ratios([1.0, 2.0], [2.0, 1.0])["ours_faster"] == 1

