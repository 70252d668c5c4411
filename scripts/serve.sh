#!/usr/bin/env bash
# Runs the server from a fresh clone: installs system libraries if missing, builds in
# release mode, starts `flowcoach serve` with any arguments given (e.g. --echo, --port).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh >&2
swift build -c release --product flowcoach >&2
exec .build/release/flowcoach serve "$@"
