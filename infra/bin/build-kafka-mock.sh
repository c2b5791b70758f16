#!/usr/bin/env bash
# Builds the Kafka-protocol test broker (librdkafka's mock cluster) when its source is newer
# than the binary. Needs gcc and librdkafka-dev (installed by setup.sh).
set -euo pipefail
dir="$(cd "$(dirname "$0")/../kafka-mock" && pwd)"
if [[ ! -x "$dir/kafka-mock-broker" || "$dir/mock-broker.c" -nt "$dir/kafka-mock-broker" ]]; then
  echo "[setup] building the Kafka mock broker"
  gcc -O2 -Wall -o "$dir/kafka-mock-broker" "$dir/mock-broker.c" -lrdkafka
fi
