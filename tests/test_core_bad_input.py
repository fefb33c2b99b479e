"""Bad input gets a clear error naming the bad value, in both languages alike."""

import pytest

from node_core import JSError, NodeCore
from pygen.core import optimizers, runner, scenes

GOOD = {"surface": "elongated_bowl", "optimizer": "adam", "lr": 0.1, "start": [1.0, 2.0], "steps": 10}

BAD = [
    ({"optimizer": "adamx"}, 'unknown optimizer "adamx"'),
    ({"surface": "himmelblau"}, 'unknown surface "himmelblau"'),
    ({"schedule": "linear"}, 'unknown schedule "linear"'),
    ({"steps": -3}, "steps must be a non-negative integer, got -3"),
    ({"steps": 2.5}, "steps must be a non-negative integer, got 2.5"),
    ({"steps": "10"}, 'steps must be a non-negative integer, got "10"'),
    ({"lr": float("nan")}, "lr must be a finite number, got NaN"),
    ({"lr": -0.1}, "lr must be >= 0, got -0.1"),
    ({"hyper": {"beta1": float("inf")}}, "parameter beta1 must be a finite number, got Infinity"),
    ({"hyper": {"beta1": 1.0}}, "beta1 must be in [0, 1), got 1"),
    ({"hyper": {"eps": 0.0}}, "eps must be > 0, got 0"),
    ({"hyper": {"alpha": 0.9}}, 'unknown optimizer adam parameter "alpha"'),
    ({"surface_params": {"a": float("-inf")}}, "parameter a must be a finite number, got -Infinity"),
    ({"schedule": "cosine", "schedule_params": {"total_steps": 0}}, "total_steps must be at least 1, got 0"),
    ({"schedule": "warmup_cosine", "schedule_params": {"warmup_steps": 20, "total_steps": 10}}, "must exceed warmup_steps"),
    ({"noise_std": -1.0}, "noise stddev must be >= 0, got -1"),
    ({"noise_seed": 1.5}, "noise_seed must be an integer, got 1.5"),
    ({"start": [1.0]}, "start must be a list of 2 numbers"),
    ({"start": [1.0, float("nan")]}, "start[1] must be a finite number, got NaN"),
    ({"start": [5000.0, 0.0]}, "lies outside the box"),
    ({"box": [[1.0, -1.0], [0.0, 1.0]]}, "box[0] must have lo < hi"),
    ({"momentum": 0.9}, 'unknown config key "momentum"'),
    ({"schedule": "exponential", "schedule_params": {"gamma": -2.0}}, "schedule exponential: gamma must be > 0, got -2"),
    ({"schedule": "step", "schedule_params": {"factor": 0.0}}, "schedule step: factor must be > 0, got 0"),
    ({"schedule": "cosine", "schedule_params": {"min_lr": -0.01}}, "schedule cosine: min_lr must be >= 0, got -0.01"),
    ({"schedule": "warmup_cosine", "schedule_params": {"warmup_steps": 3e6, "total_steps": 2e6}},
     "total_steps (2000000) must exceed warmup_steps (3000000)"),
    ({"steps": 10**9}, "steps must be at most 100000, got 1000000000"),
    ({"start": [10**400, 0.0]}, "start[0] must be a finite number, got Infinity"),
]

MISSING = ["surface", "optimizer", "lr", "start", "steps"]


@pytest.fixture(scope="module")
def node():
    core = NodeCore()
    yield core
    core.close()


@pytest.mark.parametrize("change,message", BAD, ids=[m for _, m in BAD])
def test_python_names_the_bad_value(change, message):
    with pytest.raises(ValueError) as error:
        runner.run({**GOOD, **change})
    assert message in str(error.value)


JSON_SAFE = [(c, m) for c, m in BAD if "NaN" not in m and "Infinity" not in m]


@pytest.mark.parametrize("change,message", JSON_SAFE, ids=[m for _, m in JSON_SAFE])
def test_javascript_names_the_bad_value(node, change, message):
    with pytest.raises(JSError) as error:
        node.call("run", config={**GOOD, **change})
    assert message in str(error.value)


def test_javascript_rejects_non_finite_numbers(node):
    """NaN and Infinity cannot travel in JSON, so the worker builds them from markers in JS."""
    for key, value, message in [("lr", "NaN", "lr must be a finite number, got NaN"),
                                ("lr", "Infinity", "lr must be a finite number, got Infinity")]:
        with pytest.raises(JSError) as error:
            node.call("run_with_special", config=GOOD, key=key, special=value)
        assert message in str(error.value)


@pytest.mark.parametrize("key", MISSING)
def test_a_missing_key_is_named_alike(node, key):
    config = {k: v for k, v in GOOD.items() if k != key}
    with pytest.raises(ValueError) as py_error:
        runner.run(config)
    with pytest.raises(JSError) as js_error:
        node.call("run", config=config)
    assert str(py_error.value) == str(js_error.value) == f'config is missing "{key}"'


def test_unknown_scene_and_scene_value():
    with pytest.raises(ValueError, match='unknown scene "bowl"'):
        scenes.run_scene("bowl")
    with pytest.raises(ValueError, match='unknown value "eta" for scene saddle'):
        scenes.run_scene("saddle", {"eta": 0.1})


def test_javascript_unknown_scene(node):
    with pytest.raises(JSError, match='unknown scene "bowl"'):
        node.call("run_scene", name="bowl", values={})


# ---------------------------------------------------------------------------------------
# Strict validation, word for word the same in both languages (issue 13, item 5)

INHERITED_NAMES = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty"]

STRICT = [
    *[({"hyper": {name: 0.5}}, f'unknown optimizer adam parameter "{name}"; expected one of: beta1, beta2, eps')
      for name in INHERITED_NAMES],
    *[({"surface_params": {name: 1.0}}, f'unknown surface elongated_bowl parameter "{name}"; expected one of: a')
      for name in INHERITED_NAMES],
    *[({"schedule_params": {name: 1.0}}, f'unknown schedule constant parameter "{name}"; expected one of: (none)')
      for name in INHERITED_NAMES],
    ({"hyper": 3}, "hyper must be an object, got 3"),
    ({"hyper": True}, "hyper must be an object, got true"),
    ({"hyper": [0.9]}, "hyper must be an object, got [0.9]"),
    ({"surface_params": False}, "surface_params must be an object, got false"),
    ({"surface_params": 10}, "surface_params must be an object, got 10"),
    ({"schedule_params": "cosine"}, 'schedule_params must be an object, got "cosine"'),
    ({"schedule_params": 0.5}, "schedule_params must be an object, got 0.5"),
]


@pytest.mark.parametrize("change,message", STRICT, ids=[m for _, m in STRICT])
def test_strict_parameters_same_message_in_both_languages(node, change, message):
    with pytest.raises(ValueError) as py_error:
        runner.run({**GOOD, **change})
    with pytest.raises(JSError) as js_error:
        node.call("run", config={**GOOD, **change})
    assert str(py_error.value) == str(js_error.value) == message


@pytest.mark.parametrize("config,shown", [([1, 2], "[1,2]"), ([GOOD], None), (3, "3"), (True, "true"), ("run", '"run"')])
def test_a_config_that_is_not_an_object_is_named_alike(node, config, shown):
    with pytest.raises(ValueError) as py_error:
        runner.run(config)
    with pytest.raises(JSError) as js_error:
        node.call("run", config=config)
    assert str(py_error.value) == str(js_error.value)
    assert str(py_error.value).startswith("config must be an object, got ")
    if shown is not None:
        assert str(py_error.value) == f"config must be an object, got {shown}"


SCENE_STRICT = [
    *[("saddle", {name: 1.0}, f'unknown value "{name}" for scene saddle; expected one of: lr, noise, steps, seed')
      for name in INHERITED_NAMES],
    ("saddle", 3, "scene saddle values must be an object, got 3"),
    ("momentum", True, "scene momentum values must be an object, got true"),
    ("hessian", [1, 10], "scene hessian values must be an object, got [1,10]"),
]


@pytest.mark.parametrize("name,values,message", SCENE_STRICT, ids=[m for _, _, m in SCENE_STRICT])
def test_strict_scene_values_same_message_in_both_languages(node, name, values, message):
    with pytest.raises(ValueError) as py_error:
        scenes.run_scene(name, values)
    with pytest.raises(JSError) as js_error:
        node.call("run_scene", name=name, values=values)
    assert str(py_error.value) == str(js_error.value) == message


def test_make_optimizer_refuses_inherited_names_and_non_objects(node):
    for hyper, message in [({"toString": 1.0}, 'unknown optimizer momentum parameter "toString"; expected one of: alpha'),
                           (0.9, "optimizer momentum parameters must be an object, got 0.9")]:
        with pytest.raises(ValueError) as py_error:
            optimizers.make_optimizer("momentum", hyper)
        with pytest.raises(JSError) as js_error:
            node.call("optimizer", name="momentum", hyper=hyper)
        assert str(py_error.value) == str(js_error.value) == message
