#!/usr/bin/env bash
# Command 1 of the README: installs what is missing, builds, and runs the demo mesh with its dashboard.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
bash scripts/ensure-system.sh prometheus
bash scripts/ensure-deps.sh
npm run build --silent
exec node examples/demo/dist/main.js "$@"
