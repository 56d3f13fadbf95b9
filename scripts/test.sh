#!/usr/bin/env bash
# Command 2 of the README, and all that CI runs: lint, type-check, build, unit, integration (real proxies, real
# Prometheus), compose validation and end-to-end (the demo mesh in Debian's chromium).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
bash scripts/ensure-system.sh prometheus chromium docker-compose redis-server iproute2 iptables
bash scripts/ensure-deps.sh

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT

echo "== lint";        npm run lint --silent
echo "== build";       npm run build --silent
echo "== typecheck";   npm run typecheck --silent
echo "== unit + integration"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json"
echo "== docker-compose.yml"
docker-compose -f docker-compose.yml config -q
echo "== end-to-end"
PLAYWRIGHT_JSON_OUTPUT_NAME="$results/playwright.json" npx playwright test --reporter=list,json
node scripts/test-summary.mjs "$results/vitest.json" "$results/playwright.json"
