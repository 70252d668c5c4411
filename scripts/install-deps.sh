#!/usr/bin/env bash
# Installs the system libraries the build links against (Debian/Ubuntu), only if missing.
set -euo pipefail
needed=(pkg-config libssl-dev zlib1g-dev libpq-dev libsqlite3-dev openssl ${EXTRA_PACKAGES:-})
# The PostgreSQL server binaries (initdb, pg_ctl) for the throwaway test cluster
# (scripts/pg-test-cluster.sh); any installed major version will do.
if ! ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  needed+=(postgresql)
fi
# HAProxy in front of several nodes in the cluster end-to-end test (scripts/cluster-e2e.sh).
if ! command -v haproxy >/dev/null 2>&1; then
  needed+=(haproxy)
fi
# valgrind's callgrind counts the hot path's instructions (scripts/check-instructions.sh).
if ! command -v valgrind >/dev/null 2>&1; then
  needed+=(valgrind)
fi
# Headless Chromium for the dashboard page test (Tests/Interop/test_dashboard.py).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  needed+=(chromium)
fi
missing=()
for package in "${needed[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
else
  echo "system packages present: ${needed[*]}"
fi
