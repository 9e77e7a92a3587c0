"""Read replicas at 1,000,000 enterprises: the public reads served by a streaming replica against the same
reads served by the primary, in the same run, and how far the replica falls behind while the primary
writes as an import does.

It starts a replica of the local cluster (scripts/replica.py: pg_basebackup into a temporary directory,
a hot standby on a free port), then
1. times a list page (1,000 features in Dhaka), a district's tiles (Bogura, z11), the district
   choropleth and an OGC page through Django's test client, each with the router sending them to the
   replica and with no replica configured, interleaved; the ratio replica / primary is what reading a
   replica adds (its state check, once a second a process);
2. copies --write-rows enterprise rows into a scratch table of the primary in batches of 20,000 (as the
   importer writes), sampling the replica's replay lag every 0.1 s, and reports the WAL written, the
   largest lag (bytes and seconds) and how long the replica took to catch up after the last batch.

    .venv/bin/python bench/api_bench.py --setup 1000000          # once: the bench database
    .venv/bin/python bench/replica_bench.py
"""

import argparse
import math
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchdb import dsn_of, libpq
from scripts import replica as streaming

DSN = dsn_of("geodb_api_bench", "API_BENCH_DATABASE_URL")
SCRATCH = "replica_bench_scratch"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def tile_paths(z: int = 11) -> list[str]:
    def xy(lon, lat):
        n = 2**z
        return (
            math.floor((lon + 180) / 360 * n),
            math.floor((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n),
        )

    (x0, y0), (x1, y1) = xy(89.0, 25.2), xy(89.8, 24.5)
    return [f"/tiles/enterprises/{z}/{x}/{y}.pbf" for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def reads(repeat: int) -> list[tuple[str, float, float]]:
    """(request, primary ms, replica ms): medians, the two interleaved."""
    from django.conf import settings
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    requests = {
        "list page, 1,000 in Dhaka": ["/api/v1/enterprises/?district=Dhaka&page_size=1000&count=false"],
        "Bogura's tiles, z11 (each)": tile_paths(),
        "district choropleth": ["/api/v1/stats/?format=geojson&by=district&simplify=200"],
        "OGC page, 1,000 small": ["/ogc/collections/enterprises/items?size=small&limit=1000"],
    }
    replicas = list(settings.DATABASE_REPLICAS)
    settings.API_STATS_CACHE_SECONDS = 0  # the choropleth's SQL each time, not the cache
    results = []
    for name, paths in requests.items():
        times = {"primary": [], "replica": []}
        for path in paths:  # warm both, and check that the replica really serves
            for where in times:
                settings.DATABASE_REPLICAS = replicas if where == "replica" else []
                with CaptureQueriesContext(connections[replicas[0]]) as on_replica:
                    response = client.get(path)
                assert response.status_code == 200, (path, response.content[:300])
                assert bool(on_replica.captured_queries) == (where == "replica"), (where, path)
        for _ in range(repeat):
            for path in paths:
                for where in times:
                    settings.DATABASE_REPLICAS = replicas if where == "replica" else []
                    started = time.perf_counter()
                    client.get(path)
                    times[where].append(time.perf_counter() - started)
        settings.DATABASE_REPLICAS = replicas
        results.append(
            (name, statistics.median(times["primary"]) * 1000, statistics.median(times["replica"]) * 1000)
        )
    return results


def lag_under_writes(primary_dsn: str, replica_dsn: str, rows: int) -> dict:
    import psycopg

    samples = []
    done = threading.Event()

    def sample():
        with (
            psycopg.connect(primary_dsn, autocommit=True) as p,
            psycopg.connect(replica_dsn, autocommit=True) as r,
        ):
            while not done.is_set():
                (sent,) = p.execute("SELECT pg_current_wal_lsn()::text").fetchone()
                behind, seconds = r.execute(
                    "SELECT %s::pg_lsn - pg_last_wal_replay_lsn(),"
                    " CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
                    " ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END",
                    [sent],
                ).fetchone()
                samples.append((time.monotonic(), max(0, int(behind)), float(seconds or 0)))
                time.sleep(0.1)

    with (
        psycopg.connect(primary_dsn, autocommit=True) as p,
        psycopg.connect(replica_dsn, autocommit=True) as r,
    ):
        p.execute(f"DROP TABLE IF EXISTS {SCRATCH}")
        p.execute(f"CREATE TABLE {SCRATCH} (LIKE industries_enterprise INCLUDING DEFAULTS)")
        p.execute(f"CREATE INDEX ON {SCRATCH} USING gist (location)")
        p.execute(f"CREATE INDEX ON {SCRATCH} (district_id)")
        (start_lsn,) = p.execute("SELECT pg_current_wal_lsn()::text").fetchone()
        streaming.replayed_up_to_now(p, r)
        watcher = threading.Thread(target=sample)
        watcher.start()
        started = time.monotonic()
        for offset in range(0, rows, 20_000):
            p.execute(
                f"INSERT INTO {SCRATCH} SELECT * FROM industries_enterprise ORDER BY id OFFSET %s LIMIT %s",
                [offset, 20_000],
            )
        written = time.monotonic()
        streaming.replayed_up_to_now(p, r, timeout=600)
        caught_up = time.monotonic()
        done.set()
        watcher.join()
        (wal,) = p.execute("SELECT pg_current_wal_lsn() - %s::pg_lsn", [start_lsn]).fetchone()
        p.execute(f"DROP TABLE {SCRATCH}")
    return {
        "rows": rows,
        "write_s": written - started,
        "wal_mb": int(wal) / 1e6,
        "max_behind_mb": max(s[1] for s in samples) / 1e6,
        "max_lag_s": max(s[2] for s in samples),
        "catch_up_s": caught_up - written,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write-rows", type=int, default=200_000)
    args = parser.parse_args()

    directory = Path(tempfile.mkdtemp(prefix="geodb-replica-bench-"))
    started = time.monotonic()
    replica = streaming.start(DSN, directory, free_port())
    made = time.monotonic() - started
    size = sum(f.stat().st_size for f in replica.data.rglob("*") if f.is_file()) / 1e9
    replica_dsn = DSN.rsplit("@", 1)[0] + f"@127.0.0.1:{replica.port}/" + DSN.rsplit("/", 1)[1]
    print(f"replica of the cluster: {size:.1f} GB copied and started in {made:.0f} s")
    try:
        os.environ.update(
            DATABASE_URL=DSN,
            GEODB_DATABASE_REPLICAS=replica_dsn,
            DJANGO_SETTINGS_MODULE="geodb.settings.dev",
            GEODB_API_ANON_RATE="100000/minute",
            GEODB_OGC_ANON_RATE="100000/minute",
            GEODB_TILES_ANON_RATE="100000/minute",
        )
        import django

        django.setup()
        print(f"{'request (median)':<30} {'primary':>9} {'replica':>9} {'replica / primary':>18}")
        for name, primary_ms, replica_ms in reads(args.repeat):
            print(f"{name:<30} {primary_ms:>7.1f}ms {replica_ms:>7.1f}ms {replica_ms / primary_ms:>17.2f}x")
        lag = lag_under_writes(libpq(DSN), libpq(replica_dsn), args.write_rows)
        print(
            f"writing {lag['rows']:,} rows in batches of 20,000: {lag['write_s']:.1f} s,"
            f" {lag['wal_mb']:,.0f} MB of WAL;"
            f" replica at most {lag['max_behind_mb']:,.1f} MB / {lag['max_lag_s']:.1f} s behind,"
            f" caught up {lag['catch_up_s']:.1f} s after the last batch"
        )
    finally:
        if "django.db" in sys.modules:
            sys.modules["django.db"].connections.close_all()
        replica.stop()
        shutil.rmtree(directory, ignore_errors=True)


if __name__ == "__main__":
    main()
