"""Reading a Quarto reveal.js deck: front matter, slides, and the {ojs} chunks on them.

Slides are split the way Quarto's revealjs format splits them at the default slide level 2:
a ``#`` or ``##`` heading starts a slide, so does a ``---`` line; the front matter's title makes
a title slide. Fenced divs (``::: {.columns}``) are kept as HTML structure so that the
fallback layout resembles the rendered one; ``.notes`` divs are speaker notes (not shown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*(\{?\s*([A-Za-z0-9_+-]+)?[^`]*?\}?)\s*$")
HEADING = re.compile(r"^(#{1,2})\s+(.*?)\s*(\{([^}]*)\})?\s*$")
DIV_OPEN = re.compile(r"^(:{3,})\s*(\{([^}]*)\}|([A-Za-z][\w-]*))\s*$")
DIV_CLOSE = re.compile(r"^(:{3,})\s*$")
OPTION = re.compile(r"^\s*//\|\s?(.*)$")


@dataclass
class Chunk:
    """One {ojs} code block of the deck (it may hold several Observable cells)."""

    index: int  # 1-based, document order over the whole deck (as Quarto's ojs-cell-N)
    slide: int  # index into Deck.slides
    line: int  # 1-based line of the ```{ojs} fence in the .qmd
    source: str  # the block's text, option lines included (they are comments)
    options: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return str(self.options.get("label", ""))

    def first_statement(self) -> str:
        for text in self.source.splitlines():
            stripped = text.strip()
            if stripped and not stripped.startswith("//"):
                return stripped[:70]
        return ""

    def describe(self) -> str:
        name = f" '{self.label}'" if self.label else ""
        return f"cell {self.index}{name} (line {self.line}: {self.first_statement()})"

    @property
    def evaluates(self) -> bool:
        return self.options.get("eval", True) is not False

    @property
    def shows_output(self) -> bool:
        return self.options.get("output", True) is not False and self.options.get("include", True) is not False

    @property
    def looks_like_plot(self) -> bool:
        # Plot.plot(...), Plot.dot(...).plot(...), or a deck helper named *_plot(...)
        return bool(re.search(r"\bPlot\.\w+\s*\(|\.plot\s*\(|\b\w+_plot\s*\(", self.source))


@dataclass
class Slide:
    index: int
    title: str
    level: int  # 1 or 2; 0 for the title slide, 3 for a slide started by ---
    classes: list[str]
    attributes: dict[str, str]
    blocks: list[tuple[str, object]]  # ("md", text) | ("open", (classes, attrs)) | ("close", None) | ("chunk", Chunk)

    def describe(self) -> str:
        return f"slide {self.index} '{self.title}'" if self.title else f"slide {self.index}"


@dataclass
class Deck:
    path: Path
    front_matter: dict
    slides: list[Slide]
    chunks: list[Chunk]

    def chunk(self, index: int | None) -> Chunk | None:
        if index is None:
            return None
        for chunk in self.chunks:
            if chunk.index == index:
                return chunk
        return None


def parse_attributes(text: str) -> tuple[list[str], dict[str, str], str | None]:
    """Pandoc attributes `{#id .class key="value"}` -> (classes, attributes, id)."""
    classes: list[str] = []
    attributes: dict[str, str] = {}
    identifier = None
    for m in re.finditer(r'([.#]?)([\w:-]+)(?:=("([^"]*)"|\'([^\']*)\'|[^\s}]+))?', text or ""):
        prefix, name, raw_value = m.group(1), m.group(2), m.group(3)
        if prefix == ".":
            classes.append(name)
        elif prefix == "#":
            identifier = name
        elif raw_value is not None:
            value = m.group(4) if m.group(4) is not None else m.group(5) if m.group(5) is not None else raw_value
            attributes[name] = value
    return classes, attributes, identifier


def split_front_matter(text: str) -> tuple[dict, list[str], int]:
    lines = text.splitlines()
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() in ("---", "..."):
                meta = yaml.safe_load("\n".join(lines[1:i])) or {}
                return meta, lines[i + 1 :], i + 1
    return {}, lines, 0


def parse_chunk_options(source_lines: list[str]) -> dict:
    option_lines = []
    for text in source_lines:
        m = OPTION.match(text)
        if not m:
            break
        option_lines.append(m.group(1))
    if not option_lines:
        return {}
    try:
        options = yaml.safe_load("\n".join(option_lines))
    except yaml.YAMLError as error:
        raise ValueError(f"bad //| options: {error}") from error
    return options if isinstance(options, dict) else {}


def parse_deck(path: str | Path) -> Deck:
    path = Path(path)
    meta, lines, offset = split_front_matter(path.read_text(encoding="utf-8"))
    slides: list[Slide] = []
    chunks: list[Chunk] = []

    def new_slide(title: str, level: int, attr_text: str | None = None) -> Slide:
        classes, attributes, _ = parse_attributes(attr_text or "")
        slide = Slide(index=len(slides), title=title, level=level, classes=classes, attributes=attributes, blocks=[])
        slides.append(slide)
        return slide

    current: Slide | None = None
    if meta.get("title"):
        current = new_slide(str(meta["title"]), 0)
        subtitle = "\n\n".join(str(meta[k]) for k in ("subtitle", "author", "date") if meta.get(k) and isinstance(meta[k], str))
        if subtitle:
            current.blocks.append(("md", subtitle))
    md_buffer: list[str] = []

    def flush():
        nonlocal md_buffer
        if current is not None and any(t.strip() for t in md_buffer):
            current.blocks.append(("md", "\n".join(md_buffer)))
        md_buffer = []

    i = 0
    while i < len(lines):
        text = lines[i]
        lineno = offset + i + 1
        fence = FENCE.match(text)
        if fence:
            marker = fence.group(2)
            info = fence.group(3) or ""
            body: list[str] = []
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(marker[0] * len(marker)):
                body.append(lines[j])
                j += 1
            is_ojs = re.match(r"^\{\s*ojs\b", info.strip()) is not None
            if is_ojs:
                flush()
                if current is None:
                    current = new_slide("", 3)
                chunk = Chunk(index=len(chunks) + 1, slide=current.index, line=lineno,
                              source="\n".join(body), options=parse_chunk_options(body))
                chunks.append(chunk)
                current.blocks.append(("chunk", chunk))
            else:
                md_buffer.extend(lines[i : j + 1])
            i = j + 1
            continue
        heading = HEADING.match(text)
        if heading:
            flush()
            current = new_slide(heading.group(2), len(heading.group(1)), heading.group(4))
            i += 1
            continue
        if text.strip() == "---" and (i == 0 or not lines[i - 1].strip()):
            flush()
            current = new_slide("", 3)
            i += 1
            continue
        div_open = DIV_OPEN.match(text)
        if div_open:
            flush()
            classes, attributes, _ = parse_attributes(div_open.group(3) or "." + (div_open.group(4) or ""))
            if current is None:
                current = new_slide("", 3)
            current.blocks.append(("open", (classes, attributes)))
            i += 1
            continue
        if DIV_CLOSE.match(text):
            flush()
            if current is not None:
                current.blocks.append(("close", None))
            i += 1
            continue
        if current is None and text.strip():
            current = new_slide("", 3)
        md_buffer.append(text)
        i += 1
    flush()
    return Deck(path=path, front_matter=meta, slides=slides, chunks=chunks)
