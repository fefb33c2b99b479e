"""`python -m pygen` / `pygen`: regenerate, list or check the files in `data/`."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from . import arrow_io, materials
from .experiments.settings import Context
from .generators import BY_NAME, DATA_FILES
from .registry import compare, compare_spot_check, produce, produce_spot_check, serialise

def _default_data_dir() -> Path:
    # The repository's data/ when pygen runs from a checkout (or an editable install);
    # ./data otherwise (a regular install has no repository beside the package).
    beside = Path(__file__).resolve().parents[1] / "data"
    return beside if (beside.parent / "pyproject.toml").exists() else Path.cwd() / "data"


DEFAULT_DATA_DIR = _default_data_dir()

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
TIERS = ("standard", "heavy", "all")

# Failures a generator reports in words (anything else is a bug and keeps its traceback).
GENERATOR_ERRORS = (arrow_io.DataFileError, materials.PackageMissing, ValueError, ImportError)


def _describe(err: Exception) -> str:
    if isinstance(err, ImportError):
        return (f"{err} (the network generators need jax and scipy: "
                "pip install -e '.[data]')")
    return str(err)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pygen",
        description="Regenerate the data files the slides read (Arrow IPC files in data/).",
        epilog="With no option, every file of the standard tier is regenerated; the heavy tier (files "
        "whose generators take minutes) with --tier heavy. --check compares the standard tier in full "
        "and spot-checks the heavy tier (regenerates some of its rows); --check --tier heavy compares "
        "the heavy tier in full. Exit status: 0 success, 1 a file "
        "differs or a generator failed, 2 bad usage. `pygen replay LINK` reruns a link of the "
        "optimizer playground or of the live trainer and prints its runs as CSV (pygen replay --help).",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--list", action="store_true", help="list the data files and what each supports")
    mode.add_argument("--check", action="store_true",
                      help="regenerate in memory and compare with data/; exit 1 naming each file that differs")
    parser.add_argument("--only", metavar="NAME", action="append", default=[],
                        help="only this file (repeatable); NAME as printed by --list; a heavy file named "
                        "here is regenerated in full (with --check: spot-checked unless --tier heavy or all)")
    parser.add_argument("--tier", choices=TIERS, default="standard",
                        help="standard (default): the files that take seconds, with --check also a spot check "
                        "of the heavy tier; heavy: only the files that take minutes, in full; all: both, in full")
    parser.add_argument("--data-dir", metavar="DIR", type=Path, default=DEFAULT_DATA_DIR,
                        help=f"folder of the data files (default: {DEFAULT_DATA_DIR})")
    parser.add_argument("--quiet", action="store_true", help="print only problems and the summary")
    return parser


def _selected(parser, names, tier="all"):
    """The entries named (any tier), or with no names those of the tier ("standard" keeps the heavy
    ones too: generation skips them, --check spot-checks them)."""
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        parser.error(
            f"unknown data file name{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
            f"known names: {', '.join(BY_NAME)}"
        )
    if names:
        return [entry for entry in DATA_FILES if entry.name in names]
    if tier == "heavy":
        return [entry for entry in DATA_FILES if entry.tier == "heavy"]
    return list(DATA_FILES)


def _say(quiet, message):
    if not quiet:
        print(message, file=sys.stderr, flush=True)


def _package_missing(entry) -> str | None:
    if entry.requires_package == materials.PACKAGE and not materials.package_available():
        return f"{materials.PACKAGE} {materials.PACKAGE_VERSION} is not installed ({materials.INSTALL_HINT})"
    return None


def _writable_dir(data_dir: Path) -> str | None:
    """None if files can be created in data_dir (created if missing), else the reason."""
    if data_dir.exists() and not data_dir.is_dir():
        return f"{data_dir} exists but is not a directory"
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=data_dir):
            pass
    except OSError as err:
        return f"cannot write into {data_dir}: {err.strerror or err}"
    return None


def cmd_list(entries) -> int:
    width = max(len(e.name) for e in entries)
    for entry in entries:
        kind = "exact" if entry.tolerance is None else "tolerance"
        extra = f", needs {entry.requires_package}" if entry.requires_package else ""
        extra += ", heavy tier" if entry.tier == "heavy" else ""
        print(f"{entry.name:<{width}}  {entry.filename}  [{kind}{extra}]")
        print(f"{'':<{width}}  {entry.title}")
    return EXIT_OK


def cmd_generate(entries, data_dir: Path, quiet: bool, skip_heavy: bool = False) -> int:
    problem = _writable_dir(data_dir)
    if problem:
        print(f"pygen: {problem}; nothing was written", file=sys.stderr)
        return EXIT_FAILED
    heavy = [entry for entry in entries if entry.tier == "heavy"] if skip_heavy else []
    entries = [entry for entry in entries if entry not in heavy]
    ctx = Context(data_dir, progress=lambda message: _say(quiet, f"    {message}"))
    failures, skipped = [], []
    started = time.perf_counter()
    for number, entry in enumerate(entries, 1):
        path = data_dir / entry.filename
        missing = _package_missing(entry)
        if missing:
            if path.exists():
                skipped.append(entry.name)
                _say(False, f"[{number}/{len(entries)}] {entry.name}: skipped, {missing}; "
                            f"keeping the existing {path.name}")
            else:
                failures.append(entry.name)
                print(f"pygen: {entry.name}: {path} is missing and cannot be rebuilt here: {missing}; "
                      "restore it with git", file=sys.stderr)
            continue
        _say(quiet, f"[{number}/{len(entries)}] {entry.name} -> {path}")
        t0 = time.perf_counter()
        try:
            arrow_io.write_atomic(path, serialise(entry, produce(entry, ctx)))
        except GENERATOR_ERRORS as err:
            failures.append(entry.name)
            print(f"pygen: {entry.name} failed: {_describe(err)}", file=sys.stderr)
            continue
        _say(quiet, f"    wrote {path.name} ({path.stat().st_size:,} bytes, {time.perf_counter() - t0:.1f} s)")
    summary = f"{len(entries) - len(failures) - len(skipped)} file(s) written in {time.perf_counter() - started:.0f} s"
    if skipped:
        summary += f", {len(skipped)} skipped ({', '.join(skipped)})"
    if heavy:
        summary += (f"; the heavy tier ({', '.join(e.filename for e in heavy)}) was not regenerated: "
                    "`python -m pygen --tier heavy` (minutes)")
    if failures:
        print(f"pygen: {summary}; FAILED: {', '.join(failures)}", file=sys.stderr)
        return EXIT_FAILED
    _say(False, f"pygen: {summary}")
    return EXIT_OK


def _verify_without_package(entry, path: Path) -> list[str]:
    """What --check can still say about a file whose source package is absent."""
    if not path.exists():
        return ["missing"]
    if entry.is_arrow:
        try:
            materials.verify_table(arrow_io.read_table(path))
        except arrow_io.DataFileError as err:
            return [str(err)]
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    return [] if text.startswith("MIT License") else ["does not hold the MIT licence text"]


def _spot_check(entry, path: Path, ctx) -> tuple[list[str], str]:
    problems, checked, total = compare_spot_check(entry, path, produce_spot_check(entry, ctx))
    return problems, f"{path.name}: heavy tier, {checked:,} of {total:,} rows regenerated and compared " \
                     f"(`--check --tier heavy` compares all)"


def cmd_check(entries, data_dir: Path, quiet: bool, spot_check_heavy: bool = False) -> int:
    ctx = Context(data_dir, progress=lambda message: _say(quiet, f"    {message}"))
    differing, notes = [], []
    started = time.perf_counter()
    for number, entry in enumerate(entries, 1):
        path = data_dir / entry.filename
        _say(quiet, f"[{number}/{len(entries)}] checking {entry.name} ({path.name})")
        t0 = time.perf_counter()
        missing = _package_missing(entry)
        try:
            if missing:
                problems = _verify_without_package(entry, path)
                if not problems:
                    notes.append(f"{path.name}: not regenerated ({missing}); structure and content checksum verified")
            elif spot_check_heavy and entry.tier == "heavy":
                problems, note = _spot_check(entry, path, ctx)
                if not problems:
                    notes.append(note)
            else:
                problems = compare(entry, path, produce(entry, ctx))
        except GENERATOR_ERRORS as err:
            problems = [f"generator failed: {_describe(err)}"]
        if problems:
            differing.append(entry.filename)
            print(f"DIFFERS {path}:", file=sys.stderr)
            for problem in problems:
                print(f"    {problem}", file=sys.stderr)
        else:
            _say(quiet, f"    matches ({time.perf_counter() - t0:.1f} s)")
    for note in notes:
        print(f"pygen: note: {note}", file=sys.stderr)
    elapsed = time.perf_counter() - started
    if differing:
        heavy = [e.filename for e in entries if e.tier == "heavy" and e.filename in differing]
        how = "run `python -m pygen` to regenerate" + (
            f"; the heavy tier ({', '.join(heavy)}): `python -m pygen --tier heavy`, minutes" if heavy else "")
        print(f"pygen --check: {len(differing)} of {len(entries)} file(s) differ from what the generators "
              f"produce now: {', '.join(differing)} ({how})", file=sys.stderr)
        return EXIT_FAILED
    print(f"pygen --check: all {len(entries)} file(s) match ({elapsed:.0f} s)", file=sys.stderr)
    return EXIT_OK


def main(argv=None) -> int:
    try:
        return _main(argv)
    except BrokenPipeError:
        # the reader went away (`pygen --list | head`): stop quietly, like other command-line tools
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FAILED


def _main(argv) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["replay"]:  # `python3 -m pygen replay '<link>'`: the playground's or the trainer's runs (pygen/replay.py)
        from . import replay
        return replay.main(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    entries = _selected(parser, args.only, args.tier)
    data_dir = args.data_dir
    standard = args.tier == "standard"
    if args.list:
        return cmd_list(entries)
    if args.check:
        if not data_dir.is_dir():
            print(f"pygen: {data_dir} is not a directory; nothing to check", file=sys.stderr)
            return EXIT_FAILED
        return cmd_check(entries, data_dir, args.quiet, spot_check_heavy=standard)
    return cmd_generate(entries, data_dir, args.quiet, skip_heavy=standard and not args.only)


if __name__ == "__main__":
    sys.exit(main())
