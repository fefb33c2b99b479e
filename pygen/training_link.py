"""The live trainer's link from Python: `python3 -m pygen replay '<training link>'`.

Twin of ``slides/js/training/link.js`` (the state, the link's checks and messages, the trainer
configs) and ``slides/js/training/csv.js`` (the CSV): the same link gives the same configs, trained
by the same trainer (``pygen.core.trainer``, the twin of the browser's), hence the same losses and
lambda1 estimates bit for bit, and the same CSV bytes. See link.js for the link format; the link's
grammar and messages are the playground's (``pygen.replay``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .core.optimizers import DEFAULT_HYPER, OPTIMIZER_NAMES
from .core.trainer import TRAINING_DEFAULTS
from .replay import HYPER_LIMITS, LinkError, LinkFields, _range, _read_name, _read_number, _shown, js_number

TRAINING_FORMAT_VERSION = "1"
MAX_RUNS = 4
TRAINING_SET_ROWS = TRAINING_DEFAULTS["train_rows"]
MAX_EPOCHS = 1000
MAX_TRAINING_SEED = 999999
SHARPNESS_ITERATIONS = TRAINING_DEFAULTS["sharpness_iterations"]
TRAINING_SCHEDULES = ["constant", "step", "cosine", "warmup_cosine"]

TRAINING_LR = {"gd": 0.01, "momentum": 0.01, "nesterov": 0.01, "adagrad": 0.01,
               "rmsprop": 0.001, "adam": 0.001, "adamw": 0.001, "amsgrad": 0.001}
TRAINING_HYPER = {name: {**DEFAULT_HYPER[name], **({"weight_decay": 0.1} if name == "adamw" else {})}
                  for name in OPTIMIZER_NAMES}

TRAINING_LR_LIMIT = _range(0, 10, "in (0, 10]", lo_open=True)
ROWS_LIMIT = _range(8, TRAINING_SET_ROWS, f"a whole number in [8, {TRAINING_SET_ROWS}]", integer=True)
EPOCHS_LIMIT = _range(1, MAX_EPOCHS, f"a whole number in [1, {MAX_EPOCHS}]", integer=True)
SHARPNESS_LIMIT = _range(0, 100, "a whole number in [0, 100]", integer=True)
TRAINING_SEED_LIMIT = _range(0, MAX_TRAINING_SEED, f"a whole number in [0, {MAX_TRAINING_SEED}]", integer=True)

RUN_KEY = re.compile(r"run([1-9])")  # one digit: MAX_RUNS < 10


def default_run(optimizer="gd"):
    return {"optimizer": optimizer, "lr": TRAINING_LR[optimizer], "hyper": dict(TRAINING_HYPER[optimizer]),
            "batch": 64, "schedule": "constant", "seed": 0}


def default_training_state():
    return {"rows": TRAINING_SET_ROWS, "epochs": 40, "sharpness": 2, "runs": [default_run("gd"), default_run("adam")]}


def is_training_link(link) -> bool:
    """A link of the live trainer: the page's address, or a hash whose first field is `train=`."""
    if not isinstance(link, str):
        return False
    page, sep, text = link.partition("#")
    if not sep:  # a whole address without a hash, or a hash without its '#'
        text = page
    return page.endswith("training.html") or text.split("&", 1)[0].startswith("train=")


def read_training_state(link):
    """The state a link (a whole URL, or its hash with or without '#') stands for; LinkError if refused."""
    fields = LinkFields(link)
    state = default_training_state()
    if not fields:
        return state
    take = fields.take
    if "train" in fields and (version := take("train")) != TRAINING_FORMAT_VERSION:
        raise LinkError(f"unknown training link version {_shown(version)}; expected {TRAINING_FORMAT_VERSION}")
    for key, limit in (("rows", ROWS_LIMIT), ("epochs", EPOCHS_LIMIT), ("sharpness", SHARPNESS_LIMIT)):
        if key in fields:
            state[key] = _read_number(key, take(key), limit)
    numbers = sorted(int(m.group(1)) for m in map(RUN_KEY.fullmatch, fields) if m)
    if numbers:
        if len(numbers) > MAX_RUNS:
            raise LinkError(f"at most {MAX_RUNS} runs, got {len(numbers)}")
        for i, n in enumerate(numbers):
            if n != i + 1:
                raise LinkError(f"the runs must be numbered run1 to run{len(numbers)}, got run{n}")
        state["runs"] = [default_run(_read_name("optimizer", take(f"run{n}"), OPTIMIZER_NAMES)) for n in numbers]
    # a run's default batch (64) is cut to the training rows when the link uses fewer
    for run in state["runs"]:
        run["batch"] = min(run["batch"], state["rows"])
    rows = state["rows"]
    batch_limit = _range(1, rows, f"a whole number in [1, {rows}] (the training rows)", integer=True)
    for key, value in fields.unread():
        head, dot, tail = key.partition(".")
        match = RUN_KEY.fullmatch(head)
        if not match or not dot:
            raise LinkError(f"unknown field {_shown(key)}")
        index = int(match.group(1)) - 1
        if index >= len(state["runs"]):
            raise LinkError(f"the field {_shown(key)} names a run the link does not have")
        run = state["runs"][index]
        if tail == "lr":
            run["lr"] = _read_number(key, value, TRAINING_LR_LIMIT)
        elif tail == "batch":
            run["batch"] = _read_number(key, value, batch_limit)
        elif tail == "seed":
            run["seed"] = _read_number(key, value, TRAINING_SEED_LIMIT)
        elif tail == "schedule":
            run["schedule"] = _read_name("schedule", value, TRAINING_SCHEDULES)
        elif tail in run["hyper"]:
            run["hyper"][tail] = _read_number(key, value, HYPER_LIMITS[tail])
        else:
            raise LinkError(f"the optimizer {run['optimizer']} has no hyperparameter {_shown(tail)}")
    return state


def decode_training_hash(link):
    """(state, error) as link.js's decode_training_hash: the defaults and a sentence when refused."""
    try:
        return read_training_state(link), None
    except LinkError as err:
        return default_training_state(), f"This link could not be read ({err}). The defaults are shown."


def encode_training_hash(state) -> str:
    parts = [f"train={TRAINING_FORMAT_VERSION}", f"rows={state['rows']}", f"epochs={state['epochs']}",
             f"sharpness={state['sharpness']}"]
    for i, run in enumerate(state["runs"]):
        key = f"run{i + 1}"
        parts += [f"{key}={run['optimizer']}", f"{key}.lr={js_number(run['lr'])}"]
        parts += [f"{key}.{name}={js_number(run['hyper'][name])}" for name in DEFAULT_HYPER[run["optimizer"]]]
        parts += [f"{key}.batch={run['batch']}", f"{key}.schedule={run['schedule']}", f"{key}.seed={run['seed']}"]
    return "&".join(parts)


def updates_per_epoch(rows, batch):
    return -(-rows // batch)


def training_schedule_params(schedule, epochs, per_epoch):
    total = epochs * per_epoch
    if schedule == "step":
        return {"step_size": 10 * per_epoch, "factor": 0.5}
    if schedule == "cosine":
        return {"total_steps": total, "min_lr": 0}
    if schedule == "warmup_cosine":
        return {"warmup_steps": min(per_epoch, total - 1), "total_steps": total, "min_lr": 0}
    return {}


def training_configs(state):
    return [
        {
            "optimizer": run["optimizer"],
            "hyper": dict(run["hyper"]),
            "lr": run["lr"],
            "schedule": run["schedule"],
            "schedule_params": training_schedule_params(run["schedule"], state["epochs"],
                                                        updates_per_epoch(state["rows"], run["batch"])),
            "batch_size": run["batch"],
            "seed": run["seed"],
            "epochs": state["epochs"],
            "train_rows": state["rows"],
            "sharpness_every": state["sharpness"],
            "sharpness_iterations": SHARPNESS_ITERATIONS,
        }
        for run in state["runs"]
    ]


TRAINING_CSV_HEADER = ["run", "optimizer", "epoch", "step", "lr", "train_loss", "test_loss", "lambda1", "status"]


def training_csv(runs) -> str:
    """runs: [{optimizer, rows}] in the link's order (csv.js's training_csv)."""
    def cell(value):
        return "" if value is None else js_number(value)

    lines = [",".join(TRAINING_CSV_HEADER)]
    for i, entry in enumerate(runs):
        for row in entry["rows"]:
            lines.append(",".join([str(i + 1), entry["optimizer"], str(row["epoch"]), str(row["step"]), cell(row["lr"]),
                                   cell(row["train_loss"]), cell(row["test_loss"]), cell(row["lambda1"]), row["status"]]))
    return "\n".join(lines) + "\n"


def train_runs(state, data_dir: Path):
    """Every run of the state through the trainer: [{optimizer, rows, status, message}]."""
    from .core.dataset import load_training_dataset
    from .core.trainer import train

    dataset = load_training_dataset(data_dir)
    runs = []
    for config in training_configs(state):
        # a diverging run overflows on its way to the row that says so: numpy's warnings are noise here
        with np.errstate(over="ignore", invalid="ignore"):
            result = train(config, dataset)
        runs.append({"optimizer": config["optimizer"], "rows": result["rows"], "status": result["status"],
                     "message": result["message"]})
    return runs
