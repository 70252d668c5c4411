# Shared by scripts/session-rss.sh and scripts/bench-steady-peak.sh (sourced, not run): a
# template store of USERS users and their tokens, created once through `flowcoach-soak
# --create-users` (about half a minute for 2,000), copied for every measured run so that
# only the sessions differ between runs.

# wait_port FILE: the port the server wrote to FILE, once it listens.
wait_port() {
  for _ in $(seq 1 300); do [ -s "$1" ] && break; sleep 0.2; done
  cut -d' ' -f1 "$1"
}

# ensure_template DIR USERS BIN SOAK: DIR/store.sqlite and DIR/tokens.txt (USERS lines),
# made with BIN and SOAK unless DIR already holds them. Exits 2 when no tokens came out.
ensure_template() {
  local dir=$1 users=$2 bin=$3 soak=$4 pid port
  if [ -s "$dir/tokens.txt" ] && [ "$(wc -l < "$dir/tokens.txt")" -eq "$users" ]; then return; fi
  mkdir -p "$dir"
  rm -f "$dir"/store.sqlite* "$dir/tokens.txt" "$dir/port"
  echo "creating $users users in $dir (once)…" >&2
  "$bin" serve --host 127.0.0.1 --port 0 --port-file "$dir/port" --database "$dir/store.sqlite" \
    --log-level notice > "$dir/server.log" 2>&1 &
  pid=$!
  port=$(wait_port "$dir/port")
  "$soak" --profile steady --url "ws://127.0.0.1:$port/v1/ws" --duration 2 --users "$users" --sessions-per-user 1 \
    --create-users "$users" --token-file "$dir/tokens.txt" --flowcoach-bin "$bin" \
    --database "$dir/store.sqlite" --server-pid "$pid" > "$dir/report.txt" 2>&1
  kill -TERM "$pid"; wait "$pid"
  sqlite3 "$dir/store.sqlite" "PRAGMA wal_checkpoint(TRUNCATE);" > /dev/null
  [ -s "$dir/tokens.txt" ] || { echo "no tokens created (see $dir/report.txt)" >&2; exit 2; }
}
