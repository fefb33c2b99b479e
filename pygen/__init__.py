"""pygen: the Python twin of the deck's optimisation core and the generators of data/.

The core modules (surfaces, optimizers, schedules, noise, runner, scenes) mirror
``slides/js/`` name for name and produce bit-identical trajectories.
"""

__version__ = "0.1.0"
