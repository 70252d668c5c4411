#!/usr/bin/env bash
# The hot path's instruction budgets, run by the test command (CI):
#
#   scripts/check-instructions.sh          exit 0 only if every count is within budget
#
# Counts, with valgrind's callgrind, the instructions of
#   - one coaching round trip (`CoachingShard.receivedText` for an `activity` with 64
#     intervals: decode, rate limit, seq contract, detection, accounting, `flow` encoded
#     and handed to the shell), and
#   - one transport echo through a server `WebSocketEndpoint` (a masked 64-byte text frame
#     decoded in place and the answer framed), and
#   - the server's TLS work per message (a 315-byte record in, a 309-byte record out,
#     AES-128-GCM through our own TLS 1.3 record layer, ciphertext lent and records
#     appended to a cork as the event loop does),
#   - one score delta from a shard in the leaderboard owner's book (`LeaderboardBook.apply(.numberedScore)`: the
#     profile, the day, week and month boards, global and the language's, each ranking's
#     treap, the channels to publish) with 2,000 members, the `steady` profile's scale,
# in the release `flowcoach-alloc-check` (scripts/check-allocations.sh builds it), each as
# the difference of two round counts divided by their difference, so start-up and warm-up
# cancel. Instruction counts do not depend on the machine's speed or load: the same binary
# gives the same count on every run (SWIFT_DETERMINISTIC_HASHING fixes the one source of
# variation, the hash seed), so a budget can fail CI without flaking. The budgets sit about
# 15 % above the counts measured when they were set (docs/BENCHMARKS.md, "Instruction
# budgets in CI"): a change that makes the hot path that much dearer fails here; one that
# makes it cheaper should lower the budget with it.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUND_TRIP_BUDGET=${ROUND_TRIP_BUDGET:-15800}   # measured 13,736 (13,910 before sends went to the shell without a CoachingAction; 14,167 before the detector's helpers were inlined, no copy of the detector per call; 15,073 before the rhythm pass counted into UInt16s through a bucket table and the interval parse read two elements per word; 16,844 before the flow's ratios, literals and session ids went word-at-a-time, the codec lost its exclusivity checks, scoring its settings copies and the shard its copies of the window)
ECHO_BUDGET=${ECHO_BUDGET:-600}                 # measured 520
TLS_ROUND_TRIP_BUDGET=${TLS_ROUND_TRIP_BUDGET:-7800} # measured 6,757 with our own TLS 1.3 record layer (13,312 through OpenSSL's record layer with the built-in AEADs, 15,329 through 3.0's providers)
SCORE_DELTA_BUDGET=${SCORE_DELTA_BUDGET:-16000} # measured 13,850, a shard's numbered delta (14,740 before a score change moved the member within the subtree where its old and new places part; 15,453 for a delta naming its user by id and name, before the shards numbered their users; 15,606 before language names were classified over their contiguous bytes; 17,439 before the profile was read in place and the periods' boards became fields; 18,205 before the book stopped copying the delta and profile into its per-period closure)

command -v valgrind >/dev/null 2>&1 || { echo "error: valgrind not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
build_log=$(mktemp /tmp/flowcoach-instructions.XXXXXX)
tls_dir=$(mktemp -d /tmp/flowcoach-instructions-tls.XXXXXX)
trap 'rm -rf "$build_log" "$tls_dir"' EXIT
if ! swift build -c release --product flowcoach-alloc-check > "$build_log" 2>&1; then
    tail -n 40 "$build_log"
    exit 1
fi
binary="$(swift build -c release --product flowcoach-alloc-check --show-bin-path)/flowcoach-alloc-check"

# collected ARGS…: the instructions callgrind collected for one run.
collected() {
    SWIFT_DETERMINISTIC_HASHING=1 valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 \
        | sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
}

# per_round NAME LOW HIGH BUDGET ARGS…: ARGS run with LOW and then HIGH rounds appended.
status=0
per_round() {
    local name=$1 low=$2 high=$3 budget=$4
    shift 4
    local a b
    a=$(collected "$@" "$low")
    b=$(collected "$@" "$high")
    if [ -z "$a" ] || [ -z "$b" ]; then
        echo "error: callgrind counted nothing for $name" >&2
        status=1
        return
    fi
    local each=$(( (b - a) / (high - low) ))
    if [ "$each" -le "$budget" ]; then
        echo "$name: $each instructions (budget $budget)"
    else
        echo "error: $name: $each instructions, over the budget of $budget" >&2
        status=1
    fi
}

per_round "coaching round trip" 1000 3000 "$ROUND_TRIP_BUDGET" \
    --toggle-collect='*coachingRoundTrips*' "$binary" coaching-round-trip
per_round "transport echo" 10000 20000 "$ECHO_BUDGET" "$binary" endpoint-echo
if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tls_dir/key.pem" \
    -out "$tls_dir/cert.pem" -subj /CN=localhost -days 2 > /dev/null 2>&1; then
    echo "error: openssl could not make the TLS round trip's certificate" >&2
    exit 1
fi
per_round "TLS round trip (server)" 1000 3000 "$TLS_ROUND_TRIP_BUDGET" \
    --toggle-collect='*serverTurn*' "$binary" tls-round-trip "$tls_dir/cert.pem" "$tls_dir/key.pem"
per_round "leaderboard score delta" 2000 12000 "$SCORE_DELTA_BUDGET" \
    --toggle-collect='*applyStream*' "$binary" leaderboard-score-delta
exit "$status"
