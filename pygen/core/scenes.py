"""The deck's interactive scenes: each maps a cell's slider values to runner configs.

Twin of ``slides/js/core/scenes.js``. ``pygen`` runs the scenes at their defaults to produce
``data/reference_trajectories.arrow``; a test checks the browser reproduces them bit for bit.
"""

from __future__ import annotations

import json
from typing import Any

from .checks import check_finite, check_name, check_object
from .portable_math import PI, cos, sin
from .runner import run
from .schedules import SCHEDULE_NAMES, make_schedule
from .surfaces import Surface, make_surface

# Each scene's "controls" are its cell's sliders, one definition for the deck (which builds its
# inputs from the JS twin's), the Reset buttons (scene_defaults) and the tests:
# {key: {value, min, max, step, label, input?}}, "value" the default, "input": "number" for a
# number box instead of a slider. Ranges, steps, labels and defaults are the source's.
#
# Each scene's start point and surface come from the professor's source; the box is the
# plotted view widened by half its size on every side, so a path that leaves it is reported
# as gone, not drawn off the slide.
# The momentum and Nesterov cells have the same sliders.
MOMENTUM_CONTROLS = {
    "lr": {"value": 0.05, "min": 0.01, "max": 0.2, "step": 0.01, "label": "Learning Rate (η)"},
    "alpha": {"value": 0.9, "min": 0.0, "max": 0.99, "step": 0.01, "label": "Momentum (α)"},
    "steps": {"value": 40.0, "min": 1.0, "max": 100.0, "step": 1.0, "label": "Steps"},
}

SCENES = {
    "saddle": {
        "controls": {
            "lr": {"value": 0.1, "min": 0.01, "max": 0.5, "step": 0.01, "label": "Learning Rate (η)"},
            "noise": {"value": 0.0, "min": 0.0, "max": 0.5, "step": 0.01, "label": "Gradient Noise StdDev"},
            "steps": {"value": 20.0, "min": 1.0, "max": 100.0, "step": 1.0, "label": "Steps"},
            "seed": {"value": 1.0, "min": 0.0, "max": 999999.0, "step": 1.0, "label": "Noise seed", "input": "number"},
        },
        "view": {"x": [-2.0, 2.0], "y": [-2.0, 2.0]},
        "surface": lambda v: ("saddle", {}),
        "paths": lambda v: [
            {"label": "GD", "optimizer": "gd", "config": {"lr": v["lr"], "noise_std": v["noise"], "noise_seed": v["seed"],
                                                          "start": [0.0, 0.1], "steps": v["steps"]}},
        ],
    },
    "ill_conditioned": {
        "controls": {
            "a": {"value": 10.0, "min": 1.0, "max": 20.0, "step": 1.0, "label": "Condition Number (a)"},
            "lr": {"value": 0.1, "min": 0.01, "max": 0.5, "step": 0.01, "label": "Learning Rate (η)"},
            "steps": {"value": 20.0, "min": 1.0, "max": 50.0, "step": 1.0, "label": "Steps"},
        },
        "view": {"x": [-10.0, 10.0], "y": [-5.0, 5.0]},
        "surface": lambda v: ("elongated_bowl", {"a": v["a"]}),
        "paths": lambda v: [{"label": "GD", "optimizer": "gd", "config": {"lr": v["lr"], "start": [-8.0, -4.0], "steps": v["steps"]}}],
    },
    "momentum": {
        "controls": MOMENTUM_CONTROLS,
        "view": {"x": [-10.0, 5.0], "y": [-5.0, 5.0]},
        "surface": lambda v: ("elongated_bowl", {"a": 15.0}),
        "paths": lambda v: [
            {"label": "GD", "optimizer": "gd", "config": {"lr": v["lr"], "start": [-8.0, -4.0], "steps": v["steps"]}},
            {"label": "Momentum", "optimizer": "momentum",
             "config": {"lr": v["lr"], "hyper": {"alpha": v["alpha"]}, "start": [-8.0, -4.0], "steps": v["steps"]}},
        ],
    },
    "lr_1d": {
        "controls": {
            "lr": {"value": 0.1, "min": 0.01, "max": 1.0, "step": 0.01, "label": "Learning Rate (η)"},
            "steps": {"value": 5.0, "min": 1.0, "max": 50.0, "step": 1.0, "label": "Steps"},
        },
        # The source's view stopped at -1.5, just above the global minimum f(-1.06) = -1.51.
        "view": {"x": [-1.5, 1.5], "y": [-1.75, 3.0]},
        "surface": lambda v: ("quartic", {}),
        # The quartic's own box [-10, 10]: beyond it every learning rate on the slider diverges.
        "box": lambda: None,
        "paths": lambda v: [{"label": "GD", "optimizer": "gd", "config": {"lr": v["lr"], "start": [0.0], "steps": v["steps"]}}],
    },
    "comparison": {
        "controls": {
            "lr": {"value": 0.1, "min": 0.01, "max": 1.0, "step": 0.01, "label": "GD/Mom/RMS LR"},
            "lr_adam": {"value": 0.5, "min": 0.01, "max": 1.0, "step": 0.01, "label": "Adam LR"},
            "steps": {"value": 50.0, "min": 10.0, "max": 200.0, "step": 10.0, "label": "Steps"},
        },
        "view": {"x": [-4.0, 4.0], "y": [-4.0, 4.0]},
        "surface": lambda v: ("skewed_bowl", {}),
        "paths": lambda v: [
            {"label": "GD", "optimizer": "gd", "config": {"lr": v["lr"], "start": [3.0, -3.0], "steps": v["steps"]}},
            {"label": "Momentum", "optimizer": "momentum",
             "config": {"lr": v["lr"], "hyper": {"alpha": 0.9}, "start": [3.0, -3.0], "steps": v["steps"]}},
            {"label": "RMSProp", "optimizer": "rmsprop",
             "config": {"lr": v["lr"], "hyper": {"gamma": 0.9}, "start": [3.0, -3.0], "steps": v["steps"]}},
            {"label": "Adam", "optimizer": "adam", "config": {"lr": v["lr_adam"], "start": [3.0, -3.0], "steps": v["steps"]}},
        ],
    },
    "flat_sharp": {
        "controls": {
            "shift": {"value": 0.0, "min": -0.5, "max": 0.5, "step": 0.01, "label": "Test Data Shift"},
        },
        "view": {"x": [-1.0, 1.0], "y": [0.0, 5.0]},
        "surface": None,
        "paths": lambda v: [],
    },
    # The momentum scene's bowl and start, with Nesterov's look-ahead gradient beside momentum.
    "nesterov": {
        "controls": MOMENTUM_CONTROLS,
        "view": {"x": [-10.0, 5.0], "y": [-5.0, 5.0]},
        "surface": lambda v: ("elongated_bowl", {"a": 15.0}),
        "paths": lambda v: [
            {"label": "Momentum", "optimizer": "momentum",
             "config": {"lr": v["lr"], "hyper": {"alpha": v["alpha"]}, "start": [-8.0, -4.0], "steps": v["steps"]}},
            {"label": "Nesterov", "optimizer": "nesterov",
             "config": {"lr": v["lr"], "hyper": {"alpha": v["alpha"]}, "start": [-8.0, -4.0], "steps": v["steps"]}},
        ],
    },
    # No optimizer: eta_t of every schedule over t = 0..T (schedule_curves). The view's x is the
    # longest horizon on the slider; a plot shows t from 0 to the current T.
    "schedules": {
        "controls": {
            "lr": {"value": 0.5, "min": 0.05, "max": 1.0, "step": 0.05, "label": "Base rate (η₀)"},
            "total_steps": {"value": 100.0, "min": 50.0, "max": 300.0, "step": 10.0, "label": "Horizon T"},
            "warmup_steps": {"value": 10.0, "min": 0.0, "max": 40.0, "step": 1.0, "label": "Warm-up steps"},
            "step_size": {"value": 25.0, "min": 5.0, "max": 100.0, "step": 5.0, "label": "Step every"},
            "factor": {"value": 0.5, "min": 0.1, "max": 1.0, "step": 0.05, "label": "Step factor"},
            "gamma": {"value": 0.97, "min": 0.9, "max": 1.0, "step": 0.005, "label": "Decay γ"},
        },
        "view": {"x": [0.0, 300.0], "y": [0.0, 1.05]},
        "surface": None,
        "paths": lambda v: [],
    },
    # The quadratic 1/2 theta^T R diag(lambda1, lambda2) R^T theta: its Hessian is the same
    # everywhere, and its eigenvalues and eigenvector angle are the sliders. Both eigenvector
    # components of the start are nonzero at every angle the slider offers except a few
    # (GD then stays on one eigenvector, which is worth seeing too).
    "hessian": {
        "controls": {
            "lambda1": {"value": 1.0, "min": -5.0, "max": 10.0, "step": 0.5, "label": "Eigenvalue λ₁"},
            "lambda2": {"value": 10.0, "min": -5.0, "max": 10.0, "step": 0.5, "label": "Eigenvalue λ₂"},
            "angle_deg": {"value": 30.0, "min": 0.0, "max": 180.0, "step": 5.0, "label": "Eigenvector angle (°)"},
            "lr": {"value": 0.18, "min": 0.01, "max": 0.5, "step": 0.01, "label": "Learning Rate (η)"},
            "steps": {"value": 30.0, "min": 1.0, "max": 100.0, "step": 1.0, "label": "Steps"},
        },
        "view": {"x": [-5.0, 5.0], "y": [-5.0, 5.0]},
        "surface": lambda v: ("quadratic", {"lambda1": v["lambda1"], "lambda2": v["lambda2"], "angle_deg": v["angle_deg"]}),
        "paths": lambda v: [{"label": "GD", "optimizer": "gd", "config": {"lr": v["lr"], "start": [-4.0, 3.0], "steps": v["steps"]}}],
    },
}

SCENE_NAMES: list[str] = list(SCENES)

SCENE_VIEW: dict[str, dict[str, list[float]]] = {name: {"x": list(s["view"]["x"]), "y": list(s["view"]["y"])} for name, s in SCENES.items()}

FLAT_SHARP_CURVATURE = {"sharp": 50.0, "flat": 2.0}


SCENE_CONTROLS: dict[str, dict[str, dict[str, Any]]] = {
    name: {key: dict(control) for key, control in scene["controls"].items()} for name, scene in SCENES.items()
}


def scene_controls(name: str) -> dict[str, dict[str, Any]]:
    """The controls of one scene (a copy), in the cell's order."""
    check_name("scene", name, SCENE_NAMES)
    return {key: dict(control) for key, control in SCENES[name]["controls"].items()}


def scene_defaults(name: str) -> dict[str, float]:
    """The cell's default values: each control's "value"."""
    check_name("scene", name, SCENE_NAMES)
    return {key: control["value"] for key, control in SCENES[name]["controls"].items()}


def _scene_values(name: str, values: Any) -> dict[str, float]:
    merged = scene_defaults(name)
    for key, value in check_object(f"scene {name} values", values).items():
        if key not in merged:
            raise ValueError(f"unknown value {json.dumps(key)} for scene {name}; expected one of: {', '.join(merged)}")
        merged[key] = check_finite(f"scene {name} value {key}", value)
    return merged


def _widened_box(view: dict[str, list[float]]) -> list[list[float]]:
    return [[lo - (hi - lo) / 2, hi + (hi - lo) / 2] for lo, hi in (view["x"], view["y"])]


def scene_surface(name: str, values: dict[str, float] | None = None) -> Surface | None:
    scene = SCENES[check_name("scene", name, SCENE_NAMES)]
    if scene["surface"] is None:
        return None
    surface_name, params = scene["surface"](_scene_values(name, values))
    return make_surface(surface_name, params)


def scene_configs(name: str, values: dict[str, float] | None = None) -> list[dict[str, Any]]:
    scene = SCENES[check_name("scene", name, SCENE_NAMES)]
    v = _scene_values(name, values)
    if scene["surface"] is None:
        return []
    surface_name, params = scene["surface"](v)
    box = scene["box"]() if "box" in scene else _widened_box(scene["view"])
    return [
        {"label": p["label"], "optimizer": p["optimizer"],
         "config": {"surface": surface_name, "surface_params": params, "optimizer": p["optimizer"], "box": box, **p["config"]}}
        for p in scene["paths"](v)
    ]


def run_scene(name: str, values: dict[str, float] | None = None) -> list[dict[str, Any]]:
    return [{"label": c["label"], "optimizer": c["optimizer"], "result": run(c["config"])} for c in scene_configs(name, values)]


def flat_sharp_loss(kind: str, theta: float, shift: float) -> float:
    """The flat/sharp scene: a trained model sits at theta = 0; the test data shift the minimum."""
    check_name("minimum", kind, list(FLAT_SHARP_CURVATURE))
    d = theta - shift
    return d * d * FLAT_SHARP_CURVATURE[kind]


def flat_sharp_losses(shift: float) -> dict[str, float]:
    return {"sharp": flat_sharp_loss("sharp", 0.0, shift), "flat": flat_sharp_loss("flat", 0.0, shift)}


SCHEDULE_LABELS = {
    "constant": "Constant",
    "step": "Step decay",
    "exponential": "Exponential",
    "cosine": "Cosine",
    "warmup_cosine": "Warm-up + cosine",
}


def _schedule_params(name: str, v: dict[str, float]) -> dict[str, float]:
    """The parameters each schedule takes from the schedules scene's sliders."""
    if name == "step":
        return {"step_size": v["step_size"], "factor": v["factor"]}
    if name == "exponential":
        return {"gamma": v["gamma"]}
    if name == "cosine":
        return {"total_steps": v["total_steps"]}
    if name == "warmup_cosine":
        return {"warmup_steps": v["warmup_steps"], "total_steps": v["total_steps"]}
    return {}


def schedule_curves(values: dict[str, float] | None = None) -> list[dict[str, Any]]:
    """eta_t = lr_at(t, eta_0) of every schedule for t = 0, 1, ..., T.

    ``[{label, schedule, params, points: [[t, lr], ...], message}]``. A schedule the settings
    make invalid (a warm-up not shorter than T) has no points and says why in ``message``.
    """
    v = _scene_values("schedules", values)
    curves = []
    for name in SCHEDULE_NAMES:
        params = _schedule_params(name, v)
        curve = {"label": SCHEDULE_LABELS[name], "schedule": name, "params": params, "points": [], "message": None}
        try:
            lr_at = make_schedule(name, params)
        except ValueError as error:
            curve["message"] = str(error)
            curves.append(curve)
            continue
        # t runs over the integers 0..T as the JS loop `t <= T` does (int: power_int counts with it).
        t = 0
        while t <= v["total_steps"]:
            curve["points"].append([t, lr_at(t, v["lr"])])
            t += 1
        curves.append(curve)
    return curves


def hessian_summary(values: dict[str, float] | None = None) -> dict[str, Any]:
    """What the Hessian of the hessian scene says about the critical point at 0.

    ``{hessian: [[a11, a12], [a12, a22]], eigenvalues: [lambda1, lambda2],
    eigenvectors: [[c, s], [-s, c]], classification, kappa, lr_bound}``. The eigenpairs are the
    surface's construction parameters (exact), not a numerical eigensolver's output, so a zero
    eigenvalue is exactly zero and the classification cannot flip on a rounding error.
    classification: "minimum" (both > 0), "maximum" (both < 0), "saddle" (opposite signs),
    "degenerate" (an eigenvalue is 0: the second-derivative test cannot decide).
    kappa = lambda_max / lambda_min when both are > 0, else None; lr_bound = 2 / lambda_max
    (GD's stability bound) when lambda_max > 0, else None.
    """
    v = _scene_values("hessian", values)
    hessian = scene_surface("hessian", v).hessian([0.0, 0.0])
    angle = v["angle_deg"] * PI / 180
    c = cos(angle)
    s = sin(angle)
    l1, l2 = v["lambda1"], v["lambda2"]
    lambda_max = l1 if l1 > l2 else l2
    lambda_min = l2 if l1 > l2 else l1
    classification = "degenerate"
    if lambda_min > 0:
        classification = "minimum"
    elif lambda_max < 0:
        classification = "maximum"
    elif lambda_min < 0 < lambda_max:
        classification = "saddle"
    return {
        "hessian": hessian,
        "eigenvalues": [l1, l2],
        "eigenvectors": [[c, s], [-s, c]],
        "classification": classification,
        "kappa": lambda_max / lambda_min if lambda_min > 0 else None,
        "lr_bound": 2 / lambda_max if lambda_max > 0 else None,
    }
