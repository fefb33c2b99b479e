"""Arrow IPC files for the deck: the only format `pygen` writes into `data/`.

The browser reads these files with apache-arrow JS, which shapes the rules here:
uncompressed record batches (the JS build has no lz4/zstd codec), and only column
types that become plain JS numbers and strings (int64 would become BigInt,
large_string is not needed for our sizes). Every file records in its schema metadata
which generator made it, with which parameters and seed, and the package versions.
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

ALLOWED_TYPES = {
    pa.float64(): "float64",
    pa.float32(): "float32",
    pa.int32(): "int32",
    pa.string(): "utf8",
}

# Metadata keys every data file carries. `versions` is informational: a data file
# regenerated under newer packages that gives the same columns is still correct.
METADATA_KEYS = ("generator", "parameters", "seed", "versions")

VERSIONED_PACKAGES = ("numpy", "pyarrow", "scipy", "jax", "jaxlib")


class DataFileError(Exception):
    """A data file is missing, unreadable, corrupt or breaks the schema rules."""


def package_versions() -> dict[str, str]:
    """Versions of Python and of the packages the generators use (missing ones omitted)."""
    versions = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            pass
    return versions


def canonical_json(value) -> str:
    """JSON with sorted keys and no whitespace, so equal parameters give equal text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def build_table(
    columns: Mapping[str, Sequence | np.ndarray],
    types: Mapping[str, str],
    *,
    generator: str,
    parameters: Mapping,
    seed: int | None,
    extra_metadata: Mapping[str, str] | None = None,
) -> pa.Table:
    """A table with exactly the declared column types and the standard metadata.

    `types` maps each column name to one of "float64", "float32", "int32", "utf8";
    its order is the column order. Values are converted exactly (no silent
    narrowing of integers; floats must be finite, because the deck and the
    JavaScript parity tests treat every value as a real number).
    """
    if set(columns) != set(types):
        raise ValueError(
            f"columns {sorted(columns)} do not match declared types {sorted(types)}"
        )
    arrays, fields = [], []
    for name, type_name in types.items():
        arrays.append(_to_arrow(name, columns[name], type_name))
        fields.append(pa.field(name, arrays[-1].type, nullable=False))
    lengths = {len(a) for a in arrays}
    if len(lengths) > 1:
        raise ValueError(f"columns have different lengths: {sorted(lengths)}")
    meta = {
        "generator": generator,
        "parameters": canonical_json(parameters),
        "seed": "none" if seed is None else str(int(seed)),
        "versions": canonical_json(package_versions()),
    }
    for key, value in (extra_metadata or {}).items():
        if key in meta:
            raise ValueError(f"metadata key {key!r} is reserved")
        meta[key] = str(value)
    table = pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=meta))
    validate_table(table)
    return table


def _to_arrow(name: str, values, type_name: str) -> pa.Array:
    if type_name == "utf8":
        values = list(values)
        if not all(isinstance(v, str) for v in values):
            raise ValueError(f"column {name!r}: utf8 column holds a non-string value")
        return pa.array(values, type=pa.string())
    if type_name == "int32":
        as_int = np.asarray(values)
        if as_int.size and not np.issubdtype(as_int.dtype, np.integer):
            raise ValueError(f"column {name!r}: int32 column holds non-integers")
        if as_int.size and (as_int.min() < -(2**31) or as_int.max() >= 2**31):
            raise ValueError(f"column {name!r}: value out of int32 range")
        return pa.array(as_int.astype(np.int32), type=pa.int32())
    if type_name in ("float64", "float32"):
        dtype = np.float64 if type_name == "float64" else np.float32
        as_float = np.asarray(values, dtype=np.float64)
        if not np.all(np.isfinite(as_float)):
            raise ValueError(f"column {name!r}: NaN or infinite value")
        return pa.array(as_float.astype(dtype), type=pa.from_numpy_dtype(dtype))
    raise ValueError(f"column {name!r}: type {type_name!r} is not one of {sorted(ALLOWED_TYPES.values())}")


def validate_table(table: pa.Table) -> None:
    """Raise DataFileError unless the table follows the data-file rules."""
    for field in table.schema:
        if field.type not in ALLOWED_TYPES:
            raise DataFileError(
                f"column {field.name!r} has type {field.type}; allowed: "
                + ", ".join(sorted(ALLOWED_TYPES.values()))
            )
    meta = table.schema.metadata or {}
    missing = [k for k in METADATA_KEYS if k.encode() not in meta]
    if missing:
        raise DataFileError(f"schema metadata lacks {', '.join(missing)}")


def table_metadata(table: pa.Table) -> dict[str, str]:
    return {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}


def table_to_bytes(table: pa.Table) -> bytes:
    """Serialise as one uncompressed Arrow IPC file (the format the deck reads)."""
    validate_table(table)
    sink = pa.BufferOutputStream()
    options = ipc.IpcWriteOptions(compression=None)
    with ipc.new_file(sink, table.schema, options=options) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def write_atomic(path: Path, content: bytes) -> None:
    """Write `content` to `path` so that readers see the old file or the new one, never half.

    The temporary file lives in the same directory so that `os.replace` is a rename
    within one file system. Errors become DataFileError with the path in the message.
    """
    path = Path(path)
    directory = path.parent
    if not directory.is_dir():
        raise DataFileError(f"cannot write {path}: {directory} is not a directory")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as err:
        raise DataFileError(f"cannot write into {directory}: {err.strerror or err}") from err
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, path)
    except BaseException as err:
        try:
            os.unlink(tmp_name)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise DataFileError(f"cannot write {path}: {err.strerror or err}") from err
        raise


def write_table(path: Path, table: pa.Table) -> None:
    write_atomic(path, table_to_bytes(table))


def read_table(path: Path) -> pa.Table:
    """Read a data file, turning every failure into a DataFileError naming the file."""
    path = Path(path)
    if not path.exists():
        raise DataFileError(f"{path} is missing")
    try:
        with pa.memory_map(str(path), "r") as source:
            table = ipc.open_file(source).read_all()
    except (pa.ArrowInvalid, pa.ArrowIOError, OSError) as err:
        raise DataFileError(f"{path} is not a readable Arrow IPC file ({err})") from err
    try:
        validate_table(table)
    except DataFileError as err:
        raise DataFileError(f"{path}: {err}") from err
    return table


@dataclass(frozen=True)
class Tolerance:
    """How closely regenerated float columns must match the committed file."""

    rtol: float
    atol: float

    def describe(self) -> str:
        return f"rtol={self.rtol:g}, atol={self.atol:g}"


def compare_tables(expected: pa.Table, actual: pa.Table, tolerance: Tolerance | None) -> list[str]:
    """Differences between a committed table and a regenerated one, as sentences.

    Names, types, row counts, strings and integers must match exactly, and so must
    the generator, parameters and seed. Float columns must match bit for bit when
    `tolerance` is None, else within it. Package versions are not compared.
    """
    problems = []
    if expected.schema.names != actual.schema.names:
        return [f"columns differ: {expected.schema.names} vs {actual.schema.names}"]
    exp_meta, act_meta = table_metadata(expected), table_metadata(actual)
    for key in ("generator", "parameters", "seed"):
        if exp_meta.get(key) != act_meta.get(key):
            problems.append(f"metadata {key!r} differs: {exp_meta.get(key)!r} vs {act_meta.get(key)!r}")
    if expected.num_rows != actual.num_rows:
        problems.append(f"row count differs: {expected.num_rows} vs {actual.num_rows}")
        return problems
    for name in expected.schema.names:
        e_col, a_col = expected.column(name), actual.column(name)
        if e_col.type != a_col.type:
            problems.append(f"column {name!r}: type {e_col.type} vs {a_col.type}")
            continue
        if pa.types.is_floating(e_col.type):
            e = e_col.to_numpy()
            a = a_col.to_numpy()
            if tolerance is None:
                bits = np.uint64 if e.dtype == np.float64 else np.uint32
                differing = np.flatnonzero(e.view(bits) != a.view(bits))
            else:
                close = np.isclose(a, e, rtol=tolerance.rtol, atol=tolerance.atol)
                differing = np.flatnonzero(~close)
            if differing.size:
                i = int(differing[0])
                worst = float(np.max(np.abs(a[differing].astype(np.float64) - e[differing])))
                problems.append(
                    f"column {name!r}: {differing.size} value(s) differ"
                    + (" bit for bit" if tolerance is None else f" beyond {tolerance.describe()}")
                    + f" (first at row {i}: {float(e[i])!r} vs {float(a[i])!r}; largest difference {worst:.3g})"
                )
        elif not e_col.equals(a_col):
            e_list, a_list = e_col.to_pylist(), a_col.to_pylist()
            i = next(k for k, (x, y) in enumerate(zip(e_list, a_list)) if x != y)
            problems.append(f"column {name!r}: first difference at row {i}: {e_list[i]!r} vs {a_list[i]!r}")
    return problems
