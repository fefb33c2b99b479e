"""`quarto render` as the tests use it: the real Quarto, a project folder, its `_site/`.

The browser checks run on what Quarto produced, never on an imitation of it. A render that exits
non-zero or prints an ERROR or WARN line is a failure with Quarto's own words."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# Quarto prints "ERROR: ...", "WARN: ..." / "WARNING: ..." (sometimes coloured) for problems.
ANSI = re.compile(r"\x1b\[[0-9;]*m")
PROBLEM = re.compile(r"^\s*(ERROR|WARN(ING)?)\b", re.IGNORECASE)
NOT_COPIED = shutil.ignore_patterns("node_modules", ".git", "_site", ".quarto", "__pycache__", ".pytest_cache")


class QuartoMissing(RuntimeError):
    pass


@dataclass
class Render:
    project: Path
    site: Path
    returncode: int
    output: str  # stdout + stderr, colours removed
    seconds: float

    @property
    def problems(self) -> list[str]:
        return [line.strip() for line in self.output.splitlines() if PROBLEM.match(line)]

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.problems

    def save(self, path: Path) -> None:
        Path(path).write_text(json.dumps({"project": str(self.project), "site": str(self.site), "returncode": self.returncode,
                                          "output": self.output, "seconds": self.seconds}), encoding="utf-8")

    @classmethod
    def load(cls, path: str) -> "Render":
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(Path(data["project"]), Path(data["site"]), data["returncode"], data["output"], data["seconds"])

    def describe(self) -> str:
        head = f"quarto render in {self.project} exited {self.returncode} after {self.seconds:.0f} s"
        problems = self.problems or self.output.strip().splitlines()[-15:]
        return head + "".join(f"\n  {line}" for line in problems)


def quarto() -> str:
    path = shutil.which("quarto")
    if path is None:
        raise QuartoMissing("quarto is not on PATH: run `bash scripts/setup.sh` (it installs Quarto)")
    return path


def render(project: Path, *args: str, timeout: float = 900) -> Render:
    """`quarto render [args]` in `project`; the site is the project's `_site/`."""
    start = time.perf_counter()
    done = subprocess.run([quarto(), "render", *args], cwd=project, capture_output=True, text=True,
                          timeout=timeout, check=False, env={**os.environ, "QUARTO_LOG_LEVEL": "INFO"})
    output = ANSI.sub("", done.stdout + "\n" + done.stderr)
    return Render(Path(project), Path(project) / "_site", done.returncode, output, time.perf_counter() - start)


def copy_project(source: Path, target: Path) -> Path:
    """A copy of a project with its symbolic links replaced by what they point to (the test
    fixtures link to the real slides/js, vendor/ ...; Quarto would copy the links themselves)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(source, target, symlinks=False, ignore=NOT_COPIED)
    # node_modules/ is not copied but linked: rendering runs the katex package
    # (filters/katex_prerender.lua renders the math at build time).
    modules = Path(source) / "node_modules"
    if modules.is_dir():
        (target / "node_modules").symlink_to(modules.resolve(), target_is_directory=True)
    return target


def site_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
