"""Curvature along training: the full Hessian spectrum at three stages, and the top eigenvalue,
trace and index per epoch (Dauphin et al. 2014). Compared with a tolerance.
"""

from __future__ import annotations

import pyarrow as pa

from .. import hessian
from ..arrow_io import Tolerance
from ..registry import Column, DataFile, entry_table
from .settings import (
    EPOCHS,
    HESSIAN_EPOCHS,
    REFERENCE_RUN,
    SPECTRUM_STAGES,
    TRAINING_TOLERANCE,
    Context,
    training_parameters,
    training_settings,
)


def _hessian_parameters():
    return {
        "run": {"optimizer": REFERENCE_RUN[0], "batch_size": REFERENCE_RUN[1], "seed": REFERENCE_RUN[2],
                "lr": training_settings(REFERENCE_RUN[0])[2], "epochs": EPOCHS},
        "training": training_parameters(),
        "negative_relative_threshold": hessian.NEGATIVE_RELATIVE_THRESHOLD,
        "lanczos": {"method": "scipy.sparse.linalg.eigsh (ARPACK), which=LA", "tol": hessian.LANCZOS_TOL,
                    "start_seed": hessian.LANCZOS_START_SEED},
    }


def build_hessian_spectrum(ctx: Context) -> pa.Table:
    cols = {c.name: [] for c in HESSIAN_SPECTRUM.columns}
    run = ctx.training_run(*REFERENCE_RUN)
    for stage, epoch in SPECTRUM_STAGES:
        summary = ctx.reference_spectrum(epoch)
        n = summary.eigenvalues.size
        cols["stage"] += [stage] * n
        cols["epoch"] += [epoch] * n
        cols["train_loss"] += [run.train_loss[run.epochs.index(epoch)]] * n
        cols["rank"] += list(range(n))
        cols["eigenvalue"] += summary.eigenvalues.tolist()
    parameters = {**_hessian_parameters(), "stages": [list(s) for s in SPECTRUM_STAGES]}
    return entry_table(HESSIAN_SPECTRUM, cols, parameters, seed=REFERENCE_RUN[2])


HESSIAN_SPECTRUM = DataFile(
    name="hessian_spectrum",
    filename="hessian_spectrum.arrow",
    title="Full Hessian eigenvalue spectrum at initialisation, mid-training and the end of training",
    claim="The loss surface of a real network is mostly flat directions with a few sharp ones, and "
    "has many negative-curvature directions early on: it is neither a bowl nor convex.",
    doc="All 2,481 eigenvalues of the exact Hessian of the training loss (jax autodiff, "
    "float64; LAPACK `dsyev` through `scipy.linalg.eigvalsh`) along the reference run (minibatch SGD, batch "
    f"{REFERENCE_RUN[1]}, lr 0.01, seed {REFERENCE_RUN[2]} of `training_curves.arrow`) at three epochs: "
    + ", ".join(f"{stage} {epoch}" for stage, epoch in SPECTRUM_STAGES) + ".",
    columns=(
        Column("stage", "utf8", '"init", "mid" or "end"'),
        Column("epoch", "int32", "epoch of the reference run"),
        Column("train_loss", "float64", "training loss there, eV^2"),
        Column("rank", "int32", "0 = most negative eigenvalue, 2480 = largest"),
        Column("eigenvalue", "float64", "Hessian eigenvalue, eV^2 per unit parameter^2"),
    ),
    build=build_hessian_spectrum,
    tolerance=TRAINING_TOLERANCE,
    # eigenvalues near zero are rounding-level and carry only absolute accuracy
    column_tolerance={"eigenvalue": Tolerance(rtol=1e-6, atol=1e-8)},
)


def build_hessian_training(ctx: Context) -> pa.Table:
    cols = {c.name: [] for c in HESSIAN_TRAINING.columns}
    run = ctx.training_run(*REFERENCE_RUN)
    for epoch in HESSIAN_EPOCHS:
        summary = ctx.reference_spectrum(epoch)
        i = run.epochs.index(epoch)
        cols["epoch"].append(epoch)
        cols["step"].append(run.steps[i])
        cols["train_loss"].append(run.train_loss[i])
        cols["test_loss"].append(run.test_loss[i])
        cols["top_eigenvalue"].append(summary.top)
        cols["top_eigenvalue_lanczos"].append(hessian.model_top_eigenvalue(ctx.model, run.checkpoints[epoch]))
        cols["min_eigenvalue"].append(float(summary.eigenvalues[0]))
        cols["trace"].append(summary.trace)
        cols["negative_count"].append(summary.negative_count)
        cols["negative_fraction"].append(summary.negative_fraction)
        cols["negative_threshold"].append(summary.threshold)
    return entry_table(HESSIAN_TRAINING, cols, {**_hessian_parameters(), "epochs": list(HESSIAN_EPOCHS)},
                  seed=REFERENCE_RUN[2])


HESSIAN_TRAINING = DataFile(
    name="hessian_training",
    filename="hessian_training.arrow",
    title="Curvature along training: top eigenvalue, trace and index of the Hessian vs the loss",
    claim="Dauphin et al. 2014: the higher the loss, the larger the fraction of negative "
    "eigenvalues (saddle points, not bad local minima, dominate at high loss); and the top "
    "eigenvalue and trace of the Hessian change during training.",
    doc="The exact Hessian of the training loss at the epochs "
    f"{list(HESSIAN_EPOCHS)} of the reference run (as in `hessian_spectrum.arrow`). An eigenvalue "
    f"counts as negative below -{hessian.NEGATIVE_RELATIVE_THRESHOLD:g} x the top eigenvalue "
    "(anything closer to zero is rounding noise). `top_eigenvalue_lanczos` is computed "
    "independently from Hessian-vector products (Lanczos, no Hessian formed) and agrees with "
    "the exact value; it is the method that scales to large networks. The points are not "
    "critical points (the gradient is not zero), so this is Dauphin's plot along a training run.",
    columns=(
        Column("epoch", "int32", "epoch of the reference run"),
        Column("step", "int32", "updates made"),
        Column("train_loss", "float64", "training loss, eV^2"),
        Column("test_loss", "float64", "test loss, eV^2"),
        Column("top_eigenvalue", "float64", "largest Hessian eigenvalue (exact, eigvalsh)"),
        Column("top_eigenvalue_lanczos", "float64", "the same from Lanczos on Hessian-vector products"),
        Column("min_eigenvalue", "float64", "most negative eigenvalue"),
        Column("trace", "float64", "trace of the Hessian (sum of its diagonal)"),
        Column("negative_count", "int32", "number of eigenvalues below `negative_threshold`"),
        Column("negative_fraction", "float64", "negative_count / 2481 (the index of Dauphin et al.)"),
        Column("negative_threshold", "float64", "the threshold used, -1e-9 x top_eigenvalue"),
    ),
    build=build_hessian_training,
    tolerance=TRAINING_TOLERANCE,
    # an eigenvalue within rounding of the threshold could land on either side on another machine
    column_tolerance={"negative_count": Tolerance(rtol=0, atol=2), "negative_fraction": Tolerance(rtol=0, atol=2 / 2481)},
)

