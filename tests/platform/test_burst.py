"""A burst of requests queues for the pooled connections or is throttled; it never runs PostgreSQL out of
connections into 500s ("sorry, too many clients already" was four of 650 requests, 8 at a time).

The server runs production settings under gunicorn with threaded workers, as deployed, logging in as a
role whose CONNECTION LIMIT stands for a small max_connections (a role limit applies to non-superusers
only, and the test's own role is one)."""

import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from .conftest import database_url, get, raw_url

pytestmark = pytest.mark.django_db  # the test database, see conftest.py

REQUESTS = 650
PARALLEL = 8
PATHS = (
    "/api/v1/enterprises/?page_size=10",
    "/api/v1/stats/?by=district",
    "/api/v1/districts/?geometry=false",
    "/tiles/enterprises/7/95/54.pbf",
    "/ogc/collections/enterprises/items?limit=5",
)


@pytest.fixture
def limited_role(test_database):
    """A login role allowed 6 connections, with the test role's rights on the test database."""
    admin_url = raw_url()
    name = f"geodb_burst_{uuid.uuid4().hex[:8]}"
    owner = psycopg.conninfo.conninfo_to_dict(admin_url)["user"]
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {name} LOGIN PASSWORD 'burst' CONNECTION LIMIT 6 IN ROLE {owner}")
    host_and_db = database_url().split("@", 1)[1]
    yield f"postgis://{name}:burst@{host_and_db}"
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", [name])
        admin.execute(f"DROP ROLE {name}")


def test_a_burst_queues_for_the_pool_and_is_never_a_500(limited_role, start_server):
    server = start_server(
        {"DATABASE_URL": limited_role, "GEODB_DB_POOL_MAX_SIZE": "2"},
        settings_module="geodb.settings.prod",
        gunicorn=True,
        workers=2,
        threads=8,
    )
    https = {"X-Forwarded-Proto": "https"}

    def one(n: int):
        return get(server.url + PATHS[n % len(PATHS)], https, timeout=60)

    with ThreadPoolExecutor(PARALLEL) as pool:
        answers = list(pool.map(one, range(REQUESTS)))
    counts = Counter(answer.status for answer in answers)
    errors = [a for a in answers if a.status >= 500 and a.status != 503]
    assert not errors, f"{counts}: {errors[0].body[:500]!r}"
    assert all("retry-after" in a.headers for a in answers if a.status in (429, 503)), counts
    assert set(counts) <= {200, 429, 503}, counts
    assert counts[200] > REQUESTS / 2, counts
