"""Statistics endpoint against the bare GROUP BY: `GET /api/v1/stats/?by=district,size` through the Django
test client (URL routing, DRF, the FilterSet, suppression, JSON) against the hand-written SQL that produces
the same numbers, run through a cursor and fetched, on the dev database, in the same run.

It checks that both give the same figures (groups the API suppresses excepted), then prints the median of
N runs of each and the ratio. The issue's target is ≤ 1.5x.

    .venv/bin/python bench/stats_bench.py --runs 50
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")
# The anonymous throttle (120/minute) would turn most timed runs into 429s; the throttle's cache lookup is
# still timed.
os.environ.setdefault("GEODB_API_ANON_RATE", "1000000/minute")

import django

django.setup()

import orjson
from django.db import connection
from django.test import Client

URL = "/api/v1/stats/?by=district,size"
BARE_SQL = """
    SELECT d.code, d.name_en, d.name_bn, e.size_class, count(*), sum(e.workers_male), sum(e.workers_female),
           sum(e.workers_total), sum(e.investment_bdt)
    FROM industries_enterprise AS e LEFT JOIN industries_district AS d ON d.id = e.district_id
    GROUP BY 1, 2, 3, 4
"""
WARMUP = 3


def bare_group_by() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(BARE_SQL)
        return cursor.fetchall()


def through_api(client: Client) -> dict:
    response = client.get(URL)
    assert response.status_code == 200, response.content[:500]
    return orjson.loads(response.content)


def median_seconds(calls: list, runs: int) -> list[float]:
    """Median time of each call; the calls take turns, so that load on the shared machine hits both alike."""
    for _ in range(WARMUP):
        for call in calls:
            call()
    times = [[] for _ in calls]
    for _ in range(runs):
        for call, spent in zip(calls, times, strict=True):
            start = time.perf_counter()
            call()
            spent.append(time.perf_counter() - start)
    return [statistics.median(spent) for spent in times]


def check_same_numbers(api: dict, bare: list[tuple]) -> None:
    expected = {
        (code, size): (count, male, female, total, int(investment) if investment is not None else None)
        for code, _, _, size, count, male, female, total, investment in bare
    }
    got = {
        (g["district_code"], g["size_class"]): (
            g["count"],
            g["workers_male"],
            g["workers_female"],
            g["workers_total"],
            g["investment_bdt"],
        )
        for g in api["groups"]
        if not g["suppressed"]
    }
    assert len(api["groups"]) == len(expected), (len(api["groups"]), len(expected))
    assert all(expected[key] == figures for key, figures in got.items()), "figures differ"
    assert api["total"]["count"] == sum(row[4] for row in bare)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()

    client = Client(HTTP_HOST="127.0.0.1")
    api, bare = through_api(client), bare_group_by()
    check_same_numbers(api, bare)
    suppressed = sum(g["suppressed"] for g in api["groups"])

    api_s, bare_s = median_seconds([lambda: through_api(client), bare_group_by], args.runs)
    print(f"enterprises: {api['total']['count']:,}; groups: {len(bare)} ({suppressed} suppressed)")
    print(f"GET {URL}: {api_s * 1000:.2f} ms (median of {args.runs})")
    print(f"bare SQL GROUP BY, fetched: {bare_s * 1000:.2f} ms (median of {args.runs})")
    print(f"ratio API / bare GROUP BY: {api_s / bare_s:.2f}x")


if __name__ == "__main__":
    main()
