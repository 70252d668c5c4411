#!/usr/bin/env bash
# The zero-allocation check of the hot path, run by the test command (CI):
#
#   scripts/check-allocations.sh          exit 0 only if every check ran within its budget
#
# Builds the malloc-counting interposer Tests/MallocCounter/malloc_counter.c, builds the
# release executable flowcoach-alloc-check (Tests/AllocationCheck: the pure modules only,
# so the release build is small), and runs it with the interposer preloaded. It checks the
# codec (decode an `activity` with 64 intervals, encode `flow`) and the whole coaching round
# trip through CoachingShard.receivedText, and the transport echo through a server
# WebSocketEndpoint (a frame whole and split across two reads), 10,000 rounds each after a
# warm-up, 0 mallocs;
# and the opening handshake (parse, validate, accept, write the 101) of a minimal and of a
# browser-like request, at most 10 mallocs each. Then the server's TLS work per message
# (`tls-round-trip`: a record in, a record out through our own TLS 1.3 record layer, over a
# throwaway certificate from `openssl req`), 10,000 rounds after a warm-up, 0 mallocs.
#
# Release is the build that serves traffic; a debug build allocates in unspecialized
# generics (about 160 mallocs per message), which the optimizer removes.
#
#   MALLOC_COUNTER_TRAP=1 scripts/check-allocations.sh
#                          on a non-zero count, print a backtrace of each allocation
#
# The codec check also exists as a swift-testing suite (CodecPerformanceTests), for a
# release `swift test` run under the same interposer.
set -euo pipefail
cd "$(dirname "$0")/.."

work=$(mktemp -d /tmp/flowcoach-malloc.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$work/libmalloc_counter.so" \
    Tests/MallocCounter/malloc_counter.c -ldl

if ! swift build -c release --product flowcoach-alloc-check > "$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log"
    exit 1
fi
binary="$(swift build -c release --product flowcoach-alloc-check --show-bin-path)/flowcoach-alloc-check"

status=0
FLOWCOACH_REQUIRE_MALLOC_COUNTER=1 LD_PRELOAD="$work/libmalloc_counter.so" "$binary" | tee "$work/run.log" || status=$?
if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
    -out "$work/cert.pem" -subj /CN=localhost -days 2 > /dev/null 2>&1; then
    echo "error: openssl could not make the TLS check's certificate" >&2
    exit 1
fi
FLOWCOACH_REQUIRE_MALLOC_COUNTER=1 LD_PRELOAD="$work/libmalloc_counter.so" "$binary" tls-round-trip \
    "$work/cert.pem" "$work/key.pem" 10000 | tee -a "$work/run.log" || status=$?
counted=$(grep -cE '^[A-Za-z]+: [0-9]+ allocations in' "$work/run.log" || true)
if [ "$status" -ne 0 ] || [ "$counted" -lt 7 ]; then
    echo "error: the allocation check failed (exit $status, $counted checks counted)" >&2
    exit 1
fi
echo "allocation checks: $counted, the hot path 0 mallocs in steady state, handshakes within their budget"
