"""The boundary endpoints' answers are kept in the cache under the version of the boundaries: simplifying
64 districts' shapes took ~0.3 s at every request, the national map's slowest on its first render."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industries.data_version import boundaries_version_bump

pytestmark = pytest.mark.django_db
URL = "/api/v1/districts/"


def shapes_made(client, **params) -> tuple[bool, object]:
    """(whether the request simplified boundaries in PostGIS, the response)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return any("ST_SimplifyPreserveTopology" in q["sql"] for q in queries.captured_queries), response


def test_an_answer_is_made_once_per_version_of_the_boundaries(client):
    made, first = shapes_made(client, simplify=200)
    assert made
    made, again = shapes_made(client, simplify=200)
    assert not made and again.content == first.content and again["Content-Type"] == first["Content-Type"]

    boundaries_version_bump()  # what a load of the geography does
    made, after = shapes_made(client, simplify=200)
    assert made and after.content == first.content


def test_each_query_has_an_answer_of_its_own(client):
    national = json.loads(shapes_made(client, simplify=200)[1].content)["features"]
    coarser = json.loads(shapes_made(client, simplify=500)[1].content)["features"]
    rajshahi = json.loads(shapes_made(client, simplify=200, division="Rajshahi")[1].content)["features"]
    plain = shapes_made(client, geometry="false")[1]
    assert len(national) == len(coarser) == 64 and national != coarser
    assert len(rajshahi) == 8 and {f["properties"]["division_code"] for f in rajshahi} == {"50"}
    assert plain["Content-Type"] == "application/json" and len(json.loads(plain.content)) == 64
    assert client.get(URL, {"division": "Atlantis"}).status_code == 400  # checked before the cache
