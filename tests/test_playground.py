"""The playground's link reproduces the page's runs in Python, bit for bit.

The page's modules (slides/js/playground/state.js, csv.js) run in Node through
tests/js/playground_worker.mjs; `python3 -m pygen replay` (pygen/replay.py) reads the same links.
No render or browser is needed (tests/test_playground_page.py checks the page itself).
"""

import base64
import json
import math
import os
import random
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from node_core import NodeCore, bits, decode_numbers, python_numbers
from pygen import replay
from pygen.core.optimizers import OPTIMIZER_NAMES

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "js" / "playground_worker.mjs"
ALL = ",".join(OPTIMIZER_NAMES)

LINKS = [
    "",  # the defaults
    f"#v=1&opt={ALL}&steps=1000&batch=16&seed=42",  # every optimizer, 1,000 noisy steps
    "#surface=saddle&opt=gd,momentum,adam&schedule=warmup_cosine&schedule.warmup_steps=20"
    "&schedule.total_steps=200&schedule.min_lr=0.001&lr.gd=0.05&lr.momentum=0.02&lr.adam=0.1&batch=1&seed=7&steps=400",
    "#surface=quartic&opt=gd,nesterov,rmsprop,amsgrad&lr.gd=0.05&lr.nesterov=0.02&schedule=exponential"
    "&schedule.gamma=0.99&batch=7&seed=3&steps=500&start=1.9",
    "#surface=quadratic&surface.lambda1=-1&surface.lambda2=10&surface.angle_deg=30&opt=adagrad,adamw,amsgrad"
    "&adamw.weight_decay=0.2&adamw.eps=1e-3&schedule=cosine&schedule.total_steps=150&batch=100&seed=999999&steps=300",
    "#surface=elongated_bowl&surface.a=100&opt=gd,momentum,rmsprop&lr.gd=0.5&schedule=step&schedule.step_size=25"
    "&schedule.factor=0.5&batch=1023&steps=200",  # GD diverges, the others keep running
    "http://127.0.0.1:8000/playground.html#surface=skewed_bowl&opt=nesterov,adam&nesterov.alpha=0.95"
    "&start=0.1234567890123456,-0.30000000000000004&batch=2&seed=0&steps=1000",
    "#opt=&steps=10",  # no optimizer at all
]

HOSTILE = [
    "#__proto__=1", "#surface=__proto__", "#surface.__proto__=1", "#gd.__proto__=1", "#constructor.x=1",
    "#lr.__proto__=1", "#opt=gd,toString", "#surface=moon", "#opt=gd,sgd", "#schedule=linear",
    "#steps=1e9", "#steps=1001", "#steps=0", "#steps=-3", "#steps=1.5", "#lr.gd=1e308", "#lr.gd=1e999",
    "#lr.gd=NaN", "#lr.gd=Infinity", "#lr.gd=-0.1", "#lr.gd=0x10", "#lr.gd=", "#lr.gd=.5", "#lr.gd=1..2",
    "#adam.beta1=1", "#adam.eps=0", "#batch=0", "#batch=1025", "#seed=1000000", "#seed=-1",
    "#start=99,99", "#start=1", "#start=1,2,3", "#surface=quartic&start=1,1", "#extra=1", "#steps=10&steps=20",
    "#opt=gd,gd", "#v=2", "#steps", "#steps=10&", "#a=<script>", "#start=%31,2", "#lr.gd=0.1%00",
    "#schedule=warmup_cosine&schedule.warmup_steps=100&schedule.total_steps=100",
    "#schedule.step_size=3", "#surface=saddle&surface.a=1", "#" + "steps=10&" * 300 + "seed=1",
    "#lr.gd=" + "1" * 40, "#surface=rosenbrock&surface.b=1001", "#opt=adam&adam.weight_decay=0.1", "#lr.sgd=1",
    "#gd=1", "#surface.=1", "#steps=010", "#batch=٣",
]


@pytest.fixture(scope="module")
def worker():
    if shutil.which("node") is None:
        pytest.skip("node is not on PATH: the playground parity test needs Node.js >= 18")
    core = NodeCore(WORKER)
    yield core.call
    core.close()


def js_hash(link):
    """What the page's decode_hash is given: location.hash of the link."""
    return "#" + link.split("#", 1)[1] if "#" in link else link


@pytest.mark.parametrize("link", LINKS)
def test_replay_is_bit_identical_to_the_page(worker, link):
    js = worker("replay", hash=js_hash(link))
    assert js["error"] is None
    state, error = replay.decode_hash(link)
    assert error is None
    py = replay.run_playground(state)
    assert [r["optimizer"] for r in js["runs"]] == [r["optimizer"] for r in py] == state["enabled"]
    for js_run, py_run in zip(js["runs"], py):
        assert js_run["error"] is None and py_run["error"] is None
        assert (js_run["status"], js_run["message"]) == (py_run["result"]["status"], py_run["result"]["message"])
        js_numbers, py_numbers = decode_numbers(js_run["numbers"]), python_numbers(py_run["result"])
        assert js_numbers.shape == py_numbers.shape, (link, py_run["optimizer"])
        assert (bits(js_numbers) == bits(py_numbers)).all(), (link, py_run["optimizer"])
    assert js["csv"] == replay.runs_csv(py)


def test_links_cover_noise_divergence_and_every_optimizer():
    enabled, noisy, diverged = set(), 0, 0
    for link in LINKS:
        state, _ = replay.decode_hash(link)
        enabled.update(state["enabled"])
        noisy += replay.noise_std(state) > 0
        diverged += any(r["result"]["status"] == "diverged" for r in replay.run_playground(state))
    assert enabled == set(OPTIMIZER_NAMES) and noisy >= 5 and diverged >= 1


def test_cli_prints_the_pages_csv(worker, tmp_path):
    link = LINKS[2]
    out = tmp_path / "run.csv"
    assert replay.main([link, "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == worker("replay", hash=js_hash(link))["csv"]
    done = subprocess.run([sys.executable, "-m", "pygen", "replay", link], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr
    assert done.stdout == out.read_text(encoding="utf-8")
    header, first = done.stdout.splitlines()[:2]
    assert header == "optimizer,step,x,y,loss,grad_norm,lr,status" and first.startswith("gd,0,-2.5,0.01,")


@pytest.mark.parametrize("link", HOSTILE)
def test_hostile_links_fall_back_to_the_defaults_with_the_same_message(worker, link):
    js = worker("decode", hash=link)
    state, error = replay.decode_hash(link)
    assert js["error"] is not None and js["error"] == error
    assert error.startswith("This link could not be read (") and error.endswith("). The defaults are shown.")
    defaults = worker("decode", hash="")
    assert js["hash"] == defaults["hash"] and state == replay.default_state()
    with pytest.raises(replay.LinkError):
        replay.read_state(link)


def test_cli_refuses_a_hostile_link(capsys):
    assert replay.main(["#surface=__proto__"]) == 2
    assert 'unknown surface "__proto__"' in capsys.readouterr().err


@pytest.mark.parametrize("link", LINKS)
def test_links_round_trip(worker, link):
    first = worker("decode", hash=js_hash(link))
    again = worker("decode", hash="#" + first["hash"])
    assert again["error"] is None and again["hash"] == first["hash"]
    state, error = replay.decode_hash(first["hash"])
    assert error is None
    assert json.loads(json.dumps(replay.playground_configs(state))) == first["configs"]


def test_numbers_in_the_link_round_trip_exactly(worker):
    rng = random.Random(12)
    values = [0.1, 0.2 + 0.1, 1 / 3, 2 / 3, 1e-7, 1.5e-7, 1e-6, 123456789012345680000.0, 1e21, 1e-300, 5e-324,
              1.7976931348623157e308, -2.5, 0.0, 1e16, 12345.678, 2.0 ** -30]
    values += [struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0] for _ in range(3000)]
    values += [rng.uniform(-5, 5) for _ in range(2000)] + [10 ** rng.uniform(-12, 3) for _ in range(2000)]
    values = [v for v in values if math.isfinite(v)]
    strings = worker("strings", numbers=base64.b64encode(np.array(values, dtype="<f8").tobytes()).decode())
    assert strings == [replay.js_number(v) for v in values]
    for text, value in zip(strings, values):
        assert float(text) == value or (value == 0 and text == "0")
    # a start with 17 significant digits survives the link in both languages
    for x in (0.1234567890123456, -0.30000000000000004, 1.9999999999999998):
        first = worker("decode", hash=f"#start={x!r},0.5")
        assert first["configs"][0]["config"]["start"][0] == x
        assert replay.read_state("#" + first["hash"])["start"][0] == x


def test_noise_definition():
    state = replay.default_state()
    assert replay.noise_std(state) == 0.0  # B = FULL_BATCH: the full gradient
    for batch in (1, 4, 16, 1023):
        state["batch"] = batch
        assert replay.noise_std(state) == 40 / math.sqrt(batch)  # sigma_1 / sqrt(B) on the Rosenbrock
    assert [replay.noise_seed(state, n) for n in OPTIMIZER_NAMES] == [8 + i for i in range(8)]
