#!/usr/bin/env bash
# Builds and runs the libFuzzer harnesses (the one fuzz entry point).
#
#   scripts/fuzz.sh TARGET [RUNS [extra libFuzzer flags…]]
#       TARGET  FrameDecoder | HTTPRequestParser | Inflater | WireJSON | InboundMessage | ActivityFastPath | TLSRecords | all
#       RUNS    executions per harness (default 10000000); `all` runs the harnesses one after
#               another, never in parallel (the machines are shared)
#   scripts/fuzz.sh TARGET --build-only
#
# Each harness is an executable of the SwiftPM package Fuzz/Package.swift, which imports the
# root package's libraries by product name, built in release with libFuzzer and ASan:
#   swift build -c release --package-path Fuzz --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address \
#       -Xswiftc -parse-as-library -Xswiftc -use-ld=lld
# (-parse-as-library: libFuzzer owns main(), main.swift only exports LLVMFuzzerTestOneInput;
# lld: gold warns about an ASan symbol it cannot export).
#
# Per harness, Fuzz/<target>/ holds main.swift, the committed seed corpus corpus/ (read,
# never written) and the libFuzzer dictionary <target>.dict. New inputs go to the
# git-ignored Fuzz/corpus-work/<target>/. A crash or a broken contract stops the run with a
# non-zero exit and leaves crash-* in the current directory: minimise it with
#   Fuzz/.build/release/<target>Fuzz -minimize_crash=1 -runs=100000 crash-…
# and add the result to Fuzz/<target>/corpus/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGETS=(FrameDecoder HTTPRequestParser Inflater WireJSON InboundMessage ActivityFastPath TLSRecords)

usage() {
    echo "usage: scripts/fuzz.sh {FrameDecoder|HTTPRequestParser|Inflater|WireJSON|InboundMessage|ActivityFastPath|TLSRecords|all} [RUNS [libFuzzer flags…] | --build-only]" >&2
    exit 2
}
[[ $# -ge 1 ]] || usage
TARGET=$1
shift
BUILD_ONLY=0
RUNS=10000000
if [[ $# -ge 1 ]]; then
    if [[ $1 == --build-only ]]; then BUILD_ONLY=1; else RUNS=$1; fi
    shift
fi
[[ $RUNS =~ ^[0-9]+$ ]] || usage

if [[ $TARGET == all ]]; then
    selected=("${TARGETS[@]}")
else
    selected=()
    for t in "${TARGETS[@]}"; do [[ $t == "$TARGET" ]] && selected=("$t"); done
    [[ ${#selected[@]} -eq 1 ]] || usage
fi

# --sanitize=fuzzer tells SwiftPM to leave main() to libFuzzer (otherwise it links the
# executable's own entry point). swiftc keeps only the last -sanitize= option, and SwiftPM
# writes one per --sanitize in no fixed order, so `--sanitize fuzzer --sanitize address`
# built some modules without coverage counters (libFuzzer then runs blind) or without ASan;
# the -Xswiftc option comes last and names both.
BUILD=(swift build -c release --package-path "$ROOT/Fuzz" --sanitize=fuzzer
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library -Xswiftc -use-ld=lld)
# One product at a time: a plain `swift build` would also build the root package's
# executables, whose main() collides with libFuzzer's.
for t in "${selected[@]}"; do
    echo "== building $t"
    "${BUILD[@]}" --product "${t}Fuzz"
done
# The same flags as the build: a plan written without the sanitizers makes the next build
# link harnesses that have no coverage instrumentation.
BIN=$("${BUILD[@]}" --show-bin-path)
for t in "${selected[@]}"; do
    # Without coverage counters libFuzzer runs blind and reports nothing wrong.
    if [[ $(nm "$BIN/${t}Fuzz" | grep -c __sancov_cntrs || true) -eq 0 ]]; then
        echo "error: $BIN/${t}Fuzz has no coverage instrumentation; remove Fuzz/.build and rerun" >&2
        exit 1
    fi
done
[[ $BUILD_ONLY -eq 1 ]] && exit 0

# Inputs longer than 4 KiB add time, not paths: every limit the harnesses exercise is
# reachable below it (they shrink the limits where needed). -rss_limit_mb catches a
# decompression bomb or a buffer that grows without bound.
for t in "${selected[@]}"; do
    work="$ROOT/Fuzz/corpus-work/$t"
    mkdir -p "$work"
    echo "== running $t for $RUNS executions"
    "$BIN/${t}Fuzz" -runs="$RUNS" -max_len=4096 -rss_limit_mb=1024 -print_final_stats=1 \
        -dict="$ROOT/Fuzz/$t/$t.dict" "$@" "$work" "$ROOT/Fuzz/$t/corpus"
done
