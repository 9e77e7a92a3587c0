"""A real PostgreSQL streaming replica of the test cluster, for this module's tests: ``pg_basebackup`` of
the cluster the test database is on into a temporary directory, started on a port of its own with the
primary's binaries, as a hot standby that streams from the primary. It is the ``replica1`` database of
the tests (``DATABASE_REPLICAS``), on the test database's name."""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection, connections

from geodb import replicas
from tests.platform.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]
REPLICA = "replica1"
# A replica that is configured but does not answer: a port nothing listens on.
DEAD_REPLICA = "replica_dead"


def postgres_bindir() -> Path:
    """The primary's major version's binaries (Debian keeps each version's in /usr/lib/postgresql/N/bin):
    pg_basebackup and postgres must be of the server's own version."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        major = int(cursor.fetchone()[0]) // 10000
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin"), Path(shutil.which("postgres") or "/").parent):
        if (candidate / "pg_basebackup").exists() and (candidate / "postgres").exists():
            return candidate
    raise RuntimeError(f"No PostgreSQL {major} binaries (pg_basebackup, postgres) on this machine")


def primary_settings(*names: str) -> dict[str, str]:
    """Settings a hot standby must have at least as high as its primary's, or it will not start."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(names)])
        return dict(cursor.fetchall())


def wait_replayed(alias: str = REPLICA, timeout: float = 30) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        (target,) = cursor.fetchone()
    deadline = time.monotonic() + timeout
    with connections[alias].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return
            assert time.monotonic() < deadline, f"the replica did not replay up to {target} in {timeout} s"
            time.sleep(0.05)


@pytest.fixture(scope="module", autouse=True)
def streaming_replica(django_db_setup, django_db_blocker):
    """The replica, running for the module's tests (module-scoped and autouse, so that it exists before
    pytest-django checks the tests' ``databases``). Its log is printed when it fails to start."""
    primary = connection.settings_dict
    with django_db_blocker.unblock():
        bindir = postgres_bindir()
        standby = primary_settings(
            "max_connections",
            "max_worker_processes",
            "max_wal_senders",
            "max_prepared_transactions",
            "max_locks_per_transaction",
        )
    # The local cluster may need a pg_hba.conf line for replication connections (nothing for a remote one).
    if primary["HOST"] in ("127.0.0.1", "localhost", ""):
        subprocess.run(["bash", str(ROOT / "scripts/db.sh"), "replication"], check=True)
    root = Path(tempfile.mkdtemp(prefix="geodb-replica-"))
    data, log = root / "data", root / "postgres.log"
    # PostgreSQL will not run as root: the replica is the postgres user's then, as the primary is.
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_postgres:
        shutil.chown(root, "postgres")
    conninfo = (
        f"host={primary['HOST'] or '127.0.0.1'} port={primary['PORT'] or 5432} user={primary['USER']}"
        f" password={primary['PASSWORD']} application_name=geodb_test_replica"
    )
    subprocess.run(
        [
            *as_postgres,
            bindir / "pg_basebackup",
            "-d",
            conninfo,
            "-D",
            data,
            "-X",
            "stream",
            "-R",
            "-c",
            "fast",
        ],
        check=True,
        timeout=300,
    )
    port = free_port()
    config = {
        "port": port,
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{root}'",
        "hot_standby": "on",
        "hot_standby_feedback": "on",
        "shared_buffers": "'32MB'",
        "fsync": "off",
        **standby,
    }
    # Debian keeps the primary's postgresql.conf and pg_hba.conf outside the data directory: the replica
    # gets its own (written whole, also where the backup did copy them).
    (data / "postgresql.conf").write_text("".join(f"{name} = {value}\n" for name, value in config.items()))
    (data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    if as_postgres:
        for path in (data / "postgresql.conf", data / "pg_hba.conf"):
            shutil.chown(path, "postgres")
    started = subprocess.run(
        [*as_postgres, bindir / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "120", "start"],
        capture_output=True,
        text=True,
    )
    if started.returncode:
        raise RuntimeError(f"the replica did not start:\n{started.stdout}{started.stderr}\n{log.read_text()}")
    # A mirror of the test database to the test framework: never flushed, set up or torn down by it.
    test = {**primary["TEST"], "MIRROR": "default"}
    connections.settings[REPLICA] = {**primary, "HOST": "127.0.0.1", "PORT": str(port), "TEST": test}
    connections.settings[DEAD_REPLICA] = {**connections.settings[REPLICA], "PORT": str(free_port())}
    try:
        with django_db_blocker.unblock():
            wait_replayed()
        yield REPLICA
    finally:
        connections.close_all()  # this thread's connection to the replica among them
        del connections.settings[REPLICA], connections.settings[DEAD_REPLICA]
        replicas._seen.clear()
        subprocess.run([*as_postgres, bindir / "pg_ctl", "-D", data, "-m", "immediate", "stop"], check=False)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(autouse=True)
def replica_routing(settings):
    """Public reads may go to the replica; its state is read afresh for every request."""
    settings.DATABASE_REPLICAS = [REPLICA]
    settings.REPLICA_CHECK_SECONDS = 0
    replicas._seen.clear()
    yield
    replicas._seen.clear()
