"""The decks' text font as small WOFF2 files (issue 25: bytes on load).

    python3 scripts/build_fonts.py [--source DIR] [--out DIR]

reveal.js's theme (Quarto 1.7.34) sets the slides in Source Sans Pro from four WOFF files of
~110 kB each, three of which a cold load of Unit 6 fetched (328 kB). This writes, for each of
the four faces, the same font cut to the characters a lecture on optimisation uses (Latin,
Latin-1, Greek, punctuation, super- and subscripts, arrows, mathematical operators: UNICODE_RANGE)
as WOFF2 (34-39 kB each), and `deck-sans.css`, whose @font-face rules name them "Deck Sans" with
that unicode-range. Glyphs, metrics, hinting and kerning are the font's own; the family is named
anew inside the files and in the CSS because the font's licence (SIL OFL 1.1, LICENSE here)
reserves the name "Source" for the original. slides/theme.css puts "Deck Sans" before "Source Sans
Pro" in reveal.js's font variables, so a character the cut does not hold falls back to reveal.js's
own face, fetched only then: a page looks as before. (This Source Sans Pro, 1.050, has no Greek
letters besides pi: a slide with eta or lambda fetches the full face once to find that out and
draws them in the next font, as before; the first slide has none.)

The source is the WOFF files Quarto ships (`quarto --paths`: resources/formats/revealjs/...); the
output is committed (slides/fonts/), deterministic, and a test checks it is an exact rebuild.
Needs fontTools with Brotli (`pip install fonttools brotli`).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "slides" / "fonts"
FAMILY = "Deck Sans"
ORIGINAL = ("Source Sans Pro", "SourceSansPro")
# (file stem, font-weight, font-style) as reveal.js's source-sans-pro.css declares them
FACES = [("regular", "normal", "normal"), ("italic", "normal", "italic"),
         ("semibold", "600", "normal"), ("semibolditalic", "600", "italic")]
UNICODE_RANGE = ("U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0370-03FF, U+2000-206F, "
                 "U+2070-209F, U+20AC, U+2122, U+2190-21FF, U+2200-22FF, U+FEFF, U+FFFD")
REVEAL_FONTS = Path("formats/revealjs/reveal/dist/theme/fonts/source-sans-pro")


def quarto_fonts() -> Path:
    """Where the Quarto on PATH keeps reveal.js's Source Sans Pro."""
    try:
        lines = subprocess.run(["quarto", "--paths"], capture_output=True, text=True, check=True).stdout.split()
    except (OSError, subprocess.CalledProcessError) as error:
        raise SystemExit(f"build_fonts: cannot ask quarto where its resources are ({error}); give --source DIR") from error
    return Path(lines[1]) / REVEAL_FONTS


def subset_face(source: Path, target: Path) -> int:
    from fontTools import subset
    from fontTools.ttLib import TTFont

    font = TTFont(source, recalcTimestamp=False)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]      # kerning and every other feature of the kept glyphs
    options.name_IDs = ["*"]             # the licence and copyright names stay in the font
    options.notdef_outline = True
    options.drop_tables += ["FFTM", "webf"]  # FontForge's timestamp and a WOFF note: no glyph data
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=subset.parse_unicodes(UNICODE_RANGE.replace(" ", "")))
    subsetter.subset(font)
    for record in font["name"].names:
        if record.nameID in (1, 3, 4, 6, 16, 17, 18, 21):  # family, unique, full, PostScript and typographic names
            text = record.toUnicode().replace(ORIGINAL[0], FAMILY).replace(ORIGINAL[1], FAMILY.replace(" ", ""))
            record.string = text
    font.flavor = "woff2"
    font.save(target, reorderTables=True)
    return target.stat().st_size


def css() -> str:
    rules = [f"""@font-face {{
  font-family: '{FAMILY}';
  src: url('./deck-sans-{stem}.woff2') format('woff2');
  font-weight: {weight};
  font-style: {style};
  font-display: swap;
  unicode-range: {UNICODE_RANGE};
}}
""" for stem, weight, style in FACES]
    return ("/* Written by scripts/build_fonts.py: do not edit. reveal.js's Source Sans Pro cut to the characters\n"
            "   of the decks, as WOFF2, named Deck Sans (slides/theme.css falls back to Source Sans Pro). */\n"
            + "\n".join(rules))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="reveal.js's source-sans-pro folder (default: the installed Quarto's)")
    parser.add_argument("--out", type=Path, default=OUT, help="where to write (default slides/fonts/)")
    args = parser.parse_args(argv)
    try:
        import brotli  # noqa: F401  (fontTools writes WOFF2 with it)
        import fontTools  # noqa: F401
    except ImportError as error:
        print(f"build_fonts: {error.name} is missing: pip install fonttools brotli", file=sys.stderr)
        return 1
    source = args.source or quarto_fonts()
    args.out.mkdir(parents=True, exist_ok=True)
    for stem, _, _ in FACES:
        woff = source / f"source-sans-pro-{stem}.woff"
        if not woff.is_file():
            print(f"build_fonts: no {woff}", file=sys.stderr)
            return 1
        target = args.out / f"deck-sans-{stem}.woff2"
        print(f"{target}: {subset_face(woff, target):,} bytes (from {woff.stat().st_size:,})")
    (args.out / "deck-sans.css").write_text(css(), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
