"""Anonymous input that used to load the database or end in a 500 (or a wrong 200): each is now a 400 that
names the parameter and says what is wrong in English and Bangla, or is bounded so that it stays cheap."""

import base64
import json
import re

import orjson
import pytest
from django.db import connection

from api.filters import EnterpriseFilterSet
from industries.models import Enterprise
from surveys.models import SurveyRound
from tests.conftest import BOGURA_TOWN
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db

LIST = "/api/v1/enterprises/"
STATS = "/api/v1/stats/"
ITEMS = "/ogc/collections/enterprises/items"
EXPORT = "/api/v1/enterprises/export.csv"
BANGLA = range(0x0980, 0x0A00)


@pytest.fixture
def enterprise():
    (made,) = located_enterprises([BOGURA_TOWN], name_en="Karatoya Handloom", product="Jamdani saree")
    return made


def refused(client, url, parameter: str, **params) -> str:
    """The 400's message for ``parameter``, which must be in English and Bangla."""
    response = client.get(url, params)
    assert response.status_code == 400, (response.status_code, response.content[:500])
    body = json.loads(response.content)
    assert parameter in body, body
    message = " ".join(body[parameter]) if isinstance(body[parameter], list) else body[parameter]
    assert any(ord(char) in BANGLA for char in message), message
    assert any("a" <= char.lower() <= "z" for char in message), message
    return message


def cursor(direction, key) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([direction, key])).decode().rstrip("=")


# --- B: 500s and wrong 200s ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "within",
    [
        '{"a": 1}',
        '{"type": "Polygon", "coordinates": "x"}',
        '{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[1]]}}',
        "[1, 2]",
        '{"type": "Feature", "geometry": 7}',
    ],
)
def test_a_within_that_is_no_polygon_is_a_400(client, enterprise, within):
    refused(client, LIST, "within", within=within)


def test_a_within_naming_a_crs_is_refused_so_no_spatial_reference_is_built_from_input(client, enterprise):
    # GDAL resolves a GeoJSON "crs" name as user input (a file or URL before GDAL 3.9); RFC 7946 has none.
    polygon = {
        "type": "Polygon",
        "crs": {"type": "name", "properties": {"name": "/etc/passwd"}},
        "coordinates": [[[89.3, 24.8], [89.4, 24.8], [89.4, 24.9], [89.3, 24.8]]],
    }
    refused(client, LIST, "within", within=json.dumps(polygon))


@pytest.mark.parametrize(
    "params",
    [
        {"key": ["abc"]},
        {"key": [None]},
        {"key": [{"a": 1}]},
        {"key": [True]},
        {"key": [1.5]},
        {"key": [2**63]},
        {"key": ["x", 1], "near": "89.3697,24.8465", "radius": "1000"},
        {"key": [1, "y"], "near": "89.3697,24.8465", "radius": "1000"},
        {"key": [None, 1], "near": "89.3697,24.8465", "radius": "1000"},
    ],
)
@pytest.mark.parametrize("url", [LIST, ITEMS])
def test_a_cursor_whose_key_has_the_wrong_type_is_a_400(client, enterprise, url, params):
    params = dict(params)
    key = params.pop("key")
    refused(client, url, "cursor", cursor=cursor("next", key), **params)


def test_a_cursor_of_this_api_still_pages(client, enterprise):
    page = json.loads(client.get(LIST, {"cursor": cursor("next", [0])}).content)
    assert [f["id"] for f in page["features"]] == [enterprise.pk]
    near = {"near": "89.3697,24.8465", "radius": "1000", "cursor": cursor("next", [0, 0])}
    assert client.get(LIST, near).status_code == 200


@pytest.mark.parametrize("value", ["9999-12-31", "../9999-12-31"])
def test_a_datetime_at_the_end_of_the_calendar_is_a_400(client, enterprise, value):
    refused(client, ITEMS, "datetime", datetime=value)


def test_a_huge_offset_is_an_empty_page_not_a_500(client):
    response = client.get("/ogc/collections/districts/items", {"offset": str(10**30)})
    assert response.status_code == 200, response.content[:500]
    page = json.loads(response.content)
    assert page["features"] == [] and page["numberReturned"] == 0 and page["numberMatched"] == 64


@pytest.mark.parametrize("bbox", ["88,24,nan,nan", "88,24,inf,inf", "-inf,-inf,180,90", "nan,24,90,26"])
@pytest.mark.parametrize("url", [LIST, STATS, ITEMS, EXPORT, "/ogc/collections/districts/items"])
def test_a_bbox_that_is_not_finite_is_a_400(client, enterprise, url, bbox):
    refused(client, url, "bbox", bbox=bbox)


def test_a_bbox_past_the_poles_is_still_clamped(client, enterprise):
    assert json.loads(client.get(LIST, {"bbox": "-200,-100,200,100"}).content)["numberMatched"] == 1


@pytest.mark.parametrize("value", ["banana", "2", "truthy"])
def test_registered_must_be_true_or_false(client, enterprise, value):
    refused(client, LIST, "registered", registered=value)


@pytest.mark.parametrize("value", ["true", "false", "1", "0", "True", "yes", "no"])
def test_registered_takes_the_usual_spellings(client, enterprise, value):
    assert client.get(LIST, {"registered": value}).status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/divisions/", "/api/v1/districts/", "/api/v1/upazilas/"])
def test_geometry_must_be_true_or_false(client, url):
    refused(client, url, "geometry", geometry="banana")
    assert isinstance(json.loads(client.get(url, {"geometry": "0"}).content), list)
    assert json.loads(client.get(url, {"geometry": "true", "simplify": "5000"}).content)["features"]


def test_a_survey_that_names_no_round_is_a_400_listing_the_rounds(client, enterprise):
    pilot = SurveyRound.objects.create(name="Rajshahi pilot 2016-17")
    message = refused(client, LIST, "survey", survey="Atlantis census")
    assert "Rajshahi pilot 2016-17" in message
    for value in (pilot.name, str(pilot.pk)):
        assert client.get(LIST, {"survey": value}).status_code == 200


# --- A and C: bounded costs ------------------------------------------------------------------------------


def test_near_has_a_maximum_radius(client, enterprise, settings):
    settings.API_MAX_RADIUS_METRES = 50_000
    ok = client.get(LIST, {"near": "89.3697,24.8465", "radius": "50000"})
    assert ok.status_code == 200 and json.loads(ok.content)["numberMatched"] == 1
    message = refused(client, LIST, "radius", near="89.3697,24.8465", radius="50001")
    assert "50,000" in message
    refused(client, STATS, "radius", near="89.3697,24.8465", radius="1e9")


def test_q_has_a_maximum_length(client, enterprise, settings):
    settings.API_MAX_QUERY_LENGTH = 100
    assert client.get(LIST, {"q": "h" * 100}).status_code == 200
    message = refused(client, LIST, "q", q="h" * 101)
    assert "100" in message
    refused(client, ITEMS, "q", q="x" * 10_000)


def test_q_still_finds_substrings_and_near_spellings(client, enterprise):
    for text in ("handloom", "Handlom", "jamdani", "saree", "Karatoya"):
        page = json.loads(client.get(LIST, {"q": text}).content)
        assert [f["id"] for f in page["features"]] == [enterprise.pk], text
    assert json.loads(client.get(LIST, {"q": "zzzzqqq"}).content)["features"] == []


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        # With sequential scans priced out, the planner still picks one where no index can answer.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = on")
    return plan


@pytest.mark.parametrize("text", ["zzzzqqq", "handloom", "তাঁত", "x" * 100])
def test_q_is_answered_from_the_trigram_indexes(enterprise, text):
    filterset = EnterpriseFilterSet({"q": text}, queryset=Enterprise.objects.order_by("id"))
    assert filterset.is_valid(), filterset.errors
    plan = _plan(filterset.qs.order_by())  # by id, the primary key's index would be scanned instead
    assert "Seq Scan on industries_enterprise" not in plan, plan
    for index in (
        "enterprise_name_en_trgm",
        "enterprise_name_bn_trgm",
        "enterprise_product_trgm",
        "enterprise_product_bn_trgm",
    ):
        assert index in plan, plan


def test_an_empty_queryable_parameter_is_not_given_as_every_other_parameter(client, enterprise):
    for url, params in (
        ("/ogc/collections/upazilas/items", {"unit_type": "", "limit": ""}),
        ("/ogc/collections/districts/items", {"area_km2": ""}),
        (ITEMS, {"district_mismatch": "", "workers_total": ""}),
    ):
        response = client.get(url, params)
        assert response.status_code == 200, response.content[:300]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        (LIST, {"q": "hand\x00loom"}),
        (STATS, {"survey": "\x00"}),
        (ITEMS, {"upazila_name_en": "Bogura\x00"}),
        (ITEMS, {"filter": "name_en = 'a\x00'"}),
        ("/ogc/collections/districts/items", {"name_en": "\x00"}),
    ],
)
def test_a_nul_character_in_a_value_is_a_400_not_a_500(client, enterprise, url, params):
    (parameter,) = params
    refused(client, url, parameter, **params)


@pytest.mark.parametrize("url", [LIST, STATS, ITEMS, EXPORT, "/api/v1/enterprises/export.geojson"])
@pytest.mark.parametrize(
    "parameter, value",
    [("year_max", "-41043616655786778751756989890560"), ("workers_min", str(2**31)), ("batch", str(2**63))],
)
def test_a_whole_number_beyond_its_column_is_a_400_not_a_500(client, enterprise, url, parameter, value):
    """Found by schemathesis: year_max beyond PostgreSQL's integer reached the database as an error."""
    message = refused(client, url, parameter, **{parameter: value})

    assert ("at least" if value.startswith("-") else "at most") in message


def test_a_whole_number_at_the_edge_of_its_column_is_answered(client, enterprise):
    response = client.get(
        LIST, {"year_max": str(2**31 - 1), "workers_min": str(-(2**31)), "batch": str(2**63 - 1)}
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    "url, params",
    [
        ("/api/v1/enterprises/export.geojson", {}),
        ("/api/v1/enterprises/export.csv", {}),
        (STATS, {"by": "district", "format": "geojson"}),
        (STATS, {"by": "district"}),
        (LIST, {}),
        (ITEMS, {}),
    ],
)
def test_filters_that_can_match_nothing_answer_empty_not_500(client, enterprise, url, params):
    """workers_max below any possible count: the ORM writes no SQL at all (EmptyResultSet), which the
    GeoJSON export and the choropleth once let through as a 500 (schemathesis)."""
    response = client.get(url, {**params, "workers_max": str(-(2**31))})

    assert response.status_code == 200, response.content[:300]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"Karatoya" not in body
    if url == STATS and params.get("format") == "geojson":
        features = json.loads(body)["features"]
        assert len(features) == 64 and all(f["properties"]["count"] == 0 for f in features)


@pytest.mark.parametrize(
    "path,params,key",
    [
        (LIST, {"size": "huge"}, "size"),
        (LIST, {"kind": "robot"}, "kind"),
        (LIST, {"sector": "ZZ"}, "sector"),
        (LIST, {"year_min": "abc"}, "year_min"),
        (LIST, {"survey": "nope"}, "survey"),
        ("/api/v1/stats/", {"by": "colour"}, "by"),
    ],
)
def test_a_bad_value_is_refused_in_english_and_bangla(client, path, params, key):
    """These were English only (or, for a number, in the browser's language only), and the Bangla map
    showed them in its banner as they were."""
    response = client.get(path, params)
    assert response.status_code == 400
    (message,) = response.json()[key]
    assert re.search("[a-z]{3}", message) and re.search("[\u0980-\u09ff]", message), message
    assert "none yet" not in message.split(" / ")[-1]
