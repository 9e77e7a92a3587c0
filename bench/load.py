"""Load through nginx and gunicorn (the production stack of scripts/serve_prod.sh), with locust.

One run, three phases over the same mix of requests a map visit and a ministry's scripts make (the map
page, district lists, the district choropleth, filtered list pages, tiles at zooms 7–12 over Rajshahi
division, a CSV export):
  1. one user with an API key, 20 s: the baseline of each endpoint's latency;
  2. 50 users, each with its own key, 60 s: the target is no error, and tiles' p95 within 2x the baseline;
  3. the same 50 users without keys, 60 s, all from one address: the rate limits answer 429 with
     Retry-After, and nothing answers 5xx.
Tiles carry a filter that matches every enterprise (year_min=1800+phase), so each phase starts with
nginx's tile cache cold, as the first users after a data change would.

    .venv/bin/pip install -e '.[load]'
    DATABASE_URL=postgis://geodb:geodb@127.0.0.1:5432/geodb_load .venv/bin/python bench/load.py
    .venv/bin/python bench/load.py --base http://127.0.0.1:8080       # a stack already running

Without --base it starts scripts/serve_prod.sh on a free port against DATABASE_URL, with the tiles' anonymous
rate raised: on this machine every map user has the same address, which in production they do not.
The database needs the boundaries and enterprises (make data, or generate_enterprises).
"""

import json
import math
import os
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.prod_stack import serve_prod

try:  # as a locustfile (`locust -f bench/load.py`), run by the driver below
    from locust import HttpUser, between, events, task
except ImportError:  # the driver without locust installed: it says so in main()
    HttpUser = None

# Rajshahi division, lon/lat.
RAJSHAHI = (88.0, 23.8, 89.8, 25.3)
DISTRICTS = ["Bogura", "Rajshahi", "Naogaon", "Pabna", "Sirajganj", "Natore", "Joypurhat", "Chapai Nawabganj"]


def tile_range(z: int) -> tuple[range, range]:
    n = 2**z

    def x_of(lon):
        return int((lon + 180) / 360 * n)

    def y_of(lat):
        return int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)

    west, south, east, north = RAJSHAHI
    return range(x_of(west), x_of(east) + 1), range(y_of(north), y_of(south) + 1)


if HttpUser is not None:
    KEYS = json.loads(os.environ.get("LOAD_KEYS", "[]"))
    PHASE = os.environ.get("LOAD_PHASE", "1")
    COUNTS = {"429": 0, "429 without Retry-After": 0, "5xx": 0}

    class MapVisitor(HttpUser):
        wait_time = between(0.5, 2)

        def on_start(self):
            if KEYS:
                self.client.headers["Authorization"] = f"Token {random.choice(KEYS)}"

        def _get(self, url, name):
            with self.client.get(url, name=name, catch_response=True) as response:
                status = response.status_code
                if status == 429:
                    COUNTS["429"] += 1
                    if "Retry-After" not in response.headers:
                        COUNTS["429 without Retry-After"] += 1
                        response.failure("429 without Retry-After")
                    elif KEYS:
                        response.failure("429 with a key")
                    else:
                        response.success()  # the anonymous limit doing its work
                elif status >= 500:
                    COUNTS["5xx"] += 1
                    response.failure(f"{status}")
                elif status not in (200, 304):
                    response.failure(f"{status}")

        @task(1)
        def map_page(self):
            self._get(f"/?district={random.choice(DISTRICTS)}", "map page")

        @task(2)
        def district_list(self):
            self._get("/api/v1/districts/?geometry=false&division=Rajshahi", "districts")

        @task(2)
        def choropleth(self):
            self._get("/api/v1/stats/?format=geojson&by=district", "choropleth")

        @task(3)
        def filtered_list(self):
            district = random.choice(DISTRICTS)
            url = random.choice(
                [
                    f"/api/v1/enterprises/?district={district}&size=small,medium&page_size=100",
                    f"/api/v1/enterprises/?district={district}&sector=C&page_size=50",
                    "/api/v1/enterprises/?division=Rajshahi&workers_min=20&page_size=100",
                    f"/api/v1/stats/?district={district}&by=upazila,size",
                ]
            )
            self._get(url, "list/stats with filters")

        @task(10)
        def map_view_tiles(self):
            # A screenful: a 3x2 block of tiles at one zoom, as Leaflet asks for a view.
            z = random.randint(7, 12)
            xs, ys = tile_range(z)
            x0, y0 = random.choice(xs), random.choice(ys)
            for x in range(x0, x0 + 3):
                for y in range(y0, y0 + 2):
                    self._get(f"/tiles/enterprises/{z}/{x}/{y}.pbf?year_min=18{PHASE:0>2}", "tiles")

        @task(1)
        def export(self):
            self._get(f"/api/v1/enterprises/export.csv?district={random.choice(DISTRICTS)}", "export.csv")

    @events.test_stop.add_listener
    def _write_counts(environment, **kwargs):
        out = os.environ.get("LOAD_COUNTS_FILE")
        if out:
            Path(out).write_text(json.dumps(COUNTS))


# --- driver --------------------------------------------------------------------------------------------


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _make_keys(n: int, env: dict) -> list[str]:
    """n users with a key each (and the permission to see personal data, as a ministry's key has)."""
    import subprocess

    code = f"""
import json
from django.contrib.auth.models import Permission, User
from industries.models import ApiKey
perm = Permission.objects.get(codename="view_personal")
keys = []
for i in range({n}):
    user, _ = User.objects.get_or_create(username=f"load-test-{{i}}")
    user.user_permissions.add(perm)
    keys.append(ApiKey.objects.create_key(name=f"load test {{i}}", user=user)[1])
print(json.dumps(keys))
"""
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "geodb.settings.dev"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _locust(base: str, phase: str, users: int, seconds: int, keys: list[str], out: Path) -> dict:
    import csv
    import subprocess

    prefix = out / f"phase{phase}"
    env = {
        **os.environ,
        "LOAD_KEYS": json.dumps(keys),
        "LOAD_PHASE": phase,
        "LOAD_COUNTS_FILE": f"{prefix}_counts.json",
    }
    subprocess.run(
        [
            str(Path(sys.executable).with_name("locust")),
            "-f",
            __file__,
            "--headless",
            "--host",
            base,
            "-u",
            str(users),
            "-r",
            str(min(users, 10)),
            "-t",
            f"{seconds}s",
            "--csv",
            str(prefix),
            "--only-summary",
            "--exit-code-on-error",
            "0",
        ],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=open(f"{prefix}_locust.log", "w"),  # noqa: SIM115
    )
    with open(f"{prefix}_stats.csv") as handle:
        stats = {row["Name"]: row for row in csv.DictReader(handle)}
    return {"stats": stats, "counts": json.loads(Path(f"{prefix}_counts.json").read_text())}


def _table(title: str, result: dict) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':<26}{'requests':>9}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}{'errors':>8}")
    for name, row in result["stats"].items():
        print(
            f"{name:<26}{row['Request Count']:>9}{float(row['Requests/s']):>8.1f}{row['50%']:>8}"
            f"{row['95%']:>8}{row['99%']:>8}{row['Failure Count']:>8}"
        )
    print(f"counts: {result['counts']}")


def main() -> None:
    import argparse
    import signal
    import time
    import urllib.request

    if HttpUser is None:
        sys.exit("locust is not installed: .venv/bin/pip install -e '.[load]'")
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--base", help="a running stack, e.g. http://127.0.0.1:8080 (default: start one)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--baseline-seconds", type=int, default=20)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "load")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)

    server = None
    base = args.base
    if not base:
        port = _free_port()
        env = {**env, "GEODB_TILES_ANON_RATE": "1000000/minute", "GEODB_PROD_RUN_DIR": str(args.out / "prod")}
        try:
            server = serve_prod(port, env)
        except RuntimeError as error:
            sys.exit(str(error))
        base = f"http://127.0.0.1:{port}"
    try:
        keys = _make_keys(args.users, env)
        urllib.request.urlopen(f"{base}/api/v1/districts/?geometry=false", timeout=30).read()
        started = time.time()
        baseline = _locust(base, "1", 1, args.baseline_seconds, keys[:1], args.out)
        keyed = _locust(base, "2", args.users, args.seconds, keys, args.out)
        anonymous = _locust(base, "3", args.users, args.seconds, [], args.out)
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)

    _table(f"1 user with a key, {args.baseline_seconds} s (baseline)", baseline)
    _table(f"{args.users} users with keys, {args.seconds} s", keyed)
    _table(f"{args.users} anonymous users from one address, {args.seconds} s", anonymous)
    tiles_1, tiles_n = float(baseline["stats"]["tiles"]["95%"]), float(keyed["stats"]["tiles"]["95%"])
    errors = int(keyed["stats"]["Aggregated"]["Failure Count"])
    print(
        f"\nwith keys: {errors} errors (target 0); tiles p95 {tiles_n:.0f} ms at {args.users} users = "
        f"{tiles_n / tiles_1:.2f}x the single user's {tiles_1:.0f} ms (target <= 2x)"
    )
    print(
        f"anonymous: {anonymous['counts']['429']} answers 429 "
        f"({anonymous['counts']['429 without Retry-After']} without Retry-After), "
        f"{anonymous['counts']['5xx']} 5xx (target 0)"
    )
    print(f"({time.time() - started:.0f} s; CSVs in {args.out})")
    (args.out / "results.json").write_text(
        json.dumps({"baseline": baseline, "keyed": keyed, "anonymous": anonymous}, indent=1)
    )


if __name__ == "__main__":
    main()
