"""Learning-rate schedules: ``make_schedule(name, params) -> lr_at(t, base_lr)``.

Twin of ``slides/js/core/schedules.js``. Powers are repeated products and the cosine is
``portable_math.cos``, so both languages give the same bits.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .checks import (
    check_count,
    check_name,
    check_non_negative,
    format_number,
    merge_params,
)
from .portable_math import PI, cos, power_int

# lr_at(t, base_lr): the learning rate at step t = 0, 1, ...
LRSchedule = Callable[[int, float], float]
Params = dict[str, float]


def cosine_decay(t: float, total: float, base_lr: float, min_lr: float) -> float:
    if t >= total:
        return min_lr
    return min_lr + (base_lr - min_lr) * (1 + cos(PI * t / total)) / 2


def require_positive_count(what: str, value: float) -> None:
    check_count(what, value)
    if value < 1:
        raise ValueError(f"{what} must be at least 1, got {format_number(value)}")


def require_positive(what: str, value: float) -> None:
    """A negative factor, decay or floor would make the learning rate negative: gradient ascent."""
    if not value > 0:
        raise ValueError(f"{what} must be > 0, got {format_number(value)}")


def _constant(p: Params) -> LRSchedule:
    return lambda t, base_lr: base_lr


def _step(p: Params) -> LRSchedule:
    require_positive_count("schedule step: step_size", p["step_size"])
    require_positive("schedule step: factor", p["factor"])
    return lambda t, base_lr: base_lr * power_int(p["factor"], math.floor(t / p["step_size"]))


def _exponential(p: Params) -> LRSchedule:
    require_positive("schedule exponential: gamma", p["gamma"])
    return lambda t, base_lr: base_lr * power_int(p["gamma"], t)


def _cosine(p: Params) -> LRSchedule:
    require_positive_count("schedule cosine: total_steps", p["total_steps"])
    check_non_negative("schedule cosine: min_lr", p["min_lr"])
    return lambda t, base_lr: cosine_decay(t, p["total_steps"], base_lr, p["min_lr"])


def _warmup_cosine(p: Params) -> LRSchedule:
    # Linear ramp to base_lr over warmup_steps, then cosine decay over the remaining steps.
    warmup, total = p["warmup_steps"], p["total_steps"]
    check_count("schedule warmup_cosine: warmup_steps", warmup)
    require_positive_count("schedule warmup_cosine: total_steps", total)
    check_non_negative("schedule warmup_cosine: min_lr", p["min_lr"])
    if total <= warmup:
        raise ValueError(f"schedule warmup_cosine: total_steps ({format_number(total)}) must exceed "
                         f"warmup_steps ({format_number(warmup)})")

    def lr_at(t: int, base_lr: float) -> float:
        if t < warmup:
            return base_lr * (t + 1) / warmup
        return cosine_decay(t - warmup, total - warmup, base_lr, p["min_lr"])

    return lr_at


DEFINITIONS: dict[str, dict] = {
    "constant": {"defaults": {}, "make": _constant},
    "step": {"defaults": {"step_size": 10.0, "factor": 0.5}, "make": _step},
    "exponential": {"defaults": {"gamma": 0.95}, "make": _exponential},
    "cosine": {"defaults": {"total_steps": 100.0, "min_lr": 0.0}, "make": _cosine},
    "warmup_cosine": {"defaults": {"warmup_steps": 10.0, "total_steps": 100.0, "min_lr": 0.0}, "make": _warmup_cosine},
}

SCHEDULE_NAMES: list[str] = list(DEFINITIONS)

DEFAULT_SCHEDULE_PARAMS: dict[str, Params] = {name: dict(d["defaults"]) for name, d in DEFINITIONS.items()}


def make_schedule(name: str, params: Params | None = None) -> LRSchedule:
    check_name("schedule", name, SCHEDULE_NAMES)
    definition = DEFINITIONS[name]
    return definition["make"](merge_params(f"schedule {name}", definition["defaults"], params))

