"""The benchmark's peer: the professor's interactive cells exactly as written in
slides/source/unit6_source.txt, made into a Quarto deck and rendered in a scratch copy of the
project (never into the site's render list).

The source is a pasted slide text: each code chunk starts at a `//| echo: false` line, without
fences, and runs until the next slide title (a top-level line without code characters). A
"cell" of the professor's is one interactive slide: the chunk with its `Inputs.range` sliders and
the chunks after it (computation, plot, readouts) up to the next such chunk. There are six.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "slides" / "source" / "unit6_source.txt"
PEER_QMD = "slides/peer_unit6.qmd"
PEER_HTML = "slides/peer_unit6.html"

CHUNK_START = "//| echo: false"
# A code line at the top level of a pasted chunk always has one of these; a slide title never.
CODE_CHARS = re.compile(r"[=;{}()`]")


@dataclass
class PeerCell:
    """One interactive slide of the source: its title and its chunks, as written."""

    title: str
    chunks: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)  # the slide title of each chunk


def source_chunks(text: str) -> list[tuple[str, str]]:
    """(slide title, chunk source) of every `//| echo: false` chunk, in order."""
    chunks, title, current = [], None, None
    for line in text.splitlines():
        stripped = line.strip()
        if current is not None:
            top_level = bool(line) and not line[0].isspace()
            if stripped.startswith(CHUNK_START):
                chunks.append((title, "\n".join(current).rstrip()))
                current = [line]
                continue
            if top_level and not CODE_CHARS.search(line) and not stripped.startswith("//"):
                chunks.append((title, "\n".join(current).rstrip()))
                current = None
            else:
                current.append(line)
                continue
        if stripped.startswith(CHUNK_START):
            current = [line]
        elif stripped and not line[0].isspace() and not stripped.startswith(("•", "\\[")) and not stripped.endswith(":"):
            title = stripped
    if current is not None:
        chunks.append((title, "\n".join(current).rstrip()))
    return chunks


def peer_cells(text: str | None = None) -> list[PeerCell]:
    """The professor's interactive cells: a new cell starts at each chunk with sliders."""
    text = SOURCE.read_text(encoding="utf-8") if text is None else text
    cells: list[PeerCell] = []
    for title, chunk in source_chunks(text):
        if "Inputs.range" in chunk or not cells:
            cells.append(PeerCell(title))
        cells[-1].chunks.append(chunk)
        cells[-1].titles.append(title)
    return cells


# The deck's own import pattern (slides/unit6.qmd, first two cells): the vendored libraries
# under other names, then the builtin names bound to them, so nothing comes from a CDN.
LIBRARY_NAMES = ["Plot", "Inputs", "d3", "arrow", "Arrow", "htl", "html", "svg", "md", "tex"]
LIBRARY_CELLS = (
    "```{ojs}\n//| echo: false\n//| output: false\n"
    + "import {" + ", ".join(f"{n} as vendored_{n}" for n in LIBRARY_NAMES) + '} from "./js/libs.js"\n'
    + "```\n\n```{ojs}\n//| echo: false\n//| output: false\n"
    + "".join(f"{n} = vendored_{n}\n" for n in LIBRARY_NAMES)
    + "```\n"
)


def peer_qmd(cells: list[PeerCell]) -> str:
    """A reveal.js deck: a title slide with the library cells, then one slide per source slide
    title that holds chunks, each chunk fenced as an {ojs} block, exactly as written."""
    parts = ["---", 'title: "Peer: the professor\'s six interactive cells"', "---", "",
             "## Peer deck", "", LIBRARY_CELLS]
    last_title = None
    for cell in cells:
        for title, chunk in zip(cell.titles, cell.chunks):
            if title != last_title:
                parts += [f"## {title}", ""]
                last_title = title
            parts += ["```{ojs}", chunk, "```", ""]
    return "\n".join(parts) + "\n"


def write_peer_project(project: Path) -> Path:
    """Turn a scratch copy of the project into one that renders only the peer deck (same
    _quarto.yml otherwise, same slides/_metadata.yml, same vendored libraries)."""
    (project / PEER_QMD).write_text(peer_qmd(peer_cells()), encoding="utf-8")
    config_path = project / "_quarto.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["project"]["render"] = [f"/{PEER_QMD}"]
    # The navbar links pages this scratch render does not build.
    config["website"] = {"title": config["website"]["title"]}
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return project / PEER_QMD
