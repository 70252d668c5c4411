#!/usr/bin/env bash
# Micro-benchmarks (ordo-one/benchmark) of WSProtocol, FlowEngine and WireJSON.
#
# Usage: scripts/bench-micro.sh [--snapshot] [benchmark plugin options...]
#   scripts/bench-micro.sh                                  # every suite, text table
#   scripts/bench-micro.sh --target WSProtocolBenchmarks    # one suite
#   scripts/bench-micro.sh --filter 'ByteWriter.*' --format markdown
#   scripts/bench-micro.sh --snapshot                       # build a copy of the tree (below)
#
# It runs `swift package --disable-sandbox benchmark` in Benchmarks/, a package separate
# from the root: its own .build/ and Package.resolved; the plugin builds the benchmark
# executables in release. The root package's targets are compiled again inside
# Benchmarks/.build, in release, where the root's -warnings-as-errors (debug-only) is off.
# Malloc counts come from ordo-one's malloc interposer (the "MallocInterposer" trait).
#
# --snapshot: copy the working tree (the files git would commit; no .build, dev/ or .git)
# into $BENCH_SCRATCH/tree (default /tmp/flowcoach-bench/tree) and run there. Only files
# whose bytes changed are copied, so builds there stay incremental. Use it while others
# edit Sources/: SwiftPM aborts a build when an input changes under it ("input file ...
# was modified during the build").
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PACKAGE_DIR="$ROOT/Benchmarks"

if [[ "${1:-}" == "--snapshot" ]]; then
    shift
    SNAP="${BENCH_SCRATCH:-/tmp/flowcoach-bench}/tree"
    mkdir -p "$SNAP"
    # Files git would commit (tracked, or untracked and not ignored); copy only those whose
    # bytes differ, drop the ones gone from the tree, keep the snapshot's own .build/.
    git -C "$ROOT" ls-files -z --cached --others --exclude-standard |
        python3 -c '
import os, shutil, sys
root, snap = sys.argv[1], sys.argv[2]
wanted = {p for p in sys.stdin.buffer.read().decode().split("\0") if p}
for rel in wanted:
    src, dst = os.path.join(root, rel), os.path.join(snap, rel)
    if not os.path.isfile(src):
        continue
    try:
        with open(src, "rb") as a, open(dst, "rb") as b:
            if a.read() == b.read():
                continue
    except OSError:
        pass
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    shutil.copy2(src, dst)
for dirpath, dirnames, filenames in os.walk(snap):
    dirnames[:] = [d for d in dirnames if not d.startswith((".build", ".swiftpm"))]
    for name in filenames:
        rel = os.path.relpath(os.path.join(dirpath, name), snap)
        if rel not in wanted and name != "Package.resolved":
            os.remove(os.path.join(dirpath, name))
' "$ROOT" "$SNAP"
    PACKAGE_DIR="$SNAP/Benchmarks"
    echo "bench-micro: building a snapshot of the working tree in $SNAP" >&2
fi

cd "$PACKAGE_DIR"
if [[ $# -eq 0 ]]; then
    set -- --no-progress
fi
# --disable-sandbox: the benchmark executables read /proc for CPU, memory and syscall
# metrics (Linux has no plugin sandbox; macOS needs the flag).
exec swift package --disable-sandbox benchmark "$@"
