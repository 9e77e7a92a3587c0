"""Vector tile speed: every tile of two map views through the view, against the bare tile SQL in the same run.

The views are the national map (zoom 7, the tiles over lon 88.0–92.7, lat 20.6–26.7: cells) and Bogura
district (zoom 11 by default, the tiles over lon 89.0–89.8, lat 24.5–25.2: points, or cells where dense).
The bare SQL is the statement the view runs (``api.tiles.tile_sql``), built once before timing and executed
on a cursor, so the ratio is what the application adds over PostGIS: routing, the rate limit, the data
version, the ETag and the filters (compiled once per query, as for a map's 20–40 tiles: the warm-up
request compiles them). Requests go through Django's test client in this process (no socket).

    .venv/bin/python bench/tile_bench.py                       # the database of DATABASE_URL (dev)
    DATABASE_URL=postgis://geodb:geodb@127.0.0.1:5432/geodb_api_bench .venv/bin/python bench/tile_bench.py

Each tile is fetched once to warm the caches, then --repeat times each way, the two interleaved. Whichever
of the two runs second finds the tile's rows in the CPU's caches, just read by the first, and is faster
for it, so by default each goes first in every other run; ``--order view-first`` is how this bench timed
until 2026-12-06, which made the view look 0.2–0.3× slower than it is.
"""

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")
# Hundreds of tile requests a minute from one address: above any throttle.
os.environ.setdefault("GEODB_API_ANON_RATE", "100000/minute")
os.environ.setdefault("GEODB_OGC_ANON_RATE", "100000/minute")

import django

django.setup()

from django.conf import settings
from django.db import connection
from django.http import QueryDict
from django.test import Client

from api.selectors import enterprise_list
from api.tiles import TileRules, filtered_sql, tile_sql
from industries.models import Enterprise

VIEWS = {
    "national": ((88.0, 20.6, 92.7, 26.7), 7),
    "district": ((89.0, 24.5, 89.8, 25.2), None),  # zoom from --district-zoom
}


def tile_xy(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = math.floor((lon + 180) / 360 * n)
    y = math.floor((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tiles_over(bounds: tuple[float, float, float, float], z: int) -> list[tuple[int, int, int]]:
    min_lon, min_lat, max_lon, max_lat = bounds
    x0, y0 = tile_xy(min_lon, max_lat, z)  # north-west: y grows southwards
    x1, y1 = tile_xy(max_lon, min_lat, z)
    return [(z, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def seconds(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def bench_view(client: Client, tiles: list, query: str, repeat: int, order: str) -> dict:
    rules = TileRules.from_settings()
    filtered = filtered_sql(enterprise_list(params=QueryDict(query)))
    statements = {tile: tile_sql(filtered, z=tile[0], x=tile[1], y=tile[2], rules=rules) for tile in tiles}
    urls = {tile: f"/tiles/enterprises/{tile[0]}/{tile[1]}/{tile[2]}.pbf?{query}" for tile in tiles}

    def api(tile):
        response = client.get(urls[tile])
        assert response.status_code == 200, response.content[:500]
        return response.content

    def bare(tile):
        with connection.cursor() as cursor:
            cursor.execute(*statements[tile])
            return bytes(cursor.fetchone()[0])

    sizes = {}
    for tile in tiles:  # warm, and the two must give the same bytes
        sizes[tile] = len(api(tile))
        assert sizes[tile] == len(bare(tile)), tile
    api_times, bare_times = [], []
    for run in range(repeat):
        for tile in tiles:
            # The one that goes second finds the tile's rows in the CPU's caches (module docstring).
            timed = ((api, api_times), (bare, bare_times))
            for fetch, times in timed if order == "view-first" or run % 2 == 0 else reversed(timed):
                times.append(seconds(lambda fetch=fetch, tile=tile: fetch(tile)))
    biggest = max(sizes, key=sizes.get)
    return {
        "tiles": len(tiles),
        "api": (statistics.median(api_times), percentile(api_times, 0.95)),
        "bare": (statistics.median(bare_times), percentile(bare_times, 0.95)),
        "biggest": (biggest, sizes[biggest]),
        "empty": sum(1 for size in sizes.values() if size == 0),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--district-zoom", type=int, default=11)
    parser.add_argument("--query", default="", help="filters, as in the URL: district=Bogura&size=small")
    parser.add_argument("--repeat", type=int, default=6)
    parser.add_argument("--order", choices=("alternate", "view-first"), default="alternate")
    args = parser.parse_args()
    assert not getattr(settings, "TILE_CACHE_SECONDS", 0), "the server-side tile cache would time the cache"

    db = connection.settings_dict["NAME"]
    rules = TileRules.from_settings()
    print(
        f"database {db}: {Enterprise.objects.count():,} enterprises; "
        f"points from zoom {rules.point_min_zoom}, "
        f"at most {rules.max_points:,} points or {rules.max_bytes:,} bytes a tile; "
        f"query {args.query or '(none)'}; {args.repeat} runs a tile, order {args.order}"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    header = (
        f"{'view':<9} {'z':>2} {'tiles':>5} {'empty':>5}  {'view p50/p95 ms':>16}  {'SQL p50/p95 ms':>15}"
    )
    print(f"{header}  {'ratio p50/p95':>13}  largest tile")
    for name, (bounds, zoom) in VIEWS.items():
        z = zoom if zoom is not None else args.district_zoom
        result = bench_view(client, tiles_over(bounds, z), args.query, args.repeat, args.order)
        (api50, api95), (bare50, bare95) = result["api"], result["bare"]
        (tz, tx, ty), size = result["biggest"]
        print(
            f"{name:<9} {z:>2} {result['tiles']:>5} {result['empty']:>5}  "
            f"{api50 * 1000:>7.1f} / {api95 * 1000:>6.1f}  {bare50 * 1000:>6.1f} / {bare95 * 1000:>6.1f}  "
            f"{api50 / bare50:>5.2f}x / {api95 / bare95:>4.2f}x  {size:,} B ({tz}/{tx}/{ty})"
        )


if __name__ == "__main__":
    main()
