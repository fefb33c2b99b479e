"""The update rules of `pygen.core.optimizers` on numpy arrays, for training the network.

The core works on Python lists, one float at a time, so that it is the bit-identical twin of
the browser's; on the 2,481 parameters of the band-gap network that costs a few milliseconds per
update, most of `python -m pygen`. Here each rule is the same floating-point operations in the
same order, applied elementwise by numpy (`+ - * /` and `sqrt` are correctly rounded there too,
and numpy evaluates `a * b * c` left to right as Python does), so every update gives the same
bits as the core's: `tests/test_pygen_array_optimizers.py` checks every optimizer against the
core bit for bit, and `mlp.train` with either. States have the core's keys, with arrays for
vectors; hyperparameters are merged and checked by the core's `make_optimizer`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .core.optimizers import Hyper, make_optimizer

ArrayState = dict  # the core's state keys; vectors as float64 arrays


@dataclass(frozen=True)
class ArrayOptimizer:
    name: str
    hyper: Hyper
    init: Callable[[np.ndarray], ArrayState]
    gradient_point: Callable[[ArrayState], np.ndarray]
    step: Callable[[ArrayState, np.ndarray, float], ArrayState]


def _same_point(state, hyper):
    return state["theta"]


def _velocity_step(state, g, lr, hyper):
    v = hyper["alpha"] * state["v"] - lr * g
    return {"theta": state["theta"] + v, "v": v}


def _nesterov_point(state, hyper):
    return state["theta"] + hyper["alpha"] * state["v"]


def _adam_moments(state, g, hyper):
    beta1, beta2 = hyper["beta1"], hyper["beta2"]
    return {
        "m": beta1 * state["m"] + (1 - beta1) * g,
        "v": beta2 * state["v"] + (1 - beta2) * g * g,
        "beta1_power": state["beta1_power"] * beta1,
        "beta2_power": state["beta2_power"] * beta2,
    }


def _bias_corrected_update(x, m, v, moments, lr, eps):
    m_hat = m / (1 - moments["beta1_power"])
    v_hat = v / (1 - moments["beta2_power"])
    return x - lr / (np.sqrt(v_hat) + eps) * m_hat


def _adam_init(theta):
    zeros = np.zeros_like(theta)
    return {"theta": theta, "m": zeros, "v": zeros, "beta1_power": 1.0, "beta2_power": 1.0}


def _gd_step(state, g, lr, hyper):
    return {"theta": state["theta"] - lr * g}


def _adagrad_step(state, g, lr, hyper):
    G = state["G"] + g * g
    return {"theta": state["theta"] - lr / (np.sqrt(G) + hyper["eps"]) * g, "G": G}


def _rmsprop_step(state, g, lr, hyper):
    gamma = hyper["gamma"]
    E = gamma * state["E"] + (1 - gamma) * g * g
    return {"theta": state["theta"] - lr / (np.sqrt(E) + hyper["eps"]) * g, "E": E}


def _adam_step(state, g, lr, hyper):
    moments = _adam_moments(state, g, hyper)
    theta = _bias_corrected_update(state["theta"], moments["m"], moments["v"], moments, lr, hyper["eps"])
    return {"theta": theta, **moments}


def _adamw_step(state, g, lr, hyper):
    moments = _adam_moments(state, g, hyper)
    x = state["theta"]
    theta = _bias_corrected_update(x, moments["m"], moments["v"], moments, lr, hyper["eps"]) - lr * hyper["weight_decay"] * x
    return {"theta": theta, **moments}


def _amsgrad_step(state, g, lr, hyper):
    moments = _adam_moments(state, g, hyper)
    v_max = np.where(moments["v"] > state["v_max"], moments["v"], state["v_max"])
    theta = _bias_corrected_update(state["theta"], moments["m"], v_max, moments, lr, hyper["eps"])
    return {"theta": theta, **moments, "v_max": v_max}


def _zeros_named(key):
    return lambda theta: {"theta": theta, key: np.zeros_like(theta)}


# name -> (init, gradient_point, step), in the core's order
DEFINITIONS = {
    "gd": (lambda theta: {"theta": theta}, _same_point, _gd_step),
    "momentum": (_zeros_named("v"), _same_point, _velocity_step),
    "nesterov": (_zeros_named("v"), _nesterov_point, _velocity_step),
    "adagrad": (_zeros_named("G"), _same_point, _adagrad_step),
    "rmsprop": (_zeros_named("E"), _same_point, _rmsprop_step),
    "adam": (_adam_init, _same_point, _adam_step),
    "adamw": (_adam_init, _same_point, _adamw_step),
    "amsgrad": (lambda theta: {**_adam_init(theta), "v_max": np.zeros_like(theta)}, _same_point, _amsgrad_step),
}


def make_array_optimizer(name: str, hyper: Hyper | None = None) -> ArrayOptimizer:
    """The core's optimizer `name` (same validation, same merged hyperparameters) on arrays."""
    merged = make_optimizer(name, hyper).hyper
    init, point, step = DEFINITIONS[name]

    def checked_init(theta) -> ArrayState:
        theta = np.array(theta, dtype=np.float64)  # a copy: states are never mutated
        if not np.all(np.isfinite(theta)):
            raise ValueError(f"theta[{int(np.argmin(np.isfinite(theta)))}] must be a finite number")
        return init(theta)

    return ArrayOptimizer(
        name=name,
        hyper=merged,
        init=checked_init,
        gradient_point=lambda state: point(state, merged),
        step=lambda state, g, lr: step(state, np.asarray(g, dtype=np.float64), lr, merged),
    )
