"""The stats choropleth gives each area its area_km2 and its enterprises per km² (per_km2, 4 decimals),
null where small-group suppression hides the count."""

import json

import pytest

from industries.models import District
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"


def districts(client, **params) -> dict[str, dict]:
    response = client.get(URL, {"by": "district", "format": "geojson", **params})
    assert response.status_code == 200, response.content[:500]
    return {
        f["properties"]["district_code"]: f["properties"] for f in json.loads(response.content)["features"]
    }


def test_per_km2_is_the_count_over_the_area(client, bogura):
    located_enterprises([BOGURA_TOWN] * 7)
    by_code = districts(client)
    assert by_code["10"]["area_km2"] == pytest.approx(bogura.area_km2)
    assert by_code["10"]["per_km2"] == round(7 / bogura.area_km2, 4) and by_code["10"]["per_km2"] > 0
    dhaka = District.objects.get(name_en="Dhaka")
    assert by_code[dhaka.code]["per_km2"] == 0 and by_code[dhaka.code]["area_km2"] == pytest.approx(
        dhaka.area_km2
    )
    assert all(area["area_km2"] > 0 for area in by_code.values())


def test_a_suppressed_area_has_no_density(client, settings, naogaon):
    assert settings.API_SUPPRESS_BELOW == 3
    located_enterprises([NAOGAON_TOWN] * 2)
    area = districts(client)[naogaon.code]
    assert area["suppressed"] is True and area["count"] is None and area["per_km2"] is None
    assert area["area_km2"] == pytest.approx(naogaon.area_km2)


def test_divisions_and_upazilas_have_densities_too(client, bogura_sadar):
    located_enterprises([BOGURA_TOWN] * 3)
    for level in ("division", "upazila"):
        response = client.get(URL, {"by": level, "format": "geojson"})
        features = json.loads(response.content)["features"]
        assert all("per_km2" in f["properties"] and f["properties"]["area_km2"] > 0 for f in features)
    upazilas = json.loads(client.get(URL, {"by": "upazila", "format": "geojson"}).content)["features"]
    sadar = next(f["properties"] for f in upazilas if f["properties"]["upazila_code"] == bogura_sadar.geocode)
    assert sadar["per_km2"] == round(3 / bogura_sadar.area_km2, 4)
