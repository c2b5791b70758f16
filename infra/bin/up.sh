#!/usr/bin/env bash
# Command 1 of the README: installs whatever is missing, then starts the whole product on its
# embedded defaults (MariaDB, the local ClickHouse engine, collector with in-process ingestion,
# analytics API, console), loads the demo data and prints the URLs. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash infra/bin/setup.sh
exec node --import tsx infra/src/embedded/main.ts "$@"
