"""Lint: ruff over the Python (configured in pyproject.toml), ESLint over the project's own
JavaScript (eslint.config.js) and Prettier's formatting check (.prettierrc.json), each failing on
any finding. ESLint and Prettier are devDependencies pinned in package-lock.json; where `npm ci`
has not installed them (node_modules/.bin/<tool> missing) those tests are skipped with the reason
printed."""

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


def node_tool(name: str) -> Path:
    """node_modules/.bin/<name>, installed by `npm ci` from package-lock.json; skipped with the reason
    printed where it is missing, a failure in CI (setup must have installed it)."""
    tool = ROOT / "node_modules" / ".bin" / name
    if not tool.exists() or shutil.which("node") is None:
        reason = f"{name} is not installed (npm ci installs it from package-lock.json)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: CI runs scripts/setup.sh, which must have installed it")
        print(f"SKIPPED: {reason}")
        pytest.skip(reason)
    return tool


def test_eslint_finds_nothing():
    done = subprocess.run([str(node_tool("eslint")), "--max-warnings", "0", "."], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_prettier_finds_nothing_to_reformat():
    """The project's JavaScript is as Prettier (.prettierrc.json) writes it: `npm run format:check`
    runs the same check, `npm run format` rewrites the files."""
    import json

    script = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))["scripts"]["format:check"]
    patterns = script.split("--check", 1)[1].split()
    assert '"slides/js/**/*.js"' in patterns and '"tests/harness/js/*.js"' in patterns
    done = subprocess.run([str(node_tool("prettier")), "--check", *(p.strip('"') for p in patterns)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
