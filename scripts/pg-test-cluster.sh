#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: initdb in a temporary directory,
# owned and run by a non-root user, listening on a free port of 127.0.0.1 only, trust
# authentication on loopback only. Nothing is installed system-wide and no service starts.
#
#   scripts/pg-test-cluster.sh start [DIR]   creates and starts a cluster; prints its URL
#   scripts/pg-test-cluster.sh url   [DIR]   prints the URL of a running cluster
#   scripts/pg-test-cluster.sh kill  [DIR]   stops it at once (pg_ctl stop -m immediate), keeps the data
#   scripts/pg-test-cluster.sh restart [DIR] starts a killed cluster again on the same port
#   scripts/pg-test-cluster.sh stop  [DIR]   stops it and removes DIR
#
# DIR defaults to $FLOWCOACH_TEST_PG_DIR, else (start only) a new directory under /tmp.
# `start` also writes DIR/ctl, a copy of the kill/restart commands for tests that restart
# the server mid-stream (they only need FLOWCOACH_TEST_PG_DIR).
#
# Run as root (CI), the cluster belongs to the system user `flowcoach-pg` (created once with
# useradd --system; PostgreSQL refuses to run as root). Run as anybody else, it is theirs.
# FLOWCOACH_PG_FSYNC=off trades durability across OS crashes for speed (default on).
set -euo pipefail

command="${1:-}"
dir="${2:-${FLOWCOACH_TEST_PG_DIR:-}}"
pg_user="flowcoach-pg"

die() { echo "pg-test-cluster: $*" >&2; exit 1; }

find_bindir() {
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v pg_ctl)")"
    return
  fi
  local candidate
  candidate="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$candidate" ] && [ -x "$candidate/initdb" ] || die "initdb/pg_ctl not found (install the 'postgresql' package: scripts/install-deps.sh)"
  echo "$candidate"
}

# Runs a command as the cluster's owner (root hands over to the system user).
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u "$pg_user" -- "$@"
  else
    "$@"
  fi
}

ensure_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id "$pg_user" >/dev/null 2>&1 && return 0
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_user"
}

free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    # Nothing answers a connect: the port is free (good enough for a test cluster).
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port found"
}

start_server() {
  local bindir port
  bindir="$(cat "$dir/bindir")"
  port="$(cat "$dir/port")"
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${FLOWCOACH_PG_FSYNC:-on}" >/dev/null \
    || { tail -n 20 "$dir/server.log" >&2; die "the server did not start"; }
}

case "$command" in
  start)
    bindir="$(find_bindir)"
    ensure_user
    if [ -z "$dir" ]; then dir="$(mktemp -d /tmp/flowcoach-pg.XXXXXX)"; fi
    mkdir -p "$dir"
    [ ! -e "$dir/data" ] || die "$dir already holds a cluster"
    [ "$(id -u)" -eq 0 ] && chown "$pg_user" "$dir"
    chmod 700 "$dir"
    echo "$bindir" > "$dir/bindir"
    free_port > "$dir/port"
    # Trust authentication is safe here: the server listens on 127.0.0.1 and a socket in
    # DIR (mode 700) only, and lives as long as the test run.
    as_owner "$bindir/initdb" -D "$dir/data" -U flowcoach --auth=trust --encoding=UTF8 --locale=C --no-sync >/dev/null \
      || die "initdb failed"
    start_server
    echo "postgresql://flowcoach@127.0.0.1:$(cat "$dir/port")/postgres" > "$dir/url"
    script="$(readlink -f "$0")"
    printf '#!/bin/sh\nexec "%s" "$1" "%s"\n' "$script" "$dir" > "$dir/ctl"
    chmod 755 "$dir/ctl"
    cat "$dir/url"
    ;;
  url)
    [ -n "$dir" ] && [ -f "$dir/url" ] || die "no cluster (give DIR or set FLOWCOACH_TEST_PG_DIR)"
    cat "$dir/url"
    ;;
  kill)
    [ -n "$dir" ] && [ -d "$dir/data" ] || die "no cluster in '$dir'"
    as_owner "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null
    ;;
  restart)
    [ -n "$dir" ] && [ -d "$dir/data" ] || die "no cluster in '$dir'"
    start_server
    ;;
  stop)
    [ -n "$dir" ] || die "no cluster (give DIR or set FLOWCOACH_TEST_PG_DIR)"
    if [ -d "$dir/data" ]; then
      as_owner "$(cat "$dir/bindir")/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    case "$dir" in
      /tmp/*) rm -rf "$dir" ;;
      *) rm -rf "$dir/data" "$dir/bindir" "$dir/port" "$dir/url" "$dir/ctl" "$dir/server.log" ;;
    esac
    ;;
  *)
    echo "usage: $0 start|url|kill|restart|stop [DIR]" >&2
    exit 2
    ;;
esac
