"""`python3 -m pygen replay '<link or its hash>'`: the playground's runs, from Python.

Twin of ``slides/js/playground/state.js`` (the link's state, its checks and messages, the
runner configs) and ``slides/js/playground/csv.js`` (the CSV): the same link gives the same
configs, run through the same core (``pygen.core.runner.run``), hence bit-identical trajectories,
and the same CSV bytes (numbers are written as JavaScript's ``String(x)`` writes them).
See state.js for the link format and the definition of the mini-batch noise.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from decimal import Decimal
from pathlib import Path

from .core.optimizers import DEFAULT_HYPER, OPTIMIZER_NAMES
from .core.runner import run
from .core.schedules import DEFAULT_SCHEDULE_PARAMS, SCHEDULE_NAMES
from .core.surfaces import SURFACE_NAMES, make_surface

FORMAT_VERSION = "1"
FULL_BATCH = 1024
MAX_PLAYGROUND_STEPS = 1000
MAX_SEED = 999999
MAX_HASH_LENGTH = 2000
SEED_STRIDE = 8

SURFACE_SETUP = {
    "quartic": {"view": {"x": [-2, 2], "y": [-2, 4]}, "start": [-1.8], "sigma1": 4},
    "saddle": {"view": {"x": [-3, 3], "y": [-3, 3]}, "start": [-2.5, 0.01], "sigma1": 4},
    "elongated_bowl": {"view": {"x": [-10, 10], "y": [-6, 6]}, "start": [-8, -4], "sigma1": 8},
    "skewed_bowl": {"view": {"x": [-4, 4], "y": [-4, 4]}, "start": [3, -3], "sigma1": 8},
    "rosenbrock": {"view": {"x": [-2, 2], "y": [-1, 3]}, "start": [-1.5, 2], "sigma1": 40},
    "quadratic": {"view": {"x": [-5, 5], "y": [-5, 5]}, "start": [4, 3], "sigma1": 8},
}


def _range(lo, hi, text, **extra):
    return {"lo": lo, "hi": hi, "text": text, "lo_open": False, "hi_open": False, "integer": False, **extra}


UNIT = _range(0, 1, "in [0, 1)", hi_open=True)

SURFACE_PARAM_LIMITS = {
    "quartic": {},
    "saddle": {},
    "elongated_bowl": {"a": _range(0.1, 1000, "in [0.1, 1000]")},
    "skewed_bowl": {},
    "rosenbrock": {"a": _range(-10, 10, "in [-10, 10]"), "b": _range(0, 1000, "in [0, 1000]")},
    "quadratic": {
        "lambda1": _range(-100, 100, "in [-100, 100]"),
        "lambda2": _range(-100, 100, "in [-100, 100]"),
        "angle_deg": _range(-360, 360, "in [-360, 360]"),
    },
}
LR_LIMIT = _range(0, 100, "in [0, 100]")
HYPER_LIMITS = {
    "alpha": UNIT, "beta1": UNIT, "beta2": UNIT, "gamma": UNIT,
    "eps": _range(0, 1, "in (0, 1]", lo_open=True),
    "weight_decay": _range(0, 1, "in [0, 1]"),
}
SCHEDULE_PARAM_LIMITS = {
    "constant": {},
    "step": {"step_size": _range(1, 1000, "a whole number in [1, 1000]", integer=True),
             "factor": _range(0, 1, "in (0, 1]", lo_open=True)},
    "exponential": {"gamma": _range(0, 1, "in (0, 1]", lo_open=True)},
    "cosine": {"total_steps": _range(1, 1000, "a whole number in [1, 1000]", integer=True),
               "min_lr": _range(0, 100, "in [0, 100]")},
    "warmup_cosine": {
        "warmup_steps": _range(0, 999, "a whole number in [0, 999]", integer=True),
        "total_steps": _range(1, 1000, "a whole number in [1, 1000]", integer=True),
        "min_lr": _range(0, 100, "in [0, 100]"),
    },
}
BATCH_LIMIT = _range(1, FULL_BATCH, f"a whole number in [1, {FULL_BATCH}]", integer=True)
SEED_LIMIT = _range(0, MAX_SEED, f"a whole number in [0, {MAX_SEED}]", integer=True)
STEPS_LIMIT = _range(1, MAX_PLAYGROUND_STEPS, f"a whole number in [1, {MAX_PLAYGROUND_STEPS}]", integer=True)

DEFAULT_LR = {"gd": 0.001, "momentum": 0.0005, "nesterov": 0.0005, "adagrad": 0.5,
              "rmsprop": 0.01, "adam": 0.05, "adamw": 0.05, "amsgrad": 0.05}
DEFAULT_ENABLED = ["gd", "momentum", "rmsprop", "adam"]

SAFE_TEXT = re.compile(r"[A-Za-z0-9_.,+-]*")
NUMBER_TEXT = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")
WHOLE_TEXT = re.compile(r"(0|[1-9][0-9]*)")
MAX_NUMBER_TEXT = 30


class LinkError(ValueError):
    """The link names something unknown or holds a value out of range."""


def default_state():
    return {
        "surface": "rosenbrock",
        "surface_params": dict(make_surface("rosenbrock").params),
        "enabled": list(DEFAULT_ENABLED),
        "settings": {name: {"lr": DEFAULT_LR[name], "hyper": dict(DEFAULT_HYPER[name])} for name in OPTIMIZER_NAMES},
        "schedule": "constant",
        "schedule_params": {},
        "batch": FULL_BATCH,
        "seed": 1,
        "steps": 300,
        "start": list(SURFACE_SETUP["rosenbrock"]["start"]),
    }


def _js_length(text):
    """The length JavaScript gives a string (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _shown(text):
    return f'"{text[:40]}..."' if _js_length(text) > 40 else f'"{text}"'


def _read_number(key, text, limit):
    if limit["integer"]:
        if len(text) > 9 or not WHOLE_TEXT.fullmatch(text):
            raise LinkError(f"{key} must be {limit['text']}, got {_shown(text)}")
        value = int(text)
    else:
        if len(text) > MAX_NUMBER_TEXT or not NUMBER_TEXT.fullmatch(text):
            raise LinkError(f"{key} must be a number, got {_shown(text)}")
        value = float(text)
        if value == 0:
            value = 0.0  # -0 reads as 0, as in state.js
    above = value > limit["lo"] if limit["lo_open"] else value >= limit["lo"]
    below = value < limit["hi"] if limit["hi_open"] else value <= limit["hi"]
    if not math.isfinite(value) or not above or not below:
        raise LinkError(f"{key} must be {limit['text']}, got {_shown(text)}")
    return value


def _read_name(key, text, known):
    if text not in known:
        raise LinkError(f"unknown {key} {_shown(text)}; expected one of: {', '.join(known)}")
    return text


def _parse_fields(text):
    if _js_length(text) > MAX_HASH_LENGTH:
        raise LinkError(f"the link is too long ({_js_length(text)} characters, at most {MAX_HASH_LENGTH})")
    fields = {}
    for index, part in enumerate(text.split("&")):
        if "=" not in part:
            raise LinkError(f'field {index + 1} ({_shown(part if SAFE_TEXT.fullmatch(part) else "?")}) has no "="')
        key, value = part.split("=", 1)
        if not SAFE_TEXT.fullmatch(key) or not SAFE_TEXT.fullmatch(value):
            raise LinkError(f"field {index + 1} contains a character other than letters, digits and _ . , + -")
        if key in fields:
            raise LinkError(f"the field {_shown(key)} appears twice")
        fields[key] = value
    return fields


class LinkFields:
    """The fields of a link (a whole URL, or its hash with or without '#'), read one at a time:
    `take` reads a field and marks it read, `unread` gives the others in the link's order, for the
    caller to read by pattern or refuse by name. LinkError if the link is not text or malformed."""

    def __init__(self, link):
        if not isinstance(link, str):
            raise LinkError("it is not text")
        text = link.split("#", 1)[1] if "#" in link else link
        self.fields = _parse_fields(text) if text else {}
        self.read = set()

    def __contains__(self, key):
        return key in self.fields

    def __bool__(self):
        return bool(self.fields)

    def __iter__(self):
        return iter(self.fields)

    def take(self, key):
        self.read.add(key)
        return self.fields[key]

    def unread(self):
        return [(key, value) for key, value in self.fields.items() if key not in self.read]


def _with_surface(state, name):
    state["surface"] = name
    state["surface_params"] = dict(make_surface(name).params)
    state["start"] = list(SURFACE_SETUP[name]["start"])


def _read_start(text, surface):
    setup = SURFACE_SETUP[surface]
    dim = len(setup["start"])
    parts = text.split(",")
    if len(parts) != dim:
        plural = "s separated by a comma" if dim > 1 else ""
        raise LinkError(f"start must be {dim} number{plural}, got {_shown(text)}")
    axes = ["x", "y"]
    out = []
    for i, part in enumerate(parts):
        lo, hi = setup["view"][axes[i]]
        out.append(_read_number(f"start {axes[i]}", part, _range(lo, hi, f"in [{lo}, {hi}] (the plotted view)")))
    return out


def read_state(link):
    """The state a link (a whole URL, or its hash with or without '#') stands for; LinkError if refused."""
    fields = LinkFields(link)
    state = default_state()
    if not fields:
        return state
    take = fields.take
    if "v" in fields and (version := take("v")) != FORMAT_VERSION:
        raise LinkError(f"unknown link version {_shown(version)}; expected {FORMAT_VERSION}")
    if "surface" in fields:
        _with_surface(state, _read_name("surface", take("surface"), SURFACE_NAMES))
    if "schedule" in fields:
        state["schedule"] = _read_name("schedule", take("schedule"), SCHEDULE_NAMES)
        state["schedule_params"] = dict(DEFAULT_SCHEDULE_PARAMS[state["schedule"]])
    if "opt" in fields:
        text_opt = take("opt")
        names = [] if text_opt == "" else [_read_name("optimizer", n, OPTIMIZER_NAMES) for n in text_opt.split(",")]
        if len(set(names)) != len(names):
            raise LinkError(f"opt lists an optimizer twice: {_shown(text_opt)}")
        state["enabled"] = [name for name in OPTIMIZER_NAMES if name in names]
    for key, value in fields.unread():
        head, dot, tail = key.partition(".")
        tail = tail if dot else None
        if tail is None and key == "batch":
            state["batch"] = _read_number(key, value, BATCH_LIMIT)
        elif tail is None and key == "seed":
            state["seed"] = _read_number(key, value, SEED_LIMIT)
        elif tail is None and key == "steps":
            state["steps"] = _read_number(key, value, STEPS_LIMIT)
        elif tail is None and key == "start":
            state["start"] = _read_start(value, state["surface"])
        elif head == "surface" and tail is not None:
            limits = SURFACE_PARAM_LIMITS[state["surface"]]
            if tail not in limits:
                raise LinkError(f"the surface {state['surface']} has no parameter {_shown(tail)}")
            state["surface_params"][tail] = float(_read_number(key, value, limits[tail]))
        elif head == "schedule" and tail is not None:
            limits = SCHEDULE_PARAM_LIMITS[state["schedule"]]
            if tail not in limits:
                raise LinkError(f"the schedule {state['schedule']} has no parameter {_shown(tail)}")
            state["schedule_params"][tail] = _read_number(key, value, limits[tail])
        elif head == "lr" and tail is not None and tail in OPTIMIZER_NAMES:
            state["settings"][tail]["lr"] = _read_number(key, value, LR_LIMIT)
        elif tail is not None and head in OPTIMIZER_NAMES:
            if tail not in DEFAULT_HYPER[head]:
                raise LinkError(f"the optimizer {head} has no hyperparameter {_shown(tail)}")
            state["settings"][head]["hyper"][tail] = _read_number(key, value, HYPER_LIMITS[tail])
        else:
            raise LinkError(f"unknown field {_shown(key)}")
    params = state["schedule_params"]
    if state["schedule"] == "warmup_cosine" and not params["total_steps"] > params["warmup_steps"]:
        raise LinkError("schedule.total_steps must exceed schedule.warmup_steps")
    return state


def decode_hash(link):
    """(state, error) as state.js's decode_hash: the defaults and a sentence when refused."""
    try:
        return read_state(link), None
    except LinkError as err:
        return default_state(), f"This link could not be read ({err}). The defaults are shown."


def noise_std(state):
    return 0.0 if state["batch"] >= FULL_BATCH else SURFACE_SETUP[state["surface"]]["sigma1"] / math.sqrt(state["batch"])


def noise_seed(state, optimizer):
    return state["seed"] * SEED_STRIDE + OPTIMIZER_NAMES.index(optimizer)


def surface_box(surface):
    if surface == "quartic":
        return make_surface("quartic").box
    view = SURFACE_SETUP[surface]["view"]
    return [[lo - (hi - lo) / 2, hi + (hi - lo) / 2] for lo, hi in (view["x"], view["y"])]


def playground_configs(state):
    return [
        {"optimizer": name, "config": {
            "surface": state["surface"],
            "surface_params": dict(state["surface_params"]),
            "optimizer": name,
            "hyper": dict(state["settings"][name]["hyper"]),
            "lr": state["settings"][name]["lr"],
            "schedule": state["schedule"],
            "schedule_params": dict(state["schedule_params"]),
            "noise_std": noise_std(state),
            "noise_seed": noise_seed(state, name),
            "start": list(state["start"]),
            "steps": state["steps"],
            "box": surface_box(state["surface"]),
        }}
        for name in state["enabled"]
    ]


def run_playground(state):
    runs = []
    for entry in playground_configs(state):
        try:
            runs.append({"optimizer": entry["optimizer"], "result": run(entry["config"]), "error": None})
        except ValueError as err:
            runs.append({"optimizer": entry["optimizer"], "result": None, "error": str(err)})
    return runs


def js_number(x) -> str:
    """``String(x)`` of JavaScript for a double (or an int): shortest round-trip digits, JS layout."""
    x = float(x)
    if x == 0:
        return "0"
    if x < 0:
        return "-" + js_number(-x)
    if math.isinf(x) or math.isnan(x):
        return "Infinity" if math.isinf(x) else "NaN"
    sign, digits, exponent = Decimal(repr(x)).as_tuple()
    d = "".join(map(str, digits)).rstrip("0")
    exponent += len(digits) - len(d)
    k = len(d)
    n = exponent + k  # x = 0.d * 10^n
    if k <= n <= 21:
        return d + "0" * (n - k)
    if 0 < n <= 21:
        return d[:n] + "." + d[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + d
    e = n - 1
    mantissa = d if k == 1 else d[0] + "." + d[1:]
    return f"{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


CSV_HEADER = ["optimizer", "step", "x", "y", "loss", "grad_norm", "lr", "status"]


def runs_csv(runs) -> str:
    lines = [",".join(CSV_HEADER)]
    for entry in runs:
        if entry["result"] is None:
            continue
        for row in entry["result"]["rows"]:
            y = js_number(row["theta"][1]) if len(row["theta"]) > 1 else ""
            lines.append(",".join([entry["optimizer"], str(row["step"]), js_number(row["theta"][0]), y,
                                   js_number(row["loss"]), js_number(row["grad_norm"]), js_number(row["lr"]), row["status"]]))
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="pygen replay",
        description="Rerun a link in Python and print (or write) its runs as CSV, the same bytes as the page's "
        "'Download CSV': a link of the optimizer playground (its trajectories) or of the live trainer, "
        "training.html (its losses and lambda1 per epoch, trained by pygen.core.trainer).",
        epilog="Exit status: 0 success, 2 the link could not be read (the message says why), "
        "1 the training data could not be read.",
    )
    parser.add_argument("link", help="the page's link (whole URL) or its hash, e.g. '#surface=saddle&opt=gd&steps=50' "
                        "(playground) or '#train=1&run1=gd&run2=adam&epochs=10' (live trainer)")
    parser.add_argument("--out", type=Path, help="write the CSV to this file instead of standard output")
    parser.add_argument("--summary", action="store_true", help="print one line per run (status, final loss) to stderr")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="folder holding training_set.arrow (training links; default: the repository's data/)")
    args = parser.parse_args(argv)
    from . import training_link

    if training_link.is_training_link(args.link):
        return _replay_training(args)
    try:
        state = read_state(args.link)
    except LinkError as err:
        print(f"pygen replay: this link could not be read ({err})", file=sys.stderr)
        return 2
    runs = run_playground(state)
    _write(args, runs_csv(runs))
    for entry in runs:
        if entry["error"] is not None:
            print(f"pygen replay: {entry['optimizer']}: refused by the core: {entry['error']}", file=sys.stderr)
        elif args.summary:
            last = entry["result"]["rows"][-1]
            print(f"{entry['optimizer']}: {entry['result']['message']}, final loss {js_number(last['loss'])}", file=sys.stderr)
    return 0


def _write(args, text):
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _replay_training(args) -> int:
    from . import arrow_io, training_link
    from .cli import DEFAULT_DATA_DIR

    try:
        state = training_link.read_training_state(args.link)
    except LinkError as err:
        print(f"pygen replay: this training link could not be read ({err})", file=sys.stderr)
        return 2
    data_dir = args.data_dir or DEFAULT_DATA_DIR
    try:
        runs = training_link.train_runs(state, data_dir)
    except (arrow_io.DataFileError, OSError, KeyError, ValueError) as err:
        print(f"pygen replay: the training data in {data_dir} could not be read ({err}); "
              "regenerate it with `python3 -m pygen --only training_set`", file=sys.stderr)
        return 1
    _write(args, training_link.training_csv(runs))
    if args.summary:
        for i, entry in enumerate(runs):
            last = next(row for row in reversed(entry["rows"]) if row["train_loss"] is not None)
            print(f"run {i + 1} ({entry['optimizer']}): {entry['message']}; last finite losses at epoch {last['epoch']}: "
                  f"train {js_number(last['train_loss'])}, test {js_number(last['test_loss'])}", file=sys.stderr)
    return 0
