#!/usr/bin/env bash
# Serve the demo: the web server; a background worker for imports uploaded in the admin and for the
# reconciliation of online payments (django-tasks, PostgreSQL-backed); and the local sandbox payment gateway
# (payments.sandbox, speaking SSLCommerz's protocol) on its own port. Ctrl-C stops all three.
set -euo pipefail
port="${1:-8000}"
gateway_port="${GEODB_PAYMENT_SANDBOX_PORT:-8001}"
pids=()
trap 'for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done' EXIT INT TERM
if [ -z "${GEODB_SSLCOMMERZ_BASE_URL:-}" ]; then
    # The store the development settings use by default (geodb/settings/base.py).
    .venv/bin/python -m payments.sandbox --port "$gateway_port" --store-id "${GEODB_SSLCOMMERZ_STORE_ID:-bscicdemo}" \
        --store-passwd "${GEODB_SSLCOMMERZ_STORE_PASSWORD:-bscicdemo@ssl}" --ipn-delay 2 --quiet &
    pids+=($!)
    echo "Sandbox payment gateway (SSLCommerz protocol): http://127.0.0.1:$gateway_port/"
fi
.venv/bin/python manage.py reconcile_payments --schedule
.venv/bin/python manage.py db_worker --no-startup-delay --interval 1 &
pids+=($!)
.venv/bin/python manage.py runserver "127.0.0.1:$port"
