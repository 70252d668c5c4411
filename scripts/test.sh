#!/usr/bin/env bash
# The test command (README, CI): installs what it needs, builds with zero warnings, runs the
# Swift unit tests, then the interop tests (Python `websockets` client against the real
# server over sockets).
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "system packages"
./scripts/install-deps.sh

step "sans-I/O boundary: pure modules import no I/O, clocks or randomness"
if grep -rnE '^\s*(public |internal |@testable )?import (Foundation|Glibc|Dispatch|FoundationEssentials)|Date\(|\.now\b|SystemRandomNumberGenerator' \
    Sources/WSProtocol Sources/FlowEngine Sources/FlowEvaluation Sources/WireJSON Sources/CoachingCore; then
  echo "error: a pure module reaches for I/O, a clock or global randomness (STYLE.md, sans-I/O rules)" >&2
  exit 1
fi
echo "clean"

step "build (debug, warnings are errors)"
if ! swift build --build-tests > .build-log.txt 2>&1; then
  grep -E "error|warning" .build-log.txt | head -n 60 || tail -n 60 .build-log.txt
  echo "error: the build failed" >&2
  exit 1
fi
tail -n 1 .build-log.txt
if grep -E "^/.*(warning|error): " .build-log.txt | grep -v "/.build/checkouts/" ; then
  echo "error: the build printed warnings or errors" >&2
  exit 1
fi
rm -f .build-log.txt

step "Swift unit tests (PostgreSQL tests on a throwaway cluster: scripts/pg-test-cluster.sh)"
FLOWCOACH_TEST_PG_DIR="$(mktemp -d /tmp/flowcoach-pg.XXXXXX)"
export FLOWCOACH_TEST_PG_DIR
trap 'scripts/pg-test-cluster.sh stop >/dev/null 2>&1 || true' EXIT
FLOWCOACH_TEST_DATABASE_URL="$(scripts/pg-test-cluster.sh start)"
export FLOWCOACH_TEST_DATABASE_URL
# The full log goes to a file; the terminal gets every failure with its message, then the
# closing summary (a plain `tail` hid the names of failing tests behind passing ones).
swift_test_log="$(mktemp /tmp/flowcoach-swift-test.XXXXXX)"
swift_test_status=0
swift test --skip-build > "$swift_test_log" 2>&1 || swift_test_status=$?
grep -E -A4 '✘|error:|: failed|Fatal error|Crash' "$swift_test_log" | grep -v '^--$' | head -n 400 || true
tail -n 6 "$swift_test_log"
if [ "$swift_test_status" -ne 0 ]; then
  echo "error: swift test failed (exit $swift_test_status); full log: $swift_test_log" >&2
  exit "$swift_test_status"
fi
rm -f "$swift_test_log"

step "allocation check: the hot path allocates nothing once warm (scripts/check-allocations.sh)"
scripts/check-allocations.sh

step "instruction budgets: the hot path's instructions per message (scripts/check-instructions.sh, callgrind)"
scripts/check-instructions.sh

step "JavaScript client and VS Code extension (node --test against the real server)"
FLOWCOACH_BIN="$PWD/.build/debug/flowcoach" scripts/test-clients.sh

step "Python interop environment"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check "websockets>=14,<16" "pytest>=8" "pyyaml>=6" "jsonschema>=4" "wakatime==13.1.0"

step "interop tests (real sockets, Python websockets client, headless Chromium for the dashboard)"
FLOWCOACH_BIN="$PWD/.build/debug/flowcoach" .venv/bin/python -m pytest -q -p no:cacheprovider Tests/Interop

step "soak smoke (flowcoach-soak --profile smoke against a real server; scripts/soak-smoke.sh)"
scripts/soak-smoke.sh

step "reconnect storm (500 sessions: kill -9, restart, every session resumed with exact totals; scripts/soak-storm.sh)"
FLOWCOACH_BIN=.build/debug/flowcoach FLOWCOACH_SOAK_BIN=.build/debug/flowcoach-soak USERS=125 AFTER=0 LIMIT_S=10 \
  scripts/soak-storm.sh
