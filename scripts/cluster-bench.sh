#!/usr/bin/env bash
# Several nodes, measured (docs/BENCHMARKS.md "Several nodes"): a throwaway PostgreSQL,
# NODES `flowcoach serve` nodes in cluster mode and HAProxy on loopback.
#
#   scripts/cluster-bench.sh throughput NODES   the `peak` soak profile through HAProxy
#                                               (routing keys), DURATION s; prints the soak
#                                               report, the notices each node heard per
#                                               second and each node's CPU
#   scripts/cluster-bench.sh connections NODES  CONNECTIONS idle editor connections spread
#                                               over the nodes (one soak per node, straight
#                                               to the node: HAProxy would need two
#                                               descriptors per connection in one process);
#                                               prints each node's connections and RSS
#
# FLOWCOACH_BIN / FLOWCOACH_SOAK_BIN as elsewhere (a release build measures what ships:
# swift build -c release). USERS (default 250), DURATION (default 30), CONNECTIONS
# (default 21000), NODE_LOOPS (loops per node, default 1: two cores for everything here).
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${1:?usage: cluster-bench.sh throughput|connections NODES}
NODE_COUNT=${2:?usage: cluster-bench.sh throughput|connections NODES}
BIN=$(readlink -f "${FLOWCOACH_BIN:-.build/release/flowcoach}")
SOAK=$(readlink -f "${FLOWCOACH_SOAK_BIN:-$(dirname "$BIN")/flowcoach-soak}")
USERS=${USERS:-250}
DURATION=${DURATION:-30}
CONNECTIONS=${CONNECTIONS:-21000}
export NODE_LOOPS=${NODE_LOOPS:-1}
LOG_PREFIX=cluster-bench
# shellcheck source=scripts/lib/cluster-env.sh
. scripts/lib/cluster-env.sh
STATUS=1
SOAK_PIDS=()
cleanup() {
  for pid in "${SOAK_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  cluster_cleanup "$STATUS"
}
trap cleanup EXIT

export FLOWCOACH_PG_FSYNC=off
cluster_init
if [ "$MODE" = connections ]; then USERS=$(( (CONNECTIONS + 3) / 4 )); fi
cluster_users "$USERS"
for i in $(seq 1 "$NODE_COUNT"); do start_node "$i"; done
for i in $(seq 1 "$NODE_COUNT"); do wait_ready "$i"; done

cpu_ticks() {  # $1: pid → utime + stime in clock ticks
  awk '{ print $14 + $15 }' "/proc/$1/stat"
}

case "$MODE" in
throughput)
  start_haproxy
  notices_before=0
  declare -a ticks_before
  haproxy_before=$(cpu_ticks "$HAPROXY_PID")
  for i in $(seq 1 "$NODE_COUNT"); do
    notices_before=$((notices_before + $(metric "$i" flowcoach_cluster_notices_received_total)))
    ticks_before[$i]=$(cpu_ticks "${NODE_PID[$i]}")
  done
  started=$(date +%s.%N)
  set +e
  "$SOAK" --profile peak --url "ws://127.0.0.1:$PH/v1/ws" --route-key --token-file "$WORK/tokens" \
    --users "$USERS" --duration "$DURATION" --json "$WORK/report.json" --quiet > "$WORK/soak.txt"
  STATUS=$?
  set -e
  cat "$WORK/soak.txt"
  elapsed=$(python3 -c "import time; print(time.time() - $started)")
  notices_after=0
  for i in $(seq 1 "$NODE_COUNT"); do
    notices_after=$((notices_after + $(metric "$i" flowcoach_cluster_notices_received_total)))
    ticks=$(( $(cpu_ticks "${NODE_PID[$i]}") - ticks_before[$i] ))
    log "node$i: CPU $(python3 -c "print(round($ticks / $(getconf CLK_TCK) / $elapsed * 100))") % of one core, $(metric "$i" flowcoach_cluster_users_owned) users"
  done
  log "HAProxy: CPU $(python3 -c "print(round(($(cpu_ticks "$HAPROXY_PID") - $haproxy_before) / $(getconf CLK_TCK) / $elapsed * 100))") % of one core"
  log "notices heard: $(python3 -c "print(round(($notices_after - $notices_before) / $NODE_COUNT / $elapsed))")/s per node (each node hears every notice)"
  ;;
connections)
  per_node=$(( CONNECTIONS / NODE_COUNT ))
  users_per_node=$(( (per_node + 3) / 4 ))
  for i in $(seq 1 "$NODE_COUNT"); do
    # Each node gets its own users (a user's connections meet on one node).
    sed -n "$(( (i - 1) * users_per_node + 1 )),$(( i * users_per_node ))p" "$WORK/tokens" > "$WORK/tokens-$i"
    "$SOAK" --url "ws://127.0.0.1:${PORTS[$i]}/v1/ws" --token-file "$WORK/tokens-$i" --users "$users_per_node" \
      --sessions-per-user 4 --dashboards 0 --interval-ms 30000 --window-ms 30000 --duration "$DURATION" \
      --ramp "${RAMP:-400}" --source-addresses 4 --answer-timeout-ms 60000 --drain-timeout-ms 120000 \
      --json "$WORK/report-$i.json" --quiet > "$WORK/soak-$i.txt" 2>&1 &
    SOAK_PIDS+=($!)
  done
  # Sample once every connection is up (or at the end of the load).
  for _ in $(seq 1 $((DURATION * 2))); do
    open=0
    for i in $(seq 1 "$NODE_COUNT"); do open=$((open + $(metric "$i" flowcoach_websockets_open))); done
    [ "$open" -ge $(( per_node * NODE_COUNT )) ] && break
    sleep 0.5
  done
  total=0; rss_total=0
  for i in $(seq 1 "$NODE_COUNT"); do
    open=$(metric "$i" flowcoach_websockets_open)
    rss=$(awk '/VmRSS/ { print $2 }' "/proc/${NODE_PID[$i]}/status")
    total=$((total + open)); rss_total=$((rss_total + rss))
    log "node$i: $open WebSockets open, RSS $((rss / 1024)) MiB, $(ls "/proc/${NODE_PID[$i]}/fd" | wc -l) descriptors"
  done
  log "all nodes: $total WebSockets, RSS $((rss_total / 1024)) MiB, $(python3 -c "print(round($rss_total * 1024 / max($total, 1)))") bytes per connection"
  STATUS=0
  for pid in "${SOAK_PIDS[@]}"; do wait "$pid" || STATUS=1; done
  SOAK_PIDS=()
  for i in $(seq 1 "$NODE_COUNT"); do grep -E "connections:|result:" "$WORK/soak-$i.txt" >&2 || true; done
  ;;
*) echo "usage: cluster-bench.sh throughput|connections NODES" >&2; exit 2 ;;
esac
