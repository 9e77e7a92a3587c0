#!/usr/bin/env bash
# Install the system packages the project needs (PostgreSQL 15 + PostGIS 3, GDAL, Python venv, Node.js and
# npm; for the browser tests Debian's Chromium and a Bangla font), only if one is missing. Needs root or
# passwordless sudo for apt-get; says so instead of failing obscurely.
set -euo pipefail

# Extra packages may be named on the command line: `make test` adds chromium and a Bangla font (without
# one, screenshots show boxes for Bangla text).
# Pango: WeasyPrint's text layout, for the PDF receipts (and their Bangla shaping). npm: `npm ci` of
# package.json, the browser tests' axe-core.
packages=(postgresql-15 postgresql-15-postgis-3 gdal-bin python3-venv libpango-1.0-0 libpangoft2-1.0-0
    nodejs npm "$@")
if [ -n "${DATABASE_URL:-}" ]; then
    # An external PostGIS: only the client libraries GeoDjango loads (GDAL pulls GEOS and PROJ).
    packages=(gdal-bin python3-venv libpango-1.0-0 libpangoft2-1.0-0 nodejs npm "$@")
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A Python that is not Debian's (pyenv, a container image) brings its own venv; do not ask for Debian's.
if python3 -c "import ensurepip, venv" 2>/dev/null; then
    missing=("${missing[@]/python3-venv}")
fi
# Likewise a Node.js that is not Debian's (NodeSource's, nvm's) brings its own npm.
if command -v npm >/dev/null; then
    missing=($(printf '%s\n' "${missing[@]}" | grep -vx 'nodejs\|npm' || true))
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    sudo=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo)
else
    echo "These system packages are missing: ${missing[*]}" >&2
    echo "Installing them needs root. Run:  sudo apt-get install ${missing[*]}   then run make again." >&2
    exit 1
fi
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
