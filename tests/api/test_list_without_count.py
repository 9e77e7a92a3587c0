"""count=false: a page of enterprises without counting every match (the map's results list asks for one
page of the view; counting a district's bbox at a million rows cost more than the page)."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db


def test_count_false_returns_the_same_page_without_counting(client):
    located_enterprises([(89.3697 + i * 0.001, 24.8465) for i in range(5)])

    counted = json.loads(client.get("/api/v1/enterprises/", {"district": "10", "page_size": 2}).content)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/enterprises/", {"district": "10", "page_size": 2, "count": "false"})
    uncounted = json.loads(response.content)

    assert counted["numberMatched"] == 5
    assert uncounted["numberMatched"] is None and uncounted["numberMatchedExact"] is False
    assert [f["id"] for f in uncounted["features"]] == [f["id"] for f in counted["features"]]
    assert uncounted["next"] and "count=false" in uncounted["next"]
    # Neither the planner's estimate nor a count(*) of the matches: only the page's own query.
    counts = [
        q
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("SELECT COUNT", "EXPLAIN"))
    ]
    assert counts == []


def test_count_takes_only_yes_or_no(client):
    response = client.get("/api/v1/enterprises/", {"count": "maybe"})

    assert response.status_code == 400
    assert "count" in json.loads(response.content)


def test_an_empty_count_means_not_given(client):
    """count= is "not given", as every empty query value is (the schema says so; schemathesis sent it)."""
    located_enterprises([(89.3697, 24.8465)])

    response = client.get("/api/v1/enterprises/", {"count": ""})

    assert response.status_code == 200
    assert json.loads(response.content)["numberMatched"] == 1
