"""Optimizers as pure state transitions in the manner of optax.

``init(theta) -> state``; ``gradient_point(state)`` -> where to evaluate the gradient;
``step(state, g, lr) -> new state`` (the old one is never mutated).
Twin of ``slides/js/core/optimizers.js``, written in the same operation order so that both
produce the same bits. Bias corrections use running products of beta, never ``beta ** t``.

States are plain dicts described by ``TypedDict`` types (the twin of the JSDoc typedefs in
the JS module): the runner, the tests and the JS worker read them by key, and a state
crosses the language boundary as the same JSON object in both twins.

Conventions where frameworks differ (the deck's speaker notes say the same):

- Nesterov stores theta and evaluates the gradient at the look-ahead theta + alpha v
  (optax stores the look-ahead point itself).
- AdaGrad starts its accumulator at 0 and adds eps outside the square root (optax starts
  at 0.1 and adds eps inside).
- RMSProp adds eps outside the square root (optax's default is inside).
- AMSGrad takes the maximum of the raw second moment and then bias-corrects it (PyTorch's
  rule; optax takes the maximum of the bias-corrected moment).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypedDict

from .checks import check_finite, check_name, format_value, merge_params

Vector = list[float]
Hyper = dict[str, float]

ADAM_DEFAULTS: Hyper = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


class GDState(TypedDict):
    theta: Vector


class MomentumState(TypedDict):
    """Momentum and Nesterov: the parameters and the velocity."""

    theta: Vector
    v: Vector


class AdaGradState(TypedDict):
    theta: Vector
    G: Vector  # sum of squared gradients


class RMSPropState(TypedDict):
    theta: Vector
    E: Vector  # exponential average of squared gradients


class AdamState(TypedDict):
    """Adam and AdamW: moments and the running products beta1^t, beta2^t."""

    theta: Vector
    m: Vector
    v: Vector
    beta1_power: float
    beta2_power: float


class AMSGradState(AdamState):
    v_max: Vector  # running maximum of the raw second moment v


State = GDState | MomentumState | AdaGradState | RMSPropState | AdamState | AMSGradState


@dataclass(frozen=True)
class Optimizer:
    """What ``make_optimizer`` returns: the merged hyperparameters and the three pure functions."""

    name: str
    hyper: Hyper
    init: Callable[[Vector], State]
    gradient_point: Callable[[State], Vector]
    step: Callable[[State, Vector, float], State]


def _zeros(n: int) -> Vector:
    return [0.0] * n


def _same_point(state: State, hyper: Hyper) -> Vector:
    return state["theta"]


# ---------------------------------------------------------------------------------------
# The two shared pieces: the heavy-ball velocity and Adam's bias-corrected update


def _velocity_step(state: MomentumState, g: Vector, lr: float, hyper: Hyper) -> MomentumState:
    """v <- alpha v - lr g;  theta <- theta + v   (momentum and Nesterov alike)."""
    alpha = hyper["alpha"]
    v = [alpha * v_i - lr * g[i] for i, v_i in enumerate(state["v"])]
    return {"theta": [x + v[i] for i, x in enumerate(state["theta"])], "v": v}


def _adam_moments(state: AdamState, g: Vector, hyper: Hyper) -> dict:
    beta1, beta2 = hyper["beta1"], hyper["beta2"]
    m = [beta1 * m_i + (1 - beta1) * g[i] for i, m_i in enumerate(state["m"])]
    v = [beta2 * v_i + (1 - beta2) * g[i] * g[i] for i, v_i in enumerate(state["v"])]
    return {
        "m": m,
        "v": v,
        "beta1_power": state["beta1_power"] * beta1,
        "beta2_power": state["beta2_power"] * beta2,
    }


def _bias_corrected_update(x: float, m_i: float, v_i: float, moments: dict, lr: float, eps: float) -> float:
    """x - lr m_hat / (sqrt(v_hat) + eps) with m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t)."""
    m_hat = m_i / (1 - moments["beta1_power"])
    v_hat = v_i / (1 - moments["beta2_power"])
    return x - lr / (math.sqrt(v_hat) + eps) * m_hat


def _adam_init(theta: Vector) -> AdamState:
    n = len(theta)
    return {"theta": list(theta), "m": _zeros(n), "v": _zeros(n), "beta1_power": 1.0, "beta2_power": 1.0}


# ---------------------------------------------------------------------------------------
# The optimizers


def _gd_step(state: GDState, g: Vector, lr: float, hyper: Hyper) -> GDState:
    """Gradient descent: theta <- theta - lr g."""
    return {"theta": [x - lr * g[i] for i, x in enumerate(state["theta"])]}


def _momentum_init(theta: Vector) -> MomentumState:
    return {"theta": list(theta), "v": _zeros(len(theta))}


def _momentum_step(state: MomentumState, g: Vector, lr: float, hyper: Hyper) -> MomentumState:
    """Heavy-ball momentum (Polyak 1964): v <- alpha v - lr g(theta);  theta <- theta + v."""
    return _velocity_step(state, g, lr, hyper)


def _nesterov_point(state: MomentumState, hyper: Hyper) -> Vector:
    """Nesterov (1983): the gradient is taken at the look-ahead theta + alpha v.

    Update: v <- alpha v - lr g(theta + alpha v);  theta <- theta + v. The state stores theta,
    not the look-ahead point (optax's ``nesterov=True`` stores the look-ahead point).
    """
    return [x + hyper["alpha"] * state["v"][i] for i, x in enumerate(state["theta"])]


def _nesterov_step(state: MomentumState, g: Vector, lr: float, hyper: Hyper) -> MomentumState:
    """Nesterov's velocity step: the momentum step with g taken at ``_nesterov_point``."""
    return _velocity_step(state, g, lr, hyper)


def _adagrad_init(theta: Vector) -> AdaGradState:
    return {"theta": list(theta), "G": _zeros(len(theta))}


def _adagrad_step(state: AdaGradState, g: Vector, lr: float, hyper: Hyper) -> AdaGradState:
    """AdaGrad (Duchi et al. 2011): G <- G + g^2;  theta <- theta - lr g / (sqrt(G) + eps).

    G starts at 0 and eps is outside the root (optax: G starts at 0.1, eps inside the root).
    """
    G = [G_i + g[i] * g[i] for i, G_i in enumerate(state["G"])]
    theta = [x - lr / (math.sqrt(G[i]) + hyper["eps"]) * g[i] for i, x in enumerate(state["theta"])]
    return {"theta": theta, "G": G}


def _rmsprop_init(theta: Vector) -> RMSPropState:
    return {"theta": list(theta), "E": _zeros(len(theta))}


def _rmsprop_step(state: RMSPropState, g: Vector, lr: float, hyper: Hyper) -> RMSPropState:
    """RMSProp (Tieleman & Hinton 2012): E <- gamma E + (1 - gamma) g^2;
    theta <- theta - lr g / (sqrt(E) + eps).

    eps is outside the root (optax's default adds it inside).
    """
    gamma = hyper["gamma"]
    E = [gamma * E_i + (1 - gamma) * g[i] * g[i] for i, E_i in enumerate(state["E"])]
    theta = [x - lr / (math.sqrt(E[i]) + hyper["eps"]) * g[i] for i, x in enumerate(state["theta"])]
    return {"theta": theta, "E": E}


def _adam_step(state: AdamState, g: Vector, lr: float, hyper: Hyper) -> AdamState:
    """Adam (Kingma & Ba 2015): m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g^2;
    theta <- theta - lr m_hat / (sqrt(v_hat) + eps), m_hat = m / (1 - beta1^t), v_hat = v / (1 - beta2^t).
    """
    moments = _adam_moments(state, g, hyper)
    theta = [_bias_corrected_update(x, moments["m"][i], moments["v"][i], moments, lr, hyper["eps"])
             for i, x in enumerate(state["theta"])]
    return {"theta": theta, **moments}


def _adamw_step(state: AdamState, g: Vector, lr: float, hyper: Hyper) -> AdamState:
    """AdamW (Loshchilov & Hutter 2019): Adam's update, then theta <- theta - lr weight_decay theta
    with the old theta: the decay acts on the parameters directly, outside the adaptive scaling.
    """
    moments = _adam_moments(state, g, hyper)
    theta = [_bias_corrected_update(x, moments["m"][i], moments["v"][i], moments, lr, hyper["eps"])
             - lr * hyper["weight_decay"] * x for i, x in enumerate(state["theta"])]
    return {"theta": theta, **moments}


def _amsgrad_init(theta: Vector) -> AMSGradState:
    return {**_adam_init(theta), "v_max": _zeros(len(theta))}


def _amsgrad_step(state: AMSGradState, g: Vector, lr: float, hyper: Hyper) -> AMSGradState:
    """AMSGrad (Reddi et al. 2018): Adam with v_max <- max(v_max, v), so the second-moment
    estimate never decreases; theta <- theta - lr m_hat / (sqrt(v_max / (1 - beta2^t)) + eps).

    The maximum is taken of the raw v, then bias-corrected (PyTorch's rule; optax takes the
    maximum of the bias-corrected v).
    """
    moments = _adam_moments(state, g, hyper)
    v_max = [moments["v"][i] if moments["v"][i] > v_max_i else v_max_i for i, v_max_i in enumerate(state["v_max"])]
    theta = [_bias_corrected_update(x, moments["m"][i], v_max[i], moments, lr, hyper["eps"])
             for i, x in enumerate(state["theta"])]
    return {"theta": theta, **moments, "v_max": v_max}


DEFINITIONS: dict[str, dict] = {
    "gd": {"defaults": {}, "init": lambda theta: {"theta": list(theta)}, "gradient_point": _same_point, "step": _gd_step},
    "momentum": {"defaults": {"alpha": 0.9}, "init": _momentum_init, "gradient_point": _same_point, "step": _momentum_step},
    "nesterov": {"defaults": {"alpha": 0.9}, "init": _momentum_init, "gradient_point": _nesterov_point, "step": _nesterov_step},
    "adagrad": {"defaults": {"eps": 1e-8}, "init": _adagrad_init, "gradient_point": _same_point, "step": _adagrad_step},
    "rmsprop": {"defaults": {"gamma": 0.9, "eps": 1e-8}, "init": _rmsprop_init, "gradient_point": _same_point,
                "step": _rmsprop_step},
    "adam": {"defaults": ADAM_DEFAULTS, "init": _adam_init, "gradient_point": _same_point, "step": _adam_step},
    "adamw": {"defaults": {**ADAM_DEFAULTS, "weight_decay": 0.01}, "init": _adam_init,
              "gradient_point": _same_point, "step": _adamw_step},
    "amsgrad": {"defaults": ADAM_DEFAULTS, "init": _amsgrad_init, "gradient_point": _same_point, "step": _amsgrad_step},
}

OPTIMIZER_NAMES: list[str] = list(DEFINITIONS)

DEFAULT_HYPER: dict[str, Hyper] = {name: dict(definition["defaults"]) for name, definition in DEFINITIONS.items()}


# Outside these ranges an update divides by zero or takes the root of a negative number.
HYPER_RANGES: dict[str, tuple[float, float, bool, str]] = {
    "beta1": (0.0, 1.0, False, "in [0, 1)"),
    "beta2": (0.0, 1.0, False, "in [0, 1)"),
    "gamma": (0.0, 1.0, False, "in [0, 1)"),
    "eps": (0.0, math.inf, True, "> 0"),
    "weight_decay": (0.0, math.inf, False, ">= 0"),
}


def check_hyper_ranges(name: str, hyper: Hyper) -> Hyper:
    for key, value in hyper.items():
        if key not in HYPER_RANGES:
            continue
        lo, hi, open_lo, text = HYPER_RANGES[key]
        above_lo = value > lo if open_lo else value >= lo
        if not (above_lo and value < hi):
            raise ValueError(f"optimizer {name} parameter {key} must be {text}, got {format_value(value)}")
    return hyper


def make_optimizer(name: str, hyper: Hyper | None = None) -> Optimizer:
    check_name("optimizer", name, OPTIMIZER_NAMES)
    definition = DEFINITIONS[name]
    merged = check_hyper_ranges(name, merge_params(f"optimizer {name}", definition["defaults"], hyper))
    return Optimizer(
        name=name,
        hyper=merged,
        init=lambda theta: definition["init"]([check_finite(f"theta[{i}]", x) for i, x in enumerate(theta)]),
        gradient_point=lambda state: definition["gradient_point"](state, merged),
        step=lambda state, g, lr: definition["step"](state, g, lr, merged),
    )
