"""The one trajectory runner: every cell, test and generator goes through ``run(config)``.

Twin of ``slides/js/core/runner.js``. See ARCHITECTURE.md for the config and the rows.
"""

from __future__ import annotations

import json
import math
from typing import Any, TypedDict

from .checks import check_count, check_finite, check_integer, check_non_negative, check_object, format_number, format_value
from .noise import make_noise
from .optimizers import make_optimizer
from .schedules import make_schedule
from .surfaces import make_surface


class Row(TypedDict):
    """Row t: the parameters after t updates, the loss and noise-free gradient norm there, and
    the learning rate of the update that leaves this row."""

    step: int
    theta: list[float]
    loss: float
    grad_norm: float
    lr: float
    status: str  # "ok", or "diverged" on the last row of a diverged run


class RunResult(TypedDict):
    rows: list[Row]
    status: str  # "completed" | "diverged"
    reason: str | None  # "non_finite" | "left_box" when diverged
    diverged_step: int | None
    message: str
    config: dict[str, Any]  # the config with the defaults filled in


CONFIG_DEFAULTS: dict[str, Any] = {
    "surface_params": {},
    "hyper": {},
    "schedule": "constant",
    "schedule_params": {},
    "noise_std": 0.0,
    "noise_seed": 0,
    "box": None,
}
REQUIRED_KEYS = ["surface", "optimizer", "lr", "start", "steps"]
CONFIG_KEYS = [*REQUIRED_KEYS, *CONFIG_DEFAULTS]
# Config values that are objects of named numbers.
OBJECT_KEYS = ["surface_params", "hyper", "schedule_params"]
# A run is drawn on a slide: far beyond this a browser tab would hang, not teach.
MAX_STEPS = 100000


def _all_finite(values: list[float]) -> bool:
    return all(math.isfinite(value) for value in values)


def _inside(theta: list[float], box: list[list[float]]) -> bool:
    return all(box[i][0] <= x <= box[i][1] for i, x in enumerate(theta))


def norm(g: list[float]) -> float:
    total = 0.0
    for g_i in g:
        total = total + g_i * g_i
    return math.sqrt(total)


def _check_box(box: Any, dim: int) -> list[list[float]]:
    if not isinstance(box, (list, tuple)) or len(box) != dim:
        raise ValueError(f"box must list [lo, hi] for each of the {dim} coordinates, got {box!r}")
    checked = []
    for i, bounds in enumerate(box):
        if not isinstance(bounds, (list, tuple)) or len(bounds) != 2:
            raise ValueError(f"box[{i}] must be [lo, hi], got {bounds!r}")
        lo = check_finite(f"box[{i}][0]", bounds[0])
        hi = check_finite(f"box[{i}][1]", bounds[1])
        if not lo < hi:
            raise ValueError(f"box[{i}] must have lo < hi, got [{lo}, {hi}]")
        checked.append([lo, hi])
    return checked


def _check_start(start: Any, dim: int, box: list[list[float]]) -> list[float]:
    if not isinstance(start, (list, tuple)) or len(start) != dim:
        raise ValueError(f"start must be a list of {dim} numbers, got {start!r}")
    theta = [check_finite(f"start[{i}]", x) for i, x in enumerate(start)]
    if not _inside(theta, box):
        raise ValueError(f"start {theta} lies outside the box {box}")
    return theta


def _diverged_message(reason: str, step: int, box: list[list[float]]) -> str:
    bounds = " x ".join(f"[{format_number(lo)}, {format_number(hi)}]" for lo, hi in box)
    what = f"left the box {bounds}" if reason == "left_box" else "produced a non-finite value"
    return f"diverged: update {step} {what}"


def run(config: dict[str, Any]) -> RunResult:
    if not isinstance(config, dict):
        raise ValueError(f"config must be an object, got {format_value(config)}")
    for key in config:
        if key not in CONFIG_KEYS:
            raise ValueError(f"unknown config key {json.dumps(key)}; expected one of: {', '.join(CONFIG_KEYS)}")
    for key in REQUIRED_KEYS:
        if key not in config:
            raise ValueError(f"config is missing {json.dumps(key)}")
    for key in OBJECT_KEYS:
        check_object(key, config.get(key))
    cfg = {**CONFIG_DEFAULTS, **config}
    surface = make_surface(cfg["surface"], cfg["surface_params"])
    optimizer = make_optimizer(cfg["optimizer"], cfg["hyper"])
    lr_at = make_schedule(cfg["schedule"], cfg["schedule_params"])
    base_lr = check_non_negative("lr", cfg["lr"])
    steps = check_count("steps", cfg["steps"])
    if steps > MAX_STEPS:
        raise ValueError(f"steps must be at most {MAX_STEPS}, got {steps}")
    perturb = make_noise(cfg["noise_std"], check_integer("noise_seed", cfg["noise_seed"]))
    box = _check_box(cfg["box"] if cfg["box"] is not None else surface.box, surface.dim)
    state = optimizer.init(_check_start(cfg["start"], surface.dim, box))

    rows: list[Row] = []

    def result(status: str, reason: str | None = None, diverged_step: int | None = None) -> RunResult:
        message = f"completed {steps} steps" if status == "completed" else _diverged_message(reason, diverged_step, box)
        return {"rows": rows, "status": status, "reason": reason, "diverged_step": diverged_step,
                "message": message, "config": cfg}

    def diverge(reason: str, step: int) -> RunResult:
        rows[-1]["status"] = "diverged"
        return result("diverged", reason, step)

    t = 0
    while True:
        theta = state["theta"]
        loss = surface.f(theta)
        grad_norm = norm(surface.grad(theta))
        lr = lr_at(t, base_lr)
        if not (math.isfinite(loss) and math.isfinite(grad_norm) and math.isfinite(lr)):
            if t == 0:
                raise ValueError(f"the start {theta} gives a non-finite loss, gradient or learning rate")
            return diverge("non_finite", t)
        rows.append({"step": t, "theta": list(theta), "loss": loss, "grad_norm": grad_norm, "lr": lr, "status": "ok"})
        if t == steps:
            return result("completed")

        g = surface.grad(optimizer.gradient_point(state))
        if not _all_finite(g):
            return diverge("non_finite", t + 1)
        nxt = optimizer.step(state, perturb(g), lr)
        if not _all_finite(nxt["theta"]):
            return diverge("non_finite", t + 1)
        if not _inside(nxt["theta"], box):
            return diverge("left_box", t + 1)
        state = nxt
        t += 1
