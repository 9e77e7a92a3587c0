#!/usr/bin/env bash
# Restore a backup of scripts/backup.sh into a NEW database, never over a live one:
#   scripts/restore.sh DUMP_FILE TARGET_DATABASE_URL
# e.g. scripts/restore.sh var/backups/geodb-20260101-023000.dump postgis://geodb:...@127.0.0.1:5432/geodb_restored
# The target database must not exist; it is created, and the dump goes in as one transaction (all or
# nothing). The role needs CREATEDB and, for the postgis and pg_trgm extensions, superuser (or create the
# database with its extensions beforehand as postgres and pass --existing-empty). Then point DATABASE_URL at
# it (or rename the databases) and restart the services; uploaded files (absolute paths in the archive):
# tar -xzPf media-<time>.tar.gz
set -euo pipefail

existing_empty=0
if [ "${1:-}" = "--existing-empty" ]; then existing_empty=1; shift; fi
if [ $# -ne 2 ]; then
    echo "usage: $0 [--existing-empty] DUMP_FILE TARGET_DATABASE_URL" >&2
    exit 2
fi
dump="$1"
url="postgresql://${2#*://}"
[ -r "$dump" ] || { echo "Cannot read $dump" >&2; exit 1; }
pg_restore --list "$dump" >/dev/null || { echo "$dump is not a pg_dump custom-format file" >&2; exit 1; }

query=""; base="$url"
if [[ "$url" == *\?* ]]; then query="?${url#*\?}"; base="${url%%\?*}"; fi
name="${base##*/}"
server="${base%/*}/postgres$query"
[[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { echo "Unusual database name '$name': refusing" >&2; exit 1; }

exists="$(psql -X -At --no-password -d "$server" -c "SELECT 1 FROM pg_database WHERE datname = '$name'")"
if [ "$existing_empty" -eq 1 ]; then
    [ "$exists" = 1 ] || { echo "Database $name does not exist" >&2; exit 1; }
    tables="$(psql -X -At --no-password -d "$url" -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'spatial_ref_sys'")"
    [ "$tables" = 0 ] || { echo "Database $name already has $tables tables: refusing to restore into it" >&2; exit 1; }
else
    [ "$exists" != 1 ] || { echo "Database $name exists: restore into a new database, then switch" >&2; exit 1; }
    psql -X -q --no-password -v ON_ERROR_STOP=1 -d "$server" -c "CREATE DATABASE \"$name\" TEMPLATE template0"
    # A restore that fails leaves no half-made database behind to be mistaken for a good one.
    trap 'psql -X -q --no-password -d "$server" -c "DROP DATABASE IF EXISTS \"$name\""' ERR
fi

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --no-password -d "$url" "$dump"
psql -X -q --no-password -d "$url" -c "ANALYZE"
echo "Restored $dump into database $name"
