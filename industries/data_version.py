"""The version of the enterprise data, which caches of what the enterprises show are keyed on: map tiles
and their ETags (api.tiles), statistics (api.stats).

A counter in the Django cache that every writer moves on after committing (``data_version_bump``, on commit,
in the service that writes: industries.services' save, delete and restore, which the admin, the API and
e-Registration use; the importer, surveys.staging; the generator, industries.synthetic; the geography load
when it re-locates enterprises), and a fingerprint of the enterprise table read from PostgreSQL on each
request when it is needed: ``max(id)`` (the primary key index answers it) and the table's
insert/update/delete counters from the statistics system (shared memory, no table read). The fingerprint
catches a writer in another process when the cache is per process (LocMemCache, as in the tests), within
the ~10 s PostgreSQL takes to publish its counters. With a cache every process shares (PostgreSQL's
DatabaseCache by default, Redis), every writer's bump is seen and the fingerprint is not read: one query
fewer for every tile (issue 14). ``DATA_VERSION_FINGERPRINT`` (GEODB_DATA_VERSION_FINGERPRINT=1) reads it
anyway, for a deployment where something writes enterprises outside these services (SQL by hand, another
program). Here, not in the api app, because writers outside it (e-Registration) must bump it and import
only industries.
"""

import time

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.dispatch import Signal

from .models import Enterprise

VERSION_KEY = "tiles:version"
# Sent by data_version_bump with the new ``version``: what is cached by data version may be made afresh
# (api.tasks warms the national map's statistics).
data_changed = Signal()
# How long a version's WAL position is kept: far longer than any replica may lag.
LSN_SECONDS = 24 * 3600


def _counter(key: str) -> int:
    """A version counter in the cache. It starts at the clock when the cache has none, so that a cleared
    cache can never bring back a counter something was cached or an ETag made with."""
    counter = cache.get(key)
    if counter is None:
        cache.add(key, time.time_ns(), timeout=None)
        counter = cache.get(key)
    return counter


def _counter_bump(key: str) -> int:
    """Move the counter on; the new value."""
    try:
        return cache.incr(key)
    except ValueError:  # not in the cache (evicted, cleared, never set)
        counter = time.time_ns()
        cache.set(key, counter, timeout=None)
        return counter


def data_version_bump() -> None:
    """Call after committing a change to enterprises: tiles, ETags and statistics of the old data stop being
    served. With read replicas, the primary's WAL position now is kept beside the new version: a replica
    serves the version only once it has replayed that far (geodb.replicas)."""
    version = _counter_bump(VERSION_KEY)
    if settings.DATABASE_REPLICAS:
        with connection.cursor() as cursor:
            cursor.execute("SELECT (pg_current_wal_lsn() - '0/0')::bigint")
            (position,) = cursor.fetchone()
        # Under a key of its own version: of two writers that bump at once, each keeps the position it read
        # after its own commit, so neither can make the other's version look replayed too early.
        cache.set(f"{VERSION_KEY}:lsn:{version}", position, timeout=LSN_SECONDS)
    data_changed.send(sender=None, version=version)


def data_version_lsn() -> int | None:
    """The primary's WAL position (bytes) when the current version was made; None when no write has been
    made since the cache began (a replica is then held to its lag alone)."""
    version = cache.get(VERSION_KEY)
    return None if version is None else cache.get(f"{VERSION_KEY}:lsn:{version}")


def data_version() -> str:
    """The cache counter and the enterprise table's fingerprint."""
    counter = _counter(VERSION_KEY)
    if not fingerprint_needed():
        return str(counter)
    table = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT (SELECT max(id) FROM {table}), pg_stat_get_tuples_inserted(%s::regclass)"
            " + pg_stat_get_tuples_updated(%s::regclass) + pg_stat_get_tuples_deleted(%s::regclass)",
            [table, table, table],
        )
        max_id, writes = cursor.fetchone()
    return f"{counter}.{max_id}.{writes}"


BOUNDARIES_KEY = "units:version"


def boundaries_version() -> int:
    """The version of the admin boundaries, which answers of the boundary endpoints are cached by: moved
    on by every load of the geography (industries.services.admin_geography_load)."""
    return _counter(BOUNDARIES_KEY)


def boundaries_version_bump() -> None:
    _counter_bump(BOUNDARIES_KEY)


def fingerprint_needed() -> bool:
    """Read the table's fingerprint too: when the setting says so, or when the cache is per process, where
    another process's bump is never seen."""
    return settings.DATA_VERSION_FINGERPRINT or isinstance(caches["default"], LocMemCache)
