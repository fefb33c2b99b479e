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
from ..arrow_io import build_table
from ..registry import GENERATOR_MODULE, Column, DataFile
from .settings import Context


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
