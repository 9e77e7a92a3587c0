"""A benchmark's own database, made afresh and filled by the project's own commands (migrate, the
boundaries, the offices…), so that what is measured is set up the way `make demo` sets it up."""

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


def dsn_of(name: str, override: str | None = None) -> str:
    """The bench database's URL: the environment variable ``override`` if it is set, else ``name`` on the
    local server."""
    default = f"postgis://geodb:geodb@127.0.0.1:5432/{name}"
    return os.environ.get(override, default) if override else default


def libpq(dsn: str) -> str:
    """The URL as psql and psycopg take it (Django's ``postgis://`` scheme is ours)."""
    return dsn.replace("postgis://", "postgresql://", 1)


def psql(dsn: str, *commands: str) -> None:
    """Each command on its own (``-c`` each), so that CREATE DATABASE is outside a transaction block."""
    arguments = [argument for command in commands for argument in ("-c", command)]
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", libpq(dsn), *arguments],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def recreate(dsn: str, extensions: tuple[str, ...] = ("postgis", "pg_trgm")) -> None:
    """Drop the database of ``dsn`` and create it again, empty but for ``extensions``."""
    url = urlsplit(libpq(dsn))
    name = url.path.lstrip("/")
    server = url._replace(path="/postgres").geturl()
    psql(server, f'DROP DATABASE IF EXISTS "{name}"', f'CREATE DATABASE "{name}"')
    psql(dsn, *(f"CREATE EXTENSION IF NOT EXISTS {extension}" for extension in extensions))


def manage(dsn: str, *args: str, quiet: bool = False) -> None:
    """``manage.py args`` on the bench database, in a process of its own (dev settings)."""
    env = {**os.environ, "DATABASE_URL": dsn, "DJANGO_SETTINGS_MODULE": "geodb.settings.dev"}
    output = subprocess.DEVNULL if quiet else None
    subprocess.run([sys.executable, "manage.py", *args], env=env, cwd=ROOT, check=True, stdout=output)


def migrated_with_boundaries(dsn: str, *, offices: bool = False, quiet: bool = False) -> None:
    """A fresh database, migrated, with the real boundaries (and the district offices, the pilot open)."""
    recreate(dsn)
    manage(dsn, "migrate", "--noinput", "-v", "0", quiet=quiet)
    manage(dsn, "load_admin_geography", quiet=quiet)
    if offices:
        manage(dsn, "setup_registrations", "--open-pilot", quiet=quiet)
