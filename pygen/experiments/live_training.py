"""The live trainer's data: the band-gap problem in the form the browser reads
(`training_set.arrow`), and the runs of the lecture's configurations trained by the Python twin
of the browser's trainer (`live_training_reference.arrow`). Both bit for bit.
"""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa

from .. import materials
from ..core.dataset import FIXED_COLUMNS, TRAINING_SET_FILE
from ..arrow_io import build_table, canonical_json
from ..registry import GENERATOR_MODULE, Column, DataFile, entry_table
from .settings import LIVE_BATCH_SIZES, LIVE_EPOCHS, LIVE_SEED, LIVE_SHARPNESS_EVERY, TRAINING_RUNS, Context


def _split_and_order(data: materials.BandGapData):
    is_test = np.array([materials.split_is_test(c) for c in data.compositions])
    return is_test, np.concatenate([np.flatnonzero(~is_test), np.flatnonzero(is_test)])


def build_training_set(ctx: Context) -> pa.Table:
    data = materials.load(ctx.data_dir)
    is_test, order = _split_and_order(data)
    # The training set's mean and std exactly as pygen.mlp.make_problem computes them.
    x_train = data.features[~is_test]
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    columns = {"split": is_test[order].astype(np.int32), "band_gap_ev": data.band_gap_ev[order]}
    types = {"split": "int32", "band_gap_ev": "float64"}
    for k, name in enumerate(data.feature_names):
        columns[name] = data.features[order, k]
        types[name] = "float32"
    # repr gives the shortest decimal that reads back as the same double, in Python and in JS
    extra = {"feature_mean": json.dumps([float(v) for v in mean]), "feature_std": json.dumps([float(v) for v in std])}
    # The entry declares the features as one documented group; the table has a column for each.
    return build_table(columns, types, generator=f"{GENERATOR_MODULE}:{TRAINING_SET.name}",
                       parameters={"source_file": materials.DATA_FILE, "split": "by composition, SHA-256 hash, 20% test"},
                       seed=None, extra_metadata=extra)


TRAINING_SET = DataFile(
    name="training_set",
    filename=TRAINING_SET_FILE,
    title="The band-gap problem as the live trainer reads it",
    claim="The live trainer on the slide 'Adam vs SGD on a materials dataset' trains the lecture's "
    "network on exactly the data pygen trains it on.",
    doc=f"The rows of `{materials.DATA_FILE}` split by composition as `pygen/mlp.py make_problem` splits "
    "them (SHA-256 of the formula, 20% test): the 3,199 training rows first, in file order, then the 697 "
    "test rows. The 136 features are the source's float32 values, not standardised; the schema metadata "
    "holds the training rows' per-feature mean (`feature_mean`) and standard deviation (`feature_std`, 1 "
    "where it is 0) as JSON lists of float64 values with 17 significant digits (read back exactly). Both "
    "twins (`slides/js/core/dataset.js`, `pygen/core/dataset.py`) standardise elementwise, "
    "`(x - mean[k]) / std[k]`, which reproduces make_problem's arrays bit for bit. Fetched by the slide "
    "when it is first shown, never at load.",
    columns=(
        Column(FIXED_COLUMNS[0], "int32", "0 for a training row, 1 for a test row (training rows first)"),
        Column(FIXED_COLUMNS[1], "float64", "measured band gap Eg in eV, the target"),
        Column("avg_Atomic number ... min_Cohesive energy (eV)", "float32",
               "the 136 raw composition features of the source, in its order (see bandgap_zhuo2018)"),
    ),
    build=build_training_set,
)


def live_reference_configs() -> list[tuple[str, dict]]:
    """(label, trainer config) of every run in live_training_reference.arrow, in file order."""
    from ..core.trainer import TRAINING_DEFAULTS, TRAINING_PRESETS

    configs = []
    for optimizer, label, hyper, lr in TRAINING_RUNS:
        for batch_size in LIVE_BATCH_SIZES:
            configs.append((label, {**TRAINING_DEFAULTS, "optimizer": optimizer, "hyper": dict(hyper), "lr": lr,
                                    "batch_size": batch_size, "seed": LIVE_SEED, "epochs": LIVE_EPOCHS,
                                    "sharpness_every": LIVE_SHARPNESS_EVERY}))
    preset = TRAINING_PRESETS["edge_of_stability"]
    configs += [(f"{preset['label']}, eta = {config['lr']:g}", dict(config)) for config in preset["runs"]]
    return configs


def build_live_training_reference(ctx: Context) -> pa.Table:
    from ..core.dataset import load_training_dataset
    from ..core.trainer import train

    dataset = load_training_dataset(ctx.data_dir)
    columns = {c.name: [] for c in LIVE_TRAINING_REFERENCE.columns}
    for run_index, (label, config) in enumerate(live_reference_configs()):
        ctx.progress(f"live trainer: {label}, batch {config['batch_size']}, {config['epochs']} epochs")
        result = train(config, dataset)
        if result["status"] != "completed":  # the slide draws these under live runs: they must be whole
            raise RuntimeError(f"reference run {label} {config}: {result['message']}")
        for row in result["rows"]:
            columns["run"].append(run_index)
            columns["label"].append(label)
            columns["config"].append(canonical_json(result["config"]))
            for key in ("epoch", "step", "lr", "train_loss", "test_loss", "status"):
                columns[key].append(row[key])
            columns["lambda1_estimated"].append(int(row["lambda1"] is not None))
            columns["lambda1"].append(0.0 if row["lambda1"] is None else row["lambda1"])
    parameters = {"trainer": "pygen.core.trainer (twin of slides/js/core/trainer.js)",
                  "runs": [{"label": label, "config": config} for label, config in live_reference_configs()]}
    return entry_table(LIVE_TRAINING_REFERENCE, columns, parameters, seed=None)


LIVE_TRAINING_REFERENCE = DataFile(
    name="live_training_reference",
    filename="live_training_reference.arrow",
    title="The live trainer's runs of the lecture's configurations, computed in advance",
    claim="A live run on the slide 'Adam vs SGD on a materials dataset' retraces its precomputed curve "
    "exactly: the browser's trainer and pygen's are one trainer (the rows are equal bit for bit).",
    doc="The rows `pygen.core.trainer.train` produces (the twin of the browser's `slides/js/core/trainer.js`; "
    "the JS twin gives the same bits, `tests/test_training_twin.py`) for the lecture's four optimizers "
    "(`TRAINING_RUNS` of `pygen/experiments/settings.py`: SGD and momentum at eta = 0.01, Adam and AdamW at "
    "0.001) at batch sizes 64 and 512, seed 0, 40 epochs, lambda1 every 2 epochs, on all 3,199 training rows "
    "of `training_set.arrow`; then the runs of the edge-of-stability preset (`TRAINING_PRESETS` in "
    "`pygen/core/trainer.py`, which says why its subset and learning rate). One row per run and epoch "
    "(epoch 0: the initialisation). Not the same numbers as `training_curves.arrow`, which JAX computes "
    "with another initialisation and batch order (numpy's generator) and XLA's summation order. Those JAX "
    "files stay as they are this round, on purpose: retraining their 33 runs (about 1,900 epochs) with this "
    "trainer would add about two minutes of CPU to `python -m pygen` (its Python twin takes about three "
    "times XLA's time per epoch, `bench/bench_training.py`), and every file built on those runs (Hessian "
    "spectra, landscapes, mode connectivity) would change with them; this file, about 95 s of CPU, gives "
    "the slide what it draws under a live run.",
    columns=(
        Column("run", "int32", "index of the run in the file (0, 1, ...)"),
        Column("label", "utf8", "the run's name for a legend"),
        Column("config", "utf8", "the run's trainer config as `check_training_config` returns it (every key "
               "of TRAINING_DEFAULTS), canonical JSON (sorted keys); `hyper` as given (merge the optimizer's "
               "defaults under it to compare)"),
        Column("epoch", "int32", "row.epoch (0: the initialisation)"),
        Column("step", "int32", "row.step: updates so far"),
        Column("lr", "float64", "row.lr: the learning rate of the next update (config.lr under a constant schedule)"),
        Column("train_loss", "float64", "row.train_loss: MSE (eV^2) on the run's training rows"),
        Column("test_loss", "float64", "row.test_loss: MSE (eV^2) on the 697 test rows"),
        Column("lambda1_estimated", "int32", "1 where row.lambda1 was estimated, 0 where it is null"),
        Column("lambda1", "float64", "row.lambda1: top Hessian eigenvalue of the training loss (0 where not "
               "estimated: see lambda1_estimated; the files hold no nulls)"),
        Column("status", "utf8", "row.status: ok (no reference run diverges)"),
    ),
    build=build_live_training_reference,
)
