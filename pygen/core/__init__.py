"""The optimisation core: twin of ``slides/js/core/``, module for module and name for name.

portable_math, checks, surfaces, optimizers, schedules, noise, runner, scenes. Both twins
give bit-identical results (tests/test_parity.py); nothing here imports numpy or pyarrow.
"""
