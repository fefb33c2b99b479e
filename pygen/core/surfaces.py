"""Loss surfaces with value, gradient and Hessian in closed form.

Twin of ``slides/js/core/surfaces.js``: every expression is written in the same operation order
there, so both languages return the same bits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .checks import check_name, merge_params
from .portable_math import PI, cos, sin

Vector = list[float]
Matrix = list[list[float]]
Params = dict[str, float]


@dataclass(frozen=True)
class Surface:
    """What ``make_surface`` returns: value, gradient and Hessian, and the default box."""

    name: str
    dim: int
    params: Params
    box: list[list[float]]
    f: Callable[[Vector], float]
    grad: Callable[[Vector], Vector]
    hessian: Callable[[Vector], Matrix]


WIDE_BOX = [[-1000.0, 1000.0], [-1000.0, 1000.0]]


def _quadratic_constants(p: Params) -> Params:
    angle = p["angle_deg"] * PI / 180
    c = cos(angle)
    s = sin(angle)
    return {
        "c": c,
        "s": s,
        "a11": p["lambda1"] * c * c + p["lambda2"] * s * s,
        "a12": (p["lambda1"] - p["lambda2"]) * c * s,
        "a22": p["lambda1"] * s * s + p["lambda2"] * c * c,
    }


DEFINITIONS: dict[str, dict] = {
    # The seed's 1D example. From |x| = 10 any learning rate above 0.005 overshoots further
    # out, so leaving [-10, 10] really is divergence.
    "quartic": {
        "dim": 1,
        "defaults": {},
        "box": [[-10.0, 10.0]],
        "f": lambda t, k: t[0] * t[0] * t[0] * t[0] - 2 * t[0] * t[0] + t[0] / 2,
        "grad": lambda t, k: [4 * t[0] * t[0] * t[0] - 4 * t[0] + 0.5],
        "hessian": lambda t, k: [[12 * t[0] * t[0] - 4]],
    },
    "saddle": {
        "dim": 2,
        "defaults": {},
        "box": WIDE_BOX,
        "f": lambda t, k: t[0] * t[0] - t[1] * t[1],
        "grad": lambda t, k: [2 * t[0], -2 * t[1]],
        "hessian": lambda t, k: [[2.0, 0.0], [0.0, -2.0]],
    },
    "elongated_bowl": {
        "dim": 2,
        "defaults": {"a": 10.0},
        "box": WIDE_BOX,
        "f": lambda t, k: t[0] * t[0] / 2 + k["a"] * t[1] * t[1] / 2,
        "grad": lambda t, k: [t[0], k["a"] * t[1]],
        "hessian": lambda t, k: [[1.0, 0.0], [0.0, k["a"]]],
    },
    "skewed_bowl": {
        "dim": 2,
        "defaults": {},
        "box": WIDE_BOX,
        "f": lambda t, k: t[0] * t[0] / 2 + 10 * t[1] * t[1] + t[0] * t[1],
        "grad": lambda t, k: [t[0] + t[1], 20 * t[1] + t[0]],
        "hessian": lambda t, k: [[1.0, 1.0], [1.0, 20.0]],
    },
    "rosenbrock": {
        "dim": 2,
        "defaults": {"a": 1.0, "b": 100.0},
        "box": WIDE_BOX,
        "f": lambda t, k: (k["a"] - t[0]) * (k["a"] - t[0])
        + k["b"] * (t[1] - t[0] * t[0]) * (t[1] - t[0] * t[0]),
        "grad": lambda t, k: [
            -2 * (k["a"] - t[0]) - 4 * k["b"] * t[0] * (t[1] - t[0] * t[0]),
            2 * k["b"] * (t[1] - t[0] * t[0]),
        ],
        "hessian": lambda t, k: [
            [2 - 4 * k["b"] * t[1] + 12 * k["b"] * t[0] * t[0], -4 * k["b"] * t[0]],
            [-4 * k["b"] * t[0], 2 * k["b"]],
        ],
    },
    # 1/2 theta^T A theta with A = R diag(lambda1, lambda2) R^T; R rotates by angle_deg, so
    # the eigenvectors are (cos, sin) and (-sin, cos).
    "quadratic": {
        "dim": 2,
        "defaults": {"lambda1": 1.0, "lambda2": 10.0, "angle_deg": 0.0},
        "box": WIDE_BOX,
        "derive": _quadratic_constants,
        "f": lambda t, k: (k["a11"] * t[0] * t[0] + 2 * k["a12"] * t[0] * t[1] + k["a22"] * t[1] * t[1]) / 2,
        "grad": lambda t, k: [k["a11"] * t[0] + k["a12"] * t[1], k["a12"] * t[0] + k["a22"] * t[1]],
        "hessian": lambda t, k: [[k["a11"], k["a12"]], [k["a12"], k["a22"]]],
    },
}

SURFACE_NAMES: list[str] = list(DEFINITIONS)


def make_surface(name: str, params: Params | None = None) -> Surface:
    check_name("surface", name, SURFACE_NAMES)
    definition = DEFINITIONS[name]
    merged = merge_params(f"surface {name}", definition["defaults"], params)
    constants = dict(merged)
    if "derive" in definition:
        constants.update(definition["derive"](merged))
    return Surface(
        name=name,
        dim=definition["dim"],
        params=merged,
        box=[list(bounds) for bounds in definition["box"]],
        f=lambda theta: definition["f"](theta, constants),
        grad=lambda theta: definition["grad"](theta, constants),
        hessian=lambda theta: definition["hessian"](theta, constants),
    )
