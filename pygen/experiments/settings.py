"""Experiment settings shared by the data files, and the lazily computed inputs
(trained networks, Hessian spectra) that several files read within one `pygen` run.

Changing any setting changes the data; `python -m pygen --check` will say so.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Callable

from .. import hessian
from ..arrow_io import Tolerance

TRAINING_RUNS = (  # (optimizer id, label, hyperparameters, learning rate)
    ("gd", "SGD", {}, 0.01),
    ("momentum", "SGD + momentum", {"alpha": 0.9}, 0.01),
    ("adam", "Adam", {}, 0.001),
    ("adamw", "AdamW", {"weight_decay": 0.1}, 0.001),
)
TRAINING_SEEDS = (0, 1, 2)
# Sized for the CI budget: the deck's optimizers work on Python lists (bit-identical to the
# browser), about a millisecond per update of 2,481 parameters, so the updates are counted.
BATCH_SIZES = (64, 512)  # small and large: 50 and 7 updates per epoch
EPOCHS = 40

# Keskar's comparison at equal epochs leaves the large-batch runs at a higher training loss;
# these extra runs (not in training_curves) train large batches 7.5x longer, to about the
# small-batch training loss, so sharpness can also be compared at matched loss.
LONG_LARGE_BATCH_RUNS = (("gd", 512, 300),)  # (optimizer, batch size, epochs), seeds as above

# The run whose curvature is followed along training (plain SGD, small batch, seed 0).
REFERENCE_RUN = ("gd", 64, 0)
HESSIAN_EPOCHS = (0, 1, 2, 4, 8, 16, 28, 40)
SPECTRUM_STAGES = (("init", 0), ("mid", 4), ("end", 40))

# Smaller learning rates (0.02 to 0.04 tried) overshoot 2/eta early and "catapult" back; that
# event is chaotic: regenerating with one XLA thread instead of two changed their later losses
# and sharpness by up to 20%, so no tolerance short of meaningless could check them. These
# four reproduce within 1e-10 relative across thread settings.
EOS_LEARNING_RATES = (0.05, 0.1, 0.15, 0.2)
EOS_STEPS = 800
EOS_CHECKPOINTS = tuple(sorted(set(range(0, 100, 10)) | set(range(100, EOS_STEPS + 1, 50))))
EOS_SEED = 0

# The live trainer's reference runs (live_training_reference.arrow): the TRAINING_RUNS above at
# these batch sizes, trained by the browser's trainer (pygen.core.trainer, bit for bit), with
# lambda1 every LIVE_SHARPNESS_EVERY epochs, plus the edge-of-stability preset's runs.
LIVE_BATCH_SIZES = (64, 512)
LIVE_SEED = 0
LIVE_EPOCHS = 40
LIVE_SHARPNESS_EVERY = 2

# Training goes through XLA's matrix kernels, whose blocking and summation order depend on
# the CPU and the thread count; float64 results can then differ in the last bits between
# machines, and training carries such differences forward. Measured: regenerating everything
# with one XLA thread instead of two, or with XLA limited to SSE4.2 instead of AVX-512, moved
# no stored value by more than 1e-9 relative (see data/README.md).
# These files are compared with this tolerance; everything else bit for bit.
TRAINING_TOLERANCE = Tolerance(rtol=1e-6, atol=1e-9)


class Context:
    """Shared, lazily computed inputs of the generators within one `pygen` run."""

    def __init__(self, data_dir: Path, progress: Callable[[str], None] = lambda message: None):
        self.data_dir = Path(data_dir)
        self.progress = progress
        self._runs = {}
        self._spectra = {}

    @cached_property
    def model(self):
        from .. import mlp  # JAX is imported only by the generators that need it

        return mlp.Model(mlp.load_problem(self.data_dir))

    def training_run(self, optimizer: str, batch_size: int, seed: int, epochs: int = EPOCHS):
        from .. import mlp

        key = (optimizer, batch_size, seed) if epochs == EPOCHS else (optimizer, batch_size, seed, epochs)
        if key not in self._runs:
            label, hyper, lr = training_settings(optimizer)
            # every epoch (the landscape experiments project the whole path; 2,481 floats each)
            checkpoints = range(epochs + 1)
            self.progress(f"training {label}, batch {batch_size}, seed {seed}, {epochs} epochs")
            spec = mlp.TrainSpec(optimizer, hyper, lr, batch_size, epochs, seed, label)
            self._runs[key] = mlp.train(self.model, spec, checkpoint_epochs=checkpoints)
        return self._runs[key]

    def reference_spectrum(self, epoch: int) -> hessian.SpectrumSummary:
        if epoch not in self._spectra:
            run = self.training_run(*REFERENCE_RUN)
            self.progress(f"exact Hessian spectrum at epoch {epoch}")
            self._spectra[epoch] = hessian.exact_spectrum(self.model, run.checkpoints[epoch])
        return self._spectra[epoch]


def training_settings(optimizer: str):
    for opt, label, hyper, lr in TRAINING_RUNS:
        if opt == optimizer:
            return label, hyper, lr
    raise ValueError(f"no training settings for optimizer {optimizer!r}")


def training_parameters():
    from .. import mlp

    return {
        "layer_sizes": list(mlp.LAYER_SIZES),
        "activation": "tanh",
        "loss": "mean squared error (eV^2)",
        "init": "LeCun normal (numpy RandomState(seed)), zero biases",
        "batch_order": "numpy RandomState(1000003 + seed) permutation per epoch",
        "split": "by composition, SHA-256 hash, 20% test",
        "runs": [{"optimizer": o, "label": label, "hyper": h, "lr": lr} for o, label, h, lr in TRAINING_RUNS],
        "seeds": list(TRAINING_SEEDS),
        "batch_sizes": list(BATCH_SIZES),
        "epochs": EPOCHS,
        "schedule": "constant",
    }
