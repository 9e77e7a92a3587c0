"""The filters the documents describe are the FilterSet's: api.docs.FILTER_PARAMETERS (which /api/schema/
and /ogc/api are written from) names every filter that api.filters.EnterpriseFilterSet takes and no other,
so a filter added on one side only fails here."""

import json

import pytest

from api.docs import FILTER_PARAMETERS, PAGE_PARAMETERS
from api.filters import EnterpriseFilterSet

pytestmark = pytest.mark.django_db

FILTERS = set(EnterpriseFilterSet.base_filters)


def test_the_documented_filter_parameters_are_the_filtersets_filters():
    documented = [parameter.name for parameter in FILTER_PARAMETERS]
    assert len(documented) == len(set(documented)), documented  # each once
    assert set(documented) == FILTERS


def test_the_api_schema_documents_every_filter_of_the_list(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    parameters = schema["paths"]["/api/v1/enterprises/"]["get"]["parameters"]
    names = {p["name"] for p in parameters if p["in"] == "query"}
    assert names - {p.name for p in PAGE_PARAMETERS} == FILTERS


def test_the_ogc_api_definition_documents_every_filter_of_the_items(client):
    """Besides them the items take OGC's own parameters (limit, bbox, datetime, filter…) and one per
    queryable; bbox is both, under the one name."""
    definition = json.loads(client.get("/ogc/api").content)
    items = definition["paths"]["/collections/enterprises/items"]["get"]
    names = {p["name"] for p in items["parameters"] if "$ref" not in p}
    assert FILTERS - names == set()
