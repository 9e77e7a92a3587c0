"""QGIS, the analysts' own tool, against the live server: Debian's QGIS 3.22 (python3-qgis), headless, in
a child process of the system Python, through its OAPIF provider as *Layer → Add WFS / OGC API Features*
would open it (scripts/qgis_oapif.py). The map it renders is saved as tests/artifacts/qgis_bogura.png."""

import json
import random
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point

from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import api_key_for, located_enterprises

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "qgis_oapif.py"
ARTIFACTS = Path(settings.BASE_DIR) / "tests" / "artifacts"
SYSTEM_PYTHON = "/usr/bin/python3"
AROUND_BOGURA_TOWN = "89.30,24.80,89.45,24.90"
IN_BOGURA, IN_NAOGAON = 23, 7
FIELDS = {
    "enterprises": {"name_en", "name_bn", "district_code", "size_class", "workers_total", "updated"},
    "divisions": {"geocode", "code", "name_en", "name_bn"},
    "districts": {"geocode", "code", "name_en", "name_bn", "division_code"},
    "upazilas": {"geocode", "name_en", "district_code", "division_code", "unit_type"},
}
COUNTS = {"enterprises": IN_BOGURA + IN_NAOGAON, "divisions": 8, "districts": 64, "upazilas": 507}


def qgis(url: str, *args: str) -> dict:
    result = subprocess.run(
        [SYSTEM_PYTHON, str(SCRIPT), url, *args], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def near(point: Point, rng: random.Random) -> Point:
    return Point(point.x + rng.uniform(-0.01, 0.01), point.y + rng.uniform(-0.01, 0.01), srid=4326)


@pytest.fixture
def enterprises():
    rng = random.Random(16)
    sizes = ["cottage", "micro", "small"]
    made = [
        located_enterprises([near(BOGURA_TOWN, rng)], size_class=sizes[n % 3], owner_name="Secret Owner")[0]
        for n in range(IN_BOGURA)
    ]
    return made + located_enterprises(
        [near(NAOGAON_TOWN, rng) for _ in range(IN_NAOGAON)], size_class="micro"
    )


def test_qgis_loads_every_collection_from_the_url_as_given_and_filters_on_the_server(
    live_server, enterprises, settings
):
    # QGIS 3.22 pages by the API definition's limit: its default, raised to 1,000, capped at the maximum.
    settings.OGC_PAGE_SIZE = settings.API_MAX_PAGE_SIZE = 10
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    png = ARTIFACTS / "qgis_bogura.png"
    png.unlink(missing_ok=True)
    report = qgis(
        f"{live_server.url}/ogc",
        "--also-url",
        f"{live_server.url}/ogc/",
        "--iterate",
        "--bbox",
        AROUND_BOGURA_TOWN,
        "--render",
        str(png),
        "--render-extent",
        "88.7,24.5,89.8,25.2",
    )
    assert report["qgis"].startswith("3.")

    for url, layers in report["layers"].items():
        for collection, layer in layers.items():
            assert layer["valid"], (url, collection, layer["error"])
            assert layer["feature_count"] == layer["iterated"] == COUNTS[collection], (url, collection)
            assert FIELDS[collection] <= set(layer["fields"]), (url, collection)
            if collection == "enterprises":
                assert "owner_name" not in layer["fields"]
                # 30 enterprises by 10: three pages, the second and third through the next links.
                pages = [u for u in layer["requests"] if "/items?limit=10" in u]
                assert sum("cursor=" in u for u in pages) == 2, layer["requests"]
                assert not [u for u in layer["requests"] if "/items" in u and "limit=10" not in u]

    bbox = report["bbox"]
    assert bbox["count"] == IN_BOGURA and bbox["district_codes"] == ["10"]
    assert bbox["requests"] and all("bbox=" in u for u in bbox["requests"])

    assert png.stat().st_size > 5_000
    assert report["render"]["marker_pixels"] > 50  # the enterprises are drawn, not only the districts


def test_qgis_counts_a_selection_given_in_the_url_exactly(live_server, enterprises):
    """QGIS 3.22 cannot send a layer filter to the server: it filters what it downloaded, and counts at
    most 1,000 features of a filtered layer. API filters in the service URL are sent with every request, so
    the server filters and QGIS shows the server's count."""
    report = qgis(f"{live_server.url}/ogc?district=Bogura&size=small", "--collections", "enterprises")
    layer = report["layers"][f"{live_server.url}/ogc?district=Bogura&size=small"]["enterprises"]
    small_in_bogura = sum(1 for e in enterprises[:IN_BOGURA] if e.size_class == "small")
    assert layer["valid"] and layer["feature_count"] == small_in_bogura
    assert any("district=Bogura&size=small" in u for u in layer["requests"] if "/items" in u)


def test_qgis_sends_an_api_key_as_basic_credentials(live_server, enterprises):
    ministry = User.objects.create_user("ministry")
    ministry.user_permissions.add(Permission.objects.get(codename="view_personal"))
    key = api_key_for(ministry)
    url = f"{live_server.url}/ogc"
    report = qgis(url, "--collections", "enterprises", "--key", key, "--subset", "size_class = 'small'")
    layer = report["layers"][url]["enterprises"]
    assert layer["valid"] and {"owner_name", "owner_phone", "owner_nid"} <= set(layer["fields"])
    assert report["subset"]["accepted"] and report["subset"]["size_classes"] == ["small"]
    assert report["subset"]["count"] == sum(1 for e in enterprises if e.size_class == "small")
