"""Export speed and memory: `/api/v1/enterprises/export.csv`, `.gpkg` and `.xlsx` of all Rajshahi division
enterprises against `psql \\copy` (CSV), `ogr2ogr -f GPKG` (GeoPackage) and `ogr2ogr -f XLSX` of the same
query, in the same run.

Two sizes (the western half of the division by longitude, then all of it) show whether memory grows with
the rows: the exports read a chunk at a time, so their Python peak should stay put while the rows double.
On the dev database (20,000 enterprises, ~3,000 in Rajshahi) one production chunk holds everything, so
``--chunk-rows`` makes the chunks small enough that the sizes span several of them.

    DJANGO_SETTINGS_MODULE=geodb.settings.dev .venv/bin/python bench/export_bench.py --chunk-rows 500
"""

import argparse
import logging
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")

import django

django.setup()

from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.test import Client

from api.exports import base, gpkg
from api.exports.base import LONLAT, export_values
from api.selectors import PUBLIC_COLUMNS, enterprise_list, enterprise_values

DIVISION = "Rajshahi"
TABLES = ("csv", "xlsx")  # lon/lat columns; the GeoPackage has a geometry


def dsn() -> str:
    db = settings.DATABASES["default"]
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


def sizes() -> list[tuple[str, str]]:
    """(label, query string): the western half of the division, then the whole division."""
    queryset = enterprise_list(params=QueryDict(f"division={DIVISION}"))
    with connection.cursor() as cursor:
        inner, params = queryset.order_by().values("location").query.sql_with_params()
        cursor.execute(
            "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ST_X(p.location)), "
            "ST_XMin(ST_Extent(p.location)), ST_YMin(ST_Extent(p.location)), ST_YMax(ST_Extent(p.location)) "
            f"FROM ({inner}) AS p",
            params,
        )
        middle, west, south, north = cursor.fetchone()
    half = f"{west - 0.01:.4f},{south - 0.01:.4f},{middle:.4f},{north + 0.01:.4f}"
    return [("west half", f"division={DIVISION}&bbox={half}"), ("all", f"division={DIVISION}")]


def baseline_sql(query: str, fmt: str) -> str:
    """The export's query as one SQL text: the same filters, columns and order."""
    queryset = enterprise_list(params=QueryDict(query))
    if fmt in TABLES:
        values = export_values(queryset, columns=PUBLIC_COLUMNS, point=LONLAT, by_distance=False)
    else:
        values = enterprise_values(queryset, columns=PUBLIC_COLUMNS)
    sql, params = values.query.sql_with_params()
    return connection.ops.compose_sql(sql, params)


def run_baseline(query: str, fmt: str, out: Path) -> float:
    sql = baseline_sql(query, fmt)
    if fmt == "csv":
        command = [
            "psql",
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            dsn(),
            "-c",
            f"\\copy ({sql}) TO '{out}' CSV HEADER",
        ]
    else:
        out.unlink(missing_ok=True)
        driver = "XLSX" if fmt == "xlsx" else "GPKG"
        command = ["ogr2ogr", "-f", driver, str(out), f"PG:{dsn()}", "-sql", sql, "-nln", "enterprises"]
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def run_export(client: Client, query: str, fmt: str) -> tuple[float, int]:
    """Seconds and bytes of one export, read to the end as a client would."""
    started = time.perf_counter()
    response = client.get(f"/api/v1/enterprises/export.{fmt}?{query}")
    assert response.status_code == 200, response.status_code
    size = sum(len(piece) for piece in response.streaming_content)
    return time.perf_counter() - started, size


def python_peak(client: Client, query: str, fmt: str) -> int:
    """Peak bytes the Python heap held during one export (tracemalloc; GDAL's own buffers are not seen)."""
    tracemalloc.start()
    try:
        run_export(client, query, fmt)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is kept")
    parser.add_argument("--chunk-rows", type=int, help="rows per cursor fetch and per GeoPackage append")
    args = parser.parse_args()
    if args.chunk_rows:
        base.CHUNK_ROWS = gpkg.GPKG_CHUNK_ROWS = args.chunk_rows
    logging.getLogger("pyogrio").setLevel(logging.WARNING)  # one "Created N records" per append

    client = Client(HTTP_HOST="127.0.0.1")
    counts = {label: enterprise_list(params=QueryDict(query)).count() for label, query in sizes()}
    print(f"database {settings.DATABASES['default']['NAME']}, division={DIVISION}")
    print(f"chunks: {base.CHUNK_ROWS:,} rows per fetch, {gpkg.GPKG_CHUNK_ROWS:,} rows per GeoPackage append")
    print(
        f"{'format':7} {'size':10} {'rows':>9} {'export s':>9} {'rows/s':>9} {'baseline s':>10} "
        f"{'ratio':>6} {'MB out':>7} {'py peak MB':>10} {'maxRSS MB':>9}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in ("csv", "gpkg", "xlsx"):
            for label, query in sizes():
                rows = counts[label]
                timings = [run_export(client, query, fmt) for _ in range(args.repeat)]
                seconds = median(t for t, _ in timings)
                size = timings[0][1]
                baseline = median(
                    run_baseline(query, fmt, Path(tmp) / f"base.{fmt}") for _ in range(args.repeat)
                )
                peak = python_peak(client, query, fmt)
                print(
                    f"{fmt:7} {label:10} {rows:9,} {seconds:9.3f} {rows / seconds:9,.0f} {baseline:10.3f} "
                    f"{seconds / baseline:5.2f}x {size / 1e6:7.2f} {peak / 1e6:10.2f} {max_rss_mb():9.0f}",
                    flush=True,
                )
    print("ratio = export through Django / baseline (psql \\copy for CSV, ogr2ogr -f GPKG / -f XLSX)")


if __name__ == "__main__":
    main()
