#!/usr/bin/env bash
# The zero-allocation check of the hot path: builds the malloc-counting interposer
# Tests/MallocCounter/malloc_counter.c, preloads it, and runs the allocation tests.
#
#   scripts/check-allocations.sh [release|debug]   exit 0 only if every check ran and counted 0
#
# release (the default) is the build that serves traffic. debug reuses the test command's
# build (no extra compilation) but does not pass today: unspecialized generics allocate
# (Array.append(contentsOf: repeatElement(…)) in InboundDecoder.readIntervals, 128 mallocs
# per message; JSONWriter.needsSeparator, 24), which the optimizer removes.
#
#   MALLOC_COUNTER_TRAP=1 scripts/check-allocations.sh
#                                           on a non-zero count, print a backtrace of each
#                                           allocation of one more round
#
# A check fails, never skips, when the counter is missing (FLOWCOACH_REQUIRE_MALLOC_COUNTER);
# and this script fails when no check printed its count (a filter matching nothing, a
# preload that did not take).
set -euo pipefail
cd "$(dirname "$0")/.."
config=${1:-release}
case "$config" in release|debug) ;; *) echo "usage: scripts/check-allocations.sh [release|debug]" >&2; exit 2;; esac
# The test targets use @testable imports, which a release build refuses without this.
flags=(-c "$config")
[ "$config" = release ] && flags+=(-Xswiftc -enable-testing)

work=$(mktemp -d /tmp/flowcoach-malloc.XXXXXX)
trap 'rm -rf "$work"' EXIT
cc -shared -fPIC -O2 -Wall -Wextra -Werror -o "$work/libmalloc_counter.so" \
    Tests/MallocCounter/malloc_counter.c -ldl

# Incremental: for debug, nothing to do after the test command's own build.
swift build "${flags[@]}" --build-tests > "$work/build.log" 2>&1 || { tail -n 40 "$work/build.log"; exit 1; }

status=0
FLOWCOACH_REQUIRE_MALLOC_COUNTER=1 LD_PRELOAD="$work/libmalloc_counter.so" \
    swift test "${flags[@]}" --skip-build --filter 'CodecPerformanceTests/zeroAllocations' > "$work/test.log" 2>&1 || status=$?
grep -E 'allocations in|malloc_counter|✘|error:|passed|failed' "$work/test.log" || true
if [ "$status" -ne 0 ]; then
    echo "error: the allocation check failed (exit $status)" >&2
    exit "$status"
fi
# Each check prints "<Suite>: N allocations in …"; all of them must have run and said 0.
counted=$(grep -cE '^[A-Za-z]+: [0-9]+ allocations in' "$work/test.log" || true)
if [ "$counted" -lt 1 ]; then
    echo "error: no allocation check ran (was the interposer preloaded?)" >&2
    exit 1
fi
nonzero=$(grep -E '^[A-Za-z]+: [0-9]+ allocations in' "$work/test.log" | grep -cvE ': 0 allocations in' || true)
if [ "$nonzero" -ne 0 ]; then
    echo "error: an allocation check counted allocations" >&2
    exit 1
fi
echo "allocation checks: $counted, all 0 mallocs in steady state"
