"""API list speed at scale: a 1,000-feature GeoJSON page with a district filter, page 1 and page 50, against
the bare SQL that builds the same GeoJSON in PostGIS, in the same run.

It needs a database with many enterprises. ``--setup N`` makes one (``geodb_api_bench``: migrated, real
boundaries, N synthetic enterprises); later runs reuse it.

    .venv/bin/python bench/api_bench.py --setup 1000000     # once, a few minutes
    .venv/bin/python bench/api_bench.py

Requests go through Django's test client in this process (URL routing, filters, auth, rendering; no
socket), so the ratio is what the application adds over PostGIS. Each figure is the median of --repeat runs.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchdb import dsn_of, manage, migrated_with_boundaries

BENCH_DB = "geodb_api_bench"
DSN = dsn_of(BENCH_DB, "API_BENCH_DATABASE_URL")
os.environ["DATABASE_URL"] = DSN
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")

import django

django.setup()

from django.db import connection
from django.test import Client

from industries.models import District, Enterprise

# The bare SQL: the same page, the same properties, json_agg in PostGIS, no Django.
BARE_PAGE = """
SELECT coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', p.id, 'geometry', ST_AsGeoJSON(p.location, 6)::json,
    'properties', to_jsonb(p) - 'id' - 'location') ORDER BY p.id), '[]')::text
FROM (
    SELECT e.id, e.location, e.name_en, e.name_bn, dv.code AS division_code, dv.name_en AS division_name_en,
           dv.name_bn AS division_name_bn, d.code AS district_code, d.name_en AS district_name_en,
           d.name_bn AS district_name_bn, u.geocode AS upazila_code, u.name_en AS upazila_name_en,
           u.name_bn AS upazila_name_bn, e.district_mismatch, e.address, e.isic_section, e.isic_division,
           e.product, e.kind, e.size_class, e.size_policy, e.investment_bdt, e.workers_male, e.workers_female,
           e.workers_total, e.year_established, e.registration_no, e.status, e.is_synthetic, e.updated
    FROM industries_enterprise e
    LEFT JOIN industries_division dv ON dv.id = e.division_id
    LEFT JOIN industries_district d ON d.id = e.district_id
    LEFT JOIN industries_upazila u ON u.id = e.upazila_id
    WHERE e.district_id = %s AND e.id > %s
    ORDER BY e.id LIMIT %s
) AS p
"""


def setup(count: int) -> None:
    migrated_with_boundaries(DSN)
    manage(DSN, "generate_enterprises", "--count", str(count), "--seed", "2016")
    with connection.cursor() as cursor:
        # Minutes on a busy machine: past the web's statement timeout, which this connection has too.
        cursor.execute("SET statement_timeout = 0")
        cursor.execute("VACUUM ANALYZE industries_enterprise")


def median_seconds(run, repeat: int) -> float:
    run()  # warm the caches once
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--setup", type=int, metavar="N", help="(re)create the bench database with N rows")
    # Page 50 of 1,000 needs 50,000 enterprises in the district: at 1M synthetic rows Dhaka has ~51,000.
    parser.add_argument("--district", default="Dhaka")
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--page", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    if args.setup:
        setup(args.setup)

    total = Enterprise.objects.count()
    district = District.objects.get(name_en=args.district)
    in_district = Enterprise.objects.filter(district=district).count()
    client = Client(HTTP_HOST="127.0.0.1")
    first_url = f"/api/v1/enterprises/?district={args.district}&page_size={args.page_size}"

    # Walk to the requested page by its next links, as a client would; note the id it starts after.
    url, after = first_url, 0
    for number in range(1, args.page):
        page = json.loads(client.get(url).content)
        if not page["next"]:
            sys.exit(f"{args.district} has only {number} pages of {args.page_size}; choose another district.")
        url, after = page["next"], page["features"][-1]["id"]
    page_n_url = url
    page_n = json.loads(client.get(page_n_url).content)
    assert page_n["numberReturned"] == args.page_size, "the district has too few enterprises for that page"

    def api(u):
        return lambda: client.get(u).content

    def bare(start):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(BARE_PAGE, [district.id, start, args.page_size])
                return cursor.fetchone()[0]

        return run

    # The same features, in the same order, from both: otherwise the comparison means nothing.
    assert [f["id"] for f in json.loads(bare(after)())] == [f["id"] for f in page_n["features"]]

    api_1, bare_1 = median_seconds(api(first_url), args.repeat), median_seconds(bare(0), args.repeat)
    api_n, bare_n = median_seconds(api(page_n_url), args.repeat), median_seconds(bare(after), args.repeat)
    print(f"enterprises: {total:,}; in {args.district}: {in_district:,}; page size {args.page_size:,}")
    print(
        f"  page 1:  API {api_1 * 1000:7.1f} ms   bare SQL {bare_1 * 1000:7.1f} ms   "
        f"ratio {api_1 / bare_1:.2f}x"
    )
    print(
        f"  page {args.page}: API {api_n * 1000:7.1f} ms   bare SQL {bare_n * 1000:7.1f} ms   "
        f"ratio {api_n / bare_n:.2f}x"
    )
    print(f"  page {args.page} / page 1 (API): {api_n / api_1:.2f}x")


if __name__ == "__main__":
    main()
