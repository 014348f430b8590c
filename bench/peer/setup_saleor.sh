#!/usr/bin/env bash
# Set up Saleor (the peer of issue 13) beside Wanshang, production-style, for bench/http_compare.py.
#
#   bench/peer/setup_saleor.sh /path/to/saleor-checkout [setup|serve|stop|env]
#
# The Saleor checkout is NOT part of this repository (BSD-3, we only run it): bring it yourself, e.g.
#   git clone https://github.com/saleor/saleor && git -C saleor checkout 3.23.28
# This script fetches nothing but Python packages from PyPI (through uv, using Saleor's own uv.lock).
#
# setup  : venv (Python 3.12) + Saleor's locked runtime dependencies, database, migrate, populatedb, collectstatic
# serve  : Saleor's production command from its Dockerfile (uvicorn, 2 workers) in the background; PID in $PEER_DIR
# stop   : stop that server
# env    : print the environment the server runs with
#
# Knobs (environment): PEER_DIR (/work/peer: venv, logs, pid), SALEOR_DB (wanshang_peer_saleor),
# SALEOR_REDIS_DB (7), SALEOR_PORT (8701), PG (postgres://postgres@127.0.0.1:5432), PY312 (python 3.12 binary).
set -euo pipefail
SALEOR=$(cd "${1:?usage: $0 /path/to/saleor [setup|serve|stop|env]}" && pwd)
ACTION=${2:-setup}
PEER_DIR=${PEER_DIR:-/work/peer}
PY312=${PY312:-/root/.pyenv/versions/3.12.1/bin/python}
PG=${PG:-postgres://postgres@127.0.0.1:5432}
SALEOR_DB=${SALEOR_DB:-wanshang_peer_saleor}
SALEOR_REDIS_DB=${SALEOR_REDIS_DB:-7}
SALEOR_PORT=${SALEOR_PORT:-8701}
VENV=$PEER_DIR/venv

# Production settings as Saleor documents them (saleor/settings.py reads these variables):
#  DEBUG=False needs SECRET_KEY, ALLOWED_HOSTS and ALLOWED_CLIENT_HOSTS;
#  DB_CONN_MAX_AGE keeps connections (Saleor has no psycopg pool setting; persistent connections are its knob);
#  CACHE_URL on Redis; no Celery broker, so webhooks/tasks run eagerly (nothing is subscribed to them here).
export DEBUG=False
export SECRET_KEY=${SALEOR_SECRET_KEY:-peer-benchmark-not-secret}
export ALLOWED_HOSTS=localhost,127.0.0.1
export ALLOWED_CLIENT_HOSTS=localhost,127.0.0.1
export DATABASE_URL=$PG/$SALEOR_DB
export DB_CONN_MAX_AGE=${SALEOR_CONN_MAX_AGE:-600}
export CACHE_URL=redis://127.0.0.1:6379/$SALEOR_REDIS_DB
export PUBLIC_URL=http://127.0.0.1:$SALEOR_PORT/
export DEFAULT_CHANNEL_SLUG=default-channel
export PYTHONUNBUFFERED=1
export ENABLE_SSL=
unset ENABLE_SSL
export SENTRY_DSN=

# DEBUG=False also needs RSA_PRIVATE_KEY (Saleor signs its JWTs with it): one made here, kept in $PEER_DIR.
mkdir -p "$PEER_DIR"
if [ ! -f "$PEER_DIR/saleor-jwt.pem" ]; then
  openssl genrsa -out "$PEER_DIR/saleor-jwt.pem" 2048 2>/dev/null
fi
RSA_PRIVATE_KEY=$(cat "$PEER_DIR/saleor-jwt.pem")
export RSA_PRIVATE_KEY

case "$ACTION" in
env)
  env | grep -E '^(DEBUG|SECRET_KEY|ALLOWED_|DATABASE_URL|DB_CONN_MAX_AGE|CACHE_URL|PUBLIC_URL)=' ;;
setup)
  mkdir -p "$PEER_DIR"
  [ -x "$VENV/bin/python" ] || "$PY312" -m venv "$VENV"
  "$VENV/bin/pip" install -q uv
  # Saleor's own lock, exact versions, with the default groups as its Dockerfile installs them (`uv sync --locked`):
  # 3.23's populatedb imports test fixtures, which import pytest (dev group), so --no-dev cannot start it.
  (cd "$SALEOR" && "$VENV/bin/uv" export --frozen --no-hashes --no-emit-project -o "$PEER_DIR/saleor-requirements.txt")
  "$VENV/bin/uv" pip install --python "$VENV/bin/python" -r "$PEER_DIR/saleor-requirements.txt"
  psql "$PG/postgres" -qtAc "SELECT 1 FROM pg_database WHERE datname='$SALEOR_DB'" | grep -q 1 \
    || psql "$PG/postgres" -qc "CREATE DATABASE $SALEOR_DB"
  cd "$SALEOR"
  "$VENV/bin/python" manage.py migrate --no-input
  # Sample data: products, channels, warehouses, shipping zones, customers (password "password"), and the
  # dummy payment gateway is among Saleor's built-in plugins. --createsuperuser: admin@example.com / admin.
  "$VENV/bin/python" manage.py populatedb --createsuperuser
  "$VENV/bin/python" manage.py collectstatic --no-input -v0
  ;;
serve)
  cd "$SALEOR"
  # The CMD of Saleor's Dockerfile, on our port; access log off as there.
  nohup "$VENV/bin/uvicorn" saleor.asgi:application --host=127.0.0.1 --port="$SALEOR_PORT" --workers=2 \
    --lifespan=auto --ws=none --no-server-header --no-access-log --timeout-keep-alive=35 \
    --timeout-graceful-shutdown=30 --limit-max-requests=10000 >"$PEER_DIR/saleor-uvicorn.log" 2>&1 &
  echo $! >"$PEER_DIR/saleor-uvicorn.pid"
  for _ in $(seq 240); do  # workers take a while to import Saleor on a busy machine
    if curl -sf -o /dev/null -H 'Content-Type: application/json' -d '{"query":"{ shop { name } }"}' \
      "http://127.0.0.1:$SALEOR_PORT/graphql/"; then
      echo "saleor up on http://127.0.0.1:$SALEOR_PORT/graphql/ (pid $(cat "$PEER_DIR/saleor-uvicorn.pid"))"; exit 0
    fi
    sleep 1
  done
  echo "saleor did not start: see $PEER_DIR/saleor-uvicorn.log" >&2; exit 1 ;;
stop)
  if [ -f "$PEER_DIR/saleor-uvicorn.pid" ]; then
    kill "$(cat "$PEER_DIR/saleor-uvicorn.pid")" 2>/dev/null || true
    rm -f "$PEER_DIR/saleor-uvicorn.pid"
  fi ;;
*) echo "unknown action $ACTION" >&2; exit 2 ;;
esac
