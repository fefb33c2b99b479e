"""The registry of data files: what a file is (`DataFile`, `Column`), and how one is built,
written and compared with what is on disk. The entries themselves live beside the code
that fills them, in `pygen.experiments`; `pygen.generators` lists them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np
import pyarrow as pa

from . import arrow_io
from .arrow_io import Tolerance

if TYPE_CHECKING:
    from .experiments.settings import Context

# The `generator` every file records in its schema metadata is "pygen.generators:<name>":
# data/ holds it and `--check` compares it, so it stays that (the list of entries is still
# `pygen.generators.DATA_FILES`) wherever the entry's code lives.
GENERATOR_MODULE = "pygen.generators"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # float64 | float32 | int32 | utf8
    doc: str


@dataclass(frozen=True)
class DataFile:
    name: str  # the --only name
    filename: str
    title: str
    claim: str  # what the lecture uses it to show
    doc: str
    columns: tuple[Column, ...]  # empty for text files
    build: Callable[[Context], object]  # -> pa.Table or str
    tolerance: Tolerance | None = None  # None: bit for bit
    column_tolerance: dict = field(default_factory=dict)  # per-column overrides
    requires_package: str | None = None

    @property
    def is_arrow(self) -> bool:
        return self.filename.endswith(".arrow")



def entry_table(entry: DataFile, columns: dict, parameters: dict, seed, extra=None) -> pa.Table:
    """The entry's Arrow table: its declared column types and the standard metadata."""
    return arrow_io.build_table(
        columns,
        {c.name: c.type for c in entry.columns},
        generator=f"{GENERATOR_MODULE}:{entry.name}",
        parameters=parameters,
        seed=seed,
        extra_metadata=extra,
    )


def produce(entry: DataFile, ctx: Context):
    """Build the entry's content: a validated pa.Table for .arrow files, else text."""
    content = entry.build(ctx)
    if entry.is_arrow:
        if not isinstance(content, pa.Table):
            raise TypeError(f"{entry.name}: generator returned {type(content).__name__}, not a table")
        arrow_io.validate_table(content)
    elif not isinstance(content, str):
        raise TypeError(f"{entry.name}: generator returned {type(content).__name__}, not text")
    return content


def serialise(entry: DataFile, content) -> bytes:
    if entry.is_arrow:
        return arrow_io.table_to_bytes(content)
    return content.encode("utf-8")


def compare(entry: DataFile, path: Path, content) -> list[str]:
    """Differences between the file at `path` and freshly produced `content`."""
    if not path.exists():
        return ["missing"]
    if not entry.is_arrow:
        try:
            existing = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            return [f"unreadable ({err})"]
        if existing == content:
            return []
        old_lines, new_lines = existing.splitlines(), content.splitlines()
        line = next((i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b), min(len(old_lines), len(new_lines)))
        show = lambda lines: repr(lines[line][:80]) if line < len(lines) else "(end of file)"  # noqa: E731
        return [f"text differs from line {line + 1}: {show(old_lines)} vs {show(new_lines)}"]
    try:
        existing = arrow_io.read_table(path)
    except arrow_io.DataFileError as err:
        return [str(err)]
    return _compare_columns(entry, existing, content)


def _compare_columns(entry: DataFile, expected: pa.Table, actual: pa.Table) -> list[str]:
    if not entry.column_tolerance:
        return arrow_io.compare_tables(expected, actual, entry.tolerance)
    # Compare column groups that share a tolerance separately.
    problems = []
    overridden = [c for c in expected.schema.names if c in entry.column_tolerance]
    rest = [c for c in expected.schema.names if c not in entry.column_tolerance]
    if expected.schema.names != actual.schema.names:
        return [f"columns differ: {expected.schema.names} vs {actual.schema.names}"]
    problems += arrow_io.compare_tables(expected.select(rest), actual.select(rest), entry.tolerance)
    for name in overridden:
        tol = entry.column_tolerance[name]
        e, a = expected.select([name]), actual.select([name])
        if pa.types.is_integer(e.schema.field(0).type):
            e = _as_float(e)
            a = _as_float(a)
        problems += [p for p in arrow_io.compare_tables(e, a, tol) if not p.startswith("metadata")]
    return problems


def _as_float(table: pa.Table) -> pa.Table:
    name = table.schema.names[0]
    values = table.column(0).to_numpy().astype(np.float64)
    return pa.table({name: values})
