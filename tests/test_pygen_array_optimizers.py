"""`pygen.array_optimizers` (the update rules on numpy arrays that train the network) against
the core's list-based twin, bit for bit: every optimizer on hostile values, and `mlp.train` with
either."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from pygen.array_optimizers import make_array_optimizer
from pygen.core.optimizers import OPTIMIZER_NAMES, make_optimizer

DATA = Path(__file__).resolve().parents[1] / "data"
HYPER = {"momentum": {"alpha": 0.7}, "nesterov": {"alpha": 0.95}, "adagrad": {"eps": 1e-3},
         "rmsprop": {"gamma": 0.5, "eps": 1e-6}, "adam": {"beta1": 0.8, "beta2": 0.99},
         "adamw": {"weight_decay": 0.1}, "amsgrad": {"beta2": 0.9, "eps": 1e-12}}


def _bits(values) -> np.ndarray:
    return np.asarray(values, dtype=np.float64).view(np.uint64)


def _same_state(list_state, array_state):
    assert list_state.keys() == array_state.keys()
    for key, value in list_state.items():
        assert np.array_equal(_bits(value), _bits(array_state[key])), key


def _vector(rng, n):
    # magnitudes from 1e-300 to 1e+150, both signs, exact zeros, so rounding is exercised everywhere
    return (rng.standard_normal(n) * 10.0 ** rng.randint(-300, 150, n) * (rng.uniform(size=n) > 0.1)).tolist()


@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
@pytest.mark.parametrize("hyper", ["defaults", "custom"])
def test_every_step_gives_the_core_bits(name, hyper):
    rng = np.random.RandomState(OPTIMIZER_NAMES.index(name))
    hyper = HYPER.get(name, {}) if hyper == "custom" else {}
    core, arrays = make_optimizer(name, hyper), make_array_optimizer(name, hyper)
    assert arrays.hyper == core.hyper
    theta = _vector(rng, 257)
    list_state, array_state = core.init(theta), arrays.init(np.asarray(theta))
    for step in range(40):
        _same_state(list_state, array_state)
        assert np.array_equal(_bits(core.gradient_point(list_state)), _bits(arrays.gradient_point(array_state)))
        g = _vector(rng, len(theta))
        lr = float(10.0 ** rng.uniform(-6, 1))
        list_state, array_state = core.step(list_state, g, lr), arrays.step(array_state, np.asarray(g), lr)
    _same_state(list_state, array_state)


def test_states_are_not_mutated_and_bad_input_is_refused_as_in_the_core():
    opt = make_array_optimizer("adam")
    state = opt.init(np.ones(3))
    before = {k: np.copy(v) for k, v in state.items()}
    opt.step(state, np.ones(3), 0.1)
    for key, value in before.items():
        assert np.array_equal(state[key], value)
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_array_optimizer("sgd")
    with pytest.raises(ValueError, match="beta1 must be in"):
        make_array_optimizer("adam", {"beta1": 1.0})
    with pytest.raises(ValueError, match=r"theta\[1\] must be a finite number"):
        opt.init(np.array([0.0, np.nan]))


@pytest.fixture(scope="module")
def real_model():
    pytest.importorskip("jax")
    from pygen import mlp

    return mlp.Model(mlp.load_problem(DATA))


@pytest.mark.parametrize("optimizer, hyper, lr, batch", [
    ("gd", {}, 0.01, 512), ("momentum", {"alpha": 0.9}, 0.01, 64), ("nesterov", {}, 0.01, 512),
    ("adam", {}, 0.001, 64), ("adamw", {"weight_decay": 0.1}, 0.001, 512), ("amsgrad", {}, 0.001, 0),
])
def test_training_on_arrays_equals_training_with_the_core(real_model, optimizer, hyper, lr, batch):
    from pygen import mlp

    spec = mlp.TrainSpec(optimizer, hyper, lr, batch, 2, 3)
    lists, arrays = mlp.train(real_model, spec, range(3), arrays=False), mlp.train(real_model, spec, range(3))
    assert arrays.train_loss == lists.train_loss and arrays.test_loss == lists.test_loss
    for epoch, params in lists.checkpoints.items():
        assert np.array_equal(_bits(arrays.checkpoints[epoch]), _bits(params))


def test_recording_only_the_checkpoints_keeps_their_rows(real_model):
    """`every_epoch=False` (the edge-of-stability runs) gives the full run's rows at the checkpoints
    while the loss stays finite, and still ends a diverging run with finite rows."""
    from pygen import mlp

    spec = mlp.TrainSpec("gd", {}, 0.1, 0, 12, 0)
    full, sparse = mlp.train(real_model, spec, (0, 5, 10)), mlp.train(real_model, spec, (0, 5, 10), every_epoch=False)
    assert sparse.epochs == [0, 5, 10, 12]
    assert sparse.train_loss == [full.train_loss[e] for e in sparse.epochs]
    assert all(np.array_equal(sparse.checkpoints[e], full.checkpoints[e]) for e in (0, 5, 10, 12))
    diverged = mlp.train(real_model, mlp.TrainSpec("gd", {}, 1e5, 0, 30, 0), (0, 10, 20), every_epoch=False)
    assert diverged.status == "diverged" and diverged.epochs[-1] < 30
    assert all(np.isfinite(diverged.train_loss)) and np.all(np.isfinite(diverged.final_params))
