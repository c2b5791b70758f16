#!/usr/bin/env bash
# Command 2 of the README: installs whatever is missing, then runs every check CI runs:
# formatting/lint, type checks, and the full test suite against real MariaDB, the chdb-backed
# ClickHouse server, the librdkafka mock Kafka broker and Debian's Chromium.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash infra/bin/setup.sh
echo "[test] lint (biome)"
pnpm exec biome check .
echo "[test] typecheck"
pnpm -r --workspace-concurrency=1 typecheck
echo "[test] SDK build with its 10 KB size budget"
pnpm --filter @tally/sdk-web build
echo "[test] test suite (vitest)"
pnpm exec vitest run "$@"
