"""Lint: ruff over the Python (configured in pyproject.toml) and ESLint over the project's own
JavaScript (eslint.config.js), each failing on any finding. ESLint is a devDependency pinned in
package-lock.json; where `npm ci` has not installed it (node_modules/.bin/eslint missing) that
half is skipped with the reason printed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def ruff_command() -> list[str] | None:
    if shutil.which("ruff"):
        return [shutil.which("ruff")]
    probe = subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True, text=True)
    return [sys.executable, "-m", "ruff"] if probe.returncode == 0 else None


def test_ruff_finds_nothing():
    ruff = ruff_command()
    if ruff is None:
        pytest.skip("ruff is not installed (pip install ruff)")
    done = subprocess.run([*ruff, "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_eslint_finds_nothing():
    eslint = ROOT / "node_modules" / ".bin" / "eslint"
    if not eslint.exists() or shutil.which("node") is None:
        reason = "eslint is not installed (npm ci installs it from package-lock.json)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI runs scripts/setup.sh, which must have installed it")
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    done = subprocess.run([str(eslint), "--max-warnings", "0", "."], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
