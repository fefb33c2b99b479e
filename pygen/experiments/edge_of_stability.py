"""Full-batch gradient descent against the stability bound 2/eta (Cohen et al. 2021).
Compared with a tolerance.
"""

from __future__ import annotations

import pyarrow as pa

from .. import hessian
from ..registry import Column, DataFile, entry_table
from .settings import (
    EOS_CHECKPOINTS,
    EOS_LEARNING_RATES,
    EOS_SEED,
    EOS_STEPS,
    TRAINING_TOLERANCE,
    Context,
    training_parameters,
)


def build_edge_of_stability(ctx: Context) -> pa.Table:
    from .. import mlp

    cols = {c.name: [] for c in EDGE_OF_STABILITY.columns}
    for lr in EOS_LEARNING_RATES:
        ctx.progress(f"full-batch gradient descent at lr {lr}")
        spec = mlp.TrainSpec("gd", {}, lr, 0, EOS_STEPS, EOS_SEED, "GD")
        run = mlp.train(ctx.model, spec, checkpoint_epochs=EOS_CHECKPOINTS, every_epoch=False)
        for step in EOS_CHECKPOINTS:
            if step not in run.checkpoints:
                break  # diverged before this step
            i = run.epochs.index(step)
            cols["lr"].append(lr)
            cols["two_over_lr"].append(2 / lr)
            cols["step"].append(step)
            cols["train_loss"].append(run.train_loss[i])
            cols["top_eigenvalue"].append(hessian.model_top_eigenvalue(ctx.model, run.checkpoints[step]))
            cols["run_status"].append(run.status)
    parameters = {"training": training_parameters(), "optimizer": "gd", "batch": "full (3,199 rows)",
                  "learning_rates": list(EOS_LEARNING_RATES), "steps": EOS_STEPS,
                  "checkpoints": list(EOS_CHECKPOINTS), "lanczos_tol": hessian.LANCZOS_TOL}
    return entry_table(EDGE_OF_STABILITY, cols, parameters, seed=EOS_SEED)


EDGE_OF_STABILITY = DataFile(
    name="edge_of_stability",
    filename="edge_of_stability.arrow",
    title="Full-batch gradient descent: the top Hessian eigenvalue against 2/eta",
    claim="Stability bound and edge of stability (Cohen et al. 2021): gradient descent with step "
    "eta is stable only where lambda_max < 2/eta; on a real network full-batch gradient descent "
    "drives the sharpness to 2/eta (from below or above) and keeps it hovering just above 2/eta "
    "while the loss keeps falling.",
    doc=f"Gradient descent on the full training loss from the seed-{EOS_SEED} initialisation at "
    f"learning rates {list(EOS_LEARNING_RATES)}, {EOS_STEPS} steps each; the top Hessian eigenvalue "
    "(Lanczos on Hessian-vector products) at the listed steps (every 10 steps up to 100, then every 50). "
    "The initial sharpness is about 20. At eta 0.05 and 0.1 the sharpness rises past 2/eta within "
    "the first 50 steps (the loss spikes) and is pulled back; at 0.15 and 0.2 it starts above 2/eta "
    "and is pulled down. In all four runs it then hovers just above 2/eta (1.0 to 1.12 times it) "
    "while the loss keeps falling. Smaller learning "
    "rates (0.02 to 0.04) were left out: their sharpness climbs slowly past 2/eta (progressive "
    "sharpening) and then catapults back, a chaotic event "
    "whose details change with the last bits of the arithmetic (20% between one and two XLA "
    "threads), so it cannot be a reproducible data file.",
    columns=(
        Column("lr", "float64", "learning rate eta"),
        Column("two_over_lr", "float64", "2 / eta, the stability bound to draw as a line"),
        Column("step", "int32", "gradient-descent steps made"),
        Column("train_loss", "float64", "training loss, eV^2"),
        Column("top_eigenvalue", "float64", "largest Hessian eigenvalue (sharpness)"),
        Column("run_status", "utf8", '"completed", or "diverged" (rows stop where the loss stopped being finite)'),
    ),
    build=build_edge_of_stability,
    tolerance=TRAINING_TOLERANCE,
)

