#!/usr/bin/env bash
# Builds and runs the libFuzzer harnesses in Fuzz/<target>/main.swift.
#
#   scripts/fuzz.sh [target|all] [runs]      e.g. scripts/fuzz.sh FrameDecoder 5000000
#
# Each harness is compiled together with the module sources it tests (no SwiftPM) using
#   swiftc -sanitize=fuzzer,address -parse-as-library -O
# By default that is Sources/WSProtocol without Deflate/. A target directory may override it:
#   Fuzz/<target>/sources   one directory per line (relative to the repo root); every .swift
#                           file below it is compiled (e.g. Sources/WSProtocol, Sources/WireJSON)
#   Fuzz/<target>/flags     extra swiftc flags, whitespace-separated (e.g. -I Sources/CZlib -lz)
# The seed corpus Fuzz/corpus/<target>/ is copied into the git-ignored working corpus
# Fuzz/corpus-work/<target>/ so runs never modify the committed seeds.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TARGET=${1:-all}
RUNS=${2:-5000000}
BIN="$ROOT/Fuzz/bin"
mkdir -p "$BIN"

build() {
    local target=$1
    local -a sources=() flags=()
    if [[ -f "$ROOT/Fuzz/$target/sources" ]]; then
        while read -r dir; do
            [[ -z "$dir" || "$dir" == \#* ]] && continue
            mapfile -t -O "${#sources[@]}" sources < <(find "$ROOT/$dir" -name '*.swift' | sort)
        done < "$ROOT/Fuzz/$target/sources"
    else
        mapfile -t sources < <(find "$ROOT/Sources/WSProtocol" -name '*.swift' -not -path '*/Deflate/*' | sort)
    fi
    flags=(-sanitize=fuzzer,address -parse-as-library -O -module-name FuzzTarget
           -enable-upcoming-feature ExistentialAny -enable-upcoming-feature MemberImportVisibility
           -enable-upcoming-feature InternalImportsByDefault)
    if [[ -f "$ROOT/Fuzz/$target/flags" ]]; then
        # shellcheck disable=SC2207
        flags+=($(sed "s|Sources/|$ROOT/Sources/|g" "$ROOT/Fuzz/$target/flags"))
    fi
    echo "== building $target (${#sources[@]} sources)"
    swiftc "${flags[@]}" "${sources[@]}" "$ROOT/Fuzz/$target/main.swift" -o "$BIN/$target"
}

run() {
    local target=$1
    local work="$ROOT/Fuzz/corpus-work/$target"
    mkdir -p "$work"
    if [[ -d "$ROOT/Fuzz/corpus/$target" ]]; then cp -n "$ROOT/Fuzz/corpus/$target/"* "$work/" 2>/dev/null || true; fi
    echo "== running $target for $RUNS executions"
    "$BIN/$target" -runs="$RUNS" -max_len=4096 -print_final_stats=1 "$work"
}

if [[ "$TARGET" == all ]]; then
    targets=()
    for dir in "$ROOT"/Fuzz/*/; do
        name=$(basename "$dir")
        [[ -f "$dir/main.swift" ]] && targets+=("$name")
    done
else
    targets=("$TARGET")
fi
for t in "${targets[@]}"; do
    build "$t"
    run "$t"
done
