"""The API definition at /ogc/api (OpenAPI 3.0), which QGIS and GDAL read to learn the collections, their
parameters and the page size. Each collection's paths are built from its provider (``providers``)."""

from django.conf import settings
from drf_spectacular.plumbing import build_basic_type

from .. import cql2
from ..responses import GEOJSON, JSON

OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
SCHEMA_JSON = "application/schema+json"


def query_parameter(name: str, schema: dict, description: str = "", *, form: bool = False, **more) -> dict:
    """``form``: style form, no explode, the form QGIS 3.22 looks for to send a filter to the server. An
    empty value means "not given" here, as on the REST API (its schema says the same)."""
    style = {"style": "form", "explode": False} if form else {}
    described = {"description": description} if description else {}
    parameter = {"name": name, "in": "query", "required": False, **style, "schema": schema, **described}
    return {**parameter, **more, "allowEmptyValue": True}


def openapi_parameter(parameter) -> dict:
    """A drf-spectacular parameter of api.docs as plain OpenAPI 3.0, so /ogc/api and /api/schema/ describe
    the filters in the same words."""
    schema = dict(parameter.type) if isinstance(parameter.type, dict) else build_basic_type(parameter.type)
    if parameter.enum:
        schema["enum"] = list(parameter.enum)
    if parameter.pattern:
        schema["pattern"] = parameter.pattern
    if parameter.many:
        schema = {"type": "array", "items": schema}
    example = {"example": parameter.examples[0].value} if parameter.examples else {}
    return query_parameter(
        parameter.name, schema, parameter.description or "", form=parameter.many, **example
    )


def limit_parameter() -> dict:
    """QGIS and GDAL read the page size they ask for from components/parameters/limit, and only there."""
    maximum, default = settings.API_MAX_PAGE_SIZE, settings.OGC_PAGE_SIZE
    schema = {"type": "integer", "minimum": 1, "maximum": maximum, "default": default}
    return query_parameter("limit", schema, "Features per page; above the maximum, the maximum.", form=True)


FILTER_LANG = "cql2-text"
COMMON_ITEMS_PARAMETERS = [
    {"$ref": "#/components/parameters/limit"},
    query_parameter(
        "bbox",
        {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        "minlon,minlat,maxlon,maxlat in CRS84.",
        form=True,
    ),
    query_parameter(
        "datetime",
        {"type": "string"},
        "On the time of the last change: an instant, a date, or an interval a/b, ../b, a/..",
        form=True,
    ),
    query_parameter(
        "f",
        {"type": "string"},
        "Accepted and ignored: every answer is JSON (clients copy f=json from other servers).",
    ),
    query_parameter(
        "filter",
        {"type": "string", "maxLength": cql2.MAX_FILTER_LENGTH},
        "CQL2 text on the collection's queryables, e.g. size_class = 'small' AND workers_total >= 10 "
        "(=, <>, <, <=, >, >=, IS NULL, LIKE, BETWEEN, IN, AND, OR, NOT).",
    ),
    query_parameter("filter-lang", {"type": "string", "enum": [FILTER_LANG], "default": FILTER_LANG}),
    query_parameter("filter-crs", {"type": "string", "enum": [CRS84]}),
]


def queryable_parameters(queryables: dict[str, cql2.Queryable], *, besides) -> list[dict]:
    """Each queryable as an equality parameter (Part 3, queryables-query-parameters)."""
    return [
        query_parameter(name, queryable.schema(), f"Features whose {name} equals this.", form=True)
        for name, queryable in queryables.items()
        if name not in besides
    ]


def _operation(operation_id: str, summary: str, content_type: str, parameters=(), description="") -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            **({"description": description} if description else {}),
            "parameters": list(parameters),
            "responses": {
                "200": {"description": summary, "content": {content_type: {"schema": {"type": "object"}}}},
                "400": {"description": "A parameter is invalid; the body says which and why."},
                "404": {"description": "No such collection or feature."},
            },
        }
    }


def openapi_document(providers, *, server: str) -> dict:
    """The definition of the API at ``server`` with the collections of ``providers``."""
    collection_id = {
        "name": "collectionId",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": [provider.id for provider in providers]},
    }
    feature_id = {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}}
    paths = {
        "/": _operation("getLandingPage", "Landing page", JSON),
        "/conformance": _operation("getConformanceDeclaration", "Conformance classes", JSON),
        "/api": _operation("getAPIDefinition", "This document", OPENAPI),
        "/collections": _operation("getCollections", "The collections", JSON),
        "/collections/{collectionId}": _operation(
            "describeCollection", "One collection", JSON, [collection_id]
        ),
    }
    for provider in providers:
        name, items = provider.id.title(), f"/collections/{provider.id}/items"
        parameters = [*COMMON_ITEMS_PARAMETERS, *provider.parameters()]
        paths[items] = _operation(
            f"get{name}", provider.title, GEOJSON, parameters, provider.items_description
        )
        paths[f"{items}/{{featureId}}"] = _operation(
            f"get{name[:-1]}", provider.item_summary, GEOJSON, [feature_id]
        )
        paths[f"/collections/{provider.id}/queryables"] = _operation(
            f"get{name}Queryables", f"Queryables of {provider.id}", SCHEMA_JSON
        )
    return {
        "openapi": "3.0.3",
        "info": {"title": "BSCIC industry GIS · OGC API – Features", "version": "1.0.0"},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"parameters": {"limit": limit_parameter()}},
    }
