"""/api/v1/places/: admin units by the beginning of a name, for the map's search box, with the box to zoom
to and the code the API's filters take."""

import json

import pytest

from industries.resolver import get_resolver

pytestmark = pytest.mark.django_db

URL = "/api/v1/places/"


def search(client, text: str) -> list[dict]:
    response = client.get(URL, {"q": text})
    assert response.status_code == 200, response.content.decode()[:500]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


@pytest.mark.parametrize(
    "text", ["Bogura", "বগুড়া", "\u09ac\u0997\u09c1\u09dc\u09be", "Bogra", "bog", "BOGURA district", "বগুড়া জেলা"]
)
def test_bogura_is_found_by_name_alias_bangla_and_beginning(client, text):
    places = search(client, text)
    district = next(p for p in places if p["level"] == "district")
    assert district["name_en"] == "Bogura" and district["code"] == "10" and district["division_code"] == "50"
    assert district["district_code"] == "10" and district["name_bn"] == "বগুড়া"
    west, south, east, north = district["bbox"]
    assert 88.9 < west < 89.3 and 89.5 < east < 89.8 and 24.5 < south < 24.8 and 25.0 < north < 25.2


def test_exact_names_come_first_then_by_level(client):
    places = search(client, "Bogura")
    assert [(p["level"], p["name_en"]) for p in places[:2]] == [
        ("district", "Bogura"),
        ("upazila", "Bogura Sadar"),
    ]
    rajshahi = search(client, "Rajshahi")
    assert [p["level"] for p in rajshahi[:2]] == ["division", "district"]
    levels = [p["level"] for p in search(client, "r")]
    assert len(levels) == 10 and levels == sorted(levels, key=["division", "district", "upazila"].index)


def test_an_upazila_has_its_geocode_which_the_filters_take(client):
    (sherpur,) = [
        p for p in search(client, "Sherpur") if p["level"] == "upazila" and p["district_code"] == "10"
    ]
    assert sherpur["code"] == get_resolver().resolve(sherpur["code"], level="upazila").geocode
    response = client.get("/api/v1/enterprises/", {"upazila": sherpur["code"]})
    assert response.status_code == 200


def test_a_text_that_names_nothing_finds_nothing(client):
    assert search(client, "Atlantis") == []
    assert search(client, "!!") == []


@pytest.mark.parametrize("params", [{}, {"q": ""}, {"q": "   "}, {"q": "x" * 101}])
def test_no_text_or_too_long_a_text_is_a_bilingual_400(client, params, settings):
    assert settings.API_MAX_QUERY_LENGTH == 100
    response = client.get(URL, params)
    assert response.status_code == 400
    message = " ".join(json.loads(response.content)["q"])
    assert "/" in message and any("\u0980" <= char <= "\u09ff" for char in message)


def test_the_search_is_in_the_api_schema(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    assert "/api/v1/places/" in schema["paths"]
