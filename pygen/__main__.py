"""`python -m pygen`: see pygen.cli."""

import sys

from .cli import main

sys.exit(main())
