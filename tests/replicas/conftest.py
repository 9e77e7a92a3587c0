"""A real PostgreSQL streaming replica of the test cluster, for this module's tests: ``pg_basebackup`` of
the cluster the test database is on into a temporary directory, started on a port of its own with the
primary's binaries, as a hot standby that streams from the primary (scripts/replica.py). It is the
``replica1`` database of the tests (``DATABASE_REPLICAS``), on the test database's name."""

import shutil
import tempfile
from pathlib import Path

import pytest
from django.db import connection, connections

from geodb import replicas
from scripts import replica as streaming
from tests.platform.conftest import database_url, free_port

REPLICA = "replica1"
# A replica that is configured but does not answer: a port nothing listens on.
DEAD_REPLICA = "replica_dead"


def wait_replayed(alias: str = REPLICA, timeout: float = 120) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    with connection.cursor() as primary, connections[alias].cursor() as replica:
        streaming.replayed_up_to_now(primary, replica, timeout=timeout)


@pytest.fixture(scope="module", autouse=True)
def streaming_replica(django_db_setup, django_db_blocker):
    """The replica, running for the module's tests (module-scoped and autouse, so that it exists before
    pytest-django checks the tests' ``databases``)."""
    primary = connection.settings_dict
    directory = Path(tempfile.mkdtemp(prefix="geodb-replica-"))
    # It replays the WAL of the whole cluster, other databases' too: no waiting on the disk for it.
    replica = streaming.start(database_url(), directory, free_port(), settings={"fsync": "off"})
    # A mirror of the test database to the test framework: never flushed, set up or torn down by it.
    test = {**primary["TEST"], "MIRROR": "default"}
    connections.settings[REPLICA] = {**primary, "HOST": "127.0.0.1", "PORT": str(replica.port), "TEST": test}
    connections.settings[DEAD_REPLICA] = {**connections.settings[REPLICA], "PORT": str(free_port())}
    try:
        with django_db_blocker.unblock():
            wait_replayed()
        yield REPLICA
    finally:
        connections.close_all()  # this thread's connection to the replica among them
        del connections.settings[REPLICA], connections.settings[DEAD_REPLICA]
        replicas._seen.clear()
        replica.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(autouse=True)
def replica_routing(settings):
    """Public reads may go to the replica; its state is read afresh for every request."""
    settings.DATABASE_REPLICAS = [REPLICA]
    settings.REPLICA_CHECK_SECONDS = 0
    replicas._seen.clear()
    yield
    replicas._seen.clear()
