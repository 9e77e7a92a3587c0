import os
import socket
import sys
import time

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.management.commands import flush as flush_command
from django.core.management.sql import sql_flush as django_sql_flush
from django.db import connection, connections, transaction
from django.db.models.signals import post_migrate

from industries.models import District, Division, Upazila, UpazilaPiece
from industries.resolver import get_resolver
from industries.services import admin_geography_load

# The production servers the tests start (tests/platform, tests/deploy) are local trials: their SMS go to
# the file backend, which geodb.settings.prod otherwise refuses.
os.environ.setdefault("GEODB_SMS_ALLOW_FILE", "1")

# Known places (lon, lat), checked against the BBS boundaries.
BOGURA_TOWN = Point(89.3697, 24.8465, srid=4326)
NAOGAON_TOWN = Point(88.9318, 24.8090, srid=4326)
BAY_OF_BENGAL = Point(90.8, 21.0, srid=4326)  # inside the national box, at sea


# The admin geography (fixtures/bd-admin: divisions, districts, upazilas and their subdivided pieces) is
# loaded once per session. A transactional test's flush empties it with every other table; a copy in a
# schema of its own, which flush leaves alone (it empties the models' tables only), is put back after
# each flush: four INSERT ... SELECTs instead of reading and subdividing the boundary files again.
# Those cost about a second (their geometries are tens of MB, with GiST indexes), so a flush leaves the
# boundary tables alone while nothing has written to them since they were put back: a statement trigger
# on each draws from a sequence (never rolled back, never waits on a lock), and a flush that finds the
# sequence moved empties and puts back the boundaries as before.
BOUNDARY_TABLES = [model._meta.db_table for model in (Division, District, Upazila, UpazilaPiece)]
BOUNDARY_COPY = "test_boundaries"
BOUNDARY_WRITES = f"{BOUNDARY_COPY}.writes"
_boundaries_as_put_back = {"writes": None}


def redis_reachable() -> bool:
    """A Redis on 127.0.0.1:6379, for the tests of counting in it."""
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


def boundaries_copy() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {BOUNDARY_COPY} CASCADE")
        cursor.execute(f"CREATE SCHEMA {BOUNDARY_COPY}")
        for table in BOUNDARY_TABLES:
            cursor.execute(f"CREATE TABLE {BOUNDARY_COPY}.{table} AS TABLE public.{table}")


def boundaries_put_back(sender, using, **kwargs) -> None:
    """post_migrate, which flush sends when it has emptied the tables (TransactionTestCase's teardown,
    call_command("flush")): the boundaries back as they were loaded, with the same ids."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT FROM {BOUNDARY_TABLES[0]})")
        if cursor.fetchone()[0]:
            return  # not emptied (a flush of other apps' tables only)
        for table in BOUNDARY_TABLES:
            cursor.execute(f"INSERT INTO {table} SELECT * FROM {BOUNDARY_COPY}.{table}")
            cursor.execute(f"ANALYZE {table}")
        _boundaries_as_put_back["writes"] = boundary_writes(cursor)
    get_resolver.cache_clear()


def boundaries_watch() -> None:
    """Every statement that writes (or truncates) a boundary table draws a number from BOUNDARY_WRITES."""
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE SEQUENCE {BOUNDARY_WRITES}")
        cursor.execute(
            f"CREATE FUNCTION {BOUNDARY_COPY}.written() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN PERFORM nextval('{BOUNDARY_WRITES}'); RETURN NULL; END $$"
        )
        for table in BOUNDARY_TABLES:
            cursor.execute(
                f"CREATE TRIGGER {BOUNDARY_COPY}_written AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
                f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {BOUNDARY_COPY}.written()"
            )
        cursor.execute(f"SELECT nextval('{BOUNDARY_WRITES}')")
        _boundaries_as_put_back["writes"] = boundary_writes(cursor)


def boundary_writes(cursor) -> int:
    cursor.execute(f"SELECT last_value FROM {BOUNDARY_WRITES}")
    return cursor.fetchone()[0]


def sql_flush_of_what_was_written(style, conn, reset_sequences=True, allow_cascade=False):
    """django.core.management.sql.sql_flush for flush, emptying the same tables: those with rows, and
    with CASCADE the (empty) tables that refer to them; not the boundary tables when none of them has
    been written since they were put back (boundaries_watch). What is left afterwards is what Django's
    TRUNCATE of every table leaves, and a TRUNCATE of a table costs the same whether it had rows or not.
    With reset_sequences (the flush command's default, not a transactional test's), Django's own."""
    tables = conn.introspection.django_table_names(only_existing=True, include_views=False)
    if reset_sequences or conn.vendor != "postgresql" or not tables:
        return django_sql_flush(style, conn, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    quote = conn.ops.quote_name
    with conn.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(f"SELECT %s WHERE EXISTS (SELECT FROM {quote(table)})" for table in tables),
            tables,
        )
        with_rows = {row[0] for row in cursor.fetchall()} - set(BOUNDARY_TABLES)
        if boundary_writes(cursor) != _boundaries_as_put_back["writes"]:
            with_rows |= set(BOUNDARY_TABLES)  # all four, emptied and put back (boundaries_put_back)
    if not with_rows:  # not even content types (never after post_migrate): Django's TRUNCATE of them all
        return django_sql_flush(style, conn, reset_sequences=False, allow_cascade=allow_cascade)
    return conn.ops.sql_flush(
        style, [table for table in tables if table in with_rows], reset_sequences=False, allow_cascade=True
    )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real admin geography, loaded once into the test database for the whole session, and put back
    after every flush. When the session ends, no other connection may be left on the test database: it
    would keep pytest-django from dropping it."""
    with django_db_blocker.unblock():
        admin_geography_load()
        boundaries_copy()
        boundaries_watch()
    post_migrate.connect(
        boundaries_put_back, sender=apps.get_app_config("industries"), dispatch_uid=BOUNDARY_COPY
    )
    flush_command.sql_flush = sql_flush_of_what_was_written
    yield
    flush_command.sql_flush = django_sql_flush
    post_migrate.disconnect(sender=apps.get_app_config("industries"), dispatch_uid=BOUNDARY_COPY)
    with django_db_blocker.unblock():
        others = other_sessions_on_the_test_database()
    assert not others, "connections left open on the test database (it cannot be dropped):\n" + "\n".join(
        others
    )


def other_sessions_on_the_test_database(wait: float = 10) -> list[str]:
    """Client connections to the test database besides this process's own, waiting up to ``wait``
    seconds for those that are closing (a server just stopped)."""
    deadline = time.monotonic() + wait
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid, application_name, client_port, backend_start, state, left(query, 200)"
                " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                " AND backend_type = 'client backend'"
            )
            rows = cursor.fetchall()
        if not rows or time.monotonic() > deadline:
            return [
                f"pid {pid} {name!r} (client port {port}, since {since:%H:%M:%S}, {state}): {query}"
                for pid, name, port, since, state, query in rows
            ]
        time.sleep(0.2)


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, its connections with TCP_NODELAY. Its handler (wsgiref's) writes the
    status line, the headers and the body in separate small sends; with Nagle's algorithm on, each later
    send waits for the client's delayed ACK of the first, about 40 ms on Linux, so every small answer took
    ~45 ms instead of ~1 ms (the fuzz test's thousands of requests, the browsers' fetches). Production's
    gunicorn and nginx set TCP_NODELAY themselves; what is served is unchanged."""
    httpd = live_server.thread.httpd

    class NoDelayHandler(httpd.RequestHandlerClass):
        disable_nagle_algorithm = True

    httpd.RequestHandlerClass = NoDelayHandler
    return live_server


@pytest.fixture
def bogura(db) -> District:
    return District.objects.get(code="10")


@pytest.fixture
def naogaon(db) -> District:
    return District.objects.get(name_en="Naogaon")


@pytest.fixture
def bogura_sadar(db) -> Upazila:
    return Upazila.objects.get(district__code="10", name_en="Bogura Sadar")


def manage_py(*args: str, media_root) -> tuple[list[str], dict[str, str]]:
    """The argv and environment to run ``manage.py`` in a child process against the test database, as
    staff or the worker would run it."""
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}",
        "GEODB_MEDIA_ROOT": str(media_root),
        "DJANGO_SETTINGS_MODULE": "geodb.settings.dev",
    }
    return [sys.executable, str(settings.BASE_DIR / "manage.py"), *args], env


@pytest.fixture(autouse=True)
def throttle_history_cleared():
    """The API's rate limits count requests in the cache; each test starts with none counted."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def no_export_slot_left(django_db_blocker):
    """An anonymous export holds one of the shared export slots (a PostgreSQL advisory lock, api.throttling)
    until its response is closed, and the test client closes a streamed response only once it is read to
    the end. A test that leaves one unread keeps the slot on the session's one connection, and a test far
    later finds the server "busy with other exports": fail the test that did it instead, and give it back.
    (Only those slots: a test's transaction may hold advisory locks of its own until it is rolled back.)"""
    yield
    if connection.connection is None:
        return
    from django.db import DatabaseError

    from api.throttling import _lock_key

    slots = [_lock_key("anon", n) for n in range(settings.EXPORT_ANON_CONCURRENCY)]
    try:
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            held = []
            for key in slots:
                cursor.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
                    " AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = %s",
                    [key],
                )
                if cursor.fetchone()[0]:
                    held.append(key)
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    except DatabaseError:  # the connection is gone (a test restarted the server), and its locks with it
        return
    assert not held, f"{len(held)} export slot(s) left held: read streamed exports to the end"
