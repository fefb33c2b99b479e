"""The training twin (issue 22): slides/js/core/{network,sharpness,trainer,dataset}.js against
pygen/core/{network,sharpness,trainer,dataset}.py, bit for bit, and both against the maths.

Whole runs are compared as float64 bit patterns (every number of every row) over every optimizer,
batch sizes from 1 to the full batch, learning rates up to divergence, every schedule and several
seeds; small `train_rows` and few epochs buy the breadth, and two runs use all 3,199 rows. The
network is checked against `pygen.mlp` (JAX): loss, gradient, and the Hessian-vector product
against `Model.hessian(params) @ v`; lambda1 against eigvalsh of that Hessian.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from node_core import JSError, NodeCore, bits, decode_numbers
from pygen.core import network, portable_math, sharpness, trainer
from pygen.core.dataset import load_training_dataset
from pygen.core.noise import make_rng
from pygen.core.optimizers import OPTIMIZER_NAMES
from pygen.core.schedules import SCHEDULE_NAMES

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
WORKER = ROOT / "tests" / "js" / "training_worker.mjs"

# One worker of pytest-xdist runs the whole file, in order: test_the_breadth_was_covered counts
# what the runs before it covered (and the module's Node process is started once).
pytestmark = pytest.mark.xdist_group("training_twin")


@pytest.fixture(scope="module")
def node():
    core = NodeCore(WORKER)
    yield core
    core.close()


@pytest.fixture(scope="module")
def dataset():
    return load_training_dataset(DATA)


@pytest.fixture(scope="module")
def model():
    from pygen import mlp

    return mlp.Model(mlp.load_problem(DATA))


def encode(values) -> str:
    import base64

    return base64.b64encode(np.asarray(values, dtype="<f8").tobytes()).decode()


def assert_same_bits(js, py, what):
    js, py = np.asarray(js, dtype="<f8"), np.asarray(py, dtype="<f8")
    assert js.shape == py.shape, f"{what}: {js.shape} vs {py.shape}"
    differing = bits(js) != bits(py)
    assert not differing.any(), (
        f"{what}: {int(differing.sum())} differing values; first at {int(differing.argmax())}: "
        f"JS {js[differing.argmax()]!r} vs Python {py[differing.argmax()]!r}"
    )


# ----- portable exp, expm1, tanh -------------------------------------------------------

def math_samples() -> np.ndarray:
    rng = np.random.RandomState(22)
    tiny = rng.uniform(-1, 1, 3000) * 10.0 ** rng.uniform(-320, -1, 3000)
    moderate = rng.uniform(-30, 30, 6000)
    wide = rng.uniform(-750, 715, 3000)
    special = [0.0, -0.0, 5e-324, -5e-324, 2.0**-28, -(2.0**-28), 1e-8, 0.5, -0.5, 0.34657359027997264,
               0.6931471805599453, 1.0, -1.0, 19.0, 19.1, 22.0, -22.0, 37.0, -38.0, 40.0, 709.7, 709.79,
               -745.0, -745.2, 1e300, -1e300, math.inf, -math.inf, math.nan]
    return np.concatenate([tiny, moderate, wide, special])


def ulps(ours: float, reference: float) -> float:
    if ours == reference:
        return 0.0
    return abs(ours - reference) / math.ulp(reference)


@pytest.mark.parametrize("name, reference, bound", [("tanh", math.tanh, 4), ("expm1", math.expm1, 3), ("exp", math.exp, 2)])
def test_portable_functions_are_accurate_to_a_few_ulp(name, reference, bound):
    ours = getattr(portable_math, name)
    worst = 0.0
    for x in math_samples():
        x = float(x)
        try:
            expected = reference(x)
        except OverflowError:
            expected = math.inf
        got = ours(x)
        if math.isnan(expected):
            assert math.isnan(got), (name, x)
            continue
        if math.isinf(expected) or expected == 0:
            assert got == expected and math.copysign(1, got) == math.copysign(1, expected), (name, x, got)
            continue
        if abs(expected) < 2.2250738585072014e-308:  # subnormal results: absolute error in units of the smallest
            assert abs(got - expected) <= 2 * 5e-324, (name, x, got, expected)
            continue
        worst = max(worst, ulps(got, expected))
        assert ulps(got, expected) <= bound, f"{name}({x!r}) = {got!r}, C library {expected!r}"
    assert worst > 0  # the comparison saw rounding differences, so it could fail
    assert math.copysign(1, portable_math.tanh(-0.0)) == -1 and portable_math.tanh(1e-300) == 1e-300


def test_portable_functions_give_the_same_bits_in_both_twins(node):
    xs = math_samples()
    js = decode_numbers(node.call("math", xs=encode(xs))["numbers"])
    py = [v for x in xs for v in (portable_math.tanh(float(x)), portable_math.expm1(float(x)), portable_math.exp(float(x)))]
    assert_same_bits(js, py, "tanh, expm1, exp")


def test_elementwise_tanh_is_the_scalar_tanh():
    xs = math_samples()
    assert_same_bits(network.tanh_array(xs), [portable_math.tanh(float(x)) for x in xs], "tanh_array")


# ----- the data ---------------------------------------------------------------------------

def test_dataset_is_make_problem_bit_for_bit(dataset):
    from pygen import mlp

    problem = mlp.load_problem(DATA)
    assert (dataset.n_features, dataset.n_train, dataset.n_test) == (136, 3199, 697)
    for name in ("x_train", "y_train", "x_test", "y_test"):
        assert_same_bits(getattr(dataset, name), getattr(problem, name), name)


def test_the_browser_reads_the_same_dataset(node, dataset):
    js = node.call("dataset")
    assert (js["n_features"], js["n_train"], js["n_test"]) == (136, 3199, 697)
    py = np.concatenate([dataset.x_train.ravel(), dataset.y_train, dataset.x_test.ravel(), dataset.y_test])
    assert_same_bits(decode_numbers(js["numbers"]), py, "dataset")


# ----- the network --------------------------------------------------------------------------

def parameter_points():
    rng = np.random.RandomState(7)
    init = network.init_params(3)
    return {
        "init": init,
        "perturbed": init + 0.3 * rng.standard_normal(init.size),
        "large": 5 * rng.standard_normal(init.size),  # saturated units: tanh near +-1
    }


@pytest.mark.parametrize("seed", [0, 1, 4294967295])
def test_init_params_same_bits_and_lecun_scale(node, seed):
    params = network.init_params(seed)
    assert_same_bits(decode_numbers(node.call("init_params", seed=seed)["numbers"]), params, "init_params")
    w1 = params[network.W1:network.B1]
    assert abs(w1.std() * math.sqrt(136) - 1) < 0.05 and abs(w1.mean()) < 0.01
    assert not params[network.B1:network.W2].any() and not params[network.B2:network.W3].any() and params[network.B3] == 0


@pytest.mark.parametrize("count", [1, 64, 3199])
def test_loss_gradient_and_hvp_same_bits(node, dataset, count):
    rows = np.arange(count)
    for name, params in parameter_points().items():
        vector = np.random.RandomState(count).standard_normal(params.size)
        js = decode_numbers(node.call("network", params=encode(params), vector=encode(vector), count=count)["numbers"])
        loss, grad = network.loss_and_grad(params, dataset.x_train, dataset.y_train, rows)
        hv = network.hvp(params, vector, dataset.x_train, dataset.y_train, rows)
        py = [network.loss(params, dataset.x_train, dataset.y_train, rows), loss, *grad, *hv]
        assert_same_bits(js, py, f"{name}, {count} rows")


def test_network_is_pygen_mlp(dataset, model):
    rows = np.arange(dataset.n_train)
    for name, params in parameter_points().items():
        loss, grad = network.loss_and_grad(params, dataset.x_train, dataset.y_train, rows)
        assert loss == pytest.approx(model.train_loss(params), rel=1e-12), name
        expected = model.train_grad(params)
        assert np.abs(grad - expected).max() <= 1e-11 * np.abs(expected).max(), name
        assert network.loss(params, dataset.x_train, dataset.y_train, rows) == loss


def test_hvp_is_the_exact_hessian_times_v(dataset, model):
    params = parameter_points()["perturbed"]
    hessian = model.hessian(params)
    operator = network.hvp_operator(params, dataset.x_train, dataset.y_train, np.arange(dataset.n_train))
    rng = np.random.RandomState(5)
    for vector in (rng.standard_normal(params.size), np.eye(params.size)[network.B3], np.eye(params.size)[17]):
        expected = hessian @ vector
        assert np.abs(operator(vector) - expected).max() <= 1e-10 * np.abs(expected).max()
    # and the eigenvalue: lambda1 within 1% of eigvalsh's. This point is no training point: the
    # random perturbation crowds the top of the spectrum, and the trainer's default 10 Lanczos steps
    # (enough at the points training reaches: the next test, and 1e-7 or better at init and after
    # 2 or 10 epochs of SGD or Adam on all rows) leave 5% here; 20 steps reach 1%.
    exact = np.linalg.eigvalsh(hessian)[-1]
    start = np.array([make_rng(1).normal() for _ in range(params.size)])
    estimate = sharpness.lanczos_top(operator, start, 20)
    assert abs(estimate["lambda1"] - exact) <= 0.01 * exact
    assert np.linalg.norm(estimate["vector"]) == pytest.approx(1, abs=1e-12)


def test_sharpness_at_init_and_after_training(dataset, model):
    """lambda1 with the trainer's default iterations against eigvalsh of the exact Hessian, cold at
    the initialisation and warm-started after training (as the trainer does)."""
    from pygen.mlp import Model, Problem

    config = {"optimizer": "gd", "lr": 0.05, "batch_size": 400, "train_rows": 400, "epochs": 30,
              "sharpness_every": 10}
    result = trainer.train(config, dataset)
    small = Model(Problem(dataset.x_train[:400], dataset.y_train[:400], dataset.x_test, dataset.y_test))
    run = trainer.start_training({**config, "epochs": 0}, dataset)
    exact0 = np.linalg.eigvalsh(small.hessian(run.state["theta"]))[-1]
    assert abs(result["rows"][0]["lambda1"] - exact0) <= 0.01 * exact0
    run = trainer.start_training(config, dataset)
    while run.status == "running":
        trainer.train_epoch(run)
    exact = np.linalg.eigvalsh(small.hessian(run.state["theta"]))[-1]
    assert abs(result["rows"][-1]["lambda1"] - exact) <= 0.01 * exact
    assert result["rows"][-1]["lambda1"] == run.rows[-1]["lambda1"]


def test_sharpness_same_bits(node, dataset):
    params = parameter_points()["perturbed"]
    start = np.array([make_rng(9).normal() for _ in range(params.size)])
    for count, iterations in ((1, 3), (200, 8), (3199, 5)):
        js = decode_numbers(node.call("sharpness", params=encode(params), start=encode(start), count=count,
                                      iterations=iterations)["numbers"])
        py = sharpness.estimate_sharpness(params, dataset.x_train, dataset.y_train, np.arange(count), start, iterations)
        assert_same_bits(js, [py["lambda1"], *py["vector"]], f"sharpness over {count} rows")


# ----- whole runs ---------------------------------------------------------------------------

LEARNING_RATES = {  # a usual one, a large one, and one far beyond divergence
    "gd": (0.05, 3.0, 1e200), "momentum": (0.01, 1.0, 1e200), "nesterov": (0.01, 1.0, 1e200),
    "adagrad": (0.01, 10.0, 1e300), "rmsprop": (0.001, 1.0, 1e300), "adam": (0.001, 1.0, 1e300),
    "adamw": (0.003, 3.0, 1e300), "amsgrad": (0.003, 0.3, 1e300),
}
SCHEDULE_PARAMS = {"constant": {}, "step": {"step_size": 5, "factor": 0.5}, "exponential": {"gamma": 0.9},
                   "cosine": {"total_steps": 30, "min_lr": 0.0001}, "warmup_cosine": {"warmup_steps": 4, "total_steps": 40}}


def breadth_configs():
    configs = []
    batch_sizes = (1, 7, 32, 97, None)  # None: the full batch
    for o, optimizer in enumerate(OPTIMIZER_NAMES):
        for level, lr in enumerate(LEARNING_RATES[optimizer]):
            index = 3 * o + level
            train_rows = (23, 97, 160)[index % 3]
            batch = batch_sizes[index % len(batch_sizes)]
            schedule = SCHEDULE_NAMES[index % len(SCHEDULE_NAMES)]
            configs.append({
                "optimizer": optimizer, "lr": lr, "train_rows": train_rows,
                "batch_size": train_rows if batch is None else min(batch, train_rows),
                "schedule": schedule, "schedule_params": SCHEDULE_PARAMS[schedule],
                "seed": index % 4, "epochs": 3, "sharpness_every": index % 3, "sharpness_iterations": 3 + index % 4,
            })
    configs.append({"optimizer": "adam", "hyper": {"beta1": 0.5, "beta2": 0.9, "eps": 1e-3}, "lr": 0.01,
                    "train_rows": 50, "batch_size": 50, "epochs": 4, "seed": 123456789})
    configs.append({"optimizer": "nesterov", "hyper": {"alpha": 0.5}, "lr": 0.1, "train_rows": 40, "batch_size": 1,
                    "epochs": 2, "seed": 4294967295, "schedule": "step", "schedule_params": {"step_size": 7, "factor": 0.9}})
    return configs


FULL_SIZE = [
    {"optimizer": "gd", "lr": 0.01, "batch_size": 64, "epochs": 2, "sharpness_every": 1, "sharpness_iterations": 4},
    {"optimizer": "adamw", "lr": 0.001, "batch_size": 3199, "epochs": 3, "sharpness_every": 3, "seed": 2},
]


def row_numbers(rows) -> np.ndarray:
    """A run's numbers in the order training_worker.mjs encodes them (None as NaN)."""
    keys = ("epoch", "step", "lr", "train_loss", "test_loss", "lambda1")
    return np.array([math.nan if row[k] is None else row[k] for row in rows for k in keys], dtype="<f8")


class Tally:
    runs = 0
    diverged = 0
    epochs = 0


def compare_run(node, dataset, config):
    node.send("train", config=config)
    py = trainer.train(config, dataset)
    js = node.receive()
    assert_same_bits(decode_numbers(js["numbers"]), row_numbers(py["rows"]), f"run {config}")
    assert js["row_status"] == [row["status"] for row in py["rows"]]
    assert (js["status"], js["message"]) == (py["status"], py["message"])
    assert js["config"] == py["config"]
    for row in py["rows"]:  # rows never hold NaN or Infinity: None where there is no number
        assert all(v is None or math.isfinite(v) for v in row.values() if not isinstance(v, str))
    Tally.runs += 1
    Tally.diverged += py["status"] == "diverged"
    Tally.epochs += py["rows"][-1]["epoch"]
    return py


@pytest.mark.parametrize("config", breadth_configs(), ids=lambda c: f"{c['optimizer']}-lr{c['lr']:g}-b{c['batch_size']}")
def test_whole_runs_same_bits(node, dataset, config):
    result = compare_run(node, dataset, config)
    if config["lr"] >= 1e200:
        assert result["status"] == "diverged" and result["rows"][-1]["status"] == "diverged"
        assert result["message"].startswith("diverged: update ")
        assert result["rows"][-1]["train_loss"] is None
    else:
        assert result["status"] == "completed" and len(result["rows"]) == config["epochs"] + 1


@pytest.mark.parametrize("config", FULL_SIZE, ids=["sgd-b64", "adamw-full-batch"])
def test_full_size_runs_same_bits(node, dataset, config):
    result = compare_run(node, dataset, config)
    assert result["status"] == "completed"
    assert result["rows"][-1]["train_loss"] < result["rows"][0]["train_loss"]


def test_the_breadth_was_covered():
    """The parametrised runs above covered divergence and every optimizer (run after them)."""
    assert Tally.runs >= len(breadth_configs()) and Tally.diverged >= len(OPTIMIZER_NAMES)


def test_epoch_by_epoch_is_the_whole_run(dataset):
    config = {"optimizer": "momentum", "lr": 0.02, "train_rows": 60, "batch_size": 16, "epochs": 3, "sharpness_every": 1,
              "sharpness_iterations": 4}
    run = trainer.start_training(config, dataset)
    assert [row["epoch"] for row in run.rows] == [0] and run.status == "running"
    rows = [trainer.train_epoch(run) for _ in range(3)]
    assert run.status == "completed" and trainer.train_epoch(run) is None
    assert row_numbers(run.rows).tobytes() == row_numbers(trainer.train(config, dataset)["rows"]).tobytes()
    assert rows == run.rows[1:]
    assert [row["step"] for row in run.rows] == [0, 4, 8, 12]  # 60 rows in batches of 16: 4 updates


# ----- bad input ----------------------------------------------------------------------------

BAD_CONFIGS = [
    None, 3, [], "adam",
    {"optimiser": "adam"},
    {"optimizer": "lion"},
    {"hyper": 3},
    {"hyper": {"beta3": 0.1}},
    {"optimizer": "momentum", "hyper": {"alpha": "0.9"}},
    {"optimizer": "adam", "hyper": {"beta1": 1.0}},
    {"schedule": "linear"},
    {"schedule": "step", "schedule_params": {"step_size": 0}},
    {"schedule_params": []},
    {"lr": -0.1}, {"lr": "0.1"}, {"lr": None}, {"lr": True},
    {"batch_size": 0}, {"batch_size": 3200}, {"batch_size": 2.5}, {"batch_size": 65, "train_rows": 64},
    {"train_rows": 0}, {"train_rows": 4000}, {"train_rows": -1},
    {"seed": -1}, {"seed": 1.5}, {"seed": 2**32}, {"seed": "0"},
    {"epochs": 1001}, {"epochs": -2},
    {"sharpness_every": -1}, {"sharpness_iterations": 0}, {"sharpness_iterations": 101},
    {"constructor": 1}, {"__proto__x": 1},
]


@pytest.mark.parametrize("config", BAD_CONFIGS, ids=repr)
def test_bad_configs_refused_with_the_same_message(node, config):
    with pytest.raises(ValueError) as py_error:
        trainer.check_training_config(config)
    with pytest.raises(JSError) as js_error:
        node.call("check", config=config)
    assert str(js_error.value) == str(py_error.value)


def test_defaults_and_presets_are_the_same_in_both(node):
    js = node.call("presets")
    assert js["defaults"] == trainer.TRAINING_DEFAULTS
    assert js["presets"] == trainer.TRAINING_PRESETS
    for preset in trainer.TRAINING_PRESETS.values():
        for config in preset["runs"]:
            assert trainer.check_training_config(config) == config


# ----- the precomputed reference runs ---------------------------------------------------------

def test_the_browser_retraces_a_reference_run(node):
    """A live run of a lecture configuration equals its rows in live_training_reference.arrow bit for
    bit (the slide draws them under the live run; `--check` recomputes the whole file in Python)."""
    import pyarrow.ipc as ipc

    table = ipc.open_file(DATA / "live_training_reference.arrow").read_all().to_pandas()
    configs = table.config.map(json.loads)
    chosen = table[[c["optimizer"] == "adam" and c["batch_size"] == 512 for c in configs]]
    assert chosen.run.nunique() == 1 and len(chosen) == 41
    config = json.loads(chosen.config.iloc[0])
    js = node.call("train", config=config)
    assert js["status"] == "completed" and js["config"] == config
    expected = np.column_stack([chosen.epoch, chosen.step, chosen.lr, chosen.train_loss, chosen.test_loss,
                                np.where(chosen.lambda1_estimated == 1, chosen.lambda1, np.nan)]).ravel()
    assert_same_bits(decode_numbers(js["numbers"]), expected, "live_training_reference, Adam batch 512")


def test_the_edge_of_stability_preset_reaches_two_over_eta():
    """The preset's claim, on its precomputed runs: lambda1 climbs from well below 2/eta to it, and
    hovers there (the last 200 epochs within 5%) while the training loss keeps falling."""
    import pyarrow.ipc as ipc

    table = ipc.open_file(DATA / "live_training_reference.arrow").read_all().to_pandas()
    presets = trainer.TRAINING_PRESETS["edge_of_stability"]["runs"]
    for preset in presets:
        rows = table[table.config == json.dumps(trainer.check_training_config(preset), sort_keys=True,
                                                separators=(",", ":"))]
        assert len(rows) == preset["epochs"] + 1, preset
        estimated = rows[rows.lambda1_estimated == 1]
        edge = 2 / preset["lr"]
        assert estimated.lambda1.iloc[0] < 0.5 * edge
        late = estimated[estimated.epoch >= preset["epochs"] - 200].lambda1
        assert np.all(np.abs(late - edge) <= 0.05 * edge), (edge, late.min(), late.max())
        assert rows.train_loss.iloc[-1] < 0.1 * rows.train_loss.iloc[0]
