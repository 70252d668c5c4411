#!/usr/bin/env bash
# Builds and runs the libFuzzer harness of the permessage-deflate Inflater.
#
#   scripts/fuzz-inflater.sh [runs] [extra libFuzzer flags...]
#
# runs defaults to 5000000 executions. The binary goes to Fuzz/bin/, the working corpus
# to Fuzz/corpus-work/Inflater/ (both git-ignored); the seed corpus Fuzz/corpus/Inflater/
# is read, never written.
set -euo pipefail
cd "$(dirname "$0")/.."

runs="${1:-5000000}"
shift || true

mkdir -p Fuzz/bin Fuzz/corpus-work/Inflater
swiftc -sanitize=fuzzer,address -parse-as-library -O \
    -module-name InflaterFuzz \
    -I Sources/CZlib -lz \
    Fuzz/Inflater/main.swift \
    Sources/WSProtocol/Bytes/ByteWriter.swift \
    Sources/WSProtocol/Deflate/*.swift \
    -use-ld=lld \
    -o Fuzz/bin/fuzz-inflater

# -rss_limit_mb: a bomb that escaped the limit would show up here as well.
exec Fuzz/bin/fuzz-inflater \
    -runs="$runs" -max_len=4096 -rss_limit_mb=1024 -print_final_stats=1 \
    "$@" \
    Fuzz/corpus-work/Inflater Fuzz/corpus/Inflater
