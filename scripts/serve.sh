#!/usr/bin/env bash
# Serve the demo: the web server, and a background worker for imports uploaded in the admin
# (django-tasks, PostgreSQL-backed). Ctrl-C stops both.
set -euo pipefail
port="${1:-8000}"
.venv/bin/python manage.py db_worker --no-startup-delay --interval 1 &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
.venv/bin/python manage.py runserver "127.0.0.1:$port"
