"""The GitHub Pages workflow. It cannot run here (no GitHub, no Quarto), so its shape is checked:
it parses, it does the steps issue 6 asks for in a sensible order, and every action is pinned."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@(v\d+\.\d+\.\d+|[0-9a-f]{40})$")


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text())


def all_steps(workflow):
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def step_index(steps, predicate, what):
    for i, step in enumerate(steps):
        if predicate(step):
            return i
    pytest.fail(f"the workflow has no step that {what}")


def runs(fragment):
    return lambda step: fragment in step.get("run", "")


def uses(action):
    return lambda step: step.get("uses", "").split("@")[0] == action


def test_triggers_on_push_to_main(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as True
    assert triggers["push"]["branches"] == ["main"]


def test_every_step_is_named(workflow):
    for step in all_steps(workflow):
        assert step.get("name"), f"unnamed step {step}"


def test_every_action_is_pinned_to_a_release_or_commit(workflow):
    actions = [step["uses"] for step in all_steps(workflow) if "uses" in step]
    assert actions
    for action in actions:
        assert PINNED.match(action), f"{action} is not pinned to an exact version tag (vX.Y.Z) or a commit SHA"


def test_build_job_does_the_delivery_steps_in_order(workflow):
    steps = workflow["jobs"]["build"]["steps"]
    order = [
        step_index(steps, uses("actions/checkout"), "checks out the repository"),
        step_index(steps, uses("actions/setup-python"), "sets up Python"),
        step_index(steps, uses("actions/setup-node"), "sets up Node"),
        step_index(steps, uses("quarto-dev/quarto-actions/setup"), "sets up Quarto"),
        step_index(steps, runs("ln -s"), "provides /usr/bin/chromium, which setup.sh and the browser tests need"),
        step_index(steps, runs("bash scripts/setup.sh"), "installs the project like README.md says"),
        step_index(steps, runs("python -m pygen --check"), "checks data/ against pygen"),
        step_index(steps, runs("python -m pytest"), "runs the tests"),
        step_index(steps, runs("quarto render"), "renders the site"),
        step_index(steps, runs("scripts/print_pdf.py"), "prints the PDF handout"),
        step_index(steps, uses("actions/upload-pages-artifact"), "uploads _site for Pages"),
    ]
    assert order == sorted(order), "steps out of order"
    upload = steps[order[-1]]
    assert upload["with"]["path"] == "_site"
    quarto = steps[order[3]]
    assert quarto["uses"].startswith("quarto-dev/quarto-actions/setup@")
    major, minor = (int(x) for x in str(quarto["with"]["version"]).split(".")[:2])
    assert (major, minor) >= (1, 7), "the offline patterns were verified with Quarto 1.7"


def test_deploy_job_publishes_to_pages(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    step_index(deploy["steps"], uses("actions/deploy-pages"), "deploys to GitHub Pages")
    assert workflow["permissions"] == {"contents": "read"}, "the default token stays read-only"


def test_install_script_exists():
    """The workflow installs the project with the README's own command."""
    if not (ROOT / "scripts" / "setup.sh").is_file():
        pytest.fail("scripts/setup.sh (the install command the workflow and README.md use) is missing")


def test_pdf_step_matches_the_script_interface(workflow):
    """The PDF step's flags must be ones scripts/print_pdf.py accepts."""
    import subprocess
    import sys

    step = next(s for s in workflow["jobs"]["build"]["steps"] if "print_pdf.py" in s.get("run", ""))
    command = step["run"].split()
    script = command.index("scripts/print_pdf.py")
    args = command[script + 1:]
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "print_pdf.py"), "--dry-run", *args],
                          cwd=ROOT, capture_output=True, text=True)
    assert "unrecognized arguments" not in done.stderr and "invalid choice" not in done.stderr, done.stderr


def test_readme_starts_with_the_two_commands_ci_runs():
    """README's first code block is the install command and the test command, and .ci/run runs
    exactly those two (so CI proves what a new user is told)."""
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.split("#")[0].strip()]
    assert commands == ["bash scripts/setup.sh", "bash scripts/test.sh"], commands
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()
          if line.strip() and not line.startswith("#") and not line.startswith(("set ", "cd "))]
    assert ci == commands, ci
