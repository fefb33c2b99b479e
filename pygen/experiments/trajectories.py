"""The reference trajectories: the deck's scenes run by the Python core (exact, bit-identical
to the JavaScript twin).
"""

from __future__ import annotations

import pyarrow as pa

from ..registry import Column, DataFile, entry_table
from .settings import Context


def build_reference_trajectories(ctx: Context) -> pa.Table:
    from ..core.scenes import SCENE_NAMES, run_scene, scene_defaults

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
    return entry_table(REFERENCE_TRAJECTORIES, cols, {"scene_defaults": parameters}, seed=None)


REFERENCE_TRAJECTORIES = DataFile(
    name="reference_trajectories",
    filename="reference_trajectories.arrow",
    title="Python reference trajectories of the deck's interactive cells",
    claim="The browser computes the same optimizer paths as the Python reference, bit for bit "
    "(drawn faintly under each live path; the parity test compares them).",
    doc="For every scene of `pygen.core.scenes` (one per interactive cell), `run_scene(name, "
    "scene_defaults(name))`: one row per step of each path, as `pygen.core.runner.run` returns it. "
    "The `flat_sharp` and `schedules` scenes have no optimizer path and so no rows (their "
    "defaults are still recorded in the metadata).",
    columns=(
        Column("scene", "utf8", "scene name (`pygen.core.scenes.SCENE_NAMES`)"),
        Column("path", "int32", "index of the path within the scene, in `scene_configs` order"),
        Column("label", "utf8", 'legend label ("GD", "Momentum", "Nesterov", "RMSProp", "Adam")'),
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

