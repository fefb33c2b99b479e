"""The optimisation core: twin of ``slides/js/core/``, module for module and name for name.

portable_math, checks, surfaces, optimizers, schedules, noise, runner, scenes. Both twins
give bit-identical results (tests/test_parity.py); nothing of these imports numpy or pyarrow.
The live trainer's twin, network, sharpness, trainer and dataset, works on numpy arrays (its JS
twin on typed arrays) and gives the same bits too (tests/test_training_twin.py).
"""
