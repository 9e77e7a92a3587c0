#!/usr/bin/env bash
# The production stack on this machine, on loopback: nginx (Debian's, deploy/nginx/geodb-app.conf) in front
# of gunicorn (deploy/gunicorn.conf.py, geodb.settings.prod) and the task worker (scripts/worker.py).
#   scripts/serve_prod.sh [PORT]      (default 8080; `make serve-prod`). Ctrl-C or SIGTERM stops all three.
# Everything it writes is under $GEODB_PROD_RUN_DIR (var/prod): the nginx config, pid files, the socket,
# the tile cache and the logs; static files go to STATIC_ROOT (var/static). Nothing in /etc. Plain HTTP on
# 127.0.0.1, so the HTTPS redirect is off; a secret key is generated once into var/prod/secret_key.
# DATABASE_URL is used as it is (default: the local cluster of scripts/db.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
repo="$PWD"
port="${1:-8080}"
run="$(realpath -m "${GEODB_PROD_RUN_DIR:-var/prod}")"
py=.venv/bin/python

scripts/system.sh nginx
mkdir -p "$run"/{nginx,logs,cache} "$run"/nginx/temp
[ -s "$run/secret_key" ] || (umask 077 && "$py" -c 'import secrets; print(secrets.token_urlsafe(50))' >"$run/secret_key")

export DJANGO_SETTINGS_MODULE=geodb.settings.prod
DJANGO_SECRET_KEY="$(cat "$run/secret_key")"
export DJANGO_SECRET_KEY
export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}"
# Plain HTTP on loopback: no redirect to HTTPS, no HSTS. nginx is the one proxy in front.
export GEODB_SECURE_SSL_REDIRECT=0 GEODB_HSTS_SECONDS=0 GEODB_NUM_PROXIES=1
# A local trial: SMS go to the file backend's outbox (var/sms/outbox.jsonl) unless a gateway is configured.
export GEODB_SMS_ALLOW_FILE="${GEODB_SMS_ALLOW_FILE:-1}"
export GEODB_WEB_BIND="unix:$run/gunicorn.sock"
# The address printed in certificates' QR codes (production refuses to issue one without it).
export GEODB_SITE_URL="${GEODB_SITE_URL:-http://127.0.0.1:$port}"
# Online payment: unless a gateway is configured, our local sandbox gateway on port+1, which production
# settings accept only when told this is a local trial.
pids=()
if [ -z "${GEODB_SSLCOMMERZ_BASE_URL:-}" ]; then
    gateway_port="${GEODB_PAYMENT_SANDBOX_PORT:-$((port + 1))}"
    export GEODB_SSLCOMMERZ_BASE_URL="http://127.0.0.1:$gateway_port/" GEODB_PAYMENTS_ALLOW_LOCAL_SANDBOX=1
    export GEODB_SSLCOMMERZ_STORE_ID="${GEODB_SSLCOMMERZ_STORE_ID:-bscicdemo}"
    export GEODB_SSLCOMMERZ_STORE_PASSWORD="${GEODB_SSLCOMMERZ_STORE_PASSWORD:-bscicdemo@ssl}"
    "$py" -m payments.sandbox --port "$gateway_port" --store-id "$GEODB_SSLCOMMERZ_STORE_ID" \
        --store-passwd "$GEODB_SSLCOMMERZ_STORE_PASSWORD" --quiet >>"$run/logs/sandbox-gateway.log" 2>&1 &
    pids+=($!)
fi

"$py" manage.py migrate --noinput -v 0
# collectstatic hashes and compresses every file each time it runs (most of a minute): only when a static
# file is newer than the last manifest, or there is none. Remove var/static/staticfiles.json to force it.
if ! "$py" - <<'PY'
import os, sys

import django

django.setup()
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders

try:
    built = os.path.getmtime(os.path.join(settings.STATIC_ROOT, "staticfiles.json"))
except OSError:
    sys.exit(1)
newer = any(
    os.path.getmtime(storage.path(path)) > built
    for finder in get_finders()
    for path, storage in finder.list(["CVS", ".*", "*~"])
)
sys.exit(1 if newer else 0)
PY
then
    "$py" manage.py collectstatic --noinput -v 0
fi
"$py" manage.py check --deploy --fail-level ERROR 2>&1 | grep -v "gis.W001\|^$\|GDAL\|Upgrade to GDAL" || true

user_line=""
if [ "$(id -u)" -eq 0 ]; then user_line="user $(id -un) $(id -gn);"; fi
cat >"$run/nginx/nginx.conf" <<CONF
# Written by scripts/serve_prod.sh; the production site is deploy/nginx/geodb.conf.
$user_line
worker_processes 2;
pid $run/nginx/nginx.pid;
error_log $run/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log $run/logs/nginx-access.log;
    client_body_temp_path $run/nginx/temp/body;
    proxy_temp_path $run/nginx/temp/proxy;
    fastcgi_temp_path $run/nginx/temp/fastcgi;
    uwsgi_temp_path $run/nginx/temp/uwsgi;
    scgi_temp_path $run/nginx/temp/scgi;
    proxy_cache_path $run/cache levels=1:2 keys_zone=geodb_tiles:10m max_size=512m inactive=1d use_temp_path=off;
    upstream geodb_app {
        server unix:$run/gunicorn.sock fail_timeout=0;
        keepalive 16;
    }
    server {
        listen 127.0.0.1:$port;
        server_name 127.0.0.1 localhost;
        set \$geodb_root $repo;
        include $repo/deploy/nginx/geodb-app.conf;
    }
}
CONF
nginx -t -q -p "$run/nginx" -c "$run/nginx/nginx.conf" -e "$run/logs/nginx-error.log"

stop() {
    trap - EXIT INT TERM
    [ -s "$run/nginx/nginx.pid" ] && nginx -s quit -p "$run/nginx" -c "$run/nginx/nginx.conf" -e "$run/logs/nginx-error.log" 2>/dev/null || true
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 0' INT TERM

.venv/bin/gunicorn --config deploy/gunicorn.conf.py --pid "$run/gunicorn.pid" \
    >>"$run/logs/gunicorn.log" 2>&1 &
web=$!
pids+=("$web")
# The worker as systemd runs it: restarted when it exits (a lost database connection ends it); its stable
# id lets the next one take back an import the last one was killed in.
(
    trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' INT TERM
    while :; do
        "$py" scripts/worker.py --worker-id "$(hostname)-serve-prod" --interval 1 --no-startup-delay &
        child=$!
        wait "$child" || true
        sleep 2
    done
) >>"$run/logs/worker.log" 2>&1 &
pids+=($!)
nginx -p "$run/nginx" -c "$run/nginx/nginx.conf" -e "$run/logs/nginx-error.log"

for _ in $(seq 1 60); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/divisions/?geometry=false" 2>/dev/null && break
    sleep 1
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/api/v1/divisions/?geometry=false" \
    || { echo "The stack did not answer; see $run/logs/" >&2; exit 1; }
echo "Serving http://127.0.0.1:$port/ (nginx → gunicorn, geodb.settings.prod; logs in $run/logs/; Ctrl-C stops)"
wait "$web"
