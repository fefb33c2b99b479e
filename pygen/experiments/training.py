"""Network training: loss curves per epoch, and sharpness against test loss at the end of
training (small vs large batches). Compared with a tolerance (XLA kernels).
"""

from __future__ import annotations

import pyarrow as pa

from .. import hessian
from ..registry import Column, DataFile, entry_table
from .settings import (
    BATCH_SIZES,
    EPOCHS,
    LONG_LARGE_BATCH_RUNS,
    TRAINING_RUNS,
    TRAINING_SEEDS,
    TRAINING_TOLERANCE,
    Context,
    training_parameters,
    training_settings,
)


def build_training_curves(ctx: Context) -> pa.Table:
    cols = {c.name: [] for c in TRAINING_CURVES.columns}
    for optimizer, label, hyper, lr in TRAINING_RUNS:
        for batch_size in BATCH_SIZES:
            for seed in TRAINING_SEEDS:
                run = ctx.training_run(optimizer, batch_size, seed)
                for epoch, step, train_loss, test_loss in zip(run.epochs, run.steps, run.train_loss, run.test_loss):
                    cols["optimizer"].append(optimizer)
                    cols["label"].append(label)
                    cols["batch_size"].append(batch_size)
                    cols["seed"].append(seed)
                    cols["lr"].append(lr)
                    cols["epoch"].append(epoch)
                    cols["step"].append(step)
                    cols["train_loss"].append(train_loss)
                    cols["test_loss"].append(test_loss)
                    cols["run_status"].append(run.status)
    return entry_table(TRAINING_CURVES, cols, training_parameters(), seed=None,
                  extra={"n_params": str(ctx.model.problem.n_params),
                         "n_train": str(ctx.model.problem.x_train.shape[0]),
                         "n_test": str(ctx.model.problem.x_test.shape[0])})


_NETWORK_DOC = (
    "The network: 136 -> 16 -> 16 -> 1, tanh hidden layers, 2,481 parameters, float64 (JAX), "
    "mean squared error in eV^2 on the band gap. Features standardised with the training set's "
    "mean and standard deviation. Train/test split by composition (every measurement of one "
    "formula on the same side; a SHA-256 hash of the formula decides, 20% test): 3,199 training "
    "and 697 test rows. Updates are `pygen.core.optimizers` (the deck's own update rules) on the flat "
    "parameter vector, constant learning rate. "
)

TRAINING_CURVES = DataFile(
    name="training_curves",
    filename="training_curves.arrow",
    title="Train and test loss per epoch: SGD, momentum, Adam, AdamW, small and large batches",
    claim="Tests the deck's \"Adam vs SGD\" claims on a materials data set: Adam's training loss is "
    "lower but its test loss can be higher; small vs large batches. (The sharpness of the same runs, "
    "for \"Adam can converge to sharper minima than SGD with momentum\", is in batch_sharpness.arrow.)",
    doc=_NETWORK_DOC
    + f"Runs: {len(TRAINING_RUNS)} optimizers x batch sizes {list(BATCH_SIZES)} x seeds "
    f"{list(TRAINING_SEEDS)}, {EPOCHS} epochs each; settings in the schema metadata `parameters`. "
    "The seed sets both the initial weights and the order of the minibatches. Row epoch 0 is "
    "the initialisation.",
    columns=(
        Column("optimizer", "utf8", "optimizer id in `pygen.core.optimizers` (`gd` is minibatch SGD)"),
        Column("label", "utf8", 'legend label ("SGD", "SGD + momentum", "Adam", "AdamW")'),
        Column("batch_size", "int32", "minibatch size (64: 50 updates per epoch; 512: 7)"),
        Column("seed", "int32", "seed of the initial weights and of the batch order"),
        Column("lr", "float64", "learning rate (constant)"),
        Column("epoch", "int32", "passes over the training set completed (0 = initialisation)"),
        Column("step", "int32", "updates made so far"),
        Column("train_loss", "float64", "mean squared error on the whole training set, eV^2"),
        Column("test_loss", "float64", "mean squared error on the test set, eV^2"),
        Column("run_status", "utf8", '"completed", or "diverged" (the run stopped at a non-finite loss)'),
    ),
    build=build_training_curves,
    tolerance=TRAINING_TOLERANCE,
)



def build_batch_sharpness(ctx: Context) -> pa.Table:
    cols = {c.name: [] for c in BATCH_SHARPNESS.columns}
    runs = [(o, label, b, s, EPOCHS) for o, label, _, _ in TRAINING_RUNS for b in BATCH_SIZES for s in TRAINING_SEEDS]
    runs += [(o, training_settings(o)[0], b, s, e) for o, b, e in LONG_LARGE_BATCH_RUNS for s in TRAINING_SEEDS]
    for optimizer, label, batch_size, seed, epochs in runs:
        run = ctx.training_run(optimizer, batch_size, seed, epochs)
        cols["optimizer"].append(optimizer)
        cols["label"].append(label)
        cols["batch_size"].append(batch_size)
        cols["seed"].append(seed)
        cols["epochs"].append(run.epochs[-1])
        cols["steps"].append(run.steps[-1])
        cols["train_loss"].append(run.train_loss[-1])
        cols["test_loss"].append(run.test_loss[-1])
        cols["top_eigenvalue"].append(hessian.model_top_eigenvalue(ctx.model, run.final_params))
        cols["run_status"].append(run.status)
    parameters = {**training_parameters(), "long_large_batch_runs": [list(r) for r in LONG_LARGE_BATCH_RUNS]}
    return entry_table(BATCH_SHARPNESS, cols, parameters, seed=None)


BATCH_SHARPNESS = DataFile(
    name="batch_sharpness",
    filename="batch_sharpness.arrow",
    title="Small vs large batches: sharpness and test loss at the end of training",
    claim="Tests Keskar et al. 2017 (large-batch training ends in sharper minima that generalise "
    "worse) and the deck's \"Adam can converge to sharper minima than SGD with momentum\".",
    doc="For every run of `training_curves.arrow`, at its last epoch: the top Hessian eigenvalue "
    "of the training loss (Lanczos) with the final train and test losses. "
    f"At equal epochs ({EPOCHS}) the "
    "large-batch runs made 7x fewer updates (as in Keskar et al.) and end at a higher training "
    "loss, so three extra runs (`epochs` 300: SGD, batch 512, seeds 0-2; not in "
    "`training_curves.arrow`) train the large batch 7.5 times longer, to about the small-batch "
    "training loss: compare those with the SGD batch-64 rows for sharpness at matched loss.",
    columns=(
        Column("optimizer", "utf8", "optimizer id"),
        Column("label", "utf8", "legend label"),
        Column("batch_size", "int32", "minibatch size"),
        Column("seed", "int32", "run seed"),
        Column("epochs", "int32", f"epochs trained ({EPOCHS}; 300 for the long large-batch runs)"),
        Column("steps", "int32", "updates made"),
        Column("train_loss", "float64", "final training loss, eV^2"),
        Column("test_loss", "float64", "final test loss, eV^2"),
        Column("top_eigenvalue", "float64", "largest Hessian eigenvalue of the training loss at the end"),
        Column("run_status", "utf8", '"completed" or "diverged"'),
    ),
    build=build_batch_sharpness,
    tolerance=TRAINING_TOLERANCE,
)

