#!/usr/bin/env python3
"""Writes the Unit 6 exercise notebooks from one source, so the starter and the solution
never drift apart: they share every cell except the TODO cells.

    python exercises/make_notebooks.py           # rewrite both notebooks
    python exercises/make_notebooks.py --check   # exit 1 if the committed notebooks are stale

The solution's update rules are written in the same operation order as pygen's optimizers
(and the slides' JavaScript), so its trajectories equal the lecture's bit for bit;
tests/test_exercise.py checks that.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
STARTER = HERE / "unit6_optimizers.ipynb"
SOLUTION = HERE / "unit6_optimizers_solution.ipynb"

# (kind, source, variant): variant "both", "starter" or "solution".
CELLS: list[tuple[str, str, str]] = []


def md(source, variant="both"):
    CELLS.append(("markdown", source.strip("\n"), variant))


def code(source, variant="both"):
    CELLS.append(("code", source.strip("\n"), variant))


md("""
# Unit 6 exercise: optimizers on a 2D quadratic

This is the exercise from the lecture's "Exercise setup" slide:

1. implement vanilla gradient descent, momentum and Adam in NumPy on a 2D quadratic,
2. draw their parameter trajectories over the loss contours,
3. vary the condition number and watch how each optimizer responds,
4. compare a constant learning rate with cosine annealing.

**How to work.** Run the cells from top to bottom (*Run All*). The surface, the plotting and the
experiments are done for you; the cells marked **TODO** are yours. Until you fill them in they
stop with `NotImplementedError: Task N ...`. You need Python 3 with `numpy`, `matplotlib` and
Jupyter (`pip install numpy matplotlib jupyterlab`, then `jupyter lab unit6_optimizers.ipynb`).

Every optimizer has the same shape: it takes the gradient function, a start point, a learning
rate and a number of steps, and returns the **path**, an array of shape `(steps + 1, 2)` whose
row `t` holds the parameters after `t` updates (row 0 is the start).
""", "starter")

md("""
# Unit 6 exercise: optimizers on a 2D quadratic (solution)

The solution to the exercise on the lecture's "Exercise setup" slide. The update rules are written
in the same order of operations as the lecture's own reference code, so the paths below are the
very numbers the slides draw: the project's tests check this bit for bit (with cosine annealing
to about 12 digits, because `np.cos` and the slides' cosine can differ in the last bit).

Every optimizer takes the gradient function, a start point, a learning rate and a number of steps,
and returns the **path**, an array of shape `(steps + 1, 2)` whose row `t` holds the parameters
after `t` updates (row 0 is the start).
""", "solution")

code("""
import numpy as np
import matplotlib.pyplot as plt
""")

md(r"""
## The surface

$$f(\boldsymbol\theta) = \tfrac12\,\boldsymbol\theta^\top \mathbf{A}\,\boldsymbol\theta,\qquad
\mathbf{A} = \begin{pmatrix} 1 & 0 \\ 0 & \kappa \end{pmatrix},\qquad
\nabla f(\boldsymbol\theta) = \mathbf{A}\boldsymbol\theta .$$

The Hessian is $\mathbf{A}$, with eigenvalues $1$ and $\kappa$, so $\kappa$ is the **condition
number** $\lambda_{\max}/\lambda_{\min}$. For $\kappa = 1$ the contours are circles; the larger
$\kappa$, the narrower the valley along $\theta_2$. The minimum is at the origin.
""")

code('''
def make_quadratic(kappa):
    """f(theta) = 1/2 theta^T A theta with A = diag(1, kappa), and its gradient."""
    if not kappa >= 1:
        raise ValueError(f"the condition number kappa must be >= 1, got {kappa!r}")
    A = np.diag([1.0, float(kappa)])

    def f(theta):
        theta = np.asarray(theta, dtype=float)
        return np.sum(theta * (A @ theta)) / 2

    def grad(theta):
        return A @ np.asarray(theta, dtype=float)

    return f, grad


START = np.array([-8.0, -4.0])   # the start point the slides use
''')

md("""
The plotting is done for you: `plot_paths(f, {"label": path, ...})` draws the contours of `f` and
each path on top, in the colours the slides use. A path that runs off to infinity is reported in
the legend as *diverged* instead of being drawn.
""")

code('''
# The slides' colours (slides/js/plots/style.js, the Okabe-Ito palette).
COLORS = {"GD": "#D55E00", "Momentum": "#0072B2", "RMSProp": "#009E73", "Adam": "#CC79A7"}


def plot_paths(f, paths, title="", xlim=(-10, 10), ylim=(-6, 6), ax=None):
    """Contours of f on the box xlim x ylim with every path (label -> array (steps+1, 2)) on top."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    xs = np.linspace(xlim[0], xlim[1], 161)
    ys = np.linspace(ylim[0], ylim[1], 121)
    Z = np.array([[f(np.array([x, y])) for x in xs] for y in ys])
    levels = np.geomspace(max(Z.min(), 1e-3), Z.max(), 14)
    ax.contour(xs, ys, Z, levels=levels, colors="0.75", linewidths=0.8)
    ax.plot(0, 0, marker="*", color="black", markersize=12, linestyle="none")
    for i, (label, path) in enumerate(paths.items()):
        path = np.asarray(path, dtype=float)
        color = next((c for name, c in COLORS.items() if label.startswith(name)), f"C{i}")
        finite = np.all(np.isfinite(path), axis=1) & np.all(np.abs(path) < 1e6, axis=1)
        if not finite.all():
            label = f"{label}: diverged at step {int(np.argmin(finite))}"
            path = path[: int(np.argmin(finite))]
        style = "o--" if "cosine" in label else "o-"
        ax.plot(path[:, 0], path[:, 1], style, color=color, markersize=3, linewidth=1.5, label=label)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel(r"$\\theta_1$")
    ax.set_ylabel(r"$\\theta_2$")
    ax.set_title(title)
    if paths:
        ax.legend(loc="upper right", fontsize=9)
    return ax


def plot_losses(f, paths, title="", ax=None):
    """Loss f(theta_t) against the step t for every path, on a log scale."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    for i, (label, path) in enumerate(paths.items()):
        color = next((c for name, c in COLORS.items() if label.startswith(name)), f"C{i}")
        style = "--" if "cosine" in label else "-"
        losses = [f(theta) for theta in np.asarray(path, dtype=float)]
        ax.semilogy(losses, style, color=color, label=label)
    ax.set_xlabel("step t")
    ax.set_ylabel(r"$f(\\theta_t)$")
    ax.set_title(title)
    ax.legend(fontsize=9)
    return ax


f, grad = make_quadratic(kappa=10)
plot_paths(f, {}, title="f with kappa = 10 (no paths yet)");
''')

md(r"""
## Task 1: gradient descent

$$\boldsymbol\theta_{t+1} = \boldsymbol\theta_t - \eta_t\, \nabla f(\boldsymbol\theta_t)$$

`lr` is either a number (a constant learning rate) or a function `lr(t)` (a schedule, Task 5);
`lr_at(lr, t)` gives you $\eta_t$ in both cases.
""")

code('''
def lr_at(lr, t):
    """The learning rate for update t: lr itself, or lr(t) when lr is a schedule function."""
    return lr(t) if callable(lr) else lr
''')

code('''
def gradient_descent(grad, theta0, lr, steps):
    theta = np.array(theta0, dtype=float)
    path = [theta.copy()]
    for t in range(steps):
        # TODO (Task 1): replace the next line by one gradient-descent update of theta,
        # using grad(theta) and the learning rate lr_at(lr, t).
        raise NotImplementedError("Task 1: implement the gradient-descent update")
        path.append(theta.copy())
    return np.array(path)
''', "starter")

code('''
def gradient_descent(grad, theta0, lr, steps):
    theta = np.array(theta0, dtype=float)
    path = [theta.copy()]
    for t in range(steps):
        g = grad(theta)
        theta = theta - lr_at(lr, t) * g
        path.append(theta.copy())
    return np.array(path)
''', "solution")

code('''
f, grad = make_quadratic(kappa=10)
paths = {
    "GD, lr = 0.1": gradient_descent(grad, START, lr=0.1, steps=40),
    "GD, lr = 0.19": gradient_descent(grad, START, lr=0.19, steps=40),
}
plot_paths(f, paths, title="Gradient descent, kappa = 10");
''')

md(r"""
*Questions.* Why does the path zig-zag across the valley but crawl along it? Try `lr = 0.21`:
what happens, and why is $2/\lambda_{\max} = 2/\kappa$ the limit?
""")

md(r"""
## Task 2: momentum

$$\mathbf{v}_{t+1} = \alpha\,\mathbf{v}_t - \eta_t\,\nabla f(\boldsymbol\theta_t),\qquad
\boldsymbol\theta_{t+1} = \boldsymbol\theta_t + \mathbf{v}_{t+1},\qquad \mathbf{v}_0 = \mathbf{0}.$$

The velocity $\mathbf{v}$ accumulates past gradients: oscillating components cancel, consistent
ones add up.
""")

code('''
def momentum(grad, theta0, lr, steps, alpha=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path = [theta.copy()]
    for t in range(steps):
        # TODO (Task 2): update the velocity v, then theta (formulas above).
        raise NotImplementedError("Task 2: implement the momentum update")
        path.append(theta.copy())
    return np.array(path)
''', "starter")

code('''
def momentum(grad, theta0, lr, steps, alpha=0.9):
    theta = np.array(theta0, dtype=float)
    v = np.zeros_like(theta)
    path = [theta.copy()]
    for t in range(steps):
        g = grad(theta)
        v = alpha * v - lr_at(lr, t) * g
        theta = theta + v
        path.append(theta.copy())
    return np.array(path)
''', "solution")

code('''
f, grad = make_quadratic(kappa=15)
paths = {
    "GD": gradient_descent(grad, START, lr=0.05, steps=40),
    "Momentum": momentum(grad, START, lr=0.05, steps=40, alpha=0.9),
}
plot_paths(f, paths, title="GD vs momentum, kappa = 15, lr = 0.05");
''')

md(r"""
*Questions.* Which reaches the minimum first? Set `alpha=0.99` and `alpha=0.5`: what changes?
""")

md(r"""
## Task 3: Adam

With $\mathbf{g}_t = \nabla f(\boldsymbol\theta_t)$ and all operations element-wise:

$$\mathbf{m}_{t+1} = \beta_1 \mathbf{m}_t + (1-\beta_1)\,\mathbf{g}_t,\qquad
\mathbf{v}_{t+1} = \beta_2 \mathbf{v}_t + (1-\beta_2)\,\mathbf{g}_t\,\mathbf{g}_t,$$

$$\hat{\mathbf{m}} = \frac{\mathbf{m}_{t+1}}{1-\beta_1^{\,t+1}},\qquad
\hat{\mathbf{v}} = \frac{\mathbf{v}_{t+1}}{1-\beta_2^{\,t+1}},\qquad
\boldsymbol\theta_{t+1} = \boldsymbol\theta_t - \frac{\eta_t}{\sqrt{\hat{\mathbf{v}}} + \varepsilon}\,\hat{\mathbf{m}} .$$

Defaults: $\beta_1 = 0.9$, $\beta_2 = 0.999$, $\varepsilon = 10^{-8}$, $\mathbf{m}_0 = \mathbf{v}_0 = \mathbf{0}$.
Tip: keep the powers $\beta_1^{t+1}$, $\beta_2^{t+1}$ as running products
(`beta1_power = beta1_power * beta1` once per step), as the lecture's code does.
""")

code('''
def adam(grad, theta0, lr, steps, beta1=0.9, beta2=0.999, eps=1e-8):
    theta = np.array(theta0, dtype=float)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    beta1_power, beta2_power = 1.0, 1.0
    path = [theta.copy()]
    for t in range(steps):
        # TODO (Task 3): update m, v and the running powers of beta1 and beta2, form the
        # bias-corrected m_hat and v_hat, and update theta (formulas above).
        raise NotImplementedError("Task 3: implement the Adam update")
        path.append(theta.copy())
    return np.array(path)
''', "starter")

code('''
def adam(grad, theta0, lr, steps, beta1=0.9, beta2=0.999, eps=1e-8):
    theta = np.array(theta0, dtype=float)
    m = np.zeros_like(theta)
    v = np.zeros_like(theta)
    beta1_power, beta2_power = 1.0, 1.0
    path = [theta.copy()]
    for t in range(steps):
        g = grad(theta)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        beta1_power = beta1_power * beta1
        beta2_power = beta2_power * beta2
        m_hat = m / (1 - beta1_power)
        v_hat = v / (1 - beta2_power)
        theta = theta - lr_at(lr, t) / (np.sqrt(v_hat) + eps) * m_hat
        path.append(theta.copy())
    return np.array(path)
''', "solution")

code('''
f, grad = make_quadratic(kappa=10)
paths = {
    "GD": gradient_descent(grad, START, lr=0.1, steps=50),
    "Momentum": momentum(grad, START, lr=0.1, steps=50),
    "Adam": adam(grad, START, lr=0.5, steps=50),
}
plot_paths(f, paths, title="GD, momentum (lr 0.1) and Adam (lr 0.5), kappa = 10");
''')

md(r"""
*Questions.* Adam's first steps go diagonally, whatever the gradient's direction. Why?
(Look at $\hat{\mathbf{m}}/\sqrt{\hat{\mathbf{v}}}$ at $t = 0$.)
""")

md(r"""
## Task 4: the condition number

Nothing to implement: run the cell, then change `kappas` and the learning rates.
""")

code('''
kappas = [1, 10, 50]
fig, axes = plt.subplots(1, len(kappas), figsize=(15, 4))
for kappa, ax in zip(kappas, axes):
    f, grad = make_quadratic(kappa)
    lr = 1.8 / kappa   # just below GD's stability limit 2 / kappa
    paths = {
        "GD": gradient_descent(grad, START, lr=lr, steps=60),
        "Momentum": momentum(grad, START, lr=lr / 4, steps=60),
        "Adam": adam(grad, START, lr=0.5, steps=60),
    }
    plot_paths(f, paths, title=f"kappa = {kappa}, GD lr = {lr:.3g}", ax=ax)
fig.tight_layout()
''')

md(r"""
*Questions.* GD's learning rate must shrink like $1/\kappa$, so its progress along the flat
direction slows down as $\kappa$ grows: how many steps does GD need for $\kappa = 50$? Which
optimizer's behaviour depends least on $\kappa$, and why?
""")

md(r"""
## Task 5: constant learning rate vs cosine annealing

Cosine annealing lowers the learning rate smoothly from $\eta_0$ to $0$ over $T$ steps:

$$\eta_t = \frac{\eta_0}{2}\left(1 + \cos\frac{\pi t}{T}\right).$$

Write `cosine_schedule(lr0, total_steps)`: it returns a **function** `lr(t)` that the optimizers
accept in place of a number.
""")

code('''
def cosine_schedule(lr0, total_steps):
    # TODO (Task 5): return a function lr(t) giving the cosine-annealed learning rate.
    raise NotImplementedError("Task 5: implement the cosine-annealing schedule")
''', "starter")

code('''
def cosine_schedule(lr0, total_steps):
    def lr(t):
        return lr0 / 2 * (1 + np.cos(np.pi * t / total_steps))
    return lr
''', "solution")

code('''
f, grad = make_quadratic(kappa=10)
rng = np.random.default_rng(seed=0)


def noisy_grad(theta, noise_std=1.0):
    """The gradient plus Gaussian noise, like a mini-batch estimate of it."""
    return grad(theta) + noise_std * rng.standard_normal(2)


steps = 100
fig, axes = plt.subplots(2, 2, figsize=(14, 9))
for (left, right), (gradient, what) in zip(axes, [(grad, "exact gradients"), (noisy_grad, "noisy gradients")]):
    paths = {
        "GD, constant": gradient_descent(gradient, START, lr=0.18, steps=steps),
        "GD, cosine": gradient_descent(gradient, START, lr=cosine_schedule(0.18, steps), steps=steps),
        "Adam, constant": adam(gradient, START, lr=0.5, steps=steps),
        "Adam, cosine": adam(gradient, START, lr=cosine_schedule(0.5, steps), steps=steps),
    }
    plot_paths(f, paths, title=f"Constant vs cosine learning rate, {what}", ax=left)
    plot_losses(f, paths, title=f"Loss per step, {what}", ax=right)
fig.tight_layout()
''')

md(r"""
*Questions.* With exact gradients, which schedule ends lower, and why does a shrinking learning
rate cost progress here? With noisy gradients the constant learning rate stalls at a noise floor:
what sets its height, and how does cosine annealing get below it? Why does Adam with a constant
learning rate keep hopping around the minimum even with exact gradients?
""")


md(r"""
## Part 6 (at home): replay a run from the lecture and compare it with the lecture's data

The slide "Adam vs SGD on a materials dataset" trains the lecture's band-gap network live, and the
*Live training* page of the course site does the same for you. Its **Copy link** button gives a
link that holds every setting; with the course repository (`git clone` it, then
`python -m pip install -e .` in it) the command

    python3 -m pygen replay '<the link>' --out lecture_run.csv

retrains those runs in Python, bit for bit as in the browser, and writes the same CSV as the page's
*Download CSV*: one line per run and epoch, with the training and test loss and the sharpness λ₁.
You also need `pandas` (`python -m pip install pandas`).

Below, `LINK` is the lecture's SGD against SGD + momentum at batch 64, for 5 epochs (paste your own
link from the lecture instead). The cell replays it (if the repository is where `REPO` says) and
reads it with pandas, together with `data/training_curves.arrow`, the 24 runs the data slide shows
(trained by JAX with three seeds each).
""")

code(r"""
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd

REPO = Path.cwd().parent  # the course repository: this notebook lives in its exercises/ folder
LINK = "#train=1&epochs=5&sharpness=0&run1=gd&run1.lr=0.01&run1.batch=64&run2=momentum&run2.lr=0.01&run2.batch=64"

if (REPO / "pygen").is_dir():
    done = subprocess.run([sys.executable, "-m", "pygen", "replay", LINK], cwd=REPO, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    replay = pd.read_csv(io.StringIO(done.stdout))
    print("replayed", LINK)
else:  # no repository here: read the CSV you replayed (or downloaded from the page) elsewhere
    replay = pd.read_csv("lecture_run.csv")
# data/training_curves.arrow is an Arrow IPC file, which pandas reads as Feather (version 2)
lecture = pd.read_feather(REPO / "data" / "training_curves.arrow")
replay.head()
""")

code(r"""
# The lecture's runs of the same optimizers and batch size, one line per seed and epoch
same = lecture[(lecture.batch_size == 64) & lecture.optimizer.isin(replay.optimizer.unique())
               & (lecture.epoch <= replay.epoch.max())]
spread = same.groupby(["optimizer", "epoch"]).test_loss.agg(["min", "max"])
both = replay.set_index(["optimizer", "epoch"])[["train_loss", "test_loss"]].join(spread)
both["inside_the_seeds_range"] = (both.test_loss >= both["min"]) & (both.test_loss <= both["max"])
print(both.round(4))

fig, ax = plt.subplots(figsize=(8, 4.5))
for optimizer, runs in same.groupby("optimizer"):
    color = {"gd": COLORS["GD"], "momentum": COLORS["Momentum"], "adam": COLORS["Adam"]}.get(optimizer, "grey")
    for _, run in runs.groupby("seed"):
        ax.plot(run.epoch, run.test_loss, color=color, alpha=0.35, lw=6)
    mine = replay[replay.optimizer == optimizer]
    ax.plot(mine.epoch, mine.test_loss, color=color, lw=2.5, marker="o", label=f"{optimizer}: replayed (pygen)")
ax.set(xlabel="epoch", ylabel="test loss (MSE, eV²)", yscale="log",
       title="Replayed run (line) over the lecture's three JAX seeds (wide, faint)")
ax.legend();
""")

md(r"""
*Questions.* The replayed run and the lecture's JAX runs train the same network on the same data with
the same optimizer, batch size and learning rate. Why do their curves still differ? (Compare the
difference with the spread between the lecture's three seeds: what do the initialisation and the
order of the mini-batches contribute?) Which statement of the slide "Adam vs SGD on a materials
dataset" would you trust after this comparison, and which would you want more seeds for? Replay your
own link from the lecture: does `python3 -m pygen replay` give exactly the numbers you saw on the
slide?
""")


def build(variant: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    cells = []
    for kind, source, cell_variant in CELLS:
        if cell_variant not in ("both", variant):
            continue
        cell = nbformat.v4.new_markdown_cell(source) if kind == "markdown" else nbformat.v4.new_code_cell(source)
        cell.id = f"cell-{len(cells):02d}"  # fixed ids: the output is deterministic
        cells.append(cell)
    notebook.cells = cells
    return notebook


def render(variant: str) -> str:
    return nbformat.writes(build(variant)) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the notebooks are up to date")
    args = parser.parse_args(argv)
    stale = []
    for path, variant in [(STARTER, "starter"), (SOLUTION, "solution")]:
        text = render(variant)
        if args.check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    if stale:
        print(f"stale: {', '.join(stale)}; run `python exercises/make_notebooks.py`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
