#!/usr/bin/env bash
# Make sure the PostGIS database the project uses answers: DATABASE_URL when set (used as it is), else a
# local PostgreSQL 15 cluster on 127.0.0.1:5432, started or created if needed, with role and database
# "geodb". The role is a superuser of this local cluster because the test run creates a database with
# the PostGIS extension, which only a superuser may create.
set -euo pipefail

# Talk to the cluster as its superuser: over the socket as the postgres OS user when we can become it,
# else over TCP (works where the cluster trusts local connections, as on the CI machines).
admin_psql() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"
    elif sudo -n true 2>/dev/null; then
        sudo -n -u postgres psql -X -q -v ON_ERROR_STOP=1 -d postgres "$@"
    else
        psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d postgres "$@"
    fi
}

# `scripts/db.sh replication`: let the local cluster take replication connections from 127.0.0.1 (the
# tests start a streaming replica of it with pg_basebackup, tests/replicas). A line is added to its
# pg_hba.conf, with the authentication method its other 127.0.0.1 line has, and the configuration is
# reloaded; nothing is done when such a line is there already. Also with DATABASE_URL set, for the local
# cluster only: a remote server's administrator decides this.
if [ "${1:-}" = replication ]; then
    hba=$(admin_psql -At -c 'SHOW hba_file')
    if grep -Eq '^[[:space:]]*host[[:space:]]+replication[[:space:]]' "$hba"; then
        exit 0
    fi
    method=$(awk '$1 == "host" && $2 == "all" && $3 == "all" && $4 == "127.0.0.1/32" {print $5; exit}' "$hba")
    line="host replication all 127.0.0.1/32 ${method:-scram-sha-256}"
    echo "Allowing streaming replication from 127.0.0.1 in $hba: $line"
    printf '# Streaming replicas on this machine (scripts/db.sh replication)\n%s\n' "$line" \
        | if [ -w "$hba" ]; then tee -a "$hba"; else sudo -n tee -a "$hba"; fi >/dev/null
    admin_psql -c 'SELECT pg_reload_conf()' >/dev/null
    exit 0
fi

if [ -n "${DATABASE_URL:-}" ]; then
    echo "Using DATABASE_URL (${DATABASE_URL%%@*}@…); not touching the local cluster."
    exit 0
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
    if ! pg_lsclusters -h 2>/dev/null | grep -q '^15 main'; then
        echo "Creating PostgreSQL cluster 15/main"
        as_root=(); [ "$(id -u)" -eq 0 ] || as_root=(sudo -n)
        "${as_root[@]}" pg_createcluster 15 main >/dev/null
    fi
    echo "Starting PostgreSQL cluster 15/main"
    if [ "$(id -u)" -eq 0 ]; then pg_ctlcluster 15 main start; else sudo -n pg_ctlcluster 15 main start; fi
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
    pg_isready -h 127.0.0.1 -p 5432 || { echo "PostgreSQL did not start; see /var/log/postgresql/" >&2; exit 1; }
fi

admin_psql <<'SQL'
SELECT 'CREATE ROLE geodb LOGIN SUPERUSER PASSWORD ''geodb'''
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'geodb') \gexec
SELECT 'CREATE DATABASE geodb OWNER geodb'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'geodb') \gexec
SQL
admin_psql -d geodb -c "SET client_min_messages TO warning; CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pg_trgm;"
