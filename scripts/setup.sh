#!/usr/bin/env bash
# One command on a fresh machine: installs everything the site, the generators and the tests
# need, then builds the site with Quarto when Quarto is installed.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Python packages (pygen and the test tools)"
python3 -m pip install --quiet --disable-pip-version-check -e ".[test,data]"

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

echo "== Site"
if command -v quarto >/dev/null 2>&1; then
  quarto render
else
  echo "Quarto is not installed, so the site was not rendered. On a machine with network access:"
  echo "  pip install quarto-cli      (or the installer from quarto.org), then: quarto render"
fi
