#!/usr/bin/env bash
# Builds and runs the libFuzzer harness of the application-protocol codec
# (Fuzz/InboundMessage/main.swift over Sources/RealtimeServer/Application).
#
#   scripts/fuzz-inbound.sh [runs] [extra libFuzzer flags…]     runs defaults to 5000000
#
# WireJSON and FlowEngine are compiled as their own modules (the Application files
# import them), all with -sanitize=fuzzer,address, then linked with the harness. The
# binary goes to Fuzz/bin/; the committed seeds Fuzz/corpus/InboundMessage/ are copied
# into the git-ignored working corpus Fuzz/corpus-work/InboundMessage/.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${1:-5000000}
shift || true
BIN="$ROOT/Fuzz/bin"
OBJ="$BIN/inbound-modules"
WORK="$ROOT/Fuzz/corpus-work/InboundMessage"
mkdir -p "$BIN" "$OBJ" "$WORK"
FLAGS=(-sanitize=fuzzer,address -parse-as-library -O -swift-version 6
       -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
       -enable-upcoming-feature InternalImportsByDefault)

for module in WireJSON FlowEngine; do
    echo "== building $module"
    mapfile -t sources < <(find "$ROOT/Sources/$module" -name '*.swift' | sort)
    swiftc "${FLAGS[@]}" -module-name "$module" -wmo -I "$OBJ" \
        -emit-module -emit-module-path "$OBJ/$module.swiftmodule" \
        -c "${sources[@]}" -o "$OBJ/$module.o"
done

echo "== building InboundMessage harness"
swiftc "${FLAGS[@]}" -module-name InboundMessageFuzz -I "$OBJ" \
    "$ROOT"/Sources/RealtimeServer/Application/*.swift "$ROOT/Fuzz/InboundMessage/main.swift" \
    "$OBJ/WireJSON.o" "$OBJ/FlowEngine.o" -o "$BIN/InboundMessage"

cat > "$BIN/InboundMessage.dict" <<'DICT'
"\"type\":"
"\"hello\""
"\"session.start\""
"\"activity\""
"\"session.end\""
"\"subscribe\""
"\"unsubscribe\""
"\"break.ack\""
"\"privacy.set\""
"\"ping\""
"\"id\":"
"\"session\":"
"\"seq\":"
"\"at_ms\":"
"\"window_ms\":"
"\"keystrokes\":"
"\"keystroke_intervals\":"
"\"context_switches\":"
"\"error_events\":"
"\"focus_ms\":"
"\"files_modified\":"
"\"lines_added\":"
"\"lines_deleted\":"
"\"language\":"
"\"file_saved\":"
"\"commit\":"
"\"token\":"
"\"client\":"
"\"device\":"
"\"project\":"
"\"channel\":"
"\"reminder\":"
"\"action\":"
"\"b-1\""
"\"snoozed\""
"\"leaderboard_visible\":"
"\"share_project_names\":"
"\"123e4567-e89b-12d3-a456-426614174000\""
"1763769540000"
"3600000"
"9223372036854775808"
"-1"
"1e3"
"null"
"true"
"\\u0041"
DICT

cp -n "$ROOT"/Fuzz/corpus/InboundMessage/* "$WORK/" 2>/dev/null || true
echo "== running InboundMessage for $RUNS executions"
"$BIN/InboundMessage" -runs="$RUNS" -max_len=4096 -dict="$BIN/InboundMessage.dict" \
    -rss_limit_mb=1024 -print_final_stats=1 "$@" "$WORK"
