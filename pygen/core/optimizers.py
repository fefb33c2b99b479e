"""Optimizers as pure state transitions in the manner of optax.

``init(theta) -> state``; ``gradient_point(state)`` -> where to evaluate the gradient;
``step(state, g, lr) -> new state`` (the old one is never mutated).
Twin of ``slides/js/core/optimizers.js``, written in the same operation order so that both
produce the same bits. Bias corrections use running products of beta, never ``beta ** t``.
"""

import math
from types import SimpleNamespace

from .checks import check_finite, check_name, merge_params

ADAM_DEFAULTS = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def _zeros(n):
    return [0.0] * n


def _same_point(state, hyper):
    return state["theta"]


def _adam_moments(state, g, hyper):
    beta1, beta2 = hyper["beta1"], hyper["beta2"]
    m = [beta1 * m_i + (1 - beta1) * g[i] for i, m_i in enumerate(state["m"])]
    v = [beta2 * v_i + (1 - beta2) * g[i] * g[i] for i, v_i in enumerate(state["v"])]
    return {
        "m": m,
        "v": v,
        "beta1_power": state["beta1_power"] * beta1,
        "beta2_power": state["beta2_power"] * beta2,
    }


def _adam_init(theta):
    n = len(theta)
    return {"theta": list(theta), "m": _zeros(n), "v": _zeros(n), "beta1_power": 1.0, "beta2_power": 1.0}


def _gd_step(state, g, lr, hyper):
    return {"theta": [x - lr * g[i] for i, x in enumerate(state["theta"])]}


def _momentum_init(theta):
    return {"theta": list(theta), "v": _zeros(len(theta))}


def _momentum_step(state, g, lr, hyper):
    alpha = hyper["alpha"]
    v = [alpha * v_i - lr * g[i] for i, v_i in enumerate(state["v"])]
    return {"theta": [x + v[i] for i, x in enumerate(state["theta"])], "v": v}


def _nesterov_point(state, hyper):
    # Same velocity update as momentum, but the gradient is taken at the look-ahead point.
    return [x + hyper["alpha"] * state["v"][i] for i, x in enumerate(state["theta"])]


def _adagrad_step(state, g, lr, hyper):
    G = [G_i + g[i] * g[i] for i, G_i in enumerate(state["G"])]
    theta = [x - lr / (math.sqrt(G[i]) + hyper["eps"]) * g[i] for i, x in enumerate(state["theta"])]
    return {"theta": theta, "G": G}


def _rmsprop_step(state, g, lr, hyper):
    gamma = hyper["gamma"]
    E = [gamma * E_i + (1 - gamma) * g[i] * g[i] for i, E_i in enumerate(state["E"])]
    theta = [x - lr / (math.sqrt(E[i]) + hyper["eps"]) * g[i] for i, x in enumerate(state["theta"])]
    return {"theta": theta, "E": E}


def _adam_step(state, g, lr, hyper):
    moments = _adam_moments(state, g, hyper)
    theta = []
    for i, x in enumerate(state["theta"]):
        m_hat = moments["m"][i] / (1 - moments["beta1_power"])
        v_hat = moments["v"][i] / (1 - moments["beta2_power"])
        theta.append(x - lr / (math.sqrt(v_hat) + hyper["eps"]) * m_hat)
    return {"theta": theta, **moments}


def _adamw_step(state, g, lr, hyper):
    # Weight decay acts on the parameters directly, outside the adaptive scaling.
    moments = _adam_moments(state, g, hyper)
    theta = []
    for i, x in enumerate(state["theta"]):
        m_hat = moments["m"][i] / (1 - moments["beta1_power"])
        v_hat = moments["v"][i] / (1 - moments["beta2_power"])
        theta.append(x - lr / (math.sqrt(v_hat) + hyper["eps"]) * m_hat - lr * hyper["weight_decay"] * x)
    return {"theta": theta, **moments}


def _amsgrad_init(theta):
    return {**_adam_init(theta), "v_max": _zeros(len(theta))}


def _amsgrad_step(state, g, lr, hyper):
    # Adam whose second-moment estimate never decreases (the running maximum of v).
    moments = _adam_moments(state, g, hyper)
    v_max = [moments["v"][i] if moments["v"][i] > v_max_i else v_max_i for i, v_max_i in enumerate(state["v_max"])]
    theta = []
    for i, x in enumerate(state["theta"]):
        m_hat = moments["m"][i] / (1 - moments["beta1_power"])
        v_hat = v_max[i] / (1 - moments["beta2_power"])
        theta.append(x - lr / (math.sqrt(v_hat) + hyper["eps"]) * m_hat)
    return {"theta": theta, **moments, "v_max": v_max}


DEFINITIONS = {
    "gd": {"defaults": {}, "init": lambda theta: {"theta": list(theta)}, "gradient_point": _same_point, "step": _gd_step},
    "momentum": {"defaults": {"alpha": 0.9}, "init": _momentum_init, "gradient_point": _same_point, "step": _momentum_step},
    "nesterov": {"defaults": {"alpha": 0.9}, "init": _momentum_init, "gradient_point": _nesterov_point, "step": _momentum_step},
    "adagrad": {"defaults": {"eps": 1e-8}, "init": lambda theta: {"theta": list(theta), "G": _zeros(len(theta))},
                "gradient_point": _same_point, "step": _adagrad_step},
    "rmsprop": {"defaults": {"gamma": 0.9, "eps": 1e-8}, "init": lambda theta: {"theta": list(theta), "E": _zeros(len(theta))},
                "gradient_point": _same_point, "step": _rmsprop_step},
    "adam": {"defaults": ADAM_DEFAULTS, "init": _adam_init, "gradient_point": _same_point, "step": _adam_step},
    "adamw": {"defaults": {**ADAM_DEFAULTS, "weight_decay": 0.01}, "init": _adam_init,
              "gradient_point": _same_point, "step": _adamw_step},
    "amsgrad": {"defaults": ADAM_DEFAULTS, "init": _amsgrad_init, "gradient_point": _same_point, "step": _amsgrad_step},
}

OPTIMIZER_NAMES = list(DEFINITIONS)

DEFAULT_HYPER = {name: dict(definition["defaults"]) for name, definition in DEFINITIONS.items()}


# Outside these ranges an update divides by zero or takes the root of a negative number.
HYPER_RANGES = {
    "beta1": (0.0, 1.0, False, "in [0, 1)"),
    "beta2": (0.0, 1.0, False, "in [0, 1)"),
    "gamma": (0.0, 1.0, False, "in [0, 1)"),
    "eps": (0.0, math.inf, True, "> 0"),
    "weight_decay": (0.0, math.inf, False, ">= 0"),
}


def check_hyper_ranges(name, hyper):
    for key, value in hyper.items():
        if key not in HYPER_RANGES:
            continue
        lo, hi, open_lo, text = HYPER_RANGES[key]
        above_lo = value > lo if open_lo else value >= lo
        if not (above_lo and value < hi):
            raise ValueError(f"optimizer {name} parameter {key} must be {text}, got {value!r}")
    return hyper


def make_optimizer(name, hyper=None):
    check_name("optimizer", name, OPTIMIZER_NAMES)
    definition = DEFINITIONS[name]
    merged = check_hyper_ranges(name, merge_params(f"optimizer {name}", definition["defaults"], hyper))
    return SimpleNamespace(
        name=name,
        hyper=merged,
        init=lambda theta: definition["init"]([check_finite(f"theta[{i}]", x) for i, x in enumerate(theta)]),
        gradient_point=lambda state: definition["gradient_point"](state, merged),
        step=lambda state, g, lr: definition["step"](state, g, lr, merged),
    )
