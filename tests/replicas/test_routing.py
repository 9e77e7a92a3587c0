"""Public reads from a real streaming replica (tests/replicas/conftest.py starts one), and everything else
from the primary: who reads where, and what happens when the replica lags or is gone (geodb.replicas)."""

import time

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from geodb import replicas
from industries.data_version import data_version_bump
from industries.models import Enterprise
from tests.api.test_tiles import tile_of
from tests.api.test_tiles import url as tile_url
from tests.conftest import BOGURA_TOWN
from tests.factories import located_enterprises

from .conftest import DEAD_REPLICA, REPLICA, wait_replayed

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA, DEAD_REPLICA])
TABLE = Enterprise._meta.db_table
PUBLIC_READS = [
    "/api/v1/enterprises/?district=10",
    "/ogc/collections/enterprises/items?limit=5",
    tile_url(*tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, 12)),
    "/api/v1/stats/?by=district",
    "/api/v1/enterprises/export.csv?district=10",
    "/api/v1/enterprises/export.geojson?district=10",
    "/api/v1/enterprises/export.xlsx?district=10",
]


def served_from(client, path: str):
    """(response, body, databases that read the enterprise table for it). The data version's fingerprint
    of the table, read from the primary when the cache is per process (industries.data_version), is not a
    read of the enterprises."""
    with CaptureQueriesContext(connection) as primary, CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
    read = {
        alias
        for alias, queries in (("default", primary), (REPLICA, replica))
        if any(TABLE in q["sql"] and "pg_stat_get_tuples" not in q["sql"] for q in queries.captured_queries)
    }
    return response, body, read


def names_in_list(response) -> set[str]:
    return {feature["properties"]["name_en"] for feature in response.json()["features"]}


@pytest.fixture
def made():
    """Enterprises in Bogura, written and announced as a writer does (commit, then the version bump), and
    replayed by the replica."""
    made = located_enterprises([BOGURA_TOWN] * 2, name_en="Replayed Handloom")
    data_version_bump()
    wait_replayed()
    return made


@pytest.fixture
def replay_paused():
    """The replica receives the primary's WAL but applies none of it until the test ends."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    yield
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_resume()")
    wait_replayed()


@pytest.mark.parametrize("path", PUBLIC_READS)
def test_public_reads_come_from_a_replica_that_has_caught_up(client, made, path):
    response, body, read = served_from(client, path)
    assert response.status_code == 200, body[:300]
    assert read == {REPLICA}


def test_the_replica_serves_the_same_page_as_the_primary(client, made, settings):
    from_replica, _, read = served_from(client, PUBLIC_READS[0])
    assert read == {REPLICA}
    settings.DATABASE_REPLICAS = []
    from_primary, _, read = served_from(client, PUBLIC_READS[0])
    assert read == {"default"}
    assert from_replica.json()["features"] == from_primary.json()["features"]
    assert names_in_list(from_replica) == {"Replayed Handloom"}


def test_staff_read_the_primary_and_see_what_they_have_just_saved(client, admin_user, made, replay_paused):
    client.force_login(admin_user)
    created = client.post(
        "/api/v1/enterprises/",
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [BOGURA_TOWN.x, BOGURA_TOWN.y]},
            "properties": {"name_en": "Just Saved Pottery", "name_bn": "সদ্য মৃৎশিল্প", "kind": "manufacturing"},
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    response, _, read = served_from(client, PUBLIC_READS[0])
    assert read == {"default"}
    assert "Just Saved Pottery" in names_in_list(response)


def test_a_replica_behind_the_data_version_is_not_read_until_it_has_replayed_it(client, made, replay_paused):
    located_enterprises([BOGURA_TOWN], name_en="Newer Handloom")
    data_version_bump()  # the primary's WAL position now, with the new version
    response, _, read = served_from(client, PUBLIC_READS[0])
    assert read == {"default"}
    assert "Newer Handloom" in names_in_list(response)
    # Tiles and statistics are cached by that version: none is made from the replica's older data.
    response, _, read = served_from(client, PUBLIC_READS[2])
    assert read == {"default"}


def test_once_it_has_replayed_the_version_the_replica_is_read_again(client, made):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    try:
        located_enterprises([BOGURA_TOWN], name_en="Newer Handloom")
        data_version_bump()
        assert served_from(client, PUBLIC_READS[0])[2] == {"default"}
    finally:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
    wait_replayed()
    response, _, read = served_from(client, PUBLIC_READS[0])
    assert read == {REPLICA}
    assert "Newer Handloom" in names_in_list(response)


def test_a_replica_lagging_more_than_the_limit_is_not_read(client, made, replay_paused, settings):
    """A write no version stands for (SQL by hand, say): the replica is held to its lag."""
    settings.REPLICA_MAX_LAG_SECONDS = 0.5
    located_enterprises([BOGURA_TOWN], name_en="Unannounced Handloom")  # no data_version_bump
    time.sleep(1)
    response, _, read = served_from(client, PUBLIC_READS[0])
    assert read == {"default"}
    assert "Unannounced Handloom" in names_in_list(response)


def test_a_replica_within_the_limit_is_read(client, made, replay_paused, settings):
    """The same write, within the lag allowed: the replica answers with what it has replayed."""
    settings.REPLICA_MAX_LAG_SECONDS = 60
    located_enterprises([BOGURA_TOWN], name_en="Unannounced Handloom")
    response, _, read = served_from(client, PUBLIC_READS[0])
    assert read == {REPLICA}
    assert "Unannounced Handloom" not in names_in_list(response)


def test_a_replica_that_does_not_answer_is_left_out_and_not_tried_again_at_once(client, made, settings):
    dead = DEAD_REPLICA
    try:
        settings.DATABASE_REPLICAS = [dead]
        settings.REPLICA_RETRY_SECONDS = 60
        response, _, read = served_from(client, PUBLIC_READS[0])
        assert response.status_code == 200
        assert read == {"default"}
        assert replicas._seen[dead].usable is False
        checked = replicas._seen[dead].checked
        served_from(client, PUBLIC_READS[0])
        assert replicas._seen[dead].checked == checked  # not tried again within REPLICA_RETRY_SECONDS
        # With a live replica beside it, whichever is tried first, the live one serves.
        settings.DATABASE_REPLICAS = [dead, REPLICA]
        for _ in range(4):
            assert served_from(client, PUBLIC_READS[0])[2] == {REPLICA}
    finally:
        connections[dead].close()


def test_pages_outside_the_public_reads_read_the_primary(client, made):
    """The public enterprise page and the map's page are not among the replica's reads."""
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        assert client.get("/").status_code == 200
    assert not replica.captured_queries
