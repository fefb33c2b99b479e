#!/usr/bin/env bash
# Runs every test (README's second command; .ci/run runs it after scripts/setup.sh) with the
# Python that setup installed into: .venv/ where setup made one (a system Python that refuses
# `pip install`, PEP 668), the python3 on PATH otherwise. Arguments go to pytest, e.g.
#   bash scripts/test.sh -m "not browser and not quarto and not slow"     # the fast subset
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ]; then export PATH="$PWD/.venv/bin:$PATH"; fi
exec python3 -m pytest "$@"
