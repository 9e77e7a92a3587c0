"""OGC API – Features at /ogc/: the landing page, conformance, collections and items, the filter language of
the API, keyset paging through next links, no personal data for anonymous callers, and GDAL's own client
reading the enterprises from a live server.

No module-level django_db mark: the GDAL test is transactional (see tests/surveys/test_import_kill.py)."""

import json
import os
import re
import subprocess
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

from industries.models import Enterprise
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import api_key_for, located_enterprises

ITEMS = "/ogc/collections/enterprises/items"
GEOJSON = "application/geo+json"


def get(client, url, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return json.loads(response.content)


def ids(collection: dict) -> list:
    return [feature["id"] for feature in collection["features"]]


def link(document: dict, rel: str) -> str | None:
    return next((item["href"] for item in document["links"] if item["rel"] == rel), None)


@pytest.fixture
def places(db):
    (bogura,) = located_enterprises(
        [BOGURA_TOWN],
        name_en="Karatoya Handloom",
        size_class="small",
        owner_name="Rahima Begum",
        owner_phone="+8801711234567",
    )
    (bakery,) = located_enterprises([Point(89.3710, 24.8470, srid=4326)], name_en="Bogura Bakery")
    (naogaon,) = located_enterprises([NAOGAON_TOWN], name_en="Naogaon Pottery")
    return {"bogura": bogura, "bogura_bakery": bakery, "naogaon": naogaon}


# --- metadata ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/ogc/", "/ogc/?f=json"])
def test_the_landing_page_links_the_api_definition_conformance_and_data(client, url):
    landing = get(client, url)
    assert link(landing, "self") == "http://testserver/ogc/"
    assert link(landing, "conformance") == "http://testserver/ogc/conformance"
    assert link(landing, "data") == "http://testserver/ogc/collections"
    service_desc = next(item for item in landing["links"] if item["rel"] == "service-desc")
    assert service_desc["type"] == "application/vnd.oai.openapi+json;version=3.0"

    response = client.get(service_desc["href"])
    assert response["Content-Type"] == service_desc["type"]
    definition = json.loads(response.content)
    assert definition["openapi"].startswith("3.0")
    parameters = {
        resolved(definition, p)["name"]
        for p in definition["paths"]["/collections/enterprises/items"]["get"]["parameters"]
    }
    assert {"limit", "bbox", "datetime", "district", "size", "sector", "filter", "size_class"} <= parameters


def resolved(definition: dict, parameter: dict) -> dict:
    """A parameter of the API definition, its ``$ref`` (``#/components/parameters/…``) followed."""
    if "$ref" not in parameter:
        return parameter
    node = definition
    for part in parameter["$ref"].removeprefix("#/").split("/"):
        node = node[part]
    return node


@pytest.mark.django_db
def test_the_page_size_gis_clients_take_is_in_components_with_its_maximum(client, settings):
    """QGIS and GDAL read ``limit`` from components/parameters only; without it QGIS pages by 100."""
    definition = json.loads(client.get("/ogc/api").content)
    limit = definition["components"]["parameters"]["limit"]["schema"]
    assert limit["default"] == settings.OGC_PAGE_SIZE == 1000
    assert limit["maximum"] == settings.API_MAX_PAGE_SIZE
    items = definition["paths"]["/collections/districts/items"]["get"]["parameters"]
    assert {"$ref": "#/components/parameters/limit"} in items


@pytest.mark.django_db
def test_conformance_declares_core_geojson_oas30_and_the_filters(client):
    conformance = get(client, "/ogc/conformance")["conformsTo"]
    part1 = [uri for uri in conformance if "/ogcapi-features-1/1.0/conf/" in uri]
    assert {uri.rsplit("/", 1)[1] for uri in part1} == {"core", "geojson", "oas30"}
    part3 = {uri.rsplit("/", 1)[1] for uri in conformance if "/ogcapi-features-3/1.0/conf/" in uri}
    assert part3 == {"queryables", "queryables-query-parameters", "filter", "features-filter"}
    cql2 = {uri.rsplit("/", 1)[1] for uri in conformance if "/cql2/1.0/conf/" in uri}
    assert cql2 == {"cql2-text", "basic-cql2", "advanced-comparison-operators"}


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/ogc/collections", "/ogc/collections/"])
def test_the_four_collections_are_listed_with_extent_crs_and_links(client, url):
    collections = get(client, url)["collections"]
    assert [c["id"] for c in collections] == ["enterprises", "divisions", "districts", "upazilas"]
    for collection in collections:
        assert collection["itemType"] == "feature"
        assert collection["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
        minx, miny, maxx, maxy = collection["extent"]["spatial"]["bbox"][0]
        assert minx < BOGURA_TOWN.x < maxx and miny < BOGURA_TOWN.y < maxy
        assert link(collection, "items") == f"http://testserver/ogc/collections/{collection['id']}/items"


@pytest.mark.django_db
def test_one_collection_is_described(client):
    districts = get(client, "/ogc/collections/districts")
    assert districts["id"] == "districts" and link(districts, "self").endswith("/ogc/collections/districts")
    assert "temporal" in get(client, "/ogc/collections/enterprises")["extent"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/ogc/collections/factories",
        "/ogc/collections/factories/items",
        "/ogc/collections/factories/items/1",
        f"{ITEMS}/999999",
        f"{ITEMS}/not-a-number",
        f"{ITEMS}/99999999999999999999999",
        "/ogc/collections/districts/items/9999",
    ],
)
def test_an_unknown_collection_or_feature_is_a_json_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "detail" in json.loads(response.content)


# --- enterprise items -------------------------------------------------------------------------------------


def test_items_are_geojson_with_counts_timestamp_and_links(client, places):
    response = client.get(ITEMS, {"f": "json"}, HTTP_ACCEPT=GEOJSON)
    assert response.status_code == 200 and response["Content-Type"] == GEOJSON
    items = json.loads(response.content)
    assert items["type"] == "FeatureCollection"
    assert items["numberMatched"] == items["numberReturned"] == 3
    assert datetime.fromisoformat(items["timeStamp"]).tzinfo is not None
    assert link(items, "next") is None
    assert link(items, "collection") == "http://testserver/ogc/collections/enterprises"
    feature = next(f for f in items["features"] if f["id"] == places["bogura"].pk)
    assert feature["geometry"] == {"type": "Point", "coordinates": [89.3697, 24.8465]}
    assert feature["properties"]["district_name_en"] == "Bogura"


def test_a_page_at_a_time_through_next_links(client, db):
    made = [e.pk for e in located_enterprises([BOGURA_TOWN] * 7)]
    seen, url, pages = [], ITEMS + "?limit=3", 0
    while url:
        page = get(client, url)
        assert page["numberReturned"] == len(page["features"]) <= 3
        assert page.get("numberMatched") == (7 if pages == 0 else None)  # counted on the first page only
        seen += ids(page)
        url, pages = link(page, "next"), pages + 1
        assert pages <= 3
    assert seen == made


def test_the_filters_of_the_api_narrow_the_items(client, places):
    bogura = {places["bogura"].pk, places["bogura_bakery"].pk}
    assert set(ids(get(client, ITEMS, district="Bogura"))) == bogura
    assert set(ids(get(client, ITEMS, district="বগুড়া"))) == bogura
    assert ids(get(client, ITEMS, district="Bogura", size="small")) == [places["bogura"].pk]
    assert ids(get(client, ITEMS, division="Dhaka")) == []
    assert set(ids(get(client, ITEMS, bbox="89.30,24.80,89.42,24.90"))) == bogura
    # OGC's 3D form: heights are dropped.
    assert set(ids(get(client, ITEMS, bbox="89.30,24.80,-10,89.42,24.90,10"))) == bogura


def test_datetime_selects_on_the_last_change(client, places):
    Enterprise.objects.filter(pk=places["naogaon"].pk).update(updated=datetime(2020, 3, 1, 10, tzinfo=UTC))
    everything, naogaon = set(ids(get(client, ITEMS))), [places["naogaon"].pk]
    others = everything - set(naogaon)
    assert ids(get(client, ITEMS, datetime="2020-03-01")) == naogaon
    assert ids(get(client, ITEMS, datetime="2020-03-01T10:00:00Z")) == naogaon
    assert ids(get(client, ITEMS, datetime="../2020-12-31")) == naogaon
    assert ids(get(client, ITEMS, datetime="2020-01-01T00:00:00Z/2020-03-01T10:00:00Z")) == naogaon
    assert set(ids(get(client, ITEMS, datetime="2021-01-01/.."))) == others
    assert ids(get(client, ITEMS, datetime="2020-03-02/..", district="Naogaon")) == []


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"district": "Atlantis"}, "district"),
        ({"distrct": "Bogura"}, "distrct"),  # a misspelt filter must not return everything
        ({"datetime": "yesterday"}, "datetime"),
        ({"datetime": "../.."}, "datetime"),
        ({"datetime": "2021-01-01/2020-01-01"}, "datetime"),
        ({"limit": "0"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"size": "huge"}, "size"),
    ],
)
def test_a_bad_parameter_is_a_400_that_names_it(client, db, params, parameter):
    response = client.get(ITEMS, params)
    assert response.status_code == 400
    assert parameter in json.loads(response.content)


def test_an_unknown_district_lists_the_valid_ones(client, db):
    response = client.get(ITEMS, {"district": "Atlantis"})
    assert response.status_code == 400 and "Bogura (10)" in response.content.decode()


def test_a_limit_above_the_maximum_is_the_maximum(client, places, settings):
    settings.API_MAX_PAGE_SIZE = 2
    page = get(client, ITEMS, limit=500)
    assert page["numberReturned"] == 2 and link(page, "next")


def test_personal_data_is_only_for_holders_of_the_permission(client, places):
    pk = places["bogura"].pk
    for document in (get(client, ITEMS), get(client, f"{ITEMS}/{pk}")):
        text = json.dumps(document, ensure_ascii=False)
        assert "Rahima Begum" not in text and "+8801711234567" not in text
        for feature in document.get("features", [document]):
            assert not set(Enterprise.PERSONAL_FIELDS) & set(feature["properties"])

    officer = User.objects.create_user("officer")
    officer.user_permissions.add(Permission.objects.get(codename="view_personal"))
    client.force_login(officer)
    assert get(client, f"{ITEMS}/{pk}")["properties"]["owner_name"] == "Rahima Begum"


def test_one_enterprise_is_a_feature(client, places):
    response = client.get(f"{ITEMS}/{places['naogaon'].pk}/")
    assert response.status_code == 200 and response["Content-Type"] == GEOJSON
    feature = json.loads(response.content)
    assert feature["type"] == "Feature" and feature["id"] == places["naogaon"].pk
    assert feature["properties"]["name_en"] == "Naogaon Pottery"
    assert link(feature, "collection") == "http://testserver/ogc/collections/enterprises"


def test_a_page_of_items_costs_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    located_enterprises([BOGURA_TOWN] * 30)
    client.get(ITEMS, {"district": "Bogura"})  # the place-name resolver loads once per process
    with django_assert_max_num_queries(4):
        page = get(client, ITEMS, district="Bogura", limit=10)
    assert page["numberReturned"] == 10


# --- admin unit items -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_units_are_features_named_by_geocode(client):
    divisions = get(client, "/ogc/collections/divisions/items")
    assert divisions["numberMatched"] == divisions["numberReturned"] == 8
    rajshahi = next(f for f in divisions["features"] if f["properties"]["name_en"] == "Rajshahi")
    assert rajshahi["id"] == "50" and rajshahi["geometry"]["type"] == "MultiPolygon"

    bogura = get(client, "/ogc/collections/districts/items/5010")
    assert bogura["properties"]["code"] == "10" and bogura["properties"]["division_code"] == "50"
    assert bogura["properties"]["name_bn"] == "বগুড়া"


@pytest.mark.django_db
def test_admin_units_filter_by_parent_and_bbox_and_page_by_offset(client):
    upazilas = get(client, "/ogc/collections/upazilas/items", district="Bogura")
    assert upazilas["numberMatched"] == len(upazilas["features"]) == 12
    assert {f["properties"]["district_code"] for f in upazilas["features"]} == {"10"}

    around_bogura_town = get(client, "/ogc/collections/districts/items", bbox="89.36,24.84,89.38,24.85")
    assert [f["properties"]["name_en"] for f in around_bogura_town["features"]] == ["Bogura"]

    seen, url = [], "/ogc/collections/districts/items?division=Rajshahi&limit=5"
    while url:
        page = get(client, url)
        seen += ids(page)
        url = link(page, "next")
    assert len(seen) == len(set(seen)) == 8

    response = client.get("/ogc/collections/upazilas/items", {"district": "Atlantis"})
    assert response.status_code == 400 and "district" in json.loads(response.content)


# --- GDAL ---------------------------------------------------------------------------------------------------


def ogrinfo(*args: str) -> str:
    # A proxy in the environment must not be asked for localhost.
    env = {**os.environ, "NO_PROXY": "localhost,127.0.0.1", "no_proxy": "localhost,127.0.0.1"}
    result = subprocess.run(["ogrinfo", "-ro", *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


def test_gdal_reads_the_enterprises_following_next_links(transactional_db, live_server):
    made = located_enterprises([BOGURA_TOWN] * 25, owner_name="Secret Owner")
    located_enterprises([NAOGAON_TOWN], name_en="Naogaon Pottery")
    root = f"OAPIF:{live_server.url}/ogc"

    # Ten to a page: three pages, so only following the next links reads all 25 of Bogura.
    output = ogrinfo(
        "-al", "-oo", "PAGE_SIZE=10", root, "enterprises", "-where", "district_name_en = 'Bogura'"
    )
    assert len(re.findall(r"^OGRFeature\(enterprises\):", output, re.MULTILINE)) == 25
    assert f"name_en (String) = {made[0].name_en}" in output
    assert f"name_en (String) = {made[24].name_en}" in output
    assert "Naogaon Pottery" not in output
    assert "district_name_bn (String) = বগুড়া" in output
    assert "POINT (89.3697 24.8465)" in output
    assert "owner_name" not in output and "Secret Owner" not in output

    summary = ogrinfo("-so", "-al", root)
    layers = re.findall(r"^Layer name: (\w+)$", summary, re.MULTILINE)
    assert layers == ["enterprises", "divisions", "districts", "upazilas"]
    assert "Feature Count: 26" in summary


@pytest.mark.django_db
def test_ogc_requests_are_throttled_apart_from_the_rest_api(client, monkeypatch):
    rates = {"anon": "1/minute", "ogc_anon": "1/minute", "user": "1000/minute"}
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", rates)
    assert [client.get("/ogc/conformance").status_code for _ in range(2)] == [200, 429]
    assert client.get("/api/v1/divisions/", {"geometry": "false"}).status_code == 200

    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "1/minute", "ogc_anon": "3/minute"})
    assert [client.get("/ogc/conformance").status_code for _ in range(4)] == [200, 200, 200, 429]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ogc/collections/enterprises/items?limit=1", "/api/v1/enterprises/"])
def test_an_anonymous_request_is_counted_once_by_address_and_a_keys_by_the_key(client, path):
    """Counting an anonymous caller by address twice (DRF's UserRateThrottle beside the anonymous one, at a
    rate no lower) cost two more cache round trips a request and limited nothing more."""
    assert client.get(path).status_code == 200
    counters = {key.split(":")[-1] for key in cache._cache}  # LocMemCache, this test process's own
    assert {c for c in counters if c.startswith("throttle_")} == {
        "throttle_ogc_anon_127.0.0.1" if path.startswith("/ogc") else "throttle_anon_127.0.0.1"
    }
    ministry = User.objects.create_user("ministry")
    assert client.get(path, HTTP_AUTHORIZATION=f"Token {api_key_for(ministry)}").status_code == 200
    counters = {key.split(":")[-1] for key in cache._cache}
    assert f"throttle_user_{ministry.pk}" in counters
