"""The one training loop of the band-gap network: the browser's worker, the tests,
``pygen replay`` and the data generator all train through it.

Twin of ``slides/js/core/trainer.js``, bit for bit::

    config = {optimizer, hyper, lr, schedule, schedule_params, batch_size, seed, epochs,
              train_rows, sharpness_every, sharpness_iterations}        (TRAINING_DEFAULTS)
    row    = {epoch, step, lr, train_loss, test_loss, lambda1, status}

Each epoch visits the first ``train_rows`` training rows once, in mini-batches of ``batch_size``
in an order drawn from the project's generator (the last batch may be smaller; a full batch
keeps the rows' order), and updates the parameters with the core's optimizer and schedule (the
update rules of ``pygen.core.optimizers`` on arrays, ``pygen.array_optimizers``, and
``make_schedule``: not written again here). Row 0 is the initialisation; row e holds the losses
on the training rows and on every test row after e epochs, the learning rate of the next
update, and lambda1 (``sharpness``) every ``sharpness_every`` epochs (None otherwise). A
non-finite loss or parameter stops the run: its last row has status "diverged", None losses,
and the run a message in words.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, TypedDict

import numpy as np

from ..array_optimizers import ArrayOptimizer, make_array_optimizer
from .checks import check_count, check_non_negative, check_object, format_value
from .network import NETWORK_PARAMETER_COUNT, init_params, loss, loss_and_grad
from .noise import Rng, make_rng
from .schedules import LRSchedule, make_schedule
from .sharpness import estimate_sharpness

TRAINING_DEFAULTS: dict[str, Any] = {
    "optimizer": "adam",
    "hyper": {},
    "lr": 0.001,
    "schedule": "constant",
    "schedule_params": {},
    "batch_size": 64,
    "seed": 0,
    "epochs": 40,
    "train_rows": 3199,
    "sharpness_every": 2,
    "sharpness_iterations": 10,
}
TRAINING_KEYS = list(TRAINING_DEFAULTS)
OBJECT_KEYS = ("hyper", "schedule_params")  # null / None there: no values
# A run is trained in front of an audience: beyond these a browser tab would hang, not teach.
MAX_TRAINING_EPOCHS = 1000
MAX_SHARPNESS_ITERATIONS = 100
MAX_TRAINING_SEED = 4294967295
# The streams of a run's seed: initialisation (the seed itself), batch order, sharpness start.
BATCH_ORDER_OFFSET = 1000003
SHARPNESS_START_OFFSET = 2000003


class TrainingRow(TypedDict):
    epoch: int
    step: int
    lr: float
    train_loss: float | None
    test_loss: float | None
    lambda1: float | None
    status: str  # "ok" | "diverged"


def _check_range(what: str, value: Any, lo: int, hi: int) -> int:
    value = check_count(what, value)
    if value < lo or value > hi:
        raise ValueError(f"{what} must be between {lo} and {hi}, got {format_value(value)}")
    return value


def check_training_config(config: Any) -> dict[str, Any]:
    """The config with the defaults filled in, or a ValueError naming the first bad value."""
    if not isinstance(config, dict):  # None is JavaScript's null here (JSON), not undefined
        raise ValueError(f"training config must be an object, got {'null' if config is None else format_value(config)}")
    for key, value in config.items():
        if key not in TRAINING_KEYS:
            raise ValueError(f"unknown training config key {json.dumps(key)}; expected one of: {', '.join(TRAINING_KEYS)}")
        if value is None and key not in OBJECT_KEYS:
            raise ValueError(f"{key} must not be null")
    merged = {key: config[key] if key in config else TRAINING_DEFAULTS[key] for key in TRAINING_KEYS}
    merged["hyper"] = dict(check_object("hyper", merged["hyper"]))
    merged["schedule_params"] = dict(check_object("schedule_params", merged["schedule_params"]))
    make_array_optimizer(merged["optimizer"], merged["hyper"])
    make_schedule(merged["schedule"], merged["schedule_params"])
    merged["lr"] = check_non_negative("lr", merged["lr"])
    merged["train_rows"] = _check_range("train_rows", merged["train_rows"], 1, TRAINING_DEFAULTS["train_rows"])
    merged["batch_size"] = _check_range("batch_size", merged["batch_size"], 1, merged["train_rows"])
    merged["seed"] = _check_range("seed", merged["seed"], 0, MAX_TRAINING_SEED)
    merged["epochs"] = _check_range("epochs", merged["epochs"], 0, MAX_TRAINING_EPOCHS)
    merged["sharpness_every"] = _check_range("sharpness_every", merged["sharpness_every"], 0, MAX_TRAINING_EPOCHS)
    merged["sharpness_iterations"] = _check_range("sharpness_iterations", merged["sharpness_iterations"], 1, MAX_SHARPNESS_ITERATIONS)
    return merged


EDGE_OF_STABILITY_ROWS = 512
EDGE_OF_STABILITY_LRS = (0.02, 0.04)
EDGE_OF_STABILITY_EPOCHS = 600

# The presets the slide and the page offer.
TRAINING_PRESETS: dict[str, dict[str, Any]] = {
    # The lecture's comparison (pygen/experiments/settings.py TRAINING_RUNS), batch 64.
    "lecture": {
        "label": "Adam vs SGD (the lecture's runs)",
        "runs": [
            {**TRAINING_DEFAULTS, "optimizer": "gd", "lr": 0.01},
            {**TRAINING_DEFAULTS, "optimizer": "adam", "lr": 0.001},
        ],
    },
    # Full-batch gradient descent on the first EDGE_OF_STABILITY_ROWS training rows at two learning
    # rates: lambda1 climbs ("progressive sharpening") to 2 / eta and then hovers there while the loss
    # still falls, unevenly: the edge of stability (Cohen et al. 2021), each run at its own 2 / eta.
    # Tuned in Python (full-batch GD, 800 epochs, lambda1 every 20): with 512 rows and eta = 0.02,
    # lambda1 goes 24 -> 100 = 2/eta by epoch 120, overshoots to 132 at epoch 220, falls back and
    # stays within 2% of 100 from epoch 300 on; at eta = 0.04 it reaches 50 by epoch 30 and stays at
    # 51-53 from epoch 100. 1,000 rows at eta = 0.02 draw the same picture (2/eta at epoch 130) at
    # about 1.6 times the cost per epoch; 256 rows at eta = 0.03 too, with a less representative subset.
    # 512 rows keep an epoch at ~5 ms of one core in JS (the test loss over 697 rows included) and a
    # lambda1 estimate at ~25 ms, so 600 epochs with lambda1 every 5 take ~5 s of one core per run:
    # both runs finish well within 30 s of browser training on this 2-core machine, and lambda1 meets
    # 2 / eta within the first few seconds.
    "edge_of_stability": {
        "label": f"Edge of stability: full-batch GD on {EDGE_OF_STABILITY_ROWS} rows",
        "runs": [
            {**TRAINING_DEFAULTS, "optimizer": "gd", "lr": lr, "batch_size": EDGE_OF_STABILITY_ROWS,
             "train_rows": EDGE_OF_STABILITY_ROWS, "epochs": EDGE_OF_STABILITY_EPOCHS, "sharpness_every": 5}
            for lr in EDGE_OF_STABILITY_LRS
        ],
    },
}


def _permute_in_place(order: np.ndarray, rng: Rng) -> None:
    for i in range(order.shape[0] - 1, 0, -1):
        j = math.floor(rng.uniform() * (i + 1))
        order[i], order[j] = order[j], order[i]


@dataclass
class TrainingRun:
    """A run ready to train: row 0 (the initialisation) is in `rows`; `train_epoch` advances it."""

    config: dict[str, Any]
    dataset: Any
    optimizer: ArrayOptimizer
    lr_at: LRSchedule
    state: dict
    train_rows: np.ndarray
    test_rows: np.ndarray
    order: np.ndarray
    batch_rng: Rng
    sharpness_start: np.ndarray
    epoch: int = 0
    step: int = 0
    rows: list[TrainingRow] = field(default_factory=list)
    status: str = "running"  # "running" | "completed" | "diverged"
    message: str = ""


def start_training(config: Any, dataset) -> TrainingRun:
    cfg = check_training_config(config)
    if cfg["train_rows"] > dataset.n_train:
        raise ValueError(f"train_rows must be at most the {dataset.n_train} training rows, got {cfg['train_rows']}")
    optimizer = make_array_optimizer(cfg["optimizer"], cfg["hyper"])
    start_rng = make_rng(cfg["seed"] + SHARPNESS_START_OFFSET)
    run = TrainingRun(
        config=cfg,
        dataset=dataset,
        optimizer=optimizer,
        lr_at=make_schedule(cfg["schedule"], cfg["schedule_params"]),
        state=optimizer.init(init_params(cfg["seed"])),
        train_rows=np.arange(cfg["train_rows"]),
        test_rows=np.arange(dataset.n_test),
        order=np.arange(cfg["train_rows"]),
        batch_rng=make_rng(cfg["seed"] + BATCH_ORDER_OFFSET),
        sharpness_start=np.array([start_rng.normal() for _ in range(NETWORK_PARAMETER_COUNT)]),
    )
    _record(run)
    return run


def _record(run: TrainingRun) -> TrainingRow:
    cfg, dataset = run.config, run.dataset
    theta = run.state["theta"]
    train_loss = loss(theta, dataset.x_train, dataset.y_train, run.train_rows)
    test_loss = loss(theta, dataset.x_test, dataset.y_test, run.test_rows)
    lr = run.lr_at(run.step, cfg["lr"])
    if not (math.isfinite(train_loss) and math.isfinite(test_loss)):
        return _diverge(run, run.step, run.lr_at(run.step - 1, cfg["lr"]), "a non-finite loss")
    lambda1 = None
    if cfg["sharpness_every"] > 0 and run.epoch % cfg["sharpness_every"] == 0:
        estimate = estimate_sharpness(theta, dataset.x_train, dataset.y_train, run.train_rows, run.sharpness_start,
                                      cfg["sharpness_iterations"])
        if math.isfinite(estimate["lambda1"]) and np.all(np.isfinite(estimate["vector"])):
            lambda1 = estimate["lambda1"]
            run.sharpness_start = estimate["vector"]
    row: TrainingRow = {"epoch": run.epoch, "step": run.step, "lr": lr, "train_loss": train_loss,
                        "test_loss": test_loss, "lambda1": lambda1, "status": "ok"}
    run.rows.append(row)
    if run.epoch == cfg["epochs"]:
        run.status = "completed"
        run.message = f"completed {cfg['epochs']} epochs ({run.step} updates)"
    return row


def _diverge(run: TrainingRun, update: int, lr: float, what: str) -> TrainingRow:
    """The run stops at update `update` (1, 2, ...; made with learning rate `lr`): its last row."""
    row: TrainingRow = {"epoch": run.epoch, "step": update, "lr": lr, "train_loss": None, "test_loss": None,
                        "lambda1": None, "status": "diverged"}
    run.rows.append(row)
    run.status = "diverged"
    run.message = f"diverged: update {update} (epoch {run.epoch}) produced {what}"
    return row


def train_epoch(run: TrainingRun) -> TrainingRow | None:
    """Trains one more epoch and returns its row (None once the run has stopped)."""
    if run.status != "running":
        return None
    # A diverging run overflows on its way to the non-finite value that stops it: no warnings.
    with np.errstate(over="ignore", invalid="ignore"):
        return _train_epoch(run)


def _train_epoch(run: TrainingRun) -> TrainingRow:
    cfg, dataset, optimizer = run.config, run.dataset, run.optimizer
    n, batch = cfg["train_rows"], cfg["batch_size"]
    run.epoch += 1
    if batch < n:
        _permute_in_place(run.order, run.batch_rng)
    for start in range(0, n, batch):
        rows = run.order[start : min(start + batch, n)]
        point = optimizer.gradient_point(run.state)
        batch_loss, grad = loss_and_grad(point, dataset.x_train, dataset.y_train, rows)
        lr = run.lr_at(run.step, cfg["lr"])
        if not (math.isfinite(batch_loss) and np.all(np.isfinite(grad))):
            return _diverge(run, run.step + 1, lr, "a non-finite loss or gradient")
        state = optimizer.step(run.state, grad, lr)
        if not np.all(np.isfinite(state["theta"])):
            return _diverge(run, run.step + 1, lr, "non-finite parameters")
        run.state = state
        run.step += 1
    return _record(run)


class TrainingResult(TypedDict):
    rows: list[TrainingRow]
    status: str  # "completed" | "diverged"
    message: str
    config: dict[str, Any]


def train(config: Any, dataset) -> TrainingResult:
    """A whole run."""
    run = start_training(config, dataset)
    while run.status == "running":
        train_epoch(run)
    return {"rows": run.rows, "status": run.status, "message": run.message, "config": run.config}
