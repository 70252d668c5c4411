#!/usr/bin/env bash
# Tests of the JavaScript client (clients/js) and the VS Code extension (clients/vscode):
# `node --test` over every clients/**/*.test.js, the server tests against a real
# `flowcoach serve` taken from $FLOWCOACH_BIN (default: .build/debug/flowcoach, so build
# first). Installs Debian's nodejs with apt-get when `node` is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v node > /dev/null 2>&1; then
  echo "node is missing: installing Debian's nodejs"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq nodejs > /dev/null
fi

FLOWCOACH_BIN="${FLOWCOACH_BIN:-$PWD/.build/debug/flowcoach}"
export FLOWCOACH_BIN
if [ ! -x "$FLOWCOACH_BIN" ]; then
  echo "error: no server binary at $FLOWCOACH_BIN (run swift build, or set FLOWCOACH_BIN)" >&2
  exit 1
fi

major="$(node -p 'process.versions.node.split(".")[0]')"
flags=(--test)
# The global WebSocket is stable from Node 22; Node 20 has it behind a flag; Node 18 (Debian
# bookworm's package) has none, and the server tests then report themselves skipped.
if [ "$major" -ge 20 ] && [ "$major" -lt 22 ]; then flags+=(--experimental-websocket); fi
if [ "$major" -ge 20 ]; then flags+=(--test-timeout=120000); fi
echo "node $(node --version), server $FLOWCOACH_BIN"

mapfile -t files < <(find clients -name node_modules -prune -o -name '*.test.js' -print | sort)
node "${flags[@]}" "${files[@]}"
