"""The data-quality checks at scale: a whole run (every check, the scores) against the bare SQL of its
heaviest check, and the staff page of one district against the bare SQL of its list, in the same run.

It needs a database with many enterprises and some faults. ``--setup N`` makes one (``geodb_quality_bench``:
migrated, real boundaries, N synthetic enterprises, then faults put in by SQL: near-duplicates under another
spelling 30 m away, points shared by three, owners' NIDs repeated, stated size classes that differ); later
runs reuse it.

    .venv/bin/python bench/quality_bench.py --setup 1000000     # once, several minutes
    .venv/bin/python bench/quality_bench.py

The run is ``quality.services.quality_run`` as the worker runs it; the heaviest check's bare SQL is its own
SELECT, counted on a cursor (no INSERT of the flags), timed right after. The page goes through Django's test
client as a logged-in staff user (routing, the filter language, the template); its bare SQL is the list's
two statements (the first 50 flagged enterprises of the district with their flags, and their count),
compiled from the page's own querysets and run on a cursor.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchdb import dsn_of, manage, migrated_with_boundaries

BENCH_DB = "geodb_quality_bench"
DSN = dsn_of(BENCH_DB, "QUALITY_BENCH_DATABASE_URL")
os.environ["DATABASE_URL"] = DSN
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")
os.environ.setdefault("GEODB_QUALITY_AUTO_RUN", "0")
# As the task worker runs (scripts/worker.py): no statement timeout, which is the web's.
os.environ.setdefault("GEODB_DB_STATEMENT_TIMEOUT", "0")

import django

django.setup()

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count
from django.http import QueryDict
from django.test import Client

from api.selectors import enterprise_list
from quality.checks import CHECKS, params
from quality.selectors import flagged_enterprises, latest_run, open_flags
from quality.services import quality_run

# Faults put into the synthetic data (which has a few of its own: mismatched districts, odd figures).
FAULTS = (
    # A near-duplicate of one enterprise in 200: another spelling (one letter more), 30 m east.
    """INSERT INTO industries_enterprise (name_en, name_bn, name_en_key, name_bn_key, owner_name, owner_phone,
           owner_nid, address, location, stated_district_id, stated_upazila_id, division_id, district_id,
           upazila_id, district_mismatch, isic_section, isic_division, product, product_bn, kind,
           is_family_based, is_labour_intensive, investment_bdt, workers_male, workers_female, workers_total,
           size_class, size_policy, stated_size_class, year_established, status, is_synthetic, created,
           updated)
       SELECT name_en || 's', name_bn, name_en_key || 's', name_bn_key, owner_name, '', '', address,
           ST_Translate(location, 0.0003, 0), stated_district_id, stated_upazila_id, division_id, district_id,
           upazila_id, district_mismatch, isic_section, isic_division, product, product_bn, kind,
           is_family_based, is_labour_intensive, investment_bdt, workers_male, workers_female, workers_total,
           size_class, size_policy, '', year_established, status, true, now(), now()
       FROM industries_enterprise WHERE id % 200 = 0""",
    # Three at one point: one in 500 moved onto the point of the enterprise before it, and the one after.
    """UPDATE industries_enterprise e SET location = o.location
       FROM industries_enterprise o WHERE e.id % 500 IN (1, 2) AND o.id = e.id - e.id % 500""",
    # One owner's NID on two enterprises: one in 300 takes the NID of the one 150 before it.
    """UPDATE industries_enterprise e SET owner_nid = o.owner_nid
       FROM industries_enterprise o WHERE e.id % 300 = 150 AND o.id = e.id - 150 AND o.owner_nid <> ''""",
    # The form said "small" for one in 100 of the micro ones.
    (
        "UPDATE industries_enterprise SET stated_size_class = 'small' "
        "WHERE id % 100 = 7 AND size_class = 'micro'"
    ),
    "VACUUM ANALYZE industries_enterprise",
)


def setup(count: int) -> None:
    migrated_with_boundaries(DSN)
    manage(DSN, "generate_enterprises", "--count", str(count), "--seed", "2016")
    with connection.cursor() as cursor:
        for statement in FAULTS:
            cursor.execute(statement)


def timed(run) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def median_seconds(run, repeat: int) -> tuple[float, float]:
    run()  # warm the caches once
    times = sorted(timed(run) for _ in range(repeat))
    return statistics.median(times), times[-1]


def bare_check(name: str) -> None:
    check = next(c for c in CHECKS if c.name == name)
    with connection.cursor() as cursor:
        for statement in check.setup:
            cursor.execute(statement)
        cursor.execute(f"SELECT count(*) FROM ({check.sql}) found", params())
        cursor.fetchone()


def page_list_sql(district: str) -> list[tuple[str, tuple]]:
    """The two statements of the page's list: the first page of flagged enterprises (with their areas),
    their flags (the prefetch), and the count."""
    run = latest_run()
    enterprises = flagged_enterprises(enterprise_list(params=QueryDict(f"district={district}")), run=run)
    first = enterprises.filter(id__gt=0)[:51]
    ids = list(first.values_list("id", flat=True))
    flags = open_flags(run=run).filter(enterprise_id__in=ids)
    return [
        first.query.sql_with_params(),
        flags.query.sql_with_params(),
        enterprises.order_by().values("id").query.sql_with_params(),
    ]


def run_bare(statements) -> None:
    with connection.cursor() as cursor:
        for sql, args in statements[:2]:
            cursor.execute(sql, args)
            cursor.fetchall()
        count_sql, args = statements[2]
        cursor.execute(f"SELECT count(*) FROM ({count_sql}) listed", args)
        cursor.fetchone()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", type=int, metavar="N", help="(re)create the bench database with N rows")
    parser.add_argument("--repeat", type=int, default=7, help="page timings: the median of this many")
    parser.add_argument("--district", default="Bogura")
    args = parser.parse_args()
    if args.setup:
        setup(args.setup)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM industries_enterprise WHERE deleted IS NULL")
        (enterprises,) = cursor.fetchone()

    run = quality_run()
    heaviest = max((name for name in run.timings if name != "scores"), key=run.timings.get)
    bare = timed(lambda: bare_check(heaviest))
    print(f"{enterprises:,} enterprises, {run.flag_count:,} flags; load average {os.getloadavg()[0]:.1f}")
    print(f"{'check':20} {'flags':>9} {'seconds':>8}")
    counts = dict(run.flags.values_list("check_name").annotate(n=Count("id")).order_by())
    for name, seconds in run.timings.items():
        print(f"{name:20} {counts.get(name, 0):>9,} {seconds:8.2f}")
    total = sum(run.timings.values())
    print(f"whole run {total:.1f} s; heaviest check ({heaviest}) bare {bare:.1f} s: {total / bare:.2f}x")

    user, _ = get_user_model().objects.get_or_create(
        username="quality-bench", defaults={"is_superuser": True}
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    url = f"/quality/?district={args.district}&lang=en"
    response = client.get(url)
    assert response.status_code == 200 and b"Enterprises to check" in response.content, response.status_code
    page, page_worst = median_seconds(lambda: client.get(url), args.repeat)
    statements = page_list_sql(args.district)
    sql, sql_worst = median_seconds(lambda: run_bare(statements), args.repeat)
    print(
        f"page of {args.district}: {1000 * page:.1f} ms (worst {1000 * page_worst:.1f}); its list's bare SQL "
        f"{1000 * sql:.1f} ms (worst {1000 * sql_worst:.1f}): {page / sql:.2f}x"
    )


if __name__ == "__main__":
    main()
