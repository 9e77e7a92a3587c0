import os
import sys

import pytest
from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection

from industries.models import District, Upazila
from industries.services import admin_geography_load

# The production servers the tests start (tests/platform, tests/deploy) are local trials: their SMS go to
# the file backend, which geodb.settings.prod otherwise refuses.
os.environ.setdefault("GEODB_SMS_ALLOW_FILE", "1")

# Known places (lon, lat), checked against the BBS boundaries.
BOGURA_TOWN = Point(89.3697, 24.8465, srid=4326)
NAOGAON_TOWN = Point(88.9318, 24.8090, srid=4326)
BAY_OF_BENGAL = Point(90.8, 21.0, srid=4326)  # inside the national box, at sea


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real admin geography, loaded once into the test database for the whole session."""
    with django_db_blocker.unblock():
        admin_geography_load()


@pytest.fixture
def bogura(db) -> District:
    return District.objects.get(code="10")


@pytest.fixture
def naogaon(db) -> District:
    return District.objects.get(name_en="Naogaon")


@pytest.fixture
def bogura_sadar(db) -> Upazila:
    return Upazila.objects.get(district__code="10", name_en="Bogura Sadar")


@pytest.fixture
def geography_reloaded_afterwards(django_db_blocker):
    """A transactional test empties every table when it ends; put the boundaries back for the next tests.
    (Requested before transactional_db, so it is torn down after that flush.)"""
    yield
    with django_db_blocker.unblock():
        admin_geography_load()


@pytest.fixture(autouse=True)
def _live_server_helper(request):
    """pytest-django's own helper (same name, so this one replaces it), with one change: the boundaries
    are put back after the flush that ends a live-server test. Its autouse helper sets up transactional_db
    before any fixture a test names, so a test's own geography_reloaded_afterwards would reload first
    and be flushed away after, leaving later tests without boundaries."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("geography_reloaded_afterwards")
    request.getfixturevalue("transactional_db")
    live_server = request.getfixturevalue("live_server")
    live_server._live_server_modified_settings.enable()
    yield
    live_server._live_server_modified_settings.disable()


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
