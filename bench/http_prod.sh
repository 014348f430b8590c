#!/usr/bin/env bash
# Serve Wanshang production-style on one PostgreSQL database and loopback port, in the foreground.
#
#   bench/http_prod.sh DB PORT [--asgi] [--workers N] [--redis URL] [--pool MIN:MAX] [--code DIR]
#
#   DB       a database name on 127.0.0.1:5432 (user postgres), or a full postgres:// URL; it must already
#            be migrated and loaded (e.g. `manage.py migrate && manage.py load_demo` with DATABASE_URL set)
#   PORT     the port on 127.0.0.1 to listen on (refused if something already listens there)
#   --asgi   gunicorn with uvicorn workers on wanshang.asgi:application (default: gunicorn sync workers on
#            wanshang.wsgi:application)
#   --workers N        worker processes (default 2, as the issue-13 comparison with Saleor runs)
#   --redis URL        the cache (default redis://127.0.0.1:6379/5; never db 0 or 15 on a shared machine)
#   --pool MIN:MAX     DATABASE_POOL, psycopg's pool per process (default 2:4)
#   --code DIR         serve the code of another checkout (a worktree of an older commit, for before/after
#                      runs) with this checkout's venv
#
# What "production-style" means here (docs/deploy.md): DEBUG=false, static files collected once into
# $WANSHANG_VAR_DIR/static (default /tmp/http-prod-var/<db>), pooled PostgreSQL connections (DATABASE_POOL),
# the Redis cache, log level WARNING, sandbox payments on (so a checkout can be paid in a benchmark).
# It `exec`s gunicorn: stop it with `kill <pid>` (SIGTERM, graceful). Ready when
# `curl -s http://127.0.0.1:PORT/healthz` (or any page) answers. The peer harness, bench/pages.py-style runs
# and the soak test start it in the background:
#
#   bench/http_prod.sh wanshang_httpperf 8301 > /tmp/w.log 2>&1 & pid=$!
#   until curl -sf -o /dev/null http://127.0.0.1:8301/categories/; do sleep 0.5; done
#   wrk -t1 -c4 -d20s http://127.0.0.1:8301/api/store/products
#   kill $pid
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
usage() { sed -n '2,20p' "$0" >&2; exit 2; }
[ $# -ge 2 ] || usage
db=$1 port=$2
shift 2
kind=wsgi workers=2 redis=redis://127.0.0.1:6379/5 pool=2:4 code=$here
while [ $# -gt 0 ]; do
  case $1 in
    --asgi) kind=asgi ;;
    --workers) workers=$2; shift ;;
    --redis) redis=$2; shift ;;
    --pool) pool=$2; shift ;;
    --code) code=$(cd "$2" && pwd); shift ;;
    *) usage ;;
  esac
  shift
done
case $db in
  postgres://*|postgresql://*) url=$db ;;
  *) url=postgres://postgres@127.0.0.1:5432/$db ;;
esac
name=${url##*/}
case $name in
  wanshang|test_*) echo "refusing database '$name': use a benchmark database" >&2; exit 2 ;;
esac
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  echo "port $port on 127.0.0.1 is busy: pick another" >&2
  exit 2
fi
venv=$here/.venv/bin
export DATABASE_URL=$url
export DEBUG=false
export DATABASE_POOL=$pool
export DB_CONN_MAX_AGE=0
export REDIS_URL=$redis
export ALLOWED_HOSTS=127.0.0.1,localhost
export SECRET_KEY=${SECRET_KEY:-bench-only-secret-key-not-for-production-0123456789}
export SECURE_COOKIES=false
export PAYMENT_GATEWAYS=${PAYMENT_GATEWAYS:-sandbox}
export LOG_LEVEL=${LOG_LEVEL:-WARNING}
export WANSHANG_VAR_DIR=${WANSHANG_VAR_DIR:-/tmp/http-prod-var/$name}
export STATIC_ROOT=$WANSHANG_VAR_DIR/static
export PYTHONPATH=$code${PYTHONPATH:+:$PYTHONPATH}
# Code older than DATABASE_POOL (a "before" run) reads DB_POOL_MIN/DB_POOL_MAX: set them too, same values.
export DB_POOL_MIN=${pool%%:*} DB_POOL_MAX=${pool##*:}
mkdir -p "$WANSHANG_VAR_DIR"
cd "$code"
"$venv/python" manage.py collectstatic --noinput -v0
if [ "$kind" = asgi ]; then
  app=wanshang.asgi:application
  klass=uvicorn_worker.UvicornWorker
else
  app=wanshang.wsgi:application
  klass=sync
fi
exec "$venv/gunicorn" "$app" --chdir "$code" -w "$workers" -k "$klass" -b "127.0.0.1:$port" \
  --timeout 60 --graceful-timeout 5 --log-level warning --no-control-socket
