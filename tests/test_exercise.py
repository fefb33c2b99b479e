"""The Unit 6 exercise: the solution notebook runs end to end and its trajectories are the
lecture's own (pygen's reference runner), bit for bit; the starter runs up to its first TODO.

The notebooks are executed in a real Jupyter kernel (nbclient). A probe cell appended to the
executed notebook calls the notebook's own functions and prints the paths as float.hex strings,
so the comparison below is exact, not approximate.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

from pygen.core.runner import run  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXERCISES = ROOT / "exercises"
STARTER = EXERCISES / "unit6_optimizers.ipynb"
SOLUTION = EXERCISES / "unit6_optimizers_solution.ipynb"
START = [-8.0, -4.0]

# (case id, notebook function, keyword hyperparameters, pygen optimizer, kappa, lr, steps, schedule, start)
CASES = [
    ("gd_k10", "gradient_descent", {}, "gd", 10, 0.1, 40, "constant", START),
    ("gd_k10_edge", "gradient_descent", {}, "gd", 10, 0.19, 40, "constant", START),
    ("gd_k1", "gradient_descent", {}, "gd", 1, 1.8, 30, "constant", [5.0, 2.5]),
    ("momentum_k15", "momentum", {"alpha": 0.9}, "momentum", 15, 0.05, 40, "constant", START),
    ("momentum_k10_a05", "momentum", {"alpha": 0.5}, "momentum", 10, 0.1, 50, "constant", [3.0, -3.0]),
    ("adam_k10", "adam", {}, "adam", 10, 0.5, 50, "constant", START),
    ("adam_k50_custom", "adam", {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}, "adam", 50, 0.1, 60, "constant", START),
    ("gd_cosine", "gradient_descent", {}, "gd", 10, 0.18, 100, "cosine", START),
    ("momentum_cosine", "momentum", {"alpha": 0.9}, "momentum", 15, 0.05, 40, "cosine", START),
    ("adam_cosine", "adam", {}, "adam", 10, 0.5, 100, "cosine", START),
    # lr above 2 / kappa: pygen stops when the path leaves its box, the notebook runs on.
    ("gd_diverging", "gradient_descent", {}, "gd", 10, 0.25, 80, "constant", START),
]


def reference(case, surface):
    _, _, hyper, optimizer, kappa, lr, steps, schedule, start = case
    surface_params = {"a": float(kappa)} if surface == "elongated_bowl" else \
        {"lambda1": 1.0, "lambda2": float(kappa), "angle_deg": 0.0}
    return run({
        "surface": surface, "surface_params": surface_params,
        "optimizer": optimizer, "hyper": hyper, "lr": lr,
        "schedule": schedule, "schedule_params": {"total_steps": steps} if schedule == "cosine" else {},
        "start": list(start), "steps": steps,
    })


def probe_source(reference_lrs: dict[str, list[float]]) -> str:
    """A cell that runs every case with the notebook's functions and prints hex floats.
    For cosine cases it also runs the notebook's optimizer on pygen's own learning rates."""
    cases = [[case_id, function, hyper, kappa, lr, steps, schedule, start]
             for case_id, function, hyper, _, kappa, lr, steps, schedule, start in CASES]
    return f"""
import json as _json
_out = {{}}
_reference_lrs = {{k: [float.fromhex(x) for x in v] for k, v in {json.dumps(
        {k: [x.hex() for x in v] for k, v in reference_lrs.items()})}.items()}}
for _id, _function, _hyper, _kappa, _lr, _steps, _schedule, _start in {json.dumps(cases)}:
    _f, _grad = make_quadratic(_kappa)
    _optimizer = globals()[_function]
    _rate = cosine_schedule(_lr, _steps) if _schedule == "cosine" else _lr
    with np.errstate(over="ignore", invalid="ignore"):
        _path = _optimizer(_grad, np.array(_start), _rate, _steps, **_hyper)
        _losses = [_f(_theta) for _theta in _path]
    _result = {{"path": [[float(x).hex() for x in _theta] for _theta in _path],
               "loss": [float(x).hex() for x in _losses]}}
    if _schedule == "cosine":
        _result["lrs"] = [float(_rate(_t)).hex() for _t in range(_steps + 1)]
        _given = _reference_lrs[_id]
        _result["path_reference_lrs"] = [[float(x).hex() for x in _theta]
                                         for _theta in _optimizer(_grad, np.array(_start), lambda t: _given[t], _steps, **_hyper)]
    _out[_id] = _result
print(_json.dumps(_out))
"""


def execute(path: Path, extra_cells=(), allow_errors=False):
    notebook = nbformat.read(path, as_version=4)
    for source in extra_cells:
        notebook.cells.append(nbformat.v4.new_code_cell(source))
    client = nbclient.NotebookClient(
        notebook, timeout=180, kernel_name="python3", allow_errors=allow_errors,
        resources={"metadata": {"path": str(path.parent)}},
    )
    previous = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = "Agg"  # the kernel inherits it: no figures to render
    try:
        client.execute()
    finally:
        if previous is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = previous
    return notebook


def cell_errors(cell):
    return [o for o in cell.get("outputs", []) if o.output_type == "error"]


def stdout(cell):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream" and o.name == "stdout")


@pytest.fixture(scope="module")
def references():
    return {surface: {case[0]: reference(case, surface) for case in CASES}
            for surface in ("elongated_bowl", "quadratic")}


@pytest.fixture(scope="module")
def solution_results(references):
    lrs = {case[0]: [row["lr"] for row in references["elongated_bowl"][case[0]]["rows"]]
           for case in CASES if case[7] == "cosine"}
    # pygen's rows stop at the last update; the probe needs steps + 1 rates (the last is unused).
    for case in CASES:
        if case[0] in lrs:
            assert len(lrs[case[0]]) == case[6] + 1
    notebook = execute(SOLUTION, [probe_source(lrs)])
    for cell in notebook.cells:
        errors = cell_errors(cell)
        assert not errors, f"the solution notebook failed: {errors[0]['ename']}: {errors[0]['evalue']}"
    EXECUTED["solution"] = notebook
    return json.loads(stdout(notebook.cells[-1]))


EXECUTED = {}


def test_part_6_replays_a_lecture_link_and_compares_it_with_the_lectures_data(solution_results):
    """The at-home part: `pygen replay` of a training link read with pandas beside
    data/training_curves.arrow; the replayed losses are the trainer's (the same as Python's own run)."""
    from pygen import training_link

    cells = EXECUTED["solution"].cells
    source = next(c for c in cells if c.cell_type == "code" and '"replay", LINK' in c.source)
    link = next(line.split('"')[1] for line in source.source.splitlines() if line.startswith("LINK = "))
    assert training_link.is_training_link(link)
    assert stdout(source).startswith("replayed " + link)
    table = next(stdout(c) for c in cells if c.cell_type == "code" and "inside_the_seeds_range" in c.source)
    runs = training_link.train_runs(training_link.read_training_state(link), ROOT / "data")
    for replayed in runs:
        last = replayed["rows"][-1]
        # the printed table (rounded to 4 decimals) holds the replayed final losses of each optimizer
        assert f"{replayed['optimizer']}" in table and f"{round(last['test_loss'], 4)}"[:5] in table
    assert "inside_the_seeds_range" in table and table.count("\n") >= 2 * 6


def as_floats(rows):
    return [[float.fromhex(x) for x in row] for row in rows]


@pytest.mark.parametrize("surface", ["elongated_bowl", "quadratic"])
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_solution_paths_equal_the_reference(case, surface, solution_results, references):
    result = references[surface][case[0]]
    rows = result["rows"]
    mine = solution_results[case[0]]
    if case[7] == "cosine":
        # Fed the reference's learning rates, the notebook's update rules give the same bits.
        path = as_floats(mine["path_reference_lrs"])
        assert [row["theta"] for row in rows] == path, "optimizer update differs from pygen's"
        # The notebook's own cosine (np.cos) and pygen's portable cos differ by up to ~1.5 ulp
        # of 1.0; the schedules therefore agree to a few ulp of the peak rate lr0 (not of lr_t:
        # near t = T, 1 + cos is a cancellation), and the paths to 1e-12.
        lr0 = case[5]
        lrs = [float.fromhex(x) for x in mine["lrs"]]
        for t, row in enumerate(rows):
            assert abs(lrs[t] - row["lr"]) <= 4 * math.ulp(lr0), f"lr at step {t}: {lrs[t]} vs {row['lr']}"
        own = as_floats(mine["path"])
        for t, row in enumerate(rows):
            for a, b in zip(own[t], row["theta"]):
                assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12), f"step {t}: {a} vs {b}"
        return
    path = as_floats(mine["path"])
    losses = [float.fromhex(x) for x in mine["loss"]]
    if case[0] == "gd_diverging":
        assert result["status"] == "diverged" and result["reason"] == "left_box"
        assert len(rows) < case[6] + 1
    else:
        assert result["status"] == "completed"
        assert len(path) == len(rows) == case[6] + 1
    assert path[: len(rows)] == [row["theta"] for row in rows], "trajectory is not bit-identical to pygen's"
    assert losses[: len(rows)] == [row["loss"] for row in rows], "loss is not bit-identical to pygen's"


def test_starter_runs_until_the_first_todo():
    notebook = execute(STARTER, allow_errors=True)
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    first_error = next(i for i, cell in enumerate(code_cells) if cell_errors(cell))
    error = cell_errors(code_cells[first_error])[0]
    assert error["ename"] == "NotImplementedError" and error["evalue"].startswith("Task 1"), error
    assert "gradient_descent(" in code_cells[first_error].source
    # Everything before the first experiment (imports, surface, plotting, definitions) works.
    assert first_error >= 4
    for cell in code_cells[first_error:]:
        for error in cell_errors(cell):
            assert error["ename"] == "NotImplementedError", f"{error['ename']}: {error['evalue']}"


def test_every_todo_stops_with_its_task_number():
    notebook = execute(STARTER, ["""
_messages = []
for _call in [lambda: gradient_descent(grad, START, 0.1, 3), lambda: momentum(grad, START, 0.1, 3),
              lambda: adam(grad, START, 0.1, 3), lambda: cosine_schedule(0.1, 10)]:
    try:
        _call()
        _messages.append("no error")
    except NotImplementedError as _error:
        _messages.append(str(_error))
print("|".join(_messages))
"""], allow_errors=True)
    messages = stdout(notebook.cells[-1]).strip().split("|")
    assert [m.split(":")[0] for m in messages] == ["Task 1", "Task 2", "Task 3", "Task 5"]


def test_starter_holds_no_solution_and_notebooks_are_current():
    starter = STARTER.read_text()
    solution = SOLUTION.read_text()
    assert "NotImplementedError" not in solution
    for line in ["theta = theta - lr_at(lr, t) * g", "v = alpha * v - lr_at(lr, t) * g",
                 "np.cos(np.pi * t / total_steps)"]:
        assert line in solution and line not in starter
    done = subprocess.run([sys.executable, str(EXERCISES / "make_notebooks.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    for path in (STARTER, SOLUTION):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")


def test_exercise_page_links_both_files_behind_one_switch():
    """exercise.qmd links the starter always and the solution only inside a Quarto conditional
    on the `exercise-solution` flag of _quarto.yml; the solution is not a listed resource, so
    with the flag off Quarto neither links nor copies it (it copies a linked file only while the
    link is on the page)."""
    import re

    import yaml

    page = (ROOT / "exercise.qmd").read_text()
    config = yaml.safe_load((ROOT / "_quarto.yml").read_text())
    assert isinstance(config.get("exercise-solution"), bool)
    # Globs are anchored at the project root ("/x"), as Quarto's match at any depth.
    assert "/exercise.qmd" in config["project"]["render"]
    resources = [entry.lstrip("/") for entry in config["project"]["resources"]]
    assert "exercises/unit6_optimizers.ipynb" in resources
    assert not any("solution" in entry or entry.startswith("exercises/*") or entry == "exercises/**"
                   for entry in resources), "a listed solution would be published whatever the flag says"

    assert "(exercises/unit6_optimizers.ipynb)" in page
    visible = re.search(r'::: \{\.content-visible when-meta="exercise-solution"\}\n(.*?)\n:::', page, re.S)
    assert visible and "(exercises/unit6_optimizers_solution.ipynb)" in visible.group(1)
    outside = page.replace(visible.group(0), "")
    assert "unit6_optimizers_solution" not in outside, "the solution is linked outside the conditional"
    for target in re.findall(r"\]\((exercises/[^)]+)\)", page):
        assert (ROOT / target).is_file(), target


def test_notebook_colours_are_the_slides_colours():
    import re

    plots_js = (ROOT / "slides" / "js" / "plots" / "style.js").read_text()
    deck = {name: colour.upper() for name, colour in re.findall(r'^\s*(\w+): "(#[0-9A-Fa-f]{6})"', plots_js, re.M)}
    source = (EXERCISES / "make_notebooks.py").read_text()
    notebook = dict(re.findall(r'"(GD|Momentum|RMSProp|Adam)": "(#[0-9A-Fa-f]{6})"', source))
    for label, optimizer in [("GD", "gd"), ("Momentum", "momentum"), ("RMSProp", "rmsprop"), ("Adam", "adam")]:
        assert notebook[label].upper() == deck[optimizer], f"{label}: notebook {notebook[label]}, slides {deck[optimizer]}"
