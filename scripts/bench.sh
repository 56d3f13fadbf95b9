#!/usr/bin/env bash
# `npm run bench`: installs the peers and load generators when missing (nginx, wrk, h2load, haproxy), builds the
# proxy, and runs bench/run.ts: direct vs nginx vs node-http-proxy vs Signalbox on loopback, in one run.
# Needs 2 cores (the subject is pinned to core 0, load and backend to core 1). Extra args go to bench/run.ts
# (--seconds=N, --only=<name>[,<name>…], --baseline=<main.js>, --baseline-first, --rounds=N).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(nproc)" -lt 2 ]; then echo "bench: needs at least 2 cores (found $(nproc))" >&2; exit 1; fi
bash scripts/ensure-system.sh nginx wrk nghttp2-client haproxy
bash scripts/ensure-deps.sh
npx tsc -b packages/shared packages/launch apps/proxy apps/api
npm run bundle --silent -w @signalbox/proxy
exec node --import tsx bench/run.ts "$@"
