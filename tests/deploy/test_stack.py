"""The production stack of `make serve-prod` (scripts/serve_prod.sh): nginx in front of gunicorn with
geodb.settings.prod. nginx serves the static files itself, never the uploads, and keeps tiles for their
max-age, then revalidates them with their ETag: an unchanged tile is a 304 from Django (nginx keeps its
copy), a tile whose data changed comes back new."""

import math
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from urllib.error import HTTPError
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test import override_settings

from geodb.settings.base import CACHES as SHARED_CACHES
from industries.data_version import data_version_bump
from tests.conftest import BOGURA_TOWN
from tests.factories import EnterpriseFactory
from tests.maps.test_map_page import map_config
from tests.prod_stack import serve_prod


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _tile_of(point, z: int) -> tuple[int, int, int]:
    n = 2**z
    lat = math.radians(point.y)
    return z, int((point.x + 180) / 360 * n), int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def stack(transactional_db):
    db = connection.settings_dict
    port = _free_port()
    run_dir = tempfile.mkdtemp(prefix="geodb-prod-")  # short: a unix socket path has ~100 bytes
    env = {
        **os.environ,
        "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "GEODB_PROD_RUN_DIR": run_dir,
        "GEODB_WEB_WORKERS": "2",
        "GEODB_TILE_MAX_AGE": "2",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    try:
        server = serve_prod(port, env)
    except RuntimeError as error:
        pytest.fail(str(error))
    yield f"http://127.0.0.1:{port}", run_dir
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        raise


def test_nginx_serves_static_files_and_never_uploads(stack):
    base, run_dir = stack
    status, headers, body = _get(f"{base}/static/leaflet/leaflet.js")
    assert status == 200 and headers["Server"].startswith("nginx") and b"Leaflet" in body
    assert "max-age=3600" in headers["Cache-Control"]
    assert _get(f"{base}/media/imports/1/pilot.csv")[0] == 404
    status, headers, body = _get(f"{base}/api/v1/divisions/?geometry=false")
    assert status == 200 and b"Rajshahi" in body
    with open(os.path.join(run_dir, "logs", "gunicorn.log")) as log:
        served_by_django = log.read()
    assert "/api/v1/divisions/" in served_by_django and "/static/" not in served_by_django


def test_tiles_are_cached_for_their_max_age_and_revalidated_by_etag(stack):
    base, _ = stack
    EnterpriseFactory(location=BOGURA_TOWN)
    z, x, y = _tile_of(BOGURA_TOWN, 12)
    url = f"{base}/tiles/enterprises/{z}/{x}/{y}.pbf"

    status, first, body = _get(url)
    assert (status, first["X-Cache-Status"]) == (200, "MISS") and body
    status, second, again = _get(url)
    assert (status, second["X-Cache-Status"], second["ETag"], again) == (200, "HIT", first["ETag"], body)

    time.sleep(3.5)  # past max-age (nginx counts whole seconds): it asks Django with If-None-Match: a 304
    status, revalidated, again = _get(url)
    assert (status, revalidated["X-Cache-Status"], revalidated["ETag"]) == (200, "REVALIDATED", first["ETag"])
    assert again == body

    EnterpriseFactory(location=BOGURA_TOWN)  # new data in that tile: a new ETag
    # The factory saves by the model; every writer's service then bumps the data version in the cache the
    # stack's processes share (the prod settings' cache, not this process's LocMemCache).
    with override_settings(CACHES=SHARED_CACHES):
        data_version_bump()
    time.sleep(3.5)
    status, changed, new_body = _get(url)
    assert status == 200 and changed["X-Cache-Status"] == "EXPIRED"
    assert changed["ETag"] != first["ETag"] and new_body != body
    assert _get(url)[1]["X-Cache-Status"] == "HIT"


def test_after_a_data_change_the_maps_tile_urls_are_new_and_nginx_fetches_their_tiles(stack):
    """The map asks for tiles under the data version (?v=): nginx keeps those a day without asking Django,
    and after an import the map's URLs are new ones, which nginx has not kept: no purge is needed."""
    base, _ = stack
    EnterpriseFactory(location=BOGURA_TOWN)
    with override_settings(CACHES=SHARED_CACHES):
        data_version_bump()
    z, x, y = _tile_of(BOGURA_TOWN, 12)

    def map_tile_url() -> str:
        status, _, html = _get(f"{base}/")
        assert status == 200
        version = map_config(html.decode())["tileVersion"]
        return f"{base}/tiles/enterprises/{z}/{x}/{y}.pbf?{urlencode({'v': version})}"

    url = map_tile_url()
    status, first, body = _get(url)
    assert (status, first["X-Cache-Status"]) == (200, "MISS") and body
    assert first["Cache-Control"] == "public, max-age=86400, immutable"
    time.sleep(3.5)  # past the stack's GEODB_TILE_MAX_AGE=2: a versioned tile is still nginx's own copy
    assert _get(url)[1]["X-Cache-Status"] == "HIT"

    EnterpriseFactory(location=BOGURA_TOWN)
    with override_settings(CACHES=SHARED_CACHES):
        data_version_bump()
    newer = map_tile_url()
    assert newer != url
    status, fresh, new_body = _get(newer)
    assert (status, fresh["X-Cache-Status"]) == (200, "MISS") and new_body != body
