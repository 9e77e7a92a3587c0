"""Import speed: `import_enterprises` against ogr2ogr (what staff would otherwise use) and `psql \\copy` (the
floor), on the same pilot-shaped file, in the same run.

For each size it:
1. makes a pilot-shaped CSV (Bangla headers, Bangla digits, lakh grouping) from the synthetic generator;
2. times `import_enterprises` into an empty database (migrated, boundaries loaded), then the re-import;
3. times `ogr2ogr -f PostgreSQL` (PG_USE_COPY) of the same file into a bare table: no validation at all;
4. times `psql \\copy` of the same file into a bare text table.
It prints both ratios and the importer's peak memory (max RSS of the child process); with ``--profile``,
also the importer's time by phase (``import_enterprises --profile``) for both imports. ``--files DIR`` keeps
the generated files there and reuses them on the next run (a million rows take minutes to generate).

The file is generated in the bench database itself (synthetic rows, read back, rolled back), not in the
dev database.

    .venv/bin/python bench/import_bench.py --sizes 63000 1000000
    .venv/bin/python bench/import_bench.py --sizes 63000 200000 --profile --files /tmp/import-bench
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchdb import migrated_with_boundaries

BENCH_DB = "geodb_import_bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")
# Generating a million rows runs statements of minutes; this script is not manage.py, which gets none.
os.environ.setdefault("GEODB_DB_STATEMENT_TIMEOUT", "0")
os.environ.setdefault("GEODB_DB_IDLE_IN_TRANSACTION_TIMEOUT", "0")
os.environ["DATABASE_URL"] = f"postgis://geodb:geodb@127.0.0.1:5432/{BENCH_DB}"

import django

django.setup()

import pandas as pd
from django.conf import settings
from django.db import connection, transaction

from industries.bangla import to_bangla_digits
from industries.synthetic import synthetic_enterprises_create

HEADERS = {
    "name_bn": "প্রতিষ্ঠানের নাম",
    "name_en": "Name of Enterprise",
    "owner_name": "উদ্যোক্তার নাম",
    "owner_phone": "মোবাইল নম্বর",
    "district": "জেলা",
    "upazila": "উপজেলা",
    "lat": "অক্ষাংশ",
    "lon": "দ্রাঘিমাংশ",
    "investment_bdt": "বিনিয়োগ (টাকা)",
    "workers_male": "পুরুষ শ্রমিক",
    "workers_female": "নারী শ্রমিক",
    "kind": "প্রকৃতি",
    "product": "প্রধান পণ্য",
    "year_established": "প্রতিষ্ঠার বছর",
    "registration_no": "নিবন্ধন নম্বর",
}


class Rollback(Exception):
    pass


def lakh_grouping(amounts: pd.Series) -> pd.Series:
    """12,50,000 style: the last three digits, then pairs."""
    text = amounts.astype("int64").astype(str)
    last3 = text.str[-3:]
    head = text.str[:-3]
    pairs = head.str[::-1].str.replace(r"(\d{2})(?=\d)", r"\1,", regex=True).str[::-1]
    return (pairs + ",").where(head != "", "") + last3


def make_file(count: int, path: Path) -> None:
    """Pilot-shaped CSV from synthetic rows (generated, read back, rolled back)."""
    try:
        with transaction.atomic():
            synthetic_enterprises_create(count=count, seed=63, policy="NIP2016")
            frame = pd.read_sql_query(
                "SELECT e.name_bn, e.name_en, e.owner_name, e.owner_phone, d.name_bn AS district, "
                "u.name_en AS upazila, ST_Y(e.location) AS lat, ST_X(e.location) AS lon, e.investment_bdt, "
                "e.workers_male, e.workers_female, e.kind, e.product, e.year_established, e.registration_no "
                "FROM industries_enterprise e JOIN industries_district d ON d.id = e.stated_district_id "
                "JOIN industries_upazila u ON u.id = e.stated_upazila_id "
                f"WHERE e.is_synthetic ORDER BY e.id DESC LIMIT {count}",
                connection.connection,
            )
            raise Rollback
    except Rollback:
        pass
    # As district offices write them: Bangla digits, lakh grouping, local phone form.
    frame["investment_bdt"] = lakh_grouping(frame.investment_bdt).map(to_bangla_digits)
    frame["owner_phone"] = "0" + frame.owner_phone.str[4:]
    frame["kind"] = frame.kind.map({"manufacturing": "উৎপাদন", "service": "সেবা"})
    for column in ("workers_male", "workers_female", "year_established"):
        frame[column] = frame[column].astype(str).map(to_bangla_digits)
    frame.rename(columns=HEADERS).to_csv(path, index=False, encoding="utf-8")


def psql(*args, db=None) -> None:
    subprocess.run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", dsn(db), *args], check=True, stdout=subprocess.DEVNULL
    )


def dsn(name=None) -> str:
    db = settings.DATABASES["default"]
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{name or db['NAME']}"


def timed(args, env=None) -> float:
    started = time.perf_counter()
    subprocess.run(args, env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def fresh_database() -> dict:
    url = dsn(BENCH_DB).replace("postgresql://", "postgis://")
    migrated_with_boundaries(url, quiet=True)
    return {**os.environ, "DATABASE_URL": url}


def bench(count: int, tmp: Path, files: Path, profile: bool) -> None:
    path = files / f"pilot-{count}.csv"
    connection.close()  # the bench database is made afresh
    env = fresh_database()
    if not path.exists():
        make_file(count, path.with_suffix(".partial"))
        path.with_suffix(".partial").rename(path)
    connection.close()
    env["GEODB_MEDIA_ROOT"] = str(tmp / "media")
    rss_file = tmp / "rss.txt"
    # GNU time reports the importer's own peak (max RSS, KB), not that of the other children of this script.
    command = [
        "/usr/bin/time",
        "-f",
        "%M",
        "-o",
        str(rss_file),
        sys.executable,
        "manage.py",
        "import_enterprises",
        str(path),
        "--survey",
        f"bench {count}",
    ]
    profiles = [tmp / "profile-first.json", tmp / "profile-again.json"]
    first = timed(command + (["--profile", str(profiles[0])] if profile else []), env)
    peak_mb = int(rss_file.read_text().split()[-1]) / 1024
    again = timed(command + (["--profile", str(profiles[1])] if profile else []), env)

    ogr = timed(
        [
            "ogr2ogr",
            "-f",
            "PostgreSQL",
            f"PG:{dsn(BENCH_DB)}",
            str(path),
            "-nln",
            "bench_ogr",
            "-overwrite",
            "-oo",
            "X_POSSIBLE_NAMES=দ্রাঘিমাংশ",
            "-oo",
            "Y_POSSIBLE_NAMES=অক্ষাংশ",
            "--config",
            "PG_USE_COPY",
            "YES",
        ]
    )
    columns = ", ".join(f'"{h}" text' for h in HEADERS.values())
    psql("-c", f"DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy ({columns})", db=BENCH_DB)
    started = time.perf_counter()
    psql("-c", f"\\copy bench_copy FROM '{path}' WITH (FORMAT csv, HEADER true)", db=BENCH_DB)
    floor = time.perf_counter() - started

    print(f"rows: {count:,} ({path.stat().st_size / 1e6:.0f} MB CSV)")
    print(f"  import_enterprises, empty database: {first:.1f} s  peak RSS {peak_mb:,.0f} MB")
    print(f"  import_enterprises, re-import:      {again:.1f} s")
    print(f"  ogr2ogr (PG_USE_COPY):              {ogr:.1f} s")
    print(f"  psql \\copy:                         {floor:.1f} s")
    print(f"  ratio import / ogr2ogr: {first / ogr:.2f}x   re-import / ogr2ogr: {again / ogr:.2f}x")
    print(f"  ratio import / \\copy:   {first / floor:.2f}x", flush=True)
    if profile:
        print_profile(*(json.loads(p.read_text()) for p in profiles))


def print_profile(first: dict, again: dict) -> None:
    """The importer's seconds by phase, both imports side by side (indented: part of the phase above)."""
    names = list(dict.fromkeys([*first, *again]))
    width = max(map(len, names))
    print(f"  {'phase':<{width}}  {'import':>8}  {'re-import':>9}")
    for name in names:
        print(f"  {name:<{width}}  {first.get(name, 0):8.2f}  {again.get(name, 0):9.2f}")
    print(flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[63_000, 1_000_000])
    parser.add_argument("--profile", action="store_true", help="print the importer's time by phase")
    parser.add_argument("--files", type=Path, help="keep the generated files here, and reuse them")
    parser.add_argument("--keep", action="store_true", help=f"leave {BENCH_DB} as the last size left it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = args.files or Path(tmp)
        files.mkdir(parents=True, exist_ok=True)
        for count in args.sizes:
            bench(count, Path(tmp), files, args.profile)
    connection.close()
    if not args.keep:
        psql("-c", f"DROP DATABASE IF EXISTS {BENCH_DB}", db="postgres")


if __name__ == "__main__":
    main()
