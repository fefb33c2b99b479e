#!/usr/bin/env bash
# Runs every test (README's second command; .ci/run runs it after scripts/setup.sh) with the
# Python that setup installed into: .venv/ where setup made one (a system Python that refuses
# `pip install`, PEP 668), the python3 on PATH otherwise. Arguments go to pytest, e.g.
#   bash scripts/test.sh -m "not browser and not quarto and not slow"     # the fast subset
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -x .venv/bin/python ]; then export PATH="$PWD/.venv/bin:$PATH"; fi
# Two workers (pytest-xdist; TEST_WORKERS=0 runs in one process): the browser tests are
# independent pages, each worker has its own browsers and its own 127.0.0.1 server on a free port;
# the site is rendered once before they start (tests/conftest.py). Firefox's and WebKit's tests
# each stay on one worker (--dist loadgroup, tests/conftest.py).
exec python3 -m pytest -n "${TEST_WORKERS:-2}" --dist loadgroup "$@"
