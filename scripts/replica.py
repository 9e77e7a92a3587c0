"""A PostgreSQL streaming replica of a local cluster, for trials, tests and benchmarks: ``pg_basebackup``
of the primary into a directory, then a hot standby of the primary's own major version on a port of its
own, streaming from the primary. What docs/scaling.md describes for production, on one machine.

    DATABASE_URL=postgresql://geodb:geodb@127.0.0.1:5432/geodb \
        .venv/bin/python scripts/replica.py start --dir var/replica --port 5433
    .venv/bin/python scripts/replica.py stop --dir var/replica

The local cluster must take replication connections from 127.0.0.1: `scripts/db.sh replication` adds
the line to its pg_hba.conf. As root, the replica runs as the postgres user, as the primary does.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
# WAL streamed alongside the copy, standby.signal and primary_conninfo written, a checkpoint at once.
BACKUP_OPTIONS = ("-X", "stream", "-R", "-c", "fast")
# Settings a hot standby must have at least as high as its primary's, or it will not start.
AT_LEAST_THE_PRIMARYS = (
    "max_connections",
    "max_worker_processes",
    "max_wal_senders",
    "max_prepared_transactions",
    "max_locks_per_transaction",
)


@dataclass
class Replica:
    directory: Path
    port: int
    bindir: Path

    @property
    def data(self) -> Path:
        return self.directory / "data"

    @property
    def log(self) -> Path:
        return self.directory / "postgres.log"

    def stop(self) -> None:
        subprocess.run(
            [*as_postgres(), self.bindir / "pg_ctl", "-D", self.data, "-m", "immediate", "stop"],
            check=False,
            capture_output=True,
        )


def as_postgres() -> list[str]:
    """PostgreSQL will not run as root: then as the postgres user."""
    return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


def libpq(url: str) -> str:
    return url.replace("postgis://", "postgresql://", 1)


def bindir_of(primary: psycopg.Connection) -> Path:
    """The binaries of the primary's major version (Debian keeps each version's in /usr/lib/postgresql/N)."""
    major = int(primary.execute("SHOW server_version_num").fetchone()[0]) // 10000
    for candidate in (Path(f"/usr/lib/postgresql/{major}/bin"), Path(shutil.which("postgres") or "/").parent):
        if (candidate / "pg_basebackup").exists() and (candidate / "postgres").exists():
            return candidate
    raise RuntimeError(f"No PostgreSQL {major} binaries (pg_basebackup, postgres) on this machine")


def allow_replication(url: str) -> None:
    """On the local cluster, the pg_hba.conf line replication connections need (scripts/db.sh)."""
    if (urlsplit(libpq(url)).hostname or "127.0.0.1") in ("127.0.0.1", "localhost"):
        subprocess.run(["bash", str(ROOT / "scripts/db.sh"), "replication"], check=True)


def start(
    primary_url: str, directory: Path, port: int, *, timeout: float = 600, settings: dict | None = None
) -> Replica:
    """Back up the primary of ``primary_url`` into ``directory`` (which must not exist or be empty) and
    start it as a hot standby on ``port``, with PostgreSQL ``settings`` of its own besides; returns once it
    accepts connections."""
    allow_replication(primary_url)
    url = urlsplit(libpq(primary_url))
    with psycopg.connect(libpq(primary_url), autocommit=True) as primary:
        bindir = bindir_of(primary)
        at_least = dict(
            primary.execute(
                "SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(AT_LEAST_THE_PRIMARYS)]
            ).fetchall()
        )
    directory.mkdir(parents=True, exist_ok=True)
    if as_postgres():
        shutil.chown(directory, "postgres")
    replica = Replica(directory=directory, port=port, bindir=bindir)
    conninfo = (
        f"host={url.hostname or '127.0.0.1'} port={url.port or 5432} user={unquote(url.username or '')}"
        f" password={unquote(url.password or '')} application_name=geodb_replica_{port}"
    )
    subprocess.run(
        [*as_postgres(), bindir / "pg_basebackup", "-d", conninfo, "-D", replica.data, *BACKUP_OPTIONS],
        check=True,
        timeout=timeout,
    )
    config = {
        "port": port,
        "listen_addresses": "'127.0.0.1'",
        "unix_socket_directories": f"'{directory}'",
        "hot_standby": "on",
        # Queries on the replica hold back the primary's vacuum instead of being cancelled by it.
        "hot_standby_feedback": "on",
        "shared_buffers": "'128MB'",
        **at_least,
        **(settings or {}),
    }
    # Debian keeps the primary's postgresql.conf and pg_hba.conf outside the data directory: the replica
    # gets its own, written whole (also where the backup did copy them).
    (replica.data / "postgresql.conf").write_text(
        "".join(f"{key} = {value}\n" for key, value in config.items())
    )
    (replica.data / "pg_hba.conf").write_text("local all all trust\nhost all all 127.0.0.1/32 trust\n")
    if as_postgres():
        for name in ("postgresql.conf", "pg_hba.conf"):
            shutil.chown(replica.data / name, "postgres")
    started = subprocess.run(
        [
            *as_postgres(),
            bindir / "pg_ctl",
            "-D",
            replica.data,
            "-l",
            replica.log,
            "-w",
            "-t",
            "120",
            "start",
        ],
        capture_output=True,
        text=True,
    )
    if started.returncode:
        log = replica.log.read_text() if replica.log.exists() else ""
        raise RuntimeError(f"the replica did not start:\n{started.stdout}{started.stderr}\n{log}")
    return replica


def replayed_up_to_now(primary, replica, timeout: float = 60) -> None:
    """Until the replica has replayed everything the primary had written when this was called. ``primary``
    and ``replica``: anything whose ``execute`` returns a cursor (psycopg connections, Django's cursors)."""
    (target,) = primary.execute("SELECT pg_current_wal_lsn()::text").fetchone()
    deadline = time.monotonic() + timeout
    while not replica.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]:
        if time.monotonic() > deadline:
            raise TimeoutError(f"the replica did not replay up to {target} in {timeout} s")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--dir", type=Path, required=True)
    parser.add_argument(
        "--primary", default=os.environ.get("DATABASE_URL", "postgresql://geodb:geodb@127.0.0.1/geodb")
    )
    parser.add_argument("--port", type=int, default=5433)
    args = parser.parse_args()
    if args.action == "start":
        replica = start(args.primary, args.dir.resolve(), args.port)
        print(
            f"Replica on 127.0.0.1:{replica.port} (log {replica.log});"
            f" stop it with: {sys.argv[0]} stop --dir {args.dir}"
        )
    else:
        data = args.dir.resolve() / "data"
        major = (data / "PG_VERSION").read_text().strip()
        pg_ctl = Path(f"/usr/lib/postgresql/{major}/bin/pg_ctl")
        command = [*as_postgres(), pg_ctl if pg_ctl.exists() else "pg_ctl", "-D", data, "-m", "fast", "stop"]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
