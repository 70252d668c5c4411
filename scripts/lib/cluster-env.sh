# Shared by scripts/cluster-e2e.sh and scripts/cluster-bench.sh (sourced, not run): a
# throwaway PostgreSQL, NODE_COUNT `flowcoach serve` nodes in cluster mode and HAProxy
# (config/haproxy.cfg with loopback ports filled in), all on free ports of 127.0.0.1.
#
# Expects BIN (the flowcoach executable) and NODE_COUNT; sets WORK, PORTS[1..N], PH (the
# HAProxy port), FLOWCOACH_DATABASE_URL, PSQL, NODE_PID[1..N]. `cluster_cleanup` stops
# everything (call it from an EXIT trap).

log() { echo "${LOG_PREFIX:-cluster}: $*" >&2; }

cluster_init() {
  command -v haproxy >/dev/null || { log "haproxy is not installed (scripts/install-deps.sh)"; exit 2; }
  WORK=$(mktemp -d -t flowcoach-cluster.XXXXXX)
  chmod 755 "$WORK"
  export FLOWCOACH_TEST_PG_DIR="$WORK/pg"
  NODE_PID=()
  HAPROXY_PID=""
  local ports
  read -r -a ports < <(python3 -c '
import socket, sys
sockets = [socket.socket() for _ in range(int(sys.argv[1]) + 1)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in sockets))' "$NODE_COUNT")
  PORTS=("" "${ports[@]:0:$NODE_COUNT}")
  PH=${ports[$NODE_COUNT]}
  export FLOWCOACH_DATABASE_URL
  FLOWCOACH_DATABASE_URL=$(FLOWCOACH_PG_FSYNC=${FLOWCOACH_PG_FSYNC:-on} scripts/pg-test-cluster.sh start "$WORK/pg")
  PSQL="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)/psql"
  "$BIN" migrate >/dev/null
}

# $1 users named cluster-1…N with an ingest and a read token each, written straight into the
# database (thousands in a second; `flowcoach token create` would start two processes per
# user); the token file for flowcoach-soak goes to $WORK/tokens.
cluster_users() {
  python3 - "$1" "$WORK/tokens" <<'PY' | "$PSQL" -q "$FLOWCOACH_DATABASE_URL" >/dev/null
import hashlib, secrets, string, sys, uuid
alphabet = string.digits + string.ascii_uppercase + string.ascii_lowercase
def token(scope):
    return f"fc_{scope}_{''.join(secrets.choice(alphabet) for _ in range(8))}_{''.join(secrets.choice(alphabet) for _ in range(40))}"
count, path = int(sys.argv[1]), sys.argv[2]
print("BEGIN;")
with open(path, "w") as tokens:
    for index in range(1, count + 1):
        user = str(uuid.uuid4())
        print(f"INSERT INTO users (id, name, display_name, time_zone, created_at) VALUES ('{user}', 'cluster-{index}', 'cluster-{index}', 'UTC', now());")
        pair = []
        for scope, name in (("i", "ingest"), ("r", "read")):
            text = token(scope)
            digest = hashlib.sha256(text.encode()).hexdigest()
            print(f"INSERT INTO tokens (id, user_id, scope, secret_hash, created_at) VALUES ('{text.split('_')[2]}', '{user}', '{name}', '\\x{digest}', now());")
            pair.append(text)
        tokens.write(" ".join(pair) + "\n")
print("COMMIT;")
PY
}

start_node() {  # $1: node number; extra FLOWCOACH_* settings come from the environment
  local i=$1
  FLOWCOACH_CLUSTER_ENABLED="${CLUSTER_ENABLED:-true}" FLOWCOACH_CLUSTER_NODE_ID="node$i" \
  FLOWCOACH_DATABASE_SPILL_JOURNAL="$WORK/spill-$i.journal" FLOWCOACH_SERVER_LOOPS="${NODE_LOOPS:-2}" \
  FLOWCOACH_LIMITS_CONNECTIONS_PER_IP=1000000 \
    "$BIN" serve --host 127.0.0.1 --port "${PORTS[$i]}" >> "$WORK/node$i.log" 2>&1 &
  NODE_PID[$i]=$!
}

wait_ready() {  # $1: node number
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:${PORTS[$1]}/readyz" >/dev/null 2>&1 && return 0
    kill -0 "${NODE_PID[$1]}" 2>/dev/null || { log "node$1 exited"; return 1; }
    sleep 0.1
  done
  log "node$1 did not become ready"; return 1
}

metric() {  # $1: node number, $2: metric name → the sum of its series (0 when unreachable)
  { curl -fs "http://127.0.0.1:${PORTS[$1]}/metrics" || true; } |
    awk -v name="$2" '$1 ~ "^"name"({|$)" { sum += $2 } END { print sum + 0 }'
}

start_haproxy() {
  {
    sed -e "s/^    bind :8080/    bind 127.0.0.1:$PH/" -e "s/^    maxconn 200000/    maxconn ${HAPROXY_MAXCONN:-4000}/" \
        -e '/^    server node/d' config/haproxy.cfg
    for i in $(seq 1 "$NODE_COUNT"); do echo "    server node$i 127.0.0.1:${PORTS[$i]} check"; done
  } > "$WORK/haproxy.cfg"
  haproxy -db -f "$WORK/haproxy.cfg" > "$WORK/haproxy.log" 2>&1 &
  HAPROXY_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PH/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  log "HAProxy did not start"; cat "$WORK/haproxy.log" >&2; return 1
}

cluster_cleanup() {
  local status=$1
  for pid in "${NODE_PID[@]}"; do [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${NODE_PID[@]}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  [ -n "$HAPROXY_PID" ] && kill -TERM "$HAPROXY_PID" 2>/dev/null || true
  scripts/pg-test-cluster.sh stop "$WORK/pg" >/dev/null 2>&1 || true
  if [ "$status" -ne 0 ]; then
    for i in $(seq 1 "$NODE_COUNT"); do
      [ -f "$WORK/node$i.log" ] && { log "--- node$i log (warnings and errors)"; grep -v '"level":"info"' "$WORK/node$i.log" | tail -n 15 >&2; }
    done
  fi
  if [ "${KEEP_WORK:-0}" = 1 ]; then log "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
