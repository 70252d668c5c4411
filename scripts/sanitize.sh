#!/usr/bin/env bash
# Runs the Swift tests and the interop suite against a sanitizer build:
#
#   scripts/sanitize.sh thread      ThreadSanitizer (data races between loops, writer, readers)
#   scripts/sanitize.sh address     AddressSanitizer
#   scripts/sanitize.sh thread Tests/Interop/test_cluster.py
#                                   only the server and those interop tests (pytest
#                                   arguments; no Swift tests, so only the server is built)
#
# The build goes to .build-<sanitizer> (git-ignored). The interop suite starts the
# sanitized server; its reports are written under a temporary directory and counted. Exits
# non-zero when a test fails or any report was written. Too slow for CI's budget (two more
# builds of the package); docs/OPERATIONS.md keeps the last clean result.
set -euo pipefail
cd "$(dirname "$0")/.."
sanitizer=${1:-thread}
shift || true
case "$sanitizer" in thread) env_name=TSAN_OPTIONS;; address) env_name=ASAN_OPTIONS;; *)
  echo "usage: scripts/sanitize.sh thread|address" >&2; exit 2;; esac
scratch=".build-$sanitizer"
reports=$(mktemp -d /tmp/flowcoach-$sanitizer.XXXXXX)

export "$env_name"="halt_on_error=0 log_path=$reports/report"
status=0
if [ "$#" -eq 0 ]; then
  swift build --build-tests --scratch-path "$scratch" -Xswiftc -sanitize="$sanitizer"
  swift test --skip-build --scratch-path "$scratch" 2>&1 | tail -n 3 || status=1
  set -- Tests/Interop
else
  swift build --product flowcoach --scratch-path "$scratch" -Xswiftc -sanitize="$sanitizer"
  # The load client stays unsanitized: a sanitized one is too slow for the cluster runs,
  # and its reports are not the server's.
  swift build --product flowcoach-soak
  export FLOWCOACH_SOAK_BIN="$PWD/.build/debug/flowcoach-soak"
fi
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check "websockets>=14,<16" "pytest>=8" "pyyaml>=6" "jsonschema>=4" "wakatime==13.1.0"
FLOWCOACH_BIN="$PWD/$scratch/debug/flowcoach" .venv/bin/python -m pytest -q -p no:cacheprovider "$@" 2>&1 | tail -n 3 || status=1
found=$(cat "$reports"/report.* 2>/dev/null | grep -c "^WARNING: \|^ERROR: " || true)
echo "$sanitizer sanitizer: $found report(s) in $reports"
[ "$found" -eq 0 ] && [ "$status" -eq 0 ]
