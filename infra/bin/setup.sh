#!/usr/bin/env bash
# Idempotent bootstrap shared by both README commands, for a fresh Debian 12 machine that has
# only Node 20, npm and apt: installs the missing Debian packages (MariaDB server, librdkafka for
# the Kafka test broker, gcc, Chromium for browser tests), pnpm, the workspace's npm packages,
# and builds the Kafka test broker. Takes a few seconds when everything is already there.
set -euo pipefail
cd "$(dirname "$0")/../.."

say() { echo "[setup] $*"; }
as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# fonts-wqy-microhei: a CJK font, so the console (zh-CN first) renders Chinese in browser-test screenshots.
packages=(mariadb-server librdkafka-dev gcc libc6-dev chromium fonts-wqy-microhei)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  say "installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v pnpm >/dev/null 2>&1; then
  # corepack cannot verify pnpm's signature here; npm installs it fine.
  say "installing pnpm"
  as_root npm install -g pnpm@10 --silent >/dev/null
fi

if [[ ! -f node_modules/.modules.yaml || pnpm-lock.yaml -nt node_modules/.modules.yaml ]]; then
  say "installing npm packages"
  pnpm install --frozen-lockfile --reporter=silent
fi

bash infra/bin/build-kafka-mock.sh
say "ready"
