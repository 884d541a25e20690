#!/usr/bin/env bash
# Runs every Jiayi test on a fresh machine:
#  - installs what the tests need when it is missing (Debian's postgresql, chromium, CJK fonts);
#  - starts a throwaway PostgreSQL server on loopback (stopped and deleted at the end);
#  - builds the solution and runs every test project (engine, API on SQLite and PostgreSQL, browser);
#  - ends with one line "N passed, N failed, N skipped" totalled over all test projects.
# Extra arguments go to `dotnet test` (e.g. ./test.sh --filter "FullyQualifiedName~Hypertension").
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

log() { printf '\n== %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root (or sudo) to run: $*" >&2; exit 1; fi
}

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
packages=()
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || packages+=(postgresql)
[ -x /usr/bin/chromium ] || packages+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || packages+=(fonts-noto-cjk)
if [ ${#packages[@]} -gt 0 ]; then
  log "Installing ${packages[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${packages[@]}"
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi

log "Starting a throwaway PostgreSQL ($pg_bin)"
pg_dir=$(mktemp -d /tmp/jiayi-pg.XXXXXX)
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$pg_dir"
cleanup() {
  run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
run_pg "$pg_bin/initdb" -D "$pg_dir/data" --auth=trust -E UTF8 --locale=C.UTF-8 -U postgres >/dev/null
port=""
for attempt in $(seq 1 20); do
  candidate=$(( 20000 + RANDOM % 20000 ))
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "No free port for PostgreSQL" >&2; exit 1; }
run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -w -l "$pg_dir/server.log" start \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" >/dev/null
export JIAYI_TEST_PG="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
echo "PostgreSQL listening on 127.0.0.1:$port"

log "Building"
dotnet build "$root/Jiayi.slnx" -nologo -v q -clp:ErrorsOnly

log "Testing"
results="$root/TestResults"
rm -rf "$results"
status=0
dotnet test "$root/Jiayi.slnx" --no-build -nologo --results-directory "$results" --logger "trx" "$@" || status=$?

passed=0; failed=0; total=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  value() { echo "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  total=$(( total + $(value total) ))
  passed=$(( passed + $(value passed) ))
  failed=$(( failed + $(value failed) + $(value error) + $(value timeout) + $(value aborted) ))
done
skipped=$(( total - passed - failed ))
[ "$skipped" -lt 0 ] && skipped=0
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$status" -eq 0 ]
