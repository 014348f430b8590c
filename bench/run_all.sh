#!/usr/bin/env bash
# Every benchmark on SQLite and, when it is reachable, on PostgreSQL; then a summary table.
#
#   bench/run_all.sh                      # defaults below
#   ORDERS=2000 DURATION=30 bench/run_all.sh
#
# Scratch data lives in $WANSHANG_VAR_DIR (default /tmp/bench-var); PostgreSQL uses the database
# wanshang_bench on 127.0.0.1:5432 (dropped and re-created). Needs gunicorn in .venv and wrk (see docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/.."

PY=.venv/bin/python
export WANSHANG_VAR_DIR="${WANSHANG_VAR_DIR:-/tmp/bench-var}"
ORDERS="${ORDERS:-1000}"             # timed checkouts per database
PG_WORKERS="${PG_WORKERS:-4}"        # concurrent checkout processes on PostgreSQL (SQLite: 1)
DURATION="${DURATION:-20}"           # seconds of wrk load per page type
CONNECTIONS="${CONNECTIONS:-8}"      # wrk connections
GUNICORN_WORKERS="${GUNICORN_WORKERS:-4}"
QUIET_LOAD="${QUIET_LOAD:-1.5}"      # wait (at most QUIET_WAIT s) until the 1-min load average is below this
QUIET_WAIT="${QUIET_WAIT:-300}"
PG_URL="postgres://postgres@127.0.0.1:5432/wanshang_bench"

mkdir -p "$WANSHANG_VAR_DIR"
stamp=$(date +%Y%m%d-%H%M%S)
logs=()

wait_quiet() {
  local waited=0
  while awk -v max="$QUIET_LOAD" '{exit !($1 >= max)}' /proc/loadavg && [ "$waited" -lt "$QUIET_WAIT" ]; do
    [ "$waited" -eq 0 ] && echo "waiting up to ${QUIET_WAIT}s for the load average to fall below $QUIET_LOAD ($(cut -d' ' -f1 /proc/loadavg) now)"
    sleep 10
    waited=$((waited + 10))
  done
  echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"
}

run_db() {  # $1 = sqlite | postgres
  local db=$1 log="$WANSHANG_VAR_DIR/bench-$1-$stamp.log" workers=1
  [ "$db" = postgres ] && workers=$PG_WORKERS
  logs+=("$log")
  echo "== $db: seed, place orders, pages (log: $log)"
  {
    timeout 900 $PY bench/seed_catalog.py --db "$db" --reset
    wait_quiet
    timeout 1800 $PY bench/place_orders.py --db "$db" --orders "$ORDERS" --workers "$workers" || echo "place_orders failed"
    wait_quiet
    timeout 900 $PY bench/pages.py --db "$db" --duration "$DURATION" --connections "$CONNECTIONS" \
      --gunicorn-workers "$GUNICORN_WORKERS" || echo "pages failed"
  } 2>&1 | tee "$log"
}

echo "machine: $(nproc) cores, $(free -m | awk '/Mem:/{print $2}') MiB, $($PY -V), Django $($PY -c 'import django; print(django.__version__)')"
run_db sqlite
if $PY -c "import sys; sys.path.insert(0, 'bench'); import _common; sys.exit(0 if _common.pg_reachable('$PG_URL') else 1)"; then
  run_db postgres
else
  echo "== PostgreSQL at 127.0.0.1:5432 is not reachable: skipped"
fi
# optional: EVENTS=1 adds the 数据中心 ingestion benchmark (the 10 M-event dashboard run is separate, docs/benchmarks.md run 7)
if [ "${EVENTS:-0}" = 1 ]; then for db in sqlite postgres; do timeout 600 $PY bench/events_ingest.py --db "$db" --events 25000 || echo "events_ingest $db failed"; done; fi
echo
echo "== summary"
$PY bench/summarize.py "${logs[@]}"
