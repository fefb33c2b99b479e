"""The live trainer's link reproduces the page's runs in Python, bit for bit.

The page's modules (slides/js/training/link.js, csv.js, and the trainer twin slides/js/core/trainer.js)
run in Node through tests/js/training_link_worker.mjs; `python3 -m pygen replay` (pygen/replay.py,
pygen/training_link.py) reads the same links. No render or browser is needed
(tests/test_training_page.py checks the page and the slide).
"""

import base64
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from node_core import NodeCore
from pygen import training_link
from pygen.core.optimizers import OPTIMIZER_NAMES

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "js" / "training_link_worker.mjs"
DATA = ROOT / "data"

LINKS = [
    "",  # the defaults: the lecture's SGD against Adam
    "#train=1",
    "http://127.0.0.1:8000/training.html#train=1&rows=3199&epochs=40&sharpness=2&run1=gd&run1.lr=0.01&run1.batch=64"
    "&run1.schedule=constant&run1.seed=0&run2=adam&run2.lr=0.001&run2.beta1=0.9&run2.beta2=0.999&run2.eps=1e-8"
    "&run2.batch=64&run2.schedule=constant&run2.seed=0",
    "#train=1&rows=200&epochs=3&sharpness=1&run1=momentum&run1.alpha=0.95&run1.batch=200&run1.schedule=cosine"
    "&run2=adamw&run2.weight_decay=0.2&run2.batch=1&run2.schedule=warmup_cosine&run2.seed=17",
    "#train=1&rows=64&epochs=5&sharpness=0&run1=nesterov&run1.lr=5&run2=adagrad&run2.schedule=step&run3=rmsprop"
    "&run3.gamma=0.5&run4=amsgrad&run4.eps=1e-3&run4.seed=999999",
    "#rows=8&epochs=1&run1=gd&run1.batch=3&run1.lr=0.30000000000000004",
    "#train=1&epochs=2&run1=adam&run1.lr=1e-7",
]

HOSTILE = [
    "#train=2", "#train=1&__proto__=1", "#run1=__proto__", "#run1=gd&run1.__proto__=1", "#run1=gd&run1.constructor=1",
    "#run1=sgd", "#run0=gd", "#run2=gd", "#run01=gd", "#run1=gd&run3=adam", "#run1=gd&run2=gd&run3=gd&run4=gd&run5=gd",
    "#run1=gd&run1.lr=0", "#run1=gd&run1.lr=-1", "#run1=gd&run1.lr=11", "#run1=gd&run1.lr=NaN", "#run1=gd&run1.lr=1e999",
    "#run1=gd&run1.lr=0x10", "#run1=gd&run1.lr=", "#run1=gd&run1.batch=0", "#run1=gd&run1.batch=3200",
    "#rows=100&run1=gd&run1.batch=101", "#run1=gd&run1.batch=1.5", "#run1=gd&run1.seed=1000000", "#run1=gd&run1.seed=-1",
    "#run1=gd&run1.schedule=exponential", "#run1=gd&run1.schedule=__proto__", "#run1=gd&run1.beta1=0.9",
    "#run1=adam&run1.beta1=1", "#run1=adam&run1.eps=0", "#rows=7", "#rows=3200", "#epochs=0", "#epochs=1001",
    "#epochs=1e2", "#sharpness=101", "#sharpness=-1", "#epochs=5&epochs=6", "#extra=1",
    "#run3.lr=0.1", "#epochs", "#epochs=10&", "#a=<script>", "#epochs=%31", "#run1=gd&run1.lr=0.1%00",
    "#" + "epochs=10&" * 300, "#run1=gd&run1.lr=" + "1" * 40, "#epochs=٣", "#rows=010",
    "#run99999999999999999999=gd",
]


@pytest.fixture(scope="module")
def worker():
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH: the training link test needs Node.js >= 18")
    core = NodeCore(WORKER)
    yield core.call
    core.close()


def js_hash(link):
    return "#" + link.split("#", 1)[1] if "#" in link else link


@pytest.mark.parametrize("link", LINKS)
def test_links_decode_to_the_same_configs_in_both_twins(worker, link):
    js = worker("decode", hash=js_hash(link))
    state, error = training_link.decode_training_hash(link)
    assert js["error"] is None and error is None
    assert js["hash"] == training_link.encode_training_hash(state)
    assert js["configs"] == training_link.training_configs(state)
    # the link round-trips: the encoded state reads back as itself
    assert training_link.read_training_state(js["hash"]) == state


@pytest.mark.parametrize("link", HOSTILE)
def test_hostile_links_are_refused_with_the_same_message_in_both(worker, link):
    js = worker("decode", hash=link)
    state, error = training_link.decode_training_hash(link)
    assert error is not None and error.startswith("This link could not be read (") and error.endswith("The defaults are shown.")
    assert js["error"] == error
    assert state == training_link.default_training_state()
    assert js["hash"] == training_link.encode_training_hash(state)


def test_replay_refuses_a_hostile_training_link_in_words(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pygen", "replay", "#train=1&run1=gd&run1.lr=NaN"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert 'this training link could not be read (run1.lr must be a number, got "NaN")' in done.stderr


def test_replay_tells_training_links_from_playground_links():
    assert training_link.is_training_link("http://host/site/training.html#train=1&run1=gd")
    assert training_link.is_training_link("http://host/site/training.html")
    assert training_link.is_training_link("#train=1&epochs=3")
    assert training_link.is_training_link("train=1")
    for link in ["", "#surface=saddle&opt=gd", "http://host/playground.html#v=1&surface=saddle", "#steps=10&train=1"]:
        assert not training_link.is_training_link(link), link


def f64(value):
    return {"bits": base64.b64encode(struct.pack("<d", value)).decode()}


def test_csv_bytes_are_the_same_in_both_twins(worker):
    """Awkward doubles (shortest round-trip digits, exponents, -0, 5e-324) written alike."""
    values = [0.1 + 0.2, 1e21, 1e-7, 123456789012345680000.0, -0.0, 5e-324, 2.5, 1 / 3, 1.7976931348623157e308, 100.0]
    rows = [{"epoch": i, "step": 50 * i, "lr": v, "train_loss": v * 3, "test_loss": -v, "lambda1": None if i % 2 else v,
             "status": "ok"} for i, v in enumerate(values)]
    # a diverged run's last row: no losses
    rows.append({"epoch": 10, "step": 501, "lr": 0.5, "train_loss": None, "test_loss": None, "lambda1": None, "status": "diverged"})
    runs = [{"optimizer": "gd", "rows": rows}, {"optimizer": "adam", "rows": rows[:3]}]
    js_runs = [{"optimizer": r["optimizer"], "rows": [{k: (f64(v) if isinstance(v, float) else v) for k, v in row.items()}
                                                      for row in r["rows"]]} for r in runs]
    text = worker("csv", runs=js_runs)
    assert text == training_link.training_csv(runs)
    lines = text.splitlines()
    assert lines[0] == "run,optimizer,epoch,step,lr,train_loss,test_loss,lambda1,status"
    assert lines[1] == "1,gd,0,0,0.30000000000000004,0.9000000000000001,-0.30000000000000004,0.30000000000000004,ok"
    assert lines[2].endswith(",,ok") and len(lines) == 1 + len(values) + 1 + 3
    assert lines[len(values) + 1] == "1,gd,10,501,0.5,,,,diverged"


def test_links_cover_every_optimizer_and_schedule():
    seen, schedules = set(), set()
    for link in LINKS:
        state, _ = training_link.decode_training_hash(link)
        seen.update(run["optimizer"] for run in state["runs"])
        schedules.update(run["schedule"] for run in state["runs"])
    assert seen == set(OPTIMIZER_NAMES) and schedules == set(training_link.TRAINING_SCHEDULES)


# Whole runs, JS (Node, the browser's trainer through the link, one epoch at a time as the worker
# trains) against `pygen replay` (Python): the CSV bytes, hence every loss and lambda1, bit for bit.
REPLAYED = [
    "#train=1&rows=300&epochs=3&sharpness=1&run1=gd&run1.lr=0.05&run1.batch=32&run2=adam&run2.batch=300"
    "&run2.schedule=cosine&run2.seed=5",
    "#train=1&rows=128&epochs=4&sharpness=2&run1=momentum&run1.batch=7&run1.schedule=warmup_cosine"
    "&run2=rmsprop&run2.lr=0.01&run2.schedule=step&run3=nesterov&run3.lr=0.2&run3.batch=128&run4=amsgrad&run4.batch=1",
    "#train=1&rows=64&epochs=4&sharpness=2&run1=momentum&run1.lr=10&run1.batch=4&run2=adamw&run2.lr=1&run2.batch=8"
    "&run3=adagrad&run3.lr=0.5&run4=gd&run4.lr=10&run4.batch=1",  # runs 1 and 4 diverge; the others go on
]


@pytest.mark.parametrize("link", REPLAYED)
def test_pygen_replay_retrains_the_browsers_runs_bit_for_bit(worker, link, tmp_path):
    js = worker("replay", hash=link, data=str(DATA / "training_set.arrow"))
    assert js["error"] is None
    out = tmp_path / "replay.csv"
    done = subprocess.run([sys.executable, "-m", "pygen", "replay", link, "--out", str(out), "--summary"],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == js["csv"].encode("utf-8")
    lines = js["csv"].splitlines()
    state = training_link.read_training_state(link)
    assert len({line.split(",")[0] for line in lines[1:]}) == len(state["runs"])
    assert "NaN" not in js["csv"] and "Infinity" not in js["csv"]


def test_the_replayed_links_include_a_divergence():
    statuses = []
    for link in REPLAYED:
        runs = training_link.train_runs(training_link.read_training_state(link), DATA)
        statuses += [run["status"] for run in runs]
    assert statuses.count("diverged") == 2 and statuses.count("completed") == 8


def test_replay_without_the_training_data_says_so(tmp_path):
    done = subprocess.run([sys.executable, "-m", "pygen", "replay", "#train=1&epochs=1", "--data-dir", str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "the training data in" in done.stderr and "could not be read" in done.stderr
