"""The Quarto project around a deck: its root, the deck's merged options, and the files that
`quarto render` would put into _site for it (the harness serves only those)."""

from __future__ import annotations

import glob
import json
import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .qmd import Deck

HARNESS_DIR = Path(__file__).resolve().parent
REPO_ROOT = HARNESS_DIR.parent.parent
NODE = os.environ.get("HARNESS_NODE", "node")


def absolute(path) -> Path:
    """Absolute and normalised, without following symlinks."""
    return Path(os.path.abspath(path))


def find_project_root(path: Path) -> Path:
    """The nearest folder at or above the deck holding _quarto.yml (else the deck's folder)."""
    for folder in [path.parent, *path.parent.parents]:
        if (folder / "_quarto.yml").exists() or (folder / "_quarto.yaml").exists():
            return folder
    return path.parent


def _load_yaml(path: Path) -> dict:
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def _deep_merge(base: dict, extra: dict) -> dict:
    out = dict(base)
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = value
    return out


def _revealjs_options(meta: dict) -> dict:
    fmt = meta.get("format")
    if isinstance(fmt, dict):
        value = fmt.get("revealjs")
        return value if isinstance(value, dict) else {}
    return {}


PATH_LISTS = ("css", "include-after-body", "include-in-header")


@dataclass
class DeckOptions:
    """revealjs options that matter to the harness, with paths made absolute."""

    width: int = 1050
    height: int = 700
    css: list[Path] = field(default_factory=list)
    include_after_body: list[Path] = field(default_factory=list)
    include_in_header: list[Path] = field(default_factory=list)
    math_method: str | None = None  # None: Quarto's default (MathJax from a CDN)
    math_url: str | None = None  # as written (relative to the document) or None
    reveal: dict = field(default_factory=dict)  # every merged revealjs option


def deck_options(deck: Deck, root: Path) -> DeckOptions:
    """Merge _quarto.yml, every _metadata.yml from the root down to the deck, and the front
    matter (Quarto resolves paths in a _metadata.yml relative to its folder)."""
    merged: dict = {}
    css: list[Path] = []
    includes: list[Path] = []
    headers: list[Path] = []
    math = None
    deck_dir = absolute(deck.path.parent)
    sources: list[tuple[Path, dict]] = [(root, _load_yaml(root / "_quarto.yml"))]
    rel = deck_dir.relative_to(absolute(root)) if deck_dir.is_relative_to(absolute(root)) else Path()
    folder = root
    for part in rel.parts:
        folder = folder / part
        sources.append((folder, _load_yaml(folder / "_metadata.yml")))
    sources.append((deck_dir, deck.front_matter))
    for base, meta in sources:
        opts = _revealjs_options(meta)
        merged = _deep_merge(merged, {k: v for k, v in opts.items() if k not in PATH_LISTS})
        for key, target in (("css", css), ("include-after-body", includes), ("include-in-header", headers)):
            if key in opts:
                # Quarto's mergeConfigs (src/core/config.ts, mergeArrayCustomizer): a later list is
                # appended to the earlier one and repeats are dropped, keeping the last occurrence.
                value = opts[key] or []
                combined = target + [absolute(base / v) for v in ([value] if isinstance(value, str) else value)]
                target[:] = [path for i, path in enumerate(combined) if path not in combined[i + 1:]]
        if "html-math-method" in opts:
            math = (base, opts["html-math-method"])
    options = DeckOptions(width=int(merged.get("width", 1050)), height=int(merged.get("height", 700)),
                          css=css, include_after_body=includes, include_in_header=headers, reveal=merged)
    if math is not None:
        base, method = math
        if isinstance(method, str):
            options.math_method = method
        elif isinstance(method, dict):
            options.math_method = method.get("method")
            url = method.get("url")
            if url and not str(url).startswith(("http://", "https://", "//")):
                # make it relative to the document, whatever file declared it
                url = os.path.relpath(absolute(base / url), deck_dir) + "/"
            options.math_url = url
    return options


@dataclass
class Site:
    """What the emulated _site holds for one deck, by path relative to the project root."""

    root: Path
    files: set[str]
    problems: list[dict]
    attachments: list[dict]

    def allows(self, relpath: str) -> bool:
        return relpath in self.files


def project_resources(root: Path) -> set[str]:
    """Files matched by `project: resources:` globs of _quarto.yml."""
    config = _load_yaml(root / "_quarto.yml")
    globs = (config.get("project") or {}).get("resources") or []
    if isinstance(globs, str):
        globs = [globs]
    out: set[str] = set()
    for pattern in globs:
        for match in glob.glob(str(root / pattern), recursive=True):
            if os.path.isfile(match):
                out.add(Path(os.path.abspath(match)).relative_to(os.path.abspath(root)).as_posix())
    return out


def scan_deck(deck: Deck, root: Path, options: DeckOptions) -> Site:
    """Run Quarto's resource-scanning rules (js/scan_resources.mjs) over the deck's chunks."""
    payload = json.dumps({"projectRoot": os.path.abspath(root), "doc": os.path.abspath(deck.path),
                          "chunks": [c.source for c in deck.chunks if c.evaluates]})
    result = subprocess.run([NODE, str(HARNESS_DIR / "js" / "scan_resources.mjs")], input=payload,
                            capture_output=True, text=True, cwd=REPO_ROOT, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"scan_resources.mjs failed: {result.stderr.strip()}")
    scan = json.loads(result.stdout)
    # Paths are normalised without following symlinks: a symlinked folder inside the project
    # is part of the site (the test fixtures link the real slides/js and vendor folders).
    root_abs = Path(os.path.abspath(root))
    files: set[str] = set()

    def add(path: Path):
        path = Path(os.path.abspath(path))
        if path.is_relative_to(root_abs) and path.is_file():
            files.add(path.relative_to(root_abs).as_posix())

    for item in scan["imports"]:
        if item["exists"]:
            add(Path(item["file"]))
    for item in scan["attachments"]:
        if item["copied"]:
            add(Path(item["file"]))
    for css in options.css:
        add(css)
    if options.math_method == "katex" and options.math_url:
        katex_dir = absolute(deck.path.parent / options.math_url)
        if katex_dir.is_dir():
            for f in katex_dir.rglob("*"):
                add(f)
    # Local images and links in the slide text: Quarto copies what the page references.
    for slide in deck.slides:
        for kind, value in slide.blocks:
            if kind == "md":
                for m in re.finditer(r"!\[[^\]]*\]\(([^)\s]+)", value):
                    target = m.group(1)
                    if "://" not in target and not target.startswith("#"):
                        add(deck.path.parent / target)
    files |= project_resources(root)
    return Site(root=root_abs, files=files, problems=scan["problems"], attachments=scan["attachments"])
