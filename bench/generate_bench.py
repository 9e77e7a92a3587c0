"""How long `generate_enterprises` takes for N rows, as a ratio to loading the same rows with `psql \\copy`.

The generator samples, classifies, writes with COPY and locates every row by point-in-polygon; the baseline
only loads the finished rows into a bare table of the same columns (no indexes, no constraints), which is
the floor for getting N rows into PostgreSQL at all. Everything is rolled back at the end.

    .venv/bin/python bench/generate_bench.py --count 1000000
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")

import django

django.setup()

from django.conf import settings
from django.db import connection, transaction

from industries.synthetic import COLUMNS, synthetic_enterprises_create

BASELINE_COLUMNS = [*COLUMNS, "upazila_id", "district_id", "division_id"]


class Rollback(Exception):
    pass


def psql_url() -> str:
    db = settings.DATABASES["default"]
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=99)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "rows.csv"
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT coalesce(max(id), 0) FROM industries_enterprise")
                    first_new = cursor.fetchone()[0] + 1
                started = time.perf_counter()
                synthetic_enterprises_create(count=args.count, seed=args.seed, policy="NIP2022")
                generator_s = time.perf_counter() - started
                with connection.cursor() as cursor, open(csv_path, "wb") as out:
                    columns = ", ".join(BASELINE_COLUMNS)
                    select = f"SELECT {columns} FROM industries_enterprise WHERE id >= {first_new}"
                    with cursor.cursor.copy(f"COPY ({select}) TO STDOUT WITH (FORMAT csv)") as copy:
                        for block in copy:
                            out.write(block)
                raise Rollback
        except Rollback:
            pass
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"generate_enterprises: {generator_s:.1f} s, peak RSS {peak_mb:,.0f} MB", flush=True)

        table = "bench_generate_baseline"
        create = (
            f"DROP TABLE IF EXISTS {table}; CREATE UNLOGGED TABLE {table} "
            f"(LIKE industries_enterprise INCLUDING DEFAULTS INCLUDING IDENTITY);"
        )
        subprocess.run(["psql", "-X", "-q", psql_url(), "-c", create], check=True)
        started = time.perf_counter()
        subprocess.run(
            [
                "psql",
                "-X",
                "-q",
                psql_url(),
                "-c",
                f"\\copy {table} ({', '.join(BASELINE_COLUMNS)}) FROM '{csv_path}' WITH (FORMAT csv)",
            ],
            check=True,
        )
        copy_s = time.perf_counter() - started
        subprocess.run(["psql", "-X", "-q", psql_url(), "-c", f"DROP TABLE {table}"], check=True)

    print(f"rows: {args.count:,}")
    print(
        f"generate_enterprises: {generator_s:.1f} s ({args.count / generator_s:,.0f} rows/s), "
        f"peak RSS {peak_mb:,.0f} MB"
    )
    print(f"psql \\copy of the same rows into a bare table: {copy_s:.1f} s")
    print(f"ratio generator / \\copy: {generator_s / copy_s:.1f}x")


if __name__ == "__main__":
    main()
