#!/usr/bin/env bash
# `npm ci` when node_modules is missing or older than package-lock.json, so a fresh clone needs no extra step.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "Installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi
