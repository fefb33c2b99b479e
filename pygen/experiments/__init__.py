"""Experiments on the band-gap network whose data files live in `data/` (registered in
`pygen.generators.DATA_FILES`).

The experiment modules declare their `DataFile` entries with the registry's classes, and the
registry imports those entries; importing the registry first keeps that cycle in one order
whichever module is imported first.
"""

from .. import generators  # noqa: F401
