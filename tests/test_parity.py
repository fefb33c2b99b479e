"""The JavaScript and Python cores produce bit-identical trajectories.

Every number of every row is compared as a float64 bit pattern; "close" is not enough
because the chaotic settings (the quartic with eta in [0.3, 0.6]) amplify a single ulp.
"""

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from node_core import JSError, NodeCore, bits, decode_numbers, python_numbers
from pygen.core import optimizers, runner, scenes, schedules, surfaces

HYPOTHESIS_CONFIGS = 10_000


@pytest.fixture(scope="module")
def node():
    core = NodeCore()
    yield core
    core.close()


class Tally:
    configs = 0
    steps = 0
    diverged = 0


def compare_run(node, config):
    """Run one config in both languages and assert identical bits; returns the Python result.
    Node runs it while Python does (its reply is read after)."""
    node.send("run", config=config)
    try:
        py = runner.run(config)
    except ValueError as py_error:
        with pytest.raises(JSError):
            node.receive()
        return py_error
    except BaseException:
        try:  # keep the worker's replies in step with the requests for the next test
            node.receive()
        except JSError:
            pass
        raise
    js = node.receive()
    py_numbers = python_numbers(py)
    js_numbers = decode_numbers(js["numbers"])
    assert js_numbers.shape == py_numbers.shape, f"row counts differ for {config}: JS {js['row_status']!r}"
    differing = bits(js_numbers) != bits(py_numbers)
    assert not differing.any(), (
        f"{int(differing.sum())} differing float64 values for config {config}; first at index "
        f"{int(differing.argmax())}: JS {js_numbers[differing.argmax()]!r} vs Python {py_numbers[differing.argmax()]!r}"
    )
    assert js["status"] == py["status"] and js["reason"] == py["reason"] and js["diverged_step"] == py["diverged_step"]
    assert js["row_status"] == [row["status"] for row in py["rows"]]
    assert js["message"] == py["message"]
    Tally.configs += 1
    Tally.steps += len(py["rows"]) - 1
    Tally.diverged += py["status"] == "diverged"
    return py


# ----- strategies ---------------------------------------------------------------------

unit = st.floats(0.0, 0.999)
hyper_values = {
    "alpha": st.floats(0.0, 0.99),
    "gamma": unit,
    "beta1": unit,
    "beta2": st.floats(0.9, 0.9999),
    "eps": st.sampled_from([1e-8, 1e-6, 1e-3]) | st.floats(1e-12, 1e-2),
    "weight_decay": st.floats(0.0, 0.2),
}


@st.composite
def hyper_for(draw, name):
    keys = list(optimizers.DEFAULT_HYPER[name])
    chosen = draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []
    return {key: draw(hyper_values[key]) for key in chosen}


surface_params = {
    "quartic": st.just({}),
    "saddle": st.just({}),
    "skewed_bowl": st.just({}),
    "elongated_bowl": st.fixed_dictionaries({"a": st.floats(1.0, 100.0)}),
    "rosenbrock": st.fixed_dictionaries({}, optional={"a": st.floats(0.5, 2.0), "b": st.floats(1.0, 200.0)}),
    "quadratic": st.fixed_dictionaries(
        {}, optional={"lambda1": st.floats(-5.0, 50.0), "lambda2": st.floats(-5.0, 50.0), "angle_deg": st.floats(-720.0, 720.0)}
    ),
}

schedule_params = {
    "constant": st.just({}),
    "step": st.fixed_dictionaries({}, optional={"step_size": st.integers(1, 60), "factor": st.floats(0.05, 1.0)}),
    "exponential": st.fixed_dictionaries({}, optional={"gamma": st.floats(0.8, 1.0)}),
    "cosine": st.fixed_dictionaries({}, optional={"total_steps": st.integers(1, 600), "min_lr": st.floats(0.0, 1e-3)}),
    "warmup_cosine": st.integers(0, 100).flatmap(
        lambda warmup: st.fixed_dictionaries(
            {"warmup_steps": st.just(warmup), "total_steps": st.integers(warmup + 1, 700)},
            optional={"min_lr": st.floats(0.0, 1e-3)},
        )
    ),
}

# Stable, oscillating, divergent and (on the quartic) chaotic learning rates.
learning_rates = st.one_of(st.floats(1e-4, 0.05), st.floats(0.05, 0.5), st.floats(0.5, 3.0), st.floats(3.0, 50.0))
chaotic_quartic_lr = st.floats(0.3, 0.6)


@st.composite
def configs(draw):
    surface = draw(st.sampled_from(surfaces.SURFACE_NAMES))
    optimizer = draw(st.sampled_from(optimizers.OPTIMIZER_NAMES))
    schedule = draw(st.sampled_from(schedules.SCHEDULE_NAMES))
    dim = surfaces.make_surface(surface).dim
    if surface == "quartic":
        lr = draw(chaotic_quartic_lr | learning_rates)
        start = [draw(st.floats(-2.0, 2.0))]
    else:
        lr = draw(learning_rates)
        start = draw(st.lists(st.floats(-5.0, 5.0), min_size=dim, max_size=dim))
    config = {
        "surface": surface,
        "surface_params": draw(surface_params[surface]),
        "optimizer": optimizer,
        "hyper": draw(hyper_for(optimizer)),
        "lr": lr,
        "schedule": schedule,
        "schedule_params": draw(schedule_params[schedule]),
        "start": start,
        "steps": draw(st.integers(0, 500) | st.integers(200, 500)),
    }
    if draw(st.booleans()):
        config["noise_std"] = draw(st.floats(0.0, 3.0))
        config["noise_seed"] = draw(st.integers(-(2**40), 2**40))
    if draw(st.integers(0, 3)) == 0:
        half_width = draw(st.floats(5.0, 50.0))
        config["box"] = [[-half_width, half_width]] * dim
    return config


def test_parity_hypothesis(node, capsys):
    before = Tally.configs, Tally.steps, Tally.diverged

    @settings(max_examples=HYPOTHESIS_CONFIGS, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(configs())
    def same_bits(config):
        compare_run(node, config)

    same_bits()
    configs_compared = Tally.configs - before[0]
    steps_compared = Tally.steps - before[1]
    with capsys.disabled():
        print(f"\nparity: {configs_compared} hypothesis configurations, {steps_compared} steps, "
              f"{Tally.diverged - before[2]} diverged runs: zero differing bits")
    assert configs_compared >= HYPOTHESIS_CONFIGS


@pytest.mark.parametrize("surface", surfaces.SURFACE_NAMES)
def test_parity_every_combination(node, surface, capsys):
    """Every optimizer x schedule x noise on/off on every surface, at a chaotic-ish rate."""
    dim = surfaces.make_surface(surface).dim
    start = [0.3] if dim == 1 else [1.5, -0.7]
    count = 0
    for optimizer, schedule, noise_std in itertools.product(optimizers.OPTIMIZER_NAMES, schedules.SCHEDULE_NAMES, [0.0, 0.5]):
        for lr in (0.01, 0.45, 2.5):
            compare_run(node, {"surface": surface, "optimizer": optimizer, "schedule": schedule, "lr": lr,
                               "noise_std": noise_std, "noise_seed": 7, "start": start, "steps": 300})
            count += 1
    assert count == len(optimizers.OPTIMIZER_NAMES) * len(schedules.SCHEDULE_NAMES) * 2 * 3


def test_chaotic_quartic_is_sensitive_yet_identical(node):
    """One ulp in the start changes the chaotic quartic's path, so bitwise parity is meaningful."""
    base = {"surface": "quartic", "optimizer": "gd", "lr": 0.3, "start": [0.1], "steps": 500}
    nudged = {**base, "start": [math.nextafter(0.1, 1.0)]}
    a = compare_run(node, base)
    b = compare_run(node, nudged)
    assert a["status"] == b["status"] == "completed"
    assert abs(a["rows"][-1]["theta"][0] - b["rows"][-1]["theta"][0]) > 1e-3


def test_scenes_identical(node):
    for name in scenes.SCENE_NAMES:
        py = scenes.run_scene(name)
        js = node.call("run_scene", name=name, values={})
        assert [p["label"] for p in js] == [p["label"] for p in py]
        for js_path, py_path in zip(js, py):
            assert (bits(decode_numbers(js_path["numbers"])) == bits(python_numbers(py_path["result"]))).all(), name


SCHEDULE_SCENE_SETTINGS = [
    {},
    {"lr": 1.0, "total_steps": 300.0, "warmup_steps": 40.0, "step_size": 1.0, "factor": 0.1, "gamma": 0.8},
    {"lr": 0.05, "total_steps": 50.0, "warmup_steps": 0.0, "step_size": 50.0, "factor": 0.95, "gamma": 0.995},
    {"lr": 0.35, "total_steps": 170.0, "warmup_steps": 17.0, "step_size": 13.0, "factor": 0.35, "gamma": 0.935},
    {"total_steps": 20.0, "warmup_steps": 20.0},  # invalid warm-up: no points, the same message
]


@pytest.mark.parametrize("values", SCHEDULE_SCENE_SETTINGS)
def test_schedule_curves_identical(node, values):
    py = scenes.schedule_curves(values)
    js = node.call("schedule_curves", values=values)
    assert [c["schedule"] for c in py] == schedules.SCHEDULE_NAMES
    assert [(c["label"], c["schedule"], c["params"], c["message"]) for c in js] == \
        [(c["label"], c["schedule"], c["params"], c["message"]) for c in py]
    for js_curve, py_curve in zip(js, py):
        py_numbers = [float(v) for point in py_curve["points"] for v in point]
        js_numbers = decode_numbers(js_curve["numbers"])
        assert len(js_numbers) == len(py_numbers), py_curve["schedule"]
        assert (bits(js_numbers) == bits(py_numbers)).all(), py_curve["schedule"]
        if py_curve["message"] is None:
            total = int(scenes.scene_defaults("schedules")["total_steps"] if "total_steps" not in values else values["total_steps"])
            assert [p[0] for p in py_curve["points"]] == list(range(total + 1))
        else:
            assert py_curve["points"] == []


HESSIAN_SCENE_SETTINGS = [
    {},  # the defaults: a minimum, kappa 10
    {"lambda1": -1.0, "lambda2": 10.0, "angle_deg": 30.0},  # saddle
    {"lambda1": -5.0, "lambda2": -3.0, "angle_deg": 165.0},  # maximum
    {"lambda1": 0.0, "lambda2": 4.5, "angle_deg": 90.0},  # degenerate (zero eigenvalue)
    {"lambda1": 0.0, "lambda2": -2.5, "angle_deg": 45.0},  # degenerate, no positive direction
    {"lambda1": 7.5, "lambda2": 7.5, "angle_deg": 180.0},  # isotropic: kappa 1
    {"lambda1": 10.0, "lambda2": 0.5, "angle_deg": 135.0, "lr": 0.5, "steps": 100.0},
]


@pytest.mark.parametrize("values", HESSIAN_SCENE_SETTINGS)
def test_hessian_summary_identical(node, values):
    py = scenes.hessian_summary(values)
    js = node.call("hessian_summary", values=values)
    assert js["classification"] == py["classification"]
    assert js["kappa_defined"] == (py["kappa"] is not None)
    assert js["lr_bound_defined"] == (py["lr_bound"] is not None)
    optional = [v for v in (py["kappa"], py["lr_bound"]) if v is not None]
    py_numbers = [*(v for row in py["hessian"] for v in row), *py["eigenvalues"],
                  *(v for row in py["eigenvectors"] for v in row), *optional]
    js_numbers = decode_numbers(js["numbers"])
    assert len(js_numbers) == len(py_numbers) == 10 + len(optional)
    assert (bits(js_numbers) == bits(py_numbers)).all(), values


def test_hessian_summary_settings_cover_every_classification():
    kinds = {scenes.hessian_summary(values)["classification"] for values in HESSIAN_SCENE_SETTINGS}
    assert kinds == {"minimum", "maximum", "saddle", "degenerate"}


def test_names_and_defaults_agree(node):
    js = node.call("names")
    assert js["surfaces"] == surfaces.SURFACE_NAMES
    assert js["optimizers"] == optimizers.OPTIMIZER_NAMES
    assert js["schedules"] == schedules.SCHEDULE_NAMES
    assert js["scenes"] == scenes.SCENE_NAMES
    assert js["default_hyper"] == optimizers.DEFAULT_HYPER
    assert js["default_schedule_params"] == schedules.DEFAULT_SCHEDULE_PARAMS
    assert js["scene_defaults"] == {name: scenes.scene_defaults(name) for name in scenes.SCENE_NAMES}
    assert js["scene_view"] == scenes.SCENE_VIEW


def test_building_blocks_identical(node):
    from pygen.core import noise, portable_math

    xs = [i * 0.37 - 40.0 for i in range(217)] + [0.0, -0.0, 1e-9, 1e6, math.pi, -math.pi / 2]
    js = decode_numbers(node.call("trig", xs=xs)["numbers"])
    py = [v for x in xs for v in (portable_math.cos(x), portable_math.sin(x))]
    assert (bits(js) == bits(py)).all()

    for seed in (0, 1, -1, 2**32 + 5, 123456789):
        rng = noise.make_rng(seed)
        assert (bits(decode_numbers(node.call("noise", seed=seed, count=1000)["numbers"])) ==
                bits([rng.normal() for _ in range(1000)])).all()

    thetas = [[0.3, -1.7], [2.0, 0.5], [-3.25, 4.0]]
    for name in surfaces.SURFACE_NAMES:
        s = surfaces.make_surface(name)
        points = [t[: s.dim] for t in thetas]
        py = [v for t in points for v in [s.f(t), *s.grad(t), *[h for row in s.hessian(t) for h in row]]]
        js = decode_numbers(node.call("surface", name=name, params={}, thetas=points)["numbers"])
        assert (bits(js) == bits(py)).all(), name
