"""Every file in `data/`: the list of entries, in the order the CLI and the README use.

`DATA_FILES` is the single registry the CLI, the tests and `data/README.md` read: a
file's columns are documented where it is built (`pygen/experiments/`), and the README is
generated from these entries (so it cannot drift from the data). `DataFile`, `Column` and the
comparison with the files on disk are in `pygen.registry`.
"""

from __future__ import annotations

from .experiments.bandgap import BANDGAP, BANDGAP_HISTOGRAM, BANDGAP_LICENSE
from .experiments.connectivity import CONNECTIVITY_FILES
from .experiments.curvature import HESSIAN_SPECTRUM, HESSIAN_TRAINING
from .experiments.edge_of_stability import EDGE_OF_STABILITY
from .experiments.landscape import LANDSCAPE_FILES
from .experiments.settings import TRAINING_TOLERANCE, Context
from .experiments.trajectories import REFERENCE_TRAJECTORIES
from .experiments.training import BATCH_SHARPNESS, TRAINING_CURVES
from .registry import DataFile


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

DATA_FILES = (
    REFERENCE_TRAJECTORIES,
    BANDGAP,
    BANDGAP_LICENSE,
    BANDGAP_HISTOGRAM,
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

