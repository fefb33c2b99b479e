"""The band-gap problem the network is trained on, read from ``data/training_set.arrow``.

Twin of ``slides/js/core/dataset.js``. The file keeps the raw features as float32 (the source's
precision) with the training set's per-feature mean and std as float64 (schema metadata, JSON
with 17 significant digits, read back exactly); each value is standardised elementwise,
``(x - mean[k]) / std[k]``, which gives the bits of ``pygen.mlp.make_problem``'s arrays
(``tests/test_training_twin.py`` checks it). Training rows come first, in the file's order.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

TRAINING_SET_FILE = "training_set.arrow"
FIXED_COLUMNS = ("split", "band_gap_ev")


@dataclass(frozen=True)
class TrainingDataset:
    n_features: int
    n_train: int
    n_test: int
    x_train: np.ndarray  # (n_train, n_features) float64, standardised
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def _fail(message: str):
    raise ValueError(f"{TRAINING_SET_FILE}: {message}")


def _parse_vector(metadata: dict, key: str, length: int) -> np.ndarray:
    try:
        values = json.loads(metadata.get(key, ""))
    except ValueError:
        values = None
    if not (isinstance(values, list) and len(values) == length
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values)):
        _fail(f'its metadata "{key}" is not a list of {length} finite numbers')
    return np.array(values, dtype=np.float64)


def training_dataset_from_table(table: pa.Table) -> TrainingDataset:
    names = table.schema.names
    if tuple(names[:2]) != FIXED_COLUMNS or len(names) < 3:
        _fail(f"expected the columns {', '.join(FIXED_COLUMNS)} and the features, got {', '.join(names[:3])}")
    n_features = len(names) - len(FIXED_COLUMNS)
    metadata = {k.decode(): v.decode() for k, v in (table.schema.metadata or {}).items()}
    mean = _parse_vector(metadata, "feature_mean", n_features)
    std = _parse_vector(metadata, "feature_std", n_features)
    split = table.column(0).to_numpy()
    band_gap = table.column(1).to_numpy().astype(np.float64)
    n_train = int(np.argmax(split != 0)) if np.any(split != 0) else split.shape[0]
    if not np.all(split[n_train:] == 1):
        _fail("the training rows (split 0) must come first, then the test rows (split 1)")
    raw = np.column_stack([table.column(len(FIXED_COLUMNS) + k).to_numpy().astype(np.float64) for k in range(n_features)])
    x = (raw - mean) / std  # elementwise
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(band_gap))):
        _fail("it holds a non-finite value")
    return TrainingDataset(
        n_features=n_features,
        n_train=n_train,
        n_test=split.shape[0] - n_train,
        x_train=np.ascontiguousarray(x[:n_train]),
        y_train=band_gap[:n_train].copy(),
        x_test=np.ascontiguousarray(x[n_train:]),
        y_test=band_gap[n_train:].copy(),
    )


def load_training_dataset(data_dir) -> TrainingDataset:
    from ..arrow_io import read_table

    return training_dataset_from_table(read_table(Path(data_dir) / TRAINING_SET_FILE))
