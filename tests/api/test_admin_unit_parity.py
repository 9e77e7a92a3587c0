"""/api/v1/<level>s/ and the OGC collection of the same level take the same parent filters (names, codes,
Bangla, comma lists, repeated parameters) and answer the same units: both read them through
api.admin_units."""

import json

import pytest

pytestmark = pytest.mark.django_db

FILTERS = [
    ("districts", {}),
    ("districts", {"division": "Rajshahi"}),
    ("districts", {"division": "Rajshahi,Dhaka"}),
    ("districts", {"division": ["Rajshahi", "Dhaka"]}),
    ("districts", {"division": ["50", "ঢাকা,Khulna"]}),
    ("upazilas", {"district": "Bogura,Naogaon"}),
    ("upazilas", {"district": ["10", "নওগাঁ"]}),
    ("upazilas", {"division": "Rajshahi", "district": "Bogura,Dhaka"}),
    ("upazilas", {"division": "Khulna", "district": "Bogura"}),
]


def rest_units(client, level: str, params: dict) -> list[str]:
    response = client.get(f"/api/v1/{level}/", {**params, "geometry": "false"})
    assert response.status_code == 200, response.content.decode()[:2000]
    return [unit["geocode"] for unit in json.loads(response.content)]


def ogc_units(client, level: str, params: dict) -> list[str]:
    response = client.get(f"/ogc/collections/{level}/items", params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return [feature["id"] for feature in json.loads(response.content)["features"]]


@pytest.mark.parametrize(("level", "params"), FILTERS)
def test_the_rest_list_and_the_ogc_collection_answer_the_same_units(client, level, params):
    assert rest_units(client, level, params) == ogc_units(client, level, params)


def test_a_comma_list_is_the_units_of_each_value(client):
    both = rest_units(client, "districts", {"division": "Rajshahi,Dhaka"})
    rajshahi = rest_units(client, "districts", {"division": "Rajshahi"})
    dhaka = rest_units(client, "districts", {"division": "Dhaka"})
    assert len(rajshahi) == 8 and dhaka
    assert both == sorted(rajshahi + dhaka)
    assert rest_units(client, "districts", {"division": ["Rajshahi", "Dhaka"]}) == both
    assert rest_units(client, "upazilas", {"division": "Khulna", "district": "Bogura"}) == []


@pytest.mark.parametrize("level", ["districts", "upazilas"])
def test_a_name_that_names_nothing_is_the_same_400_on_both(client, level):
    params = {"division": "Rajshahi,Atlantis"}
    rest = client.get(f"/api/v1/{level}/", params)
    ogc = client.get(f"/ogc/collections/{level}/items", params)
    assert rest.status_code == ogc.status_code == 400
    assert json.loads(rest.content)["division"] == json.loads(ogc.content)["division"]


def test_each_level_documents_the_parent_filters_it_takes_and_no_other(client):
    """A division list documented with division= and district= ignored them: the schema promised a filter
    the list did not apply (schemathesis found the list accepting a value its schema refuses)."""
    paths = json.loads(client.get("/api/schema/", {"format": "json"}).content)["paths"]
    documented = {
        level: sorted(p["name"] for p in paths[f"/api/v1/{level}/"]["get"]["parameters"])
        for level in ("divisions", "districts", "upazilas")
    }
    assert documented == {
        "divisions": ["geometry", "simplify"],
        "districts": ["division", "geometry", "simplify"],
        "upazilas": ["district", "division", "geometry", "simplify"],
    }
