"""A client for tests/js/core_worker.mjs: the JavaScript core, driven from pytest."""

import base64
import json
import shutil
import subprocess
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
WORKER = ROOT / "tests" / "js" / "core_worker.mjs"


class JSError(Exception):
    """The JavaScript core refused a request (the message is the JS Error's)."""


class NodeCore:
    def __init__(self, worker: Path = WORKER):
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is not on PATH; the JS/Python parity tests need Node.js >= 18")
        self.process = subprocess.Popen(
            [node, str(worker)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1, cwd=ROOT
        )
        self.requests = 0

    def call(self, op, **payload):
        self.send(op, **payload)
        return self.receive()

    # send and receive apart let the caller work while Node computes (the parity tests run the
    # Python twin meanwhile: the two processes use both cores). Every send needs its receive.
    def send(self, op, **payload):
        self.process.stdin.write(json.dumps({"op": op, **payload}, allow_nan=False) + "\n")
        self.process.stdin.flush()

    def receive(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the Node core worker exited (code {self.process.poll()})")
        self.requests += 1
        reply = json.loads(line)
        if "error" in reply:
            raise JSError(reply["error"])
        return reply["ok"]

    def close(self):
        self.process.stdin.close()
        self.process.wait(timeout=10)
        self.process.stdout.close()


def decode_numbers(encoded):
    """float64 values sent as raw little-endian bytes, viewed as uint64 bit patterns."""
    return np.frombuffer(base64.b64decode(encoded), dtype="<f8")


def bits(values):
    return np.asarray(values, dtype="<f8").view("<u8")


def python_numbers(result):
    """The numbers of a Python run in the order core_worker.mjs encodes a JS run."""
    numbers = []
    for row in result["rows"]:
        numbers.extend([float(row["step"]), *row["theta"], row["loss"], row["grad_norm"], row["lr"]])
    return np.array(numbers, dtype="<f8")
