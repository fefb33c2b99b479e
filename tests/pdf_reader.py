"""What is drawn on each page of a PDF, read with pypdf: enough to tell a vector plot from an
empty page or a raster image."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream

SEGMENTS = {b"m", b"l", b"c", b"v", b"y", b"re"}
PAINTS = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
TEXT = {b"Tj", b"TJ", b"'", b'"'}


@dataclass
class PdfPage:
    width_pt: float
    height_pt: float
    path_segments: int   # vector drawing: m/l/c/v/y/re operators in the page's content
    painted_paths: int   # S/s/f/F/f*/B/B*/b/b* operators
    xobjects_drawn: int  # Do operators of image XObjects (a raster picture on the page)
    text_shows: int      # Tj/TJ operators


def _count(content, resources, reader, seen: set) -> dict[str, int]:
    counts = {"segments": 0, "paints": 0, "images": 0, "text": 0}
    xobjects = (resources or {}).get("/XObject", {}) if resources else {}
    for operands, operator in ContentStream(content, reader).operations:
        if operator in SEGMENTS:
            counts["segments"] += 1
        elif operator in PAINTS:
            counts["paints"] += 1
        elif operator in TEXT:
            counts["text"] += 1
        elif operator == b"Do":
            xobject = xobjects[operands[0]].get_object() if operands and operands[0] in xobjects else None
            if xobject is None:
                continue
            if xobject.get("/Subtype") == "/Image":
                counts["images"] += 1
            elif xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
                # Chromium wraps groups (opacity, clipping) in form XObjects: their drawing counts.
                seen.add(id(xobject))
                inner = _count(xobject, xobject.get("/Resources"), reader, seen)
                for key in counts:
                    counts[key] += inner[key]
    return counts


def pdf_pages(path: Path) -> list[PdfPage]:
    reader = PdfReader(str(path))
    pages = []
    for page in reader.pages:
        box = page.mediabox
        contents = page.get_contents()
        counts = _count(contents, page.get("/Resources"), reader, set()) if contents is not None else {
            "segments": 0, "paints": 0, "images": 0, "text": 0}
        pages.append(PdfPage(width_pt=float(box.width), height_pt=float(box.height),
                             path_segments=counts["segments"], painted_paths=counts["paints"],
                             xobjects_drawn=counts["images"], text_shows=counts["text"]))
    return pages
