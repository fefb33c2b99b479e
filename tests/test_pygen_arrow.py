"""The data-file rules: what the browser's apache-arrow can read, and what every file records."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pytest

from pygen import arrow_io, materials
from pygen.generators import DATA_FILES

DATA = Path(__file__).resolve().parents[1] / "data"
ARROW_FILES = [e for e in DATA_FILES if e.is_arrow]


def _read(path):
    with pa.memory_map(str(path), "r") as source:
        return ipc.open_file(source).read_all()


@pytest.mark.parametrize("entry", ARROW_FILES, ids=[e.name for e in ARROW_FILES])
def test_committed_file_follows_the_rules(entry):
    path = DATA / entry.filename
    table = _read(path)
    for field in table.schema:
        assert field.type in (pa.float64(), pa.float32(), pa.int32(), pa.string()), (field.name, field.type)
        assert not pa.types.is_int64(field.type) and not pa.types.is_large_string(field.type)
        assert table.column(field.name).null_count == 0
        if pa.types.is_floating(field.type):
            assert np.all(np.isfinite(table.column(field.name).to_numpy())), field.name
    meta = arrow_io.table_metadata(table)
    for key in ("generator", "parameters", "seed", "versions"):
        assert meta.get(key), f"{entry.filename} lacks metadata {key}"
    assert meta["generator"].startswith("pygen.")
    json.loads(meta["parameters"])
    assert {"python", "numpy", "pyarrow"} <= set(json.loads(meta["versions"]))
    assert table.num_rows > 0


@pytest.mark.parametrize("entry", ARROW_FILES, ids=[e.name for e in ARROW_FILES])
def test_committed_file_is_uncompressed(entry):
    # A compressed IPC file holds compressed buffers; re-serialising the same table without
    # compression would then give different bytes. (The writer is deterministic.)
    path = DATA / entry.filename
    assert arrow_io.table_to_bytes(_read(path)) == path.read_bytes()


@pytest.mark.parametrize("entry", ARROW_FILES, ids=[e.name for e in ARROW_FILES])
def test_documented_columns_are_the_file_columns(entry):
    table = _read(DATA / entry.filename)
    documented = [c.name for c in entry.columns]
    if entry.name in ("bandgap_zhuo2018", "training_set"):  # the 136 features are documented as one group
        assert table.schema.names[:2] == documented[:2]
        assert table.schema.names[2:] == list(materials.FEATURE_NAMES)
        return
    assert table.schema.names == documented
    for column in entry.columns:
        assert arrow_io.ALLOWED_TYPES[table.schema.field(column.name).type] == column.type


def test_compressed_file_would_be_detected(tmp_path):
    table = arrow_io.build_table({"x": np.arange(1000.0)}, {"x": "float64"}, generator="t", parameters={}, seed=1)
    path = tmp_path / "c.arrow"
    with ipc.new_file(str(path), table.schema, options=ipc.IpcWriteOptions(compression="zstd")) as w:
        w.write_table(table)
    assert arrow_io.table_to_bytes(_read(path)) != path.read_bytes()


def test_build_table_refuses_bad_columns():
    ok = dict(generator="t", parameters={}, seed=0)
    with pytest.raises(ValueError, match="NaN"):
        arrow_io.build_table({"x": [1.0, float("nan")]}, {"x": "float64"}, **ok)
    with pytest.raises(ValueError, match="int64"):
        arrow_io.build_table({"x": [1]}, {"x": "int64"}, **ok)
    with pytest.raises(ValueError, match="int32 range"):
        arrow_io.build_table({"x": [2**40]}, {"x": "int32"}, **ok)
    with pytest.raises(ValueError, match="non-integers"):
        arrow_io.build_table({"x": [1.5]}, {"x": "int32"}, **ok)
    with pytest.raises(ValueError, match="non-string"):
        arrow_io.build_table({"x": [1]}, {"x": "utf8"}, **ok)
    with pytest.raises(ValueError, match="do not match"):
        arrow_io.build_table({"x": [1.0]}, {"y": "float64"}, **ok)


def test_validate_rejects_int64_and_missing_metadata():
    with pytest.raises(arrow_io.DataFileError, match="int64"):
        arrow_io.validate_table(pa.table({"x": pa.array([1], pa.int64())}))
    with pytest.raises(arrow_io.DataFileError, match="large_string"):
        arrow_io.validate_table(pa.table({"x": pa.array(["a"], pa.large_string())}))
    with pytest.raises(arrow_io.DataFileError, match="metadata lacks"):
        arrow_io.validate_table(pa.table({"x": pa.array([1.0])}))


def test_read_table_names_the_file_when_corrupt_or_missing(tmp_path):
    bad = tmp_path / "bad.arrow"
    bad.write_bytes(b"ARROW1\x00\x00 not really")
    with pytest.raises(arrow_io.DataFileError, match="bad.arrow is not a readable Arrow IPC file"):
        arrow_io.read_table(bad)
    with pytest.raises(arrow_io.DataFileError, match="gone.arrow is missing"):
        arrow_io.read_table(tmp_path / "gone.arrow")


def test_write_atomic_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "f.arrow"
    target.write_bytes(b"old")
    arrow_io.write_atomic(target, b"new content")
    assert target.read_bytes() == b"new content"
    assert [p.name for p in tmp_path.iterdir()] == ["f.arrow"]


def test_write_atomic_into_a_missing_directory_is_a_clear_error(tmp_path):
    with pytest.raises(arrow_io.DataFileError, match="is not a directory"):
        arrow_io.write_atomic(tmp_path / "nope" / "f.arrow", b"x")


def test_compare_tables_bitwise_and_with_tolerance():
    def table(values, seed=0):
        return arrow_io.build_table({"x": values, "s": ["a"] * len(values)}, {"x": "float64", "s": "utf8"},
                                    generator="t", parameters={"p": 1}, seed=seed)

    base = table([1.0, 2.0])
    assert arrow_io.compare_tables(base, table([1.0, 2.0]), None) == []
    nudged = table([1.0, np.nextafter(2.0, 3.0)])
    assert "1 value(s) differ bit for bit" in arrow_io.compare_tables(base, nudged, None)[0]
    assert arrow_io.compare_tables(base, nudged, arrow_io.Tolerance(1e-6, 0)) == []
    assert arrow_io.compare_tables(base, table([1.0, 2.1]), arrow_io.Tolerance(1e-6, 0))
    assert "metadata 'seed'" in arrow_io.compare_tables(base, table([1.0, 2.0], seed=5), None)[0]
    # -0.0 and 0.0 differ in bits, so the bit-for-bit comparison must see it
    assert arrow_io.compare_tables(table([0.0]), table([-0.0]), None)
