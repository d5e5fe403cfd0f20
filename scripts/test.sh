#!/usr/bin/env bash
# Run the whole test suite: set up what is missing, start a throw-away PostgreSQL server
# on loopback, run lint, types and pytest against SQLite and PostgreSQL, stop the server.
#
#   scripts/test.sh [pytest arguments]
#
# With CI=true a PostgreSQL run that cannot happen is a failure, not a skip.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
"$root/scripts/setup.sh" --test
venv="$root/.venv"

say() { printf 'test: %s\n' "$*" >&2; }

# --- PostgreSQL on loopback ---------------------------------------------------------
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
pgdir=""
run_pg() {
  # PostgreSQL refuses to run as root: run it as the postgres user when we are root.
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}
stop_pg() {
  if [[ -n "$pgdir" && -d "$pgdir" ]]; then
    run_pg "$pg_bin/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$pgdir"
  fi
}
trap stop_pg EXIT

if [[ -n "${ROUNDUP_TEST_POSTGRES_URL:-}" ]]; then
  say "using PostgreSQL at ${ROUNDUP_TEST_POSTGRES_URL%%\?*}"
elif [[ -x "$pg_bin/initdb" ]]; then
  pgdir="$(mktemp -d /tmp/roundup-pg.XXXXXX)"
  [[ $(id -u) -eq 0 ]] && chown postgres "$pgdir"
  port="$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  run_pg "$pg_bin/initdb" -D "$pgdir/data" -U roundup -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  run_pg "$pg_bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $pgdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
  export ROUNDUP_TEST_POSTGRES_URL="postgresql://roundup@127.0.0.1:$port/postgres"
  say "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
else
  say "PostgreSQL is not installed: its tests will be skipped"
fi
if [[ "${CI:-}" == "true" ]]; then
  export ROUNDUP_REQUIRE_POSTGRES=1
fi

# --- Lint, types, tests -------------------------------------------------------------
say "ruff"
"$venv/bin/ruff" check src tests benchmarks migrations
say "mypy"
"$venv/bin/mypy" --no-error-summary
say "pytest"
"$venv/bin/pytest" "$@"
