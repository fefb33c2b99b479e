"""Filter-normalised loss surfaces, PCA of the training path, and the sharp/flat interpolation.

- Li, Xu, Taylor, Studer, Goldstein (2018), "Visualizing the Loss Landscape of Neural Nets":
  two random Gaussian directions, each normalised per filter (for a dense layer: per neuron,
  the vector of its incoming weights scaled to the norm of the trained neuron's incoming
  weights); bias directions are zero, as in the paper's code (`--xignore biasbn`). The train
  and test loss on a grid `theta* + a d1 + b d2`, a, b in [-1, 1]; its row b = 0 is the
  paper's 1-D plot. The same Gaussian draws serve both solutions (normalised to each).
- The paper's section 7: PCA of the parameter trajectory `theta_i - theta_final` (one point
  per epoch), the path projected on the first two principal directions, the loss on that plane.
- Keskar et al. (2017), figure 3: the loss along `(1 - alpha) theta_small + alpha theta_large`
  for alpha in [-1, 2] between a small-batch and a large-batch solution.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

from ..registry import Column, DataFile
from ..registry import entry_table as _table
from .settings import EPOCHS, TRAINING_TOLERANCE, Context
from .settings import training_parameters as _training_parameters

SURFACE_RUNS = (("momentum", 64, 0), ("adam", 64, 0))  # (optimizer, batch size, seed) of training_curves
DIRECTION_SEED = 20_180_101  # numpy RandomState of the two Gaussian directions
GRID = 41  # points per axis of the random-direction plane
GRID_RANGE = 1.0  # a, b in [-GRID_RANGE, GRID_RANGE]
PCA_GRID = 31  # points per axis of the PCA plane
PCA_MARGIN = 0.25  # the PCA box is the path's extent widened by this fraction on every side

# (pair id, small-batch run, large-batch run), runs as (optimizer, batch size, epochs)
SHARP_FLAT_PAIRS = (
    ("equal_epochs", ("gd", 64, EPOCHS), ("gd", 512, EPOCHS)),
    ("matched_loss", ("gd", 64, EPOCHS), ("gd", 512, 300)),
)
SHARP_FLAT_SEEDS = (0, 1, 2)
SHARP_FLAT_ALPHAS = 61  # alpha in [-1, 2], step 0.05


def weight_slices(layer_sizes):
    """(offset, shape) of every weight matrix and bias vector in the flat parameter vector."""
    from .. import mlp  # JAX only when a generator runs
    out, offset = [], 0
    for shape in mlp.parameter_shapes(layer_sizes):
        size = int(np.prod(shape))
        out.append((offset, shape))
        offset += size
    return out


def filter_normalise(direction, theta, layer_sizes) -> np.ndarray:
    """Li et al.'s filter normalisation for a dense network stored as (fan_in, fan_out) matrices:
    column j of each weight matrix (the incoming weights of neuron j) is scaled to the norm of
    the same column of theta; bias entries of the direction are set to zero."""
    direction = np.asarray(direction, dtype=np.float64).copy()
    theta = np.asarray(theta, dtype=np.float64)
    for offset, shape in weight_slices(layer_sizes):
        size = int(np.prod(shape))
        if len(shape) == 1:
            direction[offset : offset + size] = 0.0
            continue
        d = direction[offset : offset + size].reshape(shape)
        w = theta[offset : offset + size].reshape(shape)
        d *= np.linalg.norm(w, axis=0) / np.linalg.norm(d, axis=0)
        direction[offset : offset + size] = d.ravel()
    return direction


def random_directions(theta, layer_sizes, seed: int = DIRECTION_SEED):
    draws = np.random.RandomState(seed).standard_normal((2, theta.size))
    return [filter_normalise(d, theta, layer_sizes) for d in draws]


def grid_axis(n: int = GRID, half: float = GRID_RANGE) -> np.ndarray:
    return np.linspace(-half, half, n)


def plane_coefs(a_values, b_values) -> np.ndarray:
    a, b = np.meshgrid(a_values, b_values, indexing="ij")
    return np.stack([np.ones(a.size), a.ravel(), b.ravel()], axis=1)


def pca_directions(trajectory):
    """Li et al. section 7: PCA of theta_i - theta_final (i before the end), centred.

    Returns the two unit directions, their explained-variance ratios and the projections of
    every trajectory point (theta_i - theta_final) on them. Signs are fixed so that the first
    point (the initialisation) has negative coordinates (SVD signs are otherwise arbitrary)."""
    trajectory = np.asarray(trajectory, dtype=np.float64)
    final = trajectory[-1]
    diffs = trajectory[:-1] - final
    centred = diffs - diffs.mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    ratios = s * s / np.sum(s * s)
    directions = vt[:2].copy()
    coords = (trajectory - final) @ directions.T
    for k in range(2):
        if coords[0, k] > 0:
            directions[k] *= -1
            coords[:, k] *= -1
    return directions, ratios[:2], coords


# ---------------------------------------------------------------------------------------
# Generators


def _surface_parameters():
    return {"training": _training_parameters(), "runs": [list(r) for r in SURFACE_RUNS],
            "direction_seed": DIRECTION_SEED, "grid": GRID, "range": GRID_RANGE,
            "normalisation": "per neuron (column of each fan_in x fan_out weight matrix); bias directions zero"}


def build_surface(ctx: Context) -> pa.Table:
    from . import subspace  # JAX only when a generator runs
    cols = {c.name: [] for c in LANDSCAPE_SURFACE.columns}
    problem = ctx.model.problem
    axis = grid_axis()
    coefs = plane_coefs(axis, axis)
    trained = {}
    for optimizer, batch, seed in SURFACE_RUNS:
        run = ctx.training_run(optimizer, batch, seed)
        theta = run.final_params
        d1, d2 = random_directions(theta, problem.layer_sizes)
        ctx.progress(f"filter-normalised surface around {optimizer} ({GRID}x{GRID})")
        train, test = subspace.train_test(problem, [theta, d1, d2])
        train_loss, test_loss = train.losses(coefs), test.losses(coefs)
        trained[optimizer] = [run.train_loss[-1], run.test_loss[-1]]
        n = coefs.shape[0]
        cols["optimizer"] += [optimizer] * n
        cols["a"] += coefs[:, 1].tolist()
        cols["b"] += coefs[:, 2].tolist()
        cols["train_loss"] += train_loss.tolist()
        cols["test_loss"] += test_loss.tolist()
    return _table(LANDSCAPE_SURFACE, cols, _surface_parameters(), seed=DIRECTION_SEED,
                  extra={"trained_losses": json.dumps(trained, sort_keys=True)})


LANDSCAPE_SURFACE = DataFile(
    name="landscape_surface",
    filename="landscape_surface.arrow",
    title="Filter-normalised loss surfaces around the SGD + momentum and the Adam solution",
    claim="Li et al. 2018: with filter-normalised random directions, loss surfaces of different "
    "solutions can be compared at equal scale; tests \"sharp minima coexist with flat minima - "
    "optimizer choice determines which is found\" on the band-gap network.",
    doc="Around the end points of the batch-64, seed-0 runs of SGD + momentum and Adam in "
    "`training_curves.arrow` (40 epochs): the train and test loss at `theta* + a d1 + b d2` on a "
    f"{GRID} x {GRID} grid, a and b in [-{GRID_RANGE:g}, {GRID_RANGE:g}] (step 0.05). d1, d2 are "
    f"Gaussian (numpy RandomState({DIRECTION_SEED}), the same draws for both solutions), filter-"
    "normalised as Li et al. 2018 do: for a dense layer each neuron's incoming weights (a column "
    "of the fan_in x fan_out matrix) are scaled to the norm of that neuron's trained incoming "
    "weights; bias directions are zero (the paper's code ignores biases). The row b = 0 is the "
    "paper's 1-D plot along d1. The schema metadata `trained_losses` has each solution's train "
    "and test loss from training_curves.arrow (the grid's centre equals them to rounding).",
    columns=(
        Column("optimizer", "utf8", "optimizer id of the solution (`momentum` = SGD + momentum, `adam`)"),
        Column("a", "float32", "coefficient of d1 (-1 to 1)"),
        Column("b", "float32", "coefficient of d2 (-1 to 1)"),
        Column("train_loss", "float64", "training loss there, eV^2"),
        Column("test_loss", "float64", "test loss there, eV^2"),
    ),
    build=build_surface,
    tolerance=TRAINING_TOLERANCE,
)


def _pca_planes(ctx: Context):
    """Per optimizer: directions, ratios, path coordinates, box (cached on the context)."""
    cache = ctx.__dict__.setdefault("_landscape_pca", {})
    for optimizer, batch, seed in SURFACE_RUNS:
        if optimizer in cache:
            continue
        run = ctx.training_run(optimizer, batch, seed)
        trajectory = [run.checkpoints[e] for e in run.epochs]
        directions, ratios, coords = pca_directions(trajectory)
        lo = coords.min(axis=0)
        hi = coords.max(axis=0)
        span = hi - lo
        box = np.stack([lo - PCA_MARGIN * span, hi + PCA_MARGIN * span], axis=1)
        cache[optimizer] = {"run": run, "directions": directions, "ratios": ratios, "coords": coords,
                            "box": box, "final": run.final_params}
    return cache


def _pca_parameters():
    return {"training": _training_parameters(), "runs": [list(r) for r in SURFACE_RUNS],
            "trajectory": "one point per epoch, 0 to 40; PCA of theta_i - theta_40 (i < 40), centred",
            "grid": PCA_GRID, "margin": PCA_MARGIN,
            "sign": "each direction signed so that the initialisation has a negative coordinate"}


def build_pca_surface(ctx: Context) -> pa.Table:
    from . import subspace  # JAX only when a generator runs
    cols = {c.name: [] for c in LANDSCAPE_PCA.columns}
    problem = ctx.model.problem
    for optimizer, plane in _pca_planes(ctx).items():
        box = plane["box"]
        coefs = plane_coefs(np.linspace(*box[0], PCA_GRID), np.linspace(*box[1], PCA_GRID))
        ctx.progress(f"loss on the PCA plane of the {optimizer} path ({PCA_GRID}x{PCA_GRID})")
        train = subspace.Subspace([plane["final"], *plane["directions"]], problem.x_train, problem.y_train,
                                  problem.layer_sizes)
        loss = train.losses(coefs)
        n = coefs.shape[0]
        cols["optimizer"] += [optimizer] * n
        cols["pc1"] += coefs[:, 1].tolist()
        cols["pc2"] += coefs[:, 2].tolist()
        cols["train_loss"] += loss.tolist()
    return _table(LANDSCAPE_PCA, cols, _pca_parameters(), seed=None)


LANDSCAPE_PCA = DataFile(
    name="landscape_pca",
    filename="landscape_pca.arrow",
    title="Training loss on the plane of the first two PCA directions of each training path",
    claim="Li et al. 2018, section 7: the optimizer's path, projected on the two directions that "
    "capture most of its movement, drawn on the loss of that plane.",
    doc="For the two runs of `landscape_surface.arrow`: the parameters after each epoch (0 to 40), "
    "theta_i - theta_40 for i < 40, centred, and their two leading principal directions (unit "
    "vectors, SVD). The training loss at `theta_40 + p1 u1 + p2 u2` on a "
    f"{PCA_GRID} x {PCA_GRID} grid spanning the projected path widened by {PCA_MARGIN:g} of its extent "
    "on every side. The path itself and the explained variances are in `landscape_path.arrow`. "
    "Note that the plane is fitted to the path: it shows where the optimizer went, not the "
    "landscape in general.",
    columns=(
        Column("optimizer", "utf8", "optimizer id of the run (`momentum`, `adam`)"),
        Column("pc1", "float64", "coordinate along the first principal direction (parameter units)"),
        Column("pc2", "float64", "coordinate along the second principal direction"),
        Column("train_loss", "float64", "training loss there, eV^2"),
    ),
    build=build_pca_surface,
    tolerance=TRAINING_TOLERANCE,
)


def build_path(ctx: Context) -> pa.Table:
    cols = {c.name: [] for c in LANDSCAPE_PATH.columns}
    for optimizer, plane in _pca_planes(ctx).items():
        run = plane["run"]
        for i, epoch in enumerate(run.epochs):
            cols["optimizer"].append(optimizer)
            cols["label"].append(run.spec.label)
            cols["epoch"].append(epoch)
            cols["pc1"].append(float(plane["coords"][i, 0]))
            cols["pc2"].append(float(plane["coords"][i, 1]))
            cols["train_loss"].append(run.train_loss[i])
            cols["test_loss"].append(run.test_loss[i])
            cols["explained_variance_1"].append(float(plane["ratios"][0]))
            cols["explained_variance_2"].append(float(plane["ratios"][1]))
    return _table(LANDSCAPE_PATH, cols, _pca_parameters(), seed=None)


LANDSCAPE_PATH = DataFile(
    name="landscape_path",
    filename="landscape_path.arrow",
    title="The training paths projected on their first two PCA directions, with explained variance",
    claim="Li et al. 2018, section 7: the path of training lies almost in a low-dimensional subspace.",
    doc="One row per epoch (0 to 40) of each run of `landscape_surface.arrow`: its coordinates on the "
    "PCA plane of `landscape_pca.arrow` (the end point is 0, 0) and the explained-variance ratios of "
    "the two directions (the same on every row of one run; 1 = all of the path's variance). The "
    "projection is not exact: the path's distance from the plane is not shown.",
    columns=(
        Column("optimizer", "utf8", "optimizer id (`momentum`, `adam`)"),
        Column("label", "utf8", 'legend label ("SGD + momentum", "Adam")'),
        Column("epoch", "int32", "epoch (0 = initialisation)"),
        Column("pc1", "float64", "projection on the first principal direction"),
        Column("pc2", "float64", "projection on the second principal direction"),
        Column("train_loss", "float64", "training loss at the (full, not projected) parameters, eV^2"),
        Column("test_loss", "float64", "test loss there, eV^2"),
        Column("explained_variance_1", "float64", "fraction of the path's variance along the first direction"),
        Column("explained_variance_2", "float64", "fraction along the second"),
    ),
    build=build_path,
    tolerance=TRAINING_TOLERANCE,
)


def sharp_flat_alphas() -> np.ndarray:
    return np.linspace(-1.0, 2.0, SHARP_FLAT_ALPHAS)


def build_sharp_flat(ctx: Context) -> pa.Table:
    from . import subspace  # JAX only when a generator runs
    cols = {c.name: [] for c in SHARP_FLAT.columns}
    problem = ctx.model.problem
    alphas = sharp_flat_alphas()
    coefs = subspace.line_coefs(alphas)
    for pair, small, large in SHARP_FLAT_PAIRS:
        for seed in SHARP_FLAT_SEEDS:
            a = ctx.training_run(small[0], small[1], seed, small[2])
            b = ctx.training_run(large[0], large[1], seed, large[2])
            train, test = subspace.train_test(problem, [a.final_params, b.final_params])
            n = alphas.size
            cols["pair"] += [pair] * n
            cols["seed"] += [seed] * n
            cols["small_batch"] += [small[1]] * n
            cols["large_batch"] += [large[1]] * n
            cols["large_epochs"] += [large[2]] * n
            cols["alpha"] += alphas.tolist()
            cols["train_loss"] += train.losses(coefs).tolist()
            cols["test_loss"] += test.losses(coefs).tolist()
    parameters = {"training": _training_parameters(), "seeds": list(SHARP_FLAT_SEEDS),
                  "pairs": [[p, list(small), list(large)] for p, small, large in SHARP_FLAT_PAIRS], "alphas": SHARP_FLAT_ALPHAS}
    return _table(SHARP_FLAT, cols, parameters, seed=None)


SHARP_FLAT = DataFile(
    name="sharp_flat_interpolation",
    filename="sharp_flat_interpolation.arrow",
    title="Loss along the line from the small-batch to the large-batch solution (Keskar et al. figure 3)",
    claim="Tests Keskar et al. 2017: the large-batch solution sits in a sharper valley than the "
    "small-batch one (the loss rises faster beyond it) and has the higher test loss.",
    doc="Plain SGD (lr 0.01) runs of `batch_sharpness.arrow`, seeds 0-2: the train and test loss at "
    "`(1 - alpha) theta_small + alpha theta_large`, alpha in [-1, 2] (step 0.05; alpha 0 = batch 64, "
    "40 epochs; alpha 1 = batch 512). Two pairs per seed: `equal_epochs` (batch 512 for 40 epochs, "
    "Keskar's setting: 7x fewer updates) and `matched_loss` (batch 512 for 300 epochs, about the "
    "small-batch training loss). Both runs of a seed start from the same initial weights. The top "
    "Hessian eigenvalue of each end point is in `batch_sharpness.arrow`.",
    columns=(
        Column("pair", "utf8", '"equal_epochs" or "matched_loss"'),
        Column("seed", "int32", "seed of both runs"),
        Column("small_batch", "int32", "batch size at alpha = 0 (64)"),
        Column("large_batch", "int32", "batch size at alpha = 1 (512)"),
        Column("large_epochs", "int32", "epochs of the large-batch run (40 or 300)"),
        Column("alpha", "float64", "interpolation coefficient (-1 to 2)"),
        Column("train_loss", "float64", "training loss, eV^2"),
        Column("test_loss", "float64", "test loss, eV^2"),
    ),
    build=build_sharp_flat,
    tolerance=TRAINING_TOLERANCE,
)

LANDSCAPE_FILES = (LANDSCAPE_SURFACE, LANDSCAPE_PCA, LANDSCAPE_PATH, SHARP_FLAT)
