"""The enterprises API: GeoJSON built in PostGIS, the one filter language, keyset paging, personal data,
API keys, throttling, CORS, admin units and writes through the importer's rules."""

import json
import time

import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.throttling import AnonRateThrottle

from industries.models import Enterprise
from tests.factories import api_key_for, located_enterprises

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"
BOGURA = Point(89.3697, 24.8465, srid=4326)
NAOGAON = Point(88.9318, 24.8090, srid=4326)


def get(client, url=URL, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return json.loads(response.content)


def ids(collection) -> list[int]:
    return [feature["id"] for feature in collection["features"]]


@pytest.fixture
def places():
    (bogura_small,) = located_enterprises(
        [BOGURA], name_en="Karatoya Handloom", size_class="small", owner_phone="+8801711234567"
    )
    (bogura_micro,) = located_enterprises(
        [Point(89.3710, 24.8470, srid=4326)], name_en="Bogura Bakery", size_class="micro"
    )
    (naogaon,) = located_enterprises(
        [NAOGAON], name_en="Naogaon Pottery", name_bn="নওগাঁ মৃৎশিল্প", size_class="small"
    )
    return {"bogura_small": bogura_small, "bogura_micro": bogura_micro, "naogaon": naogaon}


def test_a_list_is_a_geojson_feature_collection_without_personal_data(client, places):
    response = client.get(URL)
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and data["numberMatched"] == 3 and data["numberMatchedExact"]
    feature = next(f for f in data["features"] if f["id"] == places["bogura_small"].pk)
    assert feature["geometry"] == {"type": "Point", "coordinates": [89.3697, 24.8465]}
    properties = feature["properties"]
    assert properties["district_code"] == "10" and properties["district_name_bn"] == "বগুড়া"
    assert properties["division_name_en"] == "Rajshahi" and properties["size_class"] == "small"
    assert not set(Enterprise.PERSONAL_FIELDS) & set(properties)
    assert "+8801711234567" not in response.content.decode()


@pytest.mark.parametrize("district", ["Bogura", "bogra", "বগুড়া", "10", "১০", "5010"])
def test_a_district_may_be_given_by_any_name_or_code(client, places, district):
    assert set(ids(get(client, district=district))) == {places["bogura_small"].pk, places["bogura_micro"].pk}


def test_several_values_and_filters_combine(client, places):
    assert len(ids(get(client, district="Bogura,Naogaon"))) == 3
    assert ids(get(client, district="Bogura", size="small")) == [places["bogura_small"].pk]
    assert len(ids(get(client, division="Rajshahi", size=["small", "micro"]))) == 3
    assert ids(get(client, division="Dhaka")) == []  # a real division with nothing in it is simply empty


def test_an_unknown_place_is_a_400_naming_the_valid_choices(client, places):
    response = client.get(URL, {"district": "Atlantis"})
    assert response.status_code == 400
    message = " ".join(json.loads(response.content)["district"])
    assert "Atlantis" in message and "Bogura (10)" in message and "Naogaon (64)" in message
    response = client.get(URL, {"size": "huge"})
    assert response.status_code == 400 and "cottage, micro, small, medium, large" in response.content.decode()


def test_ranges_kind_sector_and_registration(client):
    (old,) = located_enterprises(
        [BOGURA],
        year_established=1995,
        workers_total=40,
        workers_male=30,
        workers_female=10,
        isic_division="13",
    )
    (new,) = located_enterprises(
        [BOGURA], year_established=2020, kind="service", isic_section="S", registration_no="BSCIC-1"
    )
    assert ids(get(client, year_max=2000)) == [old.pk]
    assert ids(get(client, year_min=2010)) == [new.pk]
    assert ids(get(client, workers_min=20)) == [old.pk]
    assert ids(get(client, kind="service")) == [new.pk]
    assert ids(get(client, sector="13")) == [old.pk] and ids(get(client, sector="s")) == [new.pk]
    assert ids(get(client, registered="true")) == [new.pk]
    assert ids(get(client, registered="false")) == [old.pk]
    assert client.get(URL, {"sector": "Z9"}).status_code == 400


def test_text_search_is_tolerant_of_bangla_digits_and_spelling(client):
    (handloom,) = located_enterprises([BOGURA], name_en="Karatoya Handloom 2", name_bn="করতোয়া তাঁত ২")
    located_enterprises([BOGURA], name_en="Barind Bakery", name_bn="বরেন্দ্র বেকারি")
    assert ids(get(client, q="handloom")) == [handloom.pk]
    assert ids(get(client, q="তাঁত")) == [handloom.pk]
    assert ids(get(client, q="Handlom")) == [handloom.pk]  # a letter missing
    assert ids(get(client, q="তাঁত 2")) == [handloom.pk]  # ASCII digit for a Bangla one


def test_spatial_filters(client, places):
    everything = get(client, bbox="-200,-100,200,100")  # what Leaflet sends at zoom 0: clamped, not a 500
    assert everything["numberMatched"] == 3
    assert len(ids(get(client, bbox="89.3,24.8,89.4,24.9"))) == 2
    near = get(client, near="89.3697,24.8465", radius=1000)
    assert ids(near) == [places["bogura_small"].pk, places["bogura_micro"].pk]  # nearest first
    wkt = "POLYGON((88.9 24.78,88.96 24.78,88.96 24.84,88.9 24.84,88.9 24.78))"
    assert ids(get(client, within=wkt)) == [places["naogaon"].pk]
    geojson = json.dumps(
        {"type": "Polygon", "coordinates": [[[88.9, 24.78], [88.96, 24.78], [88.96, 24.84], [88.9, 24.78]]]}
    )
    assert ids(get(client, within=geojson)) == [places["naogaon"].pk]
    for bad in ({"within": "POINT(1 2)"}, {"bbox": "1,2,3"}, {"near": "89,24"}):
        assert client.get(URL, bad).status_code == 400


def test_keyset_pages_walk_forward_and_back_without_gaps(client, django_assert_max_num_queries):
    made = sorted(e.pk for e in located_enterprises([(89.36 + i / 1000, 24.85) for i in range(7)]))
    seen, url, pages = [], URL + "?page_size=3", []
    while url:
        with django_assert_max_num_queries(6):
            page = json.loads(client.get(url).content)
        pages.append(page)
        seen += ids(page)
        url = page["next"]
    assert seen == made and len(pages) == 3 and pages[0]["prev"] is None
    back = json.loads(client.get(pages[2]["prev"]).content)
    assert ids(back) == made[3:6] and back["numberReturned"] == 3
    near = get(client, near="89.36,24.85", radius=20_000, page_size=4)
    rest = json.loads(client.get(near["next"]).content)
    assert ids(near) + ids(rest) == made  # by distance, which here is also by id
    assert client.get(URL, {"cursor": "garbage"}).status_code == 400
    assert client.get(URL, {"page_size": 10_001}).status_code == 400


def test_number_matched_is_estimated_above_the_limit(client, places, settings):
    settings.API_EXACT_COUNT_LIMIT = 0
    with connection.cursor() as cursor:  # statistics of the three rows, not the empty table's guess
        cursor.execute("ANALYZE industries_enterprise")
    data = get(client, page_size=1)
    assert data["numberMatchedExact"] is False and data["numberMatched"] == 3  # the planner's estimate


def test_a_first_page_that_holds_every_match_is_not_counted_and_is_exact(client, places, settings):
    settings.API_EXACT_COUNT_LIMIT = 0  # would be the estimate if it were counted
    with CaptureQueriesContext(connection) as queries:
        data = get(client)
    assert (data["numberMatched"], data["numberMatchedExact"], data["numberReturned"]) == (3, True, 3)
    assert not [q for q in queries.captured_queries if ") AS matched" in q["sql"]]


def test_a_planner_that_guesses_too_few_cannot_make_the_count_long(client, places, settings):
    """The statistics say no enterprise is called so (ANALYZE before those came): the count is made,
    but reads at most the limit plus one row, however many match."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE industries_enterprise")
    located_enterprises([Point(89.37, 24.85, srid=4326)] * 20, name_en="Same Name")  # not analysed
    settings.API_EXACT_COUNT_LIMIT = 5
    with CaptureQueriesContext(connection) as queries:
        data = get(client, q="Same Name", page_size=1)
    (count,) = [q["sql"] for q in queries.captured_queries if ") AS matched" in q["sql"]]
    assert "LIMIT 6" in count
    assert data["numberMatchedExact"] is False and data["numberMatched"] >= 6


def test_a_key_with_view_personal_reads_personal_data(client, places, django_user_model):
    ministry = django_user_model.objects.create_user("ministry")
    key = api_key_for(ministry)
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {key}")
    assert "owner_phone" not in response.content.decode()
    ministry.user_permissions.add(Permission.objects.get(codename="view_personal"))
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {key}")
    assert "+8801711234567" in response.content.decode()
    detail = client.get(f"{URL}{places['bogura_small'].pk}/", HTTP_AUTHORIZATION=f"Token {key}")
    assert json.loads(detail.content)["properties"]["owner_phone"] == "+8801711234567"
    assert client.get(URL, HTTP_AUTHORIZATION="Token wrong").status_code == 401


def test_a_detail_is_one_feature(client, places):
    enterprise = places["naogaon"]
    data = get(client, f"{URL}{enterprise.pk}/")
    assert data["type"] == "Feature" and data["id"] == enterprise.pk
    assert data["properties"]["name_bn"] == "নওগাঁ মৃৎশিল্প" and "owner_phone" not in data["properties"]
    assert client.get(f"{URL}999999999/").status_code == 404


def test_over_the_rate_limit_is_a_429_with_retry_after(client, monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "1000/minute"})
    statuses = [client.get("/api/v1/divisions/", {"geometry": "false"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get("/api/v1/divisions/", {"geometry": "false"})
    assert int(response["Retry-After"]) > 0


def test_cors_allows_the_configured_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://mopa.gov.bd"]
    allowed = client.get("/api/v1/divisions/?geometry=false", HTTP_ORIGIN="https://mopa.gov.bd")
    assert allowed["Access-Control-Allow-Origin"] == "https://mopa.gov.bd"
    other = client.get("/api/v1/divisions/?geometry=false", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other


def test_admin_units_for_maps_and_dropdowns(client):
    assert len(get(client, "/api/v1/divisions/", geometry="false")) == 8
    assert len(get(client, "/api/v1/districts/", geometry="false")) == 64
    assert len(get(client, "/api/v1/upazilas/", geometry="false")) == 507
    rajshahi = get(client, "/api/v1/districts/", geometry="false", division="রাজশাহী")
    assert len(rajshahi) == 8 and {d["division_code"] for d in rajshahi} == {"50"}
    bogura = get(client, "/api/v1/upazilas/", geometry="false", district="Bogra")
    assert len(bogura) == 12 and "Bogura Sadar" in {u["name_en"] for u in bogura}
    full = client.get("/api/v1/districts/", {"division": "Rajshahi"})
    light = client.get("/api/v1/districts/", {"division": "Rajshahi", "simplify": 2000})
    shapes = json.loads(light.content)
    assert len(shapes["features"]) == 8 and shapes["features"][0]["geometry"]["type"] == "MultiPolygon"
    assert len(light.content) < len(full.content) / 2
    assert client.get("/api/v1/upazilas/", {"district": "Atlantis"}).status_code == 400
    for bad in ("-1", "much", "nan", "inf"):
        assert client.get("/api/v1/divisions/", {"simplify": bad}).status_code == 400


def test_the_schema_documents_every_filter_in_both_languages(client):
    schema = client.get("/api/schema/", {"format": "json"})
    assert schema.status_code == 200
    text = schema.content.decode()
    listed = json.loads(text)["paths"]["/api/v1/enterprises/"]["get"]["parameters"]
    names = {parameter["name"] for parameter in listed}
    listed_filters = {
        "division",
        "district",
        "upazila",
        "size",
        "sector",
        "q",
        "bbox",
        "near",
        "within",
        "survey",
    }
    assert listed_filters - names == set()  # all of them, and no other: tests/api/test_filter_parameters.py
    assert "বগুড়া" in text and "জেলা" in text  # examples and descriptions in Bangla too
    docs = client.get("/api/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/" in docs and "cdn" not in docs.lower()


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_user("officer", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_enterprise", "change_enterprise", "delete_enterprise"])
    )
    client.force_login(user)
    return client


def test_writes_go_through_the_importers_rules(staff_client):
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [89.3697, 24.8465]},
        "properties": {
            "name_bn": "করতোয়া তাঁত",
            "owner_phone": "০১৭১১-২৩৪৫৬৭",
            "district": "Naogaon",
            "investment_bdt": "১২,৫০,০০০",
            "workers_total": "12",
            "kind": "উৎপাদন",
        },
    }
    anonymous = Client().post(URL, body, content_type="application/json")
    assert anonymous.status_code == 401 and not Enterprise.objects.exists()  # asked for credentials

    created = staff_client.post(URL, body, content_type="application/json")
    assert created.status_code == 201, created.content.decode()
    data = json.loads(created.content)
    enterprise = Enterprise.objects.get(pk=data["id"])
    assert enterprise.owner_phone == "+8801711234567" and enterprise.investment_bdt == 1_250_000
    assert (enterprise.district.name_en, enterprise.size_class) == ("Bogura", "micro")
    assert enterprise.district_mismatch and {w["code"] for w in data["warnings"]} == {"district_mismatch"}

    at_sea = {**body, "geometry": {"type": "Point", "coordinates": [90.8, 21.0]}}
    rejected = staff_client.post(URL, at_sea, content_type="application/json")
    assert rejected.status_code == 400 and "outside_upazilas" in rejected.content.decode()
    nameless = {**body, "properties": {**body["properties"], "name_bn": ""}}
    rejected = staff_client.post(URL, nameless, content_type="application/json")
    assert rejected.status_code == 400 and "প্রতিষ্ঠানের নাম" in json.loads(rejected.content)["rejected"][0]["bn"]
    assert Enterprise.objects.count() == 1  # nothing half-written

    patched = staff_client.patch(
        f"{URL}{enterprise.pk}/", {"workers_total": "40"}, content_type="application/json"
    )
    assert patched.status_code == 200, patched.content.decode()
    enterprise.refresh_from_db()
    assert (enterprise.workers_total, enterprise.size_class, enterprise.name_bn) == (40, "small", "করতোয়া তাঁত")

    assert staff_client.delete(f"{URL}{enterprise.pk}/").status_code == 204
    assert not Enterprise.objects.live().exists()  # deleting is soft (tests/api/test_records.py)


def test_a_query_that_can_match_nothing_renders_empty():
    from api.geojson import count_matched, features_json

    nothing = Enterprise.objects.filter(id__in=[])
    assert features_json(nothing.values("id", "location")) == "[]"
    assert count_matched(nothing) == (0, True)


def test_a_429_says_when_to_come_back_even_when_processes_counted_past_the_limit(client, monkeypatch):
    """Processes that count at once can each write their list of requests back, leaving more in the
    cache than the rate allows; DRF then answered 429 without Retry-After (a load test at 1M rows: 55 of
    74). The wait is until one more request fits: here the second newest leaves the minute in ~58 s."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/minute", "user": "1000/minute"})
    now = time.time()
    cache.set("throttle_anon_127.0.0.1", [now - 1, now - 2, now - 3, now - 4], 60)  # newest first
    response = client.get("/api/v1/divisions/", {"geometry": "false"})
    assert response.status_code == 429
    assert 56 <= int(response["Retry-After"]) <= 58
