"""Benchmark of the live trainer (issue 22); prints one JSON object.

    nice python bench/bench_training.py [--epochs N] [--estimates N]

Side by side in one run, on the same problem (all 3,199 training rows, batch 64, plain SGD at
eta = 0.01, losses on the training and test rows after each epoch, as the trainer records them):
- the JavaScript twin in Node (`bench/bench_training.mjs`; V8 is Chromium's engine): time per
  epoch (median after two warm-up epochs) and MFLOP/s, counting the multiply-adds of the three
  layers (2 flops each) of the forward and backward passes and of the loss evaluations, tanh not
  counted;
- one lambda1 estimate in JS (the trainer's default Lanczos iterations over all training rows),
  cold and warm-started, and its relative error against eigvalsh of `pygen.mlp.Model.hessian` at
  the same parameters;
- the Python twin (`pygen.core.trainer`) per epoch, the same run (it gives the same bits);
- the existing JAX trainer (`pygen.mlp.train`, float64 XLA kernels) per epoch, the same
  optimizer, batch size and learning rate;
- the edge-of-stability preset's first run in JS, whole (wall and CPU seconds).
The machine is shared and noisy: compare the ratios, measured here in one run. CPU times (the
process's, all threads) are reported beside wall times: with other jobs on the cores, a wall time
includes waiting, a CPU time is closer to what an idle core takes.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

N_IN, H = 136, 16
FORWARD_FLOPS = 2 * (N_IN * H + H * H + H)  # per row
BACKWARD_FLOPS = 2 * (N_IN * H + 2 * H * H + H)  # gradient of W1, W2 (and d_h1), W3
N_TRAIN, N_TEST = 3199, 697
EPOCH_MFLOP = (N_TRAIN * (FORWARD_FLOPS + BACKWARD_FLOPS) + (N_TRAIN + N_TEST) * FORWARD_FLOPS) / 1e6


def js_side(epochs: int, estimates: int) -> dict:
    out = subprocess.run(["node", str(ROOT / "bench" / "bench_training.mjs"), str(epochs), str(estimates)],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def python_twin_epochs(epochs: int) -> tuple[list[float], list[float]]:
    from pygen.core import trainer
    from pygen.core.dataset import load_training_dataset

    run = trainer.start_training({"optimizer": "gd", "lr": 0.01, "batch_size": 64, "sharpness_every": 0,
                                  "epochs": epochs}, load_training_dataset(ROOT / "data"))
    times, cpu_times = [], []
    while run.status == "running":
        start, start_cpu = time.perf_counter(), time.process_time()
        trainer.train_epoch(run)
        times.append((time.perf_counter() - start) * 1e3)
        cpu_times.append((time.process_time() - start_cpu) * 1e3)
    return times, cpu_times


def jax_epochs(model, repeats: int) -> tuple[list[float], list[float]]:
    """mlp.train per epoch: (time of 1 + k epochs - time of 1 epoch) / k, k = 4, after a warm-up;
    wall and CPU time (all of XLA's threads)."""
    from pygen import mlp

    def timed(epochs):
        spec = mlp.TrainSpec("gd", {}, 0.01, 64, epochs, 0)
        start, start_cpu = time.perf_counter(), time.process_time()
        mlp.train(model, spec)
        return time.perf_counter() - start, time.process_time() - start_cpu

    timed(1)
    walls, cpus = [], []
    for _ in range(repeats):
        (long_wall, long_cpu), (short_wall, short_cpu) = timed(5), timed(1)
        walls.append((long_wall - short_wall) / 4 * 1e3)
        cpus.append((long_cpu - short_cpu) / 4 * 1e3)
    return walls, cpus


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--estimates", type=int, default=5)
    args = parser.parse_args()
    from pygen import mlp

    js = js_side(args.epochs, args.estimates)
    js_epochs, js_cpu = js["epoch_ms"][2:], js["epoch_cpu_ms"][2:]
    py_epochs, py_cpu = (times[1:] for times in python_twin_epochs(min(args.epochs, 6)))
    model = mlp.Model(mlp.load_problem(ROOT / "data"))
    jax, jax_cpu = jax_epochs(model, 3)
    params = np.frombuffer(base64.b64decode(js["params"]), dtype="<f8")
    exact = float(np.linalg.eigvalsh(model.hessian(params))[-1])
    s = js["sharpness"]
    js_ms = statistics.median(js_epochs)
    js_cpu_ms = statistics.median(js_cpu)
    median = lambda values: round(statistics.median(values), 1)  # noqa: E731
    report = {
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg(), "python": platform.python_version(),
                    "node": subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()},
        "epoch_mflop": round(EPOCH_MFLOP, 1),
        "js_epoch_ms": {"median": round(js_ms, 1), "all": [round(t, 1) for t in js_epochs],
                        "cpu_median": round(js_cpu_ms, 1),
                        "mflop_per_s": round(EPOCH_MFLOP / js_ms * 1e3),
                        "mflop_per_cpu_s": round(EPOCH_MFLOP / js_cpu_ms * 1e3)},
        "python_twin_epoch_ms": {"median": median(py_epochs), "cpu_median": median(py_cpu),
                                 "all": [round(t, 1) for t in py_epochs]},
        "jax_epoch_ms": {"median": median(jax), "cpu_median": median(jax_cpu), "all": [round(t, 1) for t in jax]},
        "js_lambda1": {
            "iterations": js["iterations"],
            "cold_ms": median(s["cold_ms"]),
            "cold_cpu_ms": median(s["cold_cpu_ms"]),
            "warm_ms": median(s["warm_ms"]),
            "exact": exact,
            "cold_relative_error": abs(s["cold_lambda1"] - exact) / exact,
            "warm_relative_error": abs(s["warm_lambda1"] - exact) / exact,
        },
    }
    report["js_edge_of_stability_run"] = js["edge_of_stability"]
    report["ratios"] = {
        "python_twin_over_js": round(report["python_twin_epoch_ms"]["median"] / js_ms, 2),
        "jax_over_js": round(report["jax_epoch_ms"]["median"] / js_ms, 2),
        "python_twin_over_js_cpu": round(report["python_twin_epoch_ms"]["cpu_median"] / js_cpu_ms, 2),
        "jax_over_js_cpu": round(report["jax_epoch_ms"]["cpu_median"] / js_cpu_ms, 2),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
