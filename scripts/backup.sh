#!/usr/bin/env bash
# Back up the BSCIC industry GIS: the database as one pg_dump custom-format file (-Fc: compressed, restored
# with scripts/restore.sh) and the uploaded surveys and reports (GEODB_MEDIA_ROOT) as a tarball beside it.
#   scripts/backup.sh [DUMP_FILE]
# Default file: $GEODB_BACKUP_DIR/geodb-<time>.dump (var/backups), keeping the newest $GEODB_BACKUP_KEEP
# (14). A dump is written under a temporary name and only kept once pg_restore can read its table of
# contents, so a failed or cut-off backup never replaces a good one.
set -euo pipefail
cd "$(dirname "$0")/.."

url="${DATABASE_URL:-postgis://geodb:geodb@127.0.0.1:5432/geodb}"
url="postgresql://${url#*://}"  # libpq does not know Django's postgis:// scheme
stamp="$(date +%Y%m%d-%H%M%S)"
dir="${GEODB_BACKUP_DIR:-var/backups}"
dump="${1:-$dir/geodb-$stamp.dump}"
mkdir -p "$(dirname "$dump")"

tmp="$dump.partial"
trap 'rm -f "$tmp"' EXIT
pg_dump --format=custom --compress=6 --no-password --file="$tmp" --dbname="$url"
pg_restore --list "$tmp" >/dev/null
mv "$tmp" "$dump"
echo "Database backed up to $dump ($(du -h "$dump" | cut -f1))"

# Uploaded files: the media root and the private folder of survey uploads and import reports beside it
# (GEODB_IMPORT_FILES_ROOT), in one archive.
media="${GEODB_MEDIA_ROOT:-var/media}"
private="${GEODB_IMPORT_FILES_ROOT:-$(dirname "$media")/private}"
folders=()
for folder in "$media" "$private"; do [ -d "$folder" ] && folders+=("$(realpath "$folder")"); done
if [ -z "${1:-}" ] && [ ${#folders[@]} -gt 0 ]; then
    tar -czf "$dir/media-$stamp.tar.gz.partial" -P "${folders[@]}"
    mv "$dir/media-$stamp.tar.gz.partial" "$dir/media-$stamp.tar.gz"
    echo "Uploaded files (${folders[*]}) backed up to $dir/media-$stamp.tar.gz"
fi

if [ -z "${1:-}" ]; then
    keep="${GEODB_BACKUP_KEEP:-14}"
    ls -1t "$dir"/geodb-*.dump 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm -f
    ls -1t "$dir"/media-*.tar.gz 2>/dev/null | tail -n +"$((keep + 1))" | xargs -r rm -f
fi
