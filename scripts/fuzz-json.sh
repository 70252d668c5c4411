#!/usr/bin/env bash
# Builds and runs the WireJSON libFuzzer harness (Fuzz/WireJSON/main.swift).
#
#   scripts/fuzz-json.sh [runs] [extra libFuzzer flags…]    e.g. scripts/fuzz-json.sh 5000000 -jobs=1
#
# The harness is compiled together with Sources/WireJSON/*.swift (no SwiftPM):
#   swiftc -sanitize=fuzzer,address -parse-as-library -O -swift-version 6 …
# The committed seeds in Fuzz/corpus/WireJSON/ are copied into the git-ignored working
# corpus Fuzz/corpus-work/WireJSON/, so runs never modify them. A JSON dictionary of the
# grammar's tokens is written next to the binary and passed with -dict.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5000000}
shift || true
BIN="$ROOT/Fuzz/bin"
WORK="$ROOT/Fuzz/corpus-work/WireJSON"
mkdir -p "$BIN" "$WORK"

echo "== building WireJSON harness"
swiftc -sanitize=fuzzer,address -parse-as-library -O -swift-version 6 -module-name WireJSONFuzz \
    -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility \
    -enable-upcoming-feature InternalImportsByDefault \
    "$ROOT"/Sources/WireJSON/*.swift "$ROOT/Fuzz/WireJSON/main.swift" -o "$BIN/WireJSON"

cat > "$BIN/WireJSON.dict" <<'DICT'
"{"
"}"
"["
"]"
":"
","
"\""
"true"
"false"
"null"
"-"
"0"
"."
"e"
"E+"
"\\u"
"\\uD83D\\uDE00"
"\\uD800"
"\\\\"
"\\/"
"\"a\":"
"9223372036854775808"
"1e400"
"\xc3\xa9"
"\xf0\x9f\x98\x80"
"\xed\xa0\x80"
DICT

cp -n "$ROOT"/Fuzz/corpus/WireJSON/* "$WORK/" 2>/dev/null || true
echo "== running WireJSON for $RUNS executions"
"$BIN/WireJSON" -runs="$RUNS" -max_len=4096 -dict="$BIN/WireJSON.dict" -print_final_stats=1 "$@" "$WORK"
