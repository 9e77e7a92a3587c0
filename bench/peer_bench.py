"""Our OGC API – Features against pygeoapi, the reference implementation, serving the same PostGIS
enterprise table, and both against the floor: PostGIS building the same GeoJSON page itself (issue 14).

    .venv/bin/python bench/peer_bench.py              # from the repository root; --repeat 15 by default
    .venv/bin/python bench/peer_bench.py --profile '/ogc/collections/enterprises/items?limit=10'

It reads the database of bench/api_bench.py (``geodb_api_bench``; make it with ``api_bench.py --setup
1000000``) and changes nothing in it but one view, ``peer_enterprises``: the public columns of live
enterprises (api.columns), joined to their division, district and upazila, which pygeoapi serves.

What it starts, and stops at the end, all on loopback:
- ours: gunicorn with deploy/gunicorn.conf.py (gthread, 4 threads), 2 workers, geodb.settings.prod. Its
  rate limits are raised out of the way and count in a private redis-server (GEODB_REDIS_URL, Debian's
  redis-server), so that the bench database's cache table is not written to.
- pygeoapi (the version pinned in bench/pygeoapi-requirements.txt, in its own virtualenv under
  var/peer/, made on the first run): gunicorn, 2 workers of the same kind, its PostgreSQL provider on
  the view, with only the public properties.
Both connect with jit=off, as our settings do (the server's default is on).

Each run asks every request of ours (over HTTP, and in this process through Django's test client: the
same application without the socket and gunicorn), of pygeoapi and of the floor (psycopg, the tight SQL:
exactly the properties our page has), in an order that rotates from run to run; each figure is the median
of the runs. First it checks that all of them answer the same features (ids, in order) with the same
properties, none of them personal, and the same numberMatched where both count.

``count`` is the count(*) of the request's filter alone: our first pages report numberMatched (counted
exactly up to GEODB_OGC_EXACT_COUNT_LIMIT, two million), pygeoapi counts on every page, the floor never
does. The rows in brackets are diagnostics: the same first pages asked with a cursor "after id 0", which
is the same page uncounted, so ours minus that is what numberMatched costs.
"""

import argparse
import cProfile
import json
import os
import pstats
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchdb import dsn_of, libpq

BENCH_DB = "geodb_api_bench"
DSN = dsn_of(BENCH_DB, "API_BENCH_DATABASE_URL")
REDIS_PORT = 6711
# Ours as production runs it (scripts/serve_prod.sh's environment, without nginx): in gunicorn, and in this
# process too, where the same application is asked through Django's test client (no socket, no gunicorn).
OURS_ENV = {
    "DJANGO_SETTINGS_MODULE": "geodb.settings.prod",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": DSN,
    "GEODB_SECURE_SSL_REDIRECT": "0",
    "GEODB_HSTS_SECONDS": "0",
    "GEODB_NUM_PROXIES": "0",
    "GEODB_SMS_ALLOW_FILE": "1",
    # Rate limits out of the way, counted in our own redis rather than the bench database's cache table.
    "GEODB_REDIS_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
    **{f"GEODB_{scope}_RATE": "1000000/minute" for scope in ("API_ANON", "API_KEY", "OGC_ANON")},
}
os.environ.update(OURS_ENV)
# In this process WhiteNoise (prod) finds no collected static files; none is asked for here.
warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers.base")

import django

django.setup()

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.columns import PERSONAL_COLUMNS, PUBLIC_COLUMNS
from api.geojson import COORDINATE_DECIMALS
from api.pagination import Cursor

RUN_DIR = ROOT / "var" / "peer"
PEER_VENV = RUN_DIR / "pygeoapi-venv"
PEER_REQUIREMENTS = ROOT / "bench" / "pygeoapi-requirements.txt"
VIEW = "peer_enterprises"
DIVISION = "Rajshahi"
PAGE_SIZE = 1000
FAR_PAGE = 20
# The tables of the relations in the column contract's ORM paths ("district__name_en").
RELATIONS = {
    "division": "industries_division",
    "district": "industries_district",
    "upazila": "industries_upazila",
}


def column_sql(path: str) -> str:
    relation, _, field = path.rpartition("__")
    if relation and relation not in RELATIONS:
        raise SystemExit(f"api.columns has {path!r}: add its table to RELATIONS.")
    return f"{relation or 'e'}.{field}"


PROPERTIES = {name: column_sql(path) for name, path in PUBLIC_COLUMNS.items() if name != "id"}
JOINS = " ".join(f"LEFT JOIN {table} {name} ON {name}.id = e.{name}_id" for name, table in RELATIONS.items())
# The public columns of live enterprises, as our list and OGC items select them.
ROWS = (
    "SELECT e.id, e.location, "
    + ", ".join(f"{sql} AS {name}" for name, sql in PROPERTIES.items())
    + f" FROM industries_enterprise e {JOINS} WHERE e.deleted IS NULL"
)
# The tight floor's feature: what api.geojson.feature_sql writes for our page, the same properties.
PAIRS = ", ".join(f"'{name}', p.{name}" for name in PROPERTIES)
FEATURE = (
    "json_build_object('type', 'Feature', 'id', p.id, "
    f"'geometry', ST_AsGeoJSON(p.location, {COORDINATE_DECIMALS})::json, "
    f"'properties', jsonb_build_object({PAIRS}))"
)
assert len(PROPERTIES) <= 50, "jsonb_build_object takes at most 100 arguments: split it as feature_sql does"


def floor_page_sql(condition: str, limit: int) -> str:
    return (
        f"SELECT coalesce(json_agg({FEATURE} ORDER BY p.id), '[]')::text "
        f"FROM ({ROWS} AND {condition} ORDER BY e.id LIMIT {limit}) AS p"
    )


def count_sql(condition: str) -> str:
    return f"SELECT count(*) FROM industries_enterprise e WHERE e.deleted IS NULL AND {condition}"


# --- the servers --------------------------------------------------------------------------------------


def peer_venv() -> Path:
    """pygeoapi's own virtualenv, made (or brought to the pinned versions) when the pins are newer."""
    stamp = PEER_VENV / "installed-requirements.txt"
    if not stamp.exists() or stamp.read_text() != PEER_REQUIREMENTS.read_text():
        print(f"installing pygeoapi into {PEER_VENV} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(PEER_VENV)], check=True)
        pip = [str(PEER_VENV / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps"]
        subprocess.run([*pip, "-r", str(PEER_REQUIREMENTS)], check=True)
        shutil.copyfile(PEER_REQUIREMENTS, stamp)
    return PEER_VENV


def create_view(cursor) -> None:
    cursor.execute(f"CREATE OR REPLACE VIEW {VIEW} AS {ROWS}")
    cursor.execute(
        "SELECT array_agg(column_name::text) FROM information_schema.columns WHERE table_name = %s", [VIEW]
    )
    columns = set(cursor.fetchone()[0])
    assert not columns & set(PERSONAL_COLUMNS), (
        f"{VIEW} has personal columns: {columns & set(PERSONAL_COLUMNS)}"
    )
    assert columns == {"id", "location", *PROPERTIES}, columns


def peer_config(port: int, bbox: list[float]) -> dict:
    """pygeoapi's configuration (JSON is YAML): the view, only the public properties, pages up to
    PAGE_SIZE, the same connection settings as ours."""
    url = urlsplit(libpq(DSN))
    return {
        "server": {
            "bind": {"host": "127.0.0.1", "port": port},
            "url": f"http://127.0.0.1:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "limits": {"default_items": 10, "max_items": PAGE_SIZE},
            "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OpenStreetMap"},
        },
        "logging": {"level": "ERROR"},
        # pygeoapi reads every one of these (landing page, OpenAPI document).
        "metadata": {
            "identification": {
                "title": "BSCIC enterprises (peer bench)",
                "description": "pygeoapi on the enterprise table, for bench/peer_bench.py",
                "keywords": ["bench"],
                "terms_of_service": "",
                "url": "http://127.0.0.1",
            },
            "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
            "provider": {"name": "bench", "url": "http://127.0.0.1"},
            "contact": {
                key: "bench" if key == "name" else ""
                for key in (
                    "name",
                    "position",
                    "address",
                    "city",
                    "stateorprovince",
                    "postalcode",
                    "country",
                    "phone",
                    "fax",
                    "email",
                    "url",
                    "hours",
                    "instructions",
                    "role",
                )
            },
        },
        "resources": {
            "enterprises": {
                "type": "collection",
                "title": "Enterprises",
                "description": "Public columns of live enterprises",
                "keywords": ["enterprises"],
                "extents": {"spatial": {"bbox": bbox, "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
                "links": [],
                "providers": [
                    {
                        "type": "feature",
                        "name": "PostgreSQL",
                        "data": {
                            "host": url.hostname,
                            "port": url.port or 5432,
                            "dbname": url.path.lstrip("/"),
                            "user": url.username,
                            "password": url.password or "",
                            "search_path": ["public"],
                        },
                        "options": {"options": "-c jit=off"},
                        "id_field": "id",
                        "table": VIEW,
                        "geom_field": "location",
                        "properties": list(PROPERTIES),
                    }
                ],
            }
        },
    }


class Servers:
    """Ours, pygeoapi and a redis-server for our rate limits, each in a process group of its own."""

    def __init__(self, ports: dict[str, int]):
        self.ports, self.processes = ports, []
        RUN_DIR.mkdir(parents=True, exist_ok=True)
        self.logs = RUN_DIR / "logs"
        self.logs.mkdir(exist_ok=True)

    def _start(self, name: str, command: list[str], env: dict) -> None:
        log = open(self.logs / f"{name}.log", "ab")  # noqa: SIM115 (kept open while the server runs)
        self.processes.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
        )

    def start_redis(self) -> None:
        redis = shutil.which("redis-server")
        if not redis:
            raise SystemExit("redis-server is needed for our rate limits: apt-get install redis-server")
        self._start(
            "redis",
            [redis, "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", "", "--appendonly", "no"],
            dict(os.environ),
        )
        time.sleep(0.5)

    def start(self, bbox: list[float]) -> None:
        self.start_redis()
        port = self.ports
        bin_dir = Path(sys.executable).parent
        ours = {**os.environ, "GEODB_WEB_BIND": f"127.0.0.1:{port['ours']}", "GEODB_WEB_WORKERS": "2"}
        self._start("ours", [str(bin_dir / "gunicorn"), "--config", "deploy/gunicorn.conf.py"], ours)

        venv = peer_venv()
        config, openapi = RUN_DIR / "pygeoapi-config.yml", RUN_DIR / "pygeoapi-openapi.yml"
        config.write_text(json.dumps(peer_config(port["peer"], bbox), indent=2))
        peer = {**os.environ, "PYGEOAPI_CONFIG": str(config), "PYGEOAPI_OPENAPI": str(openapi)}
        for name in OURS_ENV:
            peer.pop(name, None)
        subprocess.run(
            [
                str(venv / "bin" / "pygeoapi"),
                "openapi",
                "generate",
                str(config),
                "--output-file",
                str(openapi),
            ],
            env=peer,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self._start(
            "pygeoapi",
            [
                str(venv / "bin" / "gunicorn"),
                "pygeoapi.flask_app:APP",
                f"--bind=127.0.0.1:{port['peer']}",
                "--workers=2",
                "--worker-class=gthread",
                "--threads=4",
            ],
            peer,
        )
        for name, path in (("ours", "/ogc/"), ("peer", "/collections?f=json")):
            url = f"http://127.0.0.1:{port[name]}{path}"
            for _ in range(120):
                try:
                    urllib.request.urlopen(url, timeout=5).read()
                    break
                except OSError:
                    if any(p.poll() is not None for p in self.processes):
                        raise SystemExit(f"a server exited; see {self.logs}/") from None
                    time.sleep(0.5)
            else:
                raise SystemExit(f"{url} did not answer; see {self.logs}/")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)


# --- the requests -------------------------------------------------------------------------------------


def get(port: int, path: str) -> bytes:
    # No Accept-Encoding (urllib asks for identity): neither compresses, both are measured on the same bytes.
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=120) as response:
        return response.read()


def local(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def next_link(document: dict) -> str:
    return next(link["href"] for link in document["links"] if link["rel"] == "next")


def features_of(body: bytes) -> list[dict]:
    """The features of a FeatureCollection, of one Feature, or of the floor's JSON array."""
    document = json.loads(body)
    if isinstance(document, list):
        return document
    return document.get("features", [document])


def ids(body: bytes) -> list:
    return [feature["id"] for feature in features_of(body)]


def property_names(body: bytes) -> set[str]:
    return set().union(*(feature["properties"] for feature in features_of(body)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--ours-port", type=int, default=8711)
    parser.add_argument("--peer-port", type=int, default=8712)
    parser.add_argument(
        "--profile",
        metavar="PATH",
        help="instead: cProfile --repeat requests of ours for PATH in this process, and list their SQL",
    )
    args = parser.parse_args()
    ports = {"ours": args.ours_port, "peer": args.peer_port}

    db = psycopg.connect(libpq(DSN), autocommit=True, options="-c jit=off")
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM "
            "(SELECT ST_Extent(geom) AS b FROM industries_division WHERE name_en = %s) AS x",
            [DIVISION],
        )
        bbox = [round(value, 5) for value in cursor.fetchone()]
        cursor.execute(
            "SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM (SELECT ST_Extent(geom) AS b "
            "FROM industries_division) AS x"
        )
        country = list(cursor.fetchone())
        cursor.execute("SELECT count(*) FROM industries_enterprise WHERE deleted IS NULL")
        total = cursor.fetchone()[0]
        create_view(cursor)

    servers = Servers(ports)
    try:
        if args.profile:
            servers.start_redis()
            profile(args.profile, args.repeat)
        else:
            servers.start(country)
            run(args, db, bbox, total)
    finally:
        servers.stop()


def profile(path: str, repeat: int) -> None:
    """Where one request of ours spends its time: the functions (cProfile, cumulative and own time) and
    each SQL statement with its time and its plan (EXPLAIN ANALYZE, BUFFERS)."""
    client = Client(HTTP_HOST="127.0.0.1")
    assert client.get(path).status_code == 200, path
    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    statements = [dict(query) for query in captured.captured_queries]
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
    profiler.disable()
    for order in ("cumulative", "tottime"):
        pstats.Stats(profiler).sort_stats(order).print_stats(25)
    with connection.cursor() as cursor:
        for query in statements:
            print(f"--- {float(query['time']) * 1000:.1f} ms in the request: {query['sql']}")
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                print("\n".join(row[0] for row in cursor.fetchall()))


@dataclass
class Case:
    name: str
    ours: str  # our path
    peer: str | None  # pygeoapi's path: None where it has no such request
    floor: str  # SQL of the same features' GeoJSON
    counted: str | None  # the condition whose count(*) our answer (and pygeoapi's) includes


def cases(ours_port: int, db, bbox: list[float], total: int) -> list[Case]:
    box = ",".join(map(str, bbox))
    in_box = f"ST_Intersects(e.location, ST_MakeEnvelope({box}, 4326))"
    # Our page 20: the cursor of the next links, as a client follows them; pygeoapi's, its offset.
    first = f"/ogc/collections/enterprises/items?limit={PAGE_SIZE}&bbox={box}"
    url, after = first, 0
    for _ in range(FAR_PAGE - 1):
        page = json.loads(get(ours_port, url))
        url, after = local(next_link(page)), page["features"][-1]["id"]
    with db.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM industries_enterprise e WHERE e.deleted IS NULL")
        one_id = cursor.fetchone()[0] + total // 2
    # Diagnostic: a first page asked with a cursor ("after id 0") is the same page, not counted.
    uncounted = f"&cursor={Cursor('next', (0,)).encode()}"
    items, peer_items = "/ogc/collections/enterprises/items", "/collections/enterprises/items?f=json"
    small = "e.size_class = 'small'"
    return [
        Case(
            f"OGC bbox {DIVISION}, page 1",
            first,
            f"{peer_items}&limit={PAGE_SIZE}&bbox={box}",
            floor_page_sql(in_box, PAGE_SIZE),
            in_box,
        ),
        Case(
            f"OGC bbox {DIVISION}, page {FAR_PAGE}",
            url,
            f"{peer_items}&limit={PAGE_SIZE}&bbox={box}&offset={(FAR_PAGE - 1) * PAGE_SIZE}",
            floor_page_sql(f"{in_box} AND e.id > {after}", PAGE_SIZE),
            None,
        ),
        Case(
            f"REST bbox {DIVISION}, page 1",
            f"/api/v1/enterprises/?bbox={box}&page_size={PAGE_SIZE}",
            None,
            floor_page_sql(in_box, PAGE_SIZE),
            in_box,
        ),
        Case(
            "OGC size=small",
            f"{items}?limit={PAGE_SIZE}&size=small",
            f"{peer_items}&limit={PAGE_SIZE}&size_class=small",
            floor_page_sql(small, PAGE_SIZE),
            small,
        ),
        Case(
            "OGC limit 10, nationwide",
            f"{items}?limit=10",
            f"{peer_items}&limit=10",
            floor_page_sql("true", 10),
            "true",
        ),
        Case(
            "OGC one item",
            f"{items}/{one_id}",
            f"/collections/enterprises/items/{one_id}?f=json",
            f"SELECT {FEATURE}::text FROM ({ROWS} AND e.id = {one_id}) AS p",
            None,
        ),
        Case(
            f"(OGC bbox {DIVISION}, page 1, uncounted)",
            first + uncounted,
            None,
            floor_page_sql(in_box, PAGE_SIZE),
            None,
        ),
        Case(
            "(OGC size=small, uncounted)",
            f"{items}?limit={PAGE_SIZE}&size=small{uncounted}",
            None,
            floor_page_sql(small, PAGE_SIZE),
            None,
        ),
        Case(
            "(OGC limit 10, uncounted)",
            f"{items}?limit=10{uncounted}",
            None,
            floor_page_sql("true", 10),
            None,
        ),
    ]


def run(args, db, bbox: list[float], total: int) -> None:
    ours, peer = args.ours_port, args.peer_port
    client = Client(HTTP_HOST="127.0.0.1")

    def in_process(path: str) -> bytes:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.content

    def floor(sql: str) -> bytes:
        with db.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0].encode()

    def count(condition: str) -> int:
        with db.cursor() as cursor:
            cursor.execute(count_sql(condition))
            return cursor.fetchone()[0]

    # The same features, the same properties, from all: otherwise the comparison means nothing.
    todo, sizes = cases(ours, db, bbox, total), {}
    for case in todo:
        our_body, floor_body = get(ours, case.ours), floor(case.floor)
        assert ids(our_body) == ids(floor_body) == ids(in_process(case.ours)), f"{case.name}: ours ≠ floor"
        assert property_names(our_body) == set(PROPERTIES), f"{case.name}: our properties are not the floor's"
        peer_body = get(peer, case.peer) if case.peer else b""
        if case.peer:
            assert ids(peer_body) == ids(our_body), f"{case.name}: pygeoapi returned other features"
            names = property_names(peer_body)
            assert not names & set(PERSONAL_COLUMNS), f"pygeoapi shows personal data: {names}"
            assert names == set(PROPERTIES), f"{case.name}: pygeoapi's properties: {names ^ set(PROPERTIES)}"
            matched = [json.loads(body).get("numberMatched") for body in (our_body, peer_body)]
            assert None in matched or matched[0] == matched[1], f"{case.name}: numberMatched {matched}"
        sizes[case.name] = (len(ids(our_body)), len(our_body), len(peer_body), len(floor_body))

    times = {case.name: {} for case in todo}
    for number in range(args.repeat):
        for case in todo:
            steps = [
                ("ours", lambda c=case: get(ours, c.ours)),
                ("in-process", lambda c=case: in_process(c.ours)),
                ("floor", lambda c=case: floor(c.floor)),
                *([("peer", lambda c=case: get(peer, c.peer))] if case.peer else []),
                *([("count", lambda c=case: count(c.counted))] if case.counted else []),
            ]
            shift = number % len(steps)  # a different one goes first each run
            for kind, step in steps[shift:] + steps[:shift]:
                started = time.perf_counter()
                step()
                times[case.name].setdefault(kind, []).append(time.perf_counter() - started)
        print(f"  run {number + 1}/{args.repeat}", end="\r", flush=True, file=sys.stderr)

    box = ",".join(map(str, bbox))
    print(f"enterprises: {total:,}; {DIVISION} bbox {box}; medians of {args.repeat} alternated runs, ms")
    columns = (
        "request", "features", "ours", "ours in-process", "pygeoapi", "floor", "count", "ours/floor",
        "ours/pygeoapi", "ours bytes", "pygeoapi bytes", "floor bytes",
    )  # fmt: skip
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for name, kinds in times.items():
        features, our_bytes, peer_bytes, floor_bytes = sizes[name]
        ms = {kind: statistics.median(values) * 1000 for kind, values in kinds.items()}
        o, f, p = ms["ours"], ms["floor"], ms.get("peer")
        row = (
            name, f"{features:,}", f"{o:.1f}", f"{ms['in-process']:.1f}", f"{p:.1f}" if p else "–",
            f"{f:.1f}",
            f"{ms['count']:.1f}" if "count" in ms else "–", f"{o / f:.2f}", f"{o / p:.2f}" if p else "–",
            f"{our_bytes:,}", f"{peer_bytes:,}" if peer_bytes else "–", f"{floor_bytes:,}",
        )  # fmt: skip
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
