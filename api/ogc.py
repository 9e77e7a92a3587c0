"""OGC API – Features (Part 1: Core, GeoJSON, OpenAPI 3.0) at /ogc/, so that QGIS, ArcGIS and GDAL read
the enterprises and the admin units as layers, without a plugin.

The same data as /api/v1/ under the same rules: enterprise items go through the one FilterSet
(``enterprise_list``), show only what ``enterprise_columns`` lets the caller see, and come in keyset pages
built in PostGIS. The views are DRF views so that API keys work here as they do there.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

import orjson
from django.conf import settings
from django.db import connection
from django.db.models import F, Model, Q, QuerySet
from django.http import HttpResponse
from django.urls import re_path, reverse
from drf_spectacular.plumbing import build_basic_type
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle
from rest_framework.views import APIView

from industries.models import BANGLADESH_EXTENT, District, Division, Enterprise, Upazila

from . import cql2, docs
from .exceptions import bilingual
from .filters import EnterpriseFilterSet, parse_bbox, parse_keyed, refuse_nul, resolve_units, split_values
from .geojson import enterprise_page, features_json
from .negotiation import JSONWhateverAccepted
from .pagination import Cursor, page_size
from .selectors import PUBLIC_COLUMNS, enterprise_columns, enterprise_list, enterprise_values

app_name = "ogc"

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
SCHEMA_JSON = "application/schema+json"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    *cql2.CONFORMANCE,
]
# Parameters of every items request besides the filters. ``f`` is accepted and ignored: JSON is the only
# format, and clients copy ``f=json`` from links of other servers.
ITEMS_PARAMETERS = {"limit", "bbox", "datetime", "f", *cql2.FILTER_PARAMETERS}
# Admin boundaries in 5 decimals (~1 m) are finer than their ~160 m simplification.
ADMIN_COORDINATE_DECIMALS = 5


@dataclass(frozen=True)
class AdminCollection:
    model: type[Model]
    title: str
    description: str
    properties: dict[str, str]  # beyond codes and names: property name -> ORM path (parent codes…)
    filters: dict[str, str] = field(default_factory=dict)  # parameter (level) -> ORM path of its id

    @cached_property  # read from the model once; cached_property writes past the frozen dataclass
    def queryables(self) -> dict[str, cql2.Queryable]:
        columns = {name: name for name in ("geocode", "code", "name_en", "name_bn", "area_km2")}
        return cql2.queryables_of(self.model, {**columns, **self.properties})


ENTERPRISES = "enterprises"
ENTERPRISES_TITLE = "Enterprises · শিল্প প্রতিষ্ঠান"
ENTERPRISES_DESCRIPTION = (
    "Cottage, micro, small and medium enterprises with their location, size class and sector. "
    "Filter with the parameters of /api/v1/enterprises/ (district=Bogura, size=small, sector=C…)."
)
ADMIN_COLLECTIONS = {
    "divisions": AdminCollection(Division, "Divisions · বিভাগ", "The 8 divisions (BBS codes).", {}),
    "districts": AdminCollection(
        District,
        "Districts · জেলা",
        "The 64 districts, with the code of their division.",
        {"division_code": "division__code"},
        {"division": "division_id"},
    ),
    "upazilas": AdminCollection(
        Upazila,
        "Upazilas · উপজেলা",
        "Upazilas and city corporations, with the codes of their district and division.",
        {
            "division_code": "district__division__code",
            "district_code": "district__code",
            "unit_type": "unit_type",
        },
        {"division": "district__division_id", "district": "district_id"},
    ),
}
COLLECTION_IDS = [ENTERPRISES, *ADMIN_COLLECTIONS]
# Every public property but the id (which is the feature's id) can be filtered on; personal fields never,
# whoever asks, so that a filter cannot be used to test guesses of an owner's phone or NID.
ENTERPRISE_QUERYABLES = cql2.queryables_of(
    Enterprise, {name: path for name, path in PUBLIC_COLUMNS.items() if name != "id"}
)

ADMIN_FEATURE = (
    "json_build_object('type', 'Feature', 'id', p.geocode, "
    f"'geometry', ST_AsGeoJSON(p.location, {ADMIN_COORDINATE_DECIMALS})::json, "
    "'properties', to_jsonb(p) - 'location')"
)


class OGCAnonRateThrottle(AnonRateThrottle):
    """GIS clients page in small steps (GDAL 3.6 asks for 10 features a request), so their requests are
    counted apart from the REST API's, at the ``ogc_anon`` rate if the settings name one, else at ``anon``."""

    scope = "ogc_anon"

    def get_rate(self):
        return self.THROTTLE_RATES.get(self.scope) or self.THROTTLE_RATES.get("anon")


class OGCView(APIView):
    permission_classes = [AllowAny]
    throttle_classes = [OGCAnonRateThrottle, UserRateThrottle]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONWhateverAccepted
    schema = None  # described by /ogc/api, not by the REST API's schema


def json_response(data, content_type: str = JSON) -> HttpResponse:
    return HttpResponse(orjson.dumps(data), content_type=content_type)


def _url(request, name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(f"ogc:{name}", kwargs=kwargs or None))


def _link(href: str, rel: str, type_: str, title: str = "") -> dict:
    return {"href": href, "rel": rel, "type": type_, **({"title": title} if title else {})}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# --- metadata ---------------------------------------------------------------------------------------------


class LandingPage(OGCView):
    def get(self, request):
        return json_response(
            {
                "title": "BSCIC industry GIS · বিসিক শিল্প জিআইএস",
                "description": "Enterprises and admin units of Bangladesh as OGC API – Features.",
                "links": [
                    _link(_url(request, "landing"), "self", JSON, "This document"),
                    _link(_url(request, "api"), "service-desc", OPENAPI, "The API definition"),
                    _link(_url(request, "conformance"), "conformance", JSON, "Conformance classes"),
                    _link(
                        _url(request, "conformance"),
                        "http://www.opengis.net/def/rel/ogc/1.0/conformance",
                        JSON,
                        "Conformance classes",
                    ),
                    _link(_url(request, "collections"), "data", JSON, "The collections"),
                    _link(
                        _url(request, "collections"),
                        "http://www.opengis.net/def/rel/ogc/1.0/data",
                        JSON,
                        "The collections",
                    ),
                ],
            }
        )


class Conformance(OGCView):
    def get(self, request):
        return json_response({"conformsTo": CONFORMANCE})


def _collection(request, collection_id: str) -> dict:
    if collection_id == ENTERPRISES:
        title, description = ENTERPRISES_TITLE, ENTERPRISES_DESCRIPTION
        # Open at both ends: ``updated`` has no index, and the ends are not worth a scan of every row.
        temporal = {"temporal": {"interval": [[None, None]], "trs": GREGORIAN}}
    else:
        collection = ADMIN_COLLECTIONS[collection_id]
        title, description, temporal = collection.title, collection.description, {}
    return {
        "id": collection_id,
        "title": title,
        "description": description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": {"spatial": {"bbox": [list(BANGLADESH_EXTENT)], "crs": CRS84}, **temporal},
        "links": [
            _link(_url(request, "collection", collection_id=collection_id), "self", JSON, title),
            _link(_url(request, "items", collection_id=collection_id), "items", GEOJSON, title),
            _link(_url(request, "queryables", collection_id=collection_id), QUERYABLES_REL, SCHEMA_JSON),
        ],
    }


def _known_collection(collection_id: str) -> str:
    if collection_id not in COLLECTION_IDS:
        raise NotFound(f"No collection {collection_id!r}; the collections are {', '.join(COLLECTION_IDS)}.")
    return collection_id


class CollectionList(OGCView):
    def get(self, request):
        return json_response(
            {
                "links": [_link(_url(request, "collections"), "self", JSON, "The collections")],
                "collections": [_collection(request, collection_id) for collection_id in COLLECTION_IDS],
            }
        )


class CollectionDetail(OGCView):
    def get(self, request, collection_id: str):
        return json_response(_collection(request, _known_collection(collection_id)))


# --- query parameters -------------------------------------------------------------------------------------


def parse_limit(params) -> int:
    return page_size(params, param="limit", above_maximum="cap", default=settings.OGC_PAGE_SIZE)


def ogc_bbox(text: str) -> str:
    """OGC allows a 3D bbox (minx,miny,minz,maxx,maxy,maxz); the points are flat, so its heights go."""
    values = text.split(",")
    if len(values) == 6:
        return ",".join(values[:2] + values[3:5])
    return text


def _instant(text: str, *, end: bool) -> datetime:
    """A date is its whole (UTC) day: its start as a lower bound, the next day's start as an upper one."""
    try:
        if "T" not in text.upper():
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1 if end else 0), datetime.min.time(), UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            {
                "datetime": bilingual(
                    f"{text}: not an RFC 3339 date or date-time, e.g. 2024-01-31T12:00:00Z.",
                    f"{text}: RFC 3339 তারিখ বা তারিখ-সময় নয়, যেমন 2024-01-31T12:00:00Z।",
                )
            }
        ) from None
    except OverflowError:  # the day after 9999-12-31
        raise ValidationError(
            {
                "datetime": bilingual(
                    f"{text}: past the last date this API can compare; give an open end (..) instead.",
                    f"{text}: এই তারিখের সাথে তুলনা করা যায় না; খোলা প্রান্ত (..) দিন।",
                )
            }
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def datetime_condition(text: str, *, field_name: str) -> Q:
    """``datetime`` as a condition on ``field_name``: an instant, a date (that day), or an interval
    ``start/end`` with ``..`` (or nothing) for an open end."""
    text = text.strip()
    if "/" not in text:
        if "T" in text.upper():
            return Q(**{field_name: _instant(text, end=False)})
        return Q(
            **{f"{field_name}__gte": _instant(text, end=False), f"{field_name}__lt": _instant(text, end=True)}
        )
    start_text, end_text = (part.strip() for part in text.split("/", 1))
    start = None if start_text in ("", "..") else _instant(start_text, end=False)
    end = None if end_text in ("", "..") else _instant(end_text, end=True)
    if start is None and end is None:
        raise ValidationError({"datetime": "An interval needs at least one end, e.g. 2024-01-01/.."})
    if start and end and start > end:
        raise ValidationError({"datetime": "The interval ends before it starts."})
    condition = Q()
    if start:
        condition &= Q(**{f"{field_name}__gte": start})
    if end:
        # A date-time end is inclusive; a date end is already the start of the next day.
        condition &= Q(**{f"{field_name}__lte" if "T" in end_text.upper() else f"{field_name}__lt": end})
    return condition


def _refuse_unknown(params, known: set[str]) -> None:
    """OGC API – Features asks for a 400 on a parameter the API does not define: a misspelt filter
    (``distrct=Bogura``) would otherwise silently return everything."""
    refuse_nul(params)
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValidationError(
            {
                name: f"Not a parameter of this collection; known: {', '.join(sorted(known))}."
                for name in unknown
            }
        )


def _page_url(request, items_url: str, **changes) -> str:
    params = request.query_params.copy()
    for name, value in changes.items():
        params[name] = value
    return f"{items_url}?{params.urlencode()}"


# --- items ------------------------------------------------------------------------------------------------

ENTERPRISE_FILTERS = set(EnterpriseFilterSet.base_filters)
ENTERPRISE_PARAMETERS = ITEMS_PARAMETERS | ENTERPRISE_FILTERS | set(ENTERPRISE_QUERYABLES) | {"cursor"}


def queryable_conditions(params, queryables: dict[str, cql2.Queryable], *, skip: set[str]) -> Q:
    """``filter=`` (CQL2 text) and queryables given as parameters, both as conditions on the collection."""
    condition = cql2.filter_condition(params, queryables)
    return condition & cql2.parameter_conditions(params, queryables, skip=skip)


def enterprise_items(request) -> dict:
    """One keyset page of the filtered enterprises, as in EnterpriseList.get, with OGC's names."""
    params = request.query_params
    _refuse_unknown(params, ENTERPRISE_PARAMETERS)
    filters = params.copy()
    if filters.get("bbox"):
        filters["bbox"] = ogc_bbox(filters["bbox"])
    queryset = enterprise_list(params=filters).filter(
        queryable_conditions(params, ENTERPRISE_QUERYABLES, skip=ENTERPRISE_FILTERS)
    )
    if params.get("datetime"):
        queryset = queryset.filter(datetime_condition(params["datetime"], field_name="updated"))
    cursor = Cursor.decode(params["cursor"]) if params.get("cursor") else None
    # QGIS and GDAL take numberMatched of a first page as the layer's feature count, and trust it: it is
    # counted exactly there, however many. Later pages are not counted, which spares each of them a
    # count(*) (most of a 1,000-feature page's time at a million rows).
    page = enterprise_page(
        queryset,
        user=request.user,
        size=parse_limit(params),
        cursor=cursor,
        count=cursor is None,
        exact_up_to=settings.OGC_EXACT_COUNT_LIMIT,
    )

    items_url = _url(request, "items", collection_id=ENTERPRISES)
    links = [
        _link(request.build_absolute_uri(), "self", GEOJSON),
        _link(_url(request, "collection", collection_id=ENTERPRISES), "collection", JSON),
    ]
    for rel, page_cursor in (("next", page.next_cursor), ("prev", page.prev_cursor)):
        if page_cursor:
            links.append(_link(_page_url(request, items_url, cursor=page_cursor.encode()), rel, GEOJSON))
    return {
        "type": "FeatureCollection",
        "timeStamp": _now(),
        # Only when counted exactly: a planner's estimate would make clients stop early or wait for more.
        **({"numberMatched": page.matched} if page.matched_exact else {}),
        "numberReturned": page.returned,
        "links": links,
        "features": orjson.Fragment(page.features),
    }


def _admin_rows(collection: AdminCollection) -> QuerySet:
    renamed = {name: F(path) for name, path in collection.properties.items() if name != path}
    plain = [name for name, path in collection.properties.items() if name == path]
    return collection.model.objects.order_by("geocode").values(
        "geocode", "code", "name_en", "name_bn", "area_km2", *plain, location=F("geom_simple"), **renamed
    )


def _admin_features(rows: QuerySet) -> str:
    """Raw SQL for the same reason as api.geojson: PostGIS writes the GeoJSON, Python never holds a shape."""
    inner, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(json_agg({ADMIN_FEATURE} ORDER BY p.geocode), '[]')::text FROM ({inner}) AS p",
            params,
        )
        return cursor.fetchone()[0]


def admin_items(request, collection_id: str) -> dict:
    """At most 507 small shapes: offset paging costs nothing here."""
    collection = ADMIN_COLLECTIONS[collection_id]
    params = request.query_params
    queryables = collection.queryables
    _refuse_unknown(params, ITEMS_PARAMETERS | set(collection.filters) | set(queryables) | {"offset"})
    queryset = _admin_rows(collection).filter(
        queryable_conditions(params, queryables, skip=set(collection.filters))
    )
    for level, path in collection.filters.items():
        if params.get(level):
            units = resolve_units(split_values(params.getlist(level)), level=level)
            queryset = queryset.filter(**{f"{path}__in": [unit.id for unit in units]})
    if params.get("bbox"):
        box = parse_keyed("bbox", parse_bbox, ogc_bbox(params["bbox"]))
        queryset = queryset.filter(geom_simple__intersects=box)
    if params.get("datetime"):
        # Checked so that a malformed value is a 400 as everywhere; boundaries have no time to filter on.
        datetime_condition(params["datetime"], field_name="updated")
    size = parse_limit(params)
    try:
        offset = int(params.get("offset") or 0)
    except ValueError:
        raise ValidationError({"offset": bilingual("A whole number.", "একটি পূর্ণসংখ্যা দিন।")}) from None
    if offset < 0:
        raise ValidationError({"offset": bilingual("Cannot be negative.", "ঋণাত্মক হতে পারে না।")})
    matched = queryset.count()
    # Past the end is an empty page, and is not asked of the database, whose OFFSET is a bigint.
    features = _admin_features(queryset[offset : offset + size]) if offset < matched else "[]"

    items_url = _url(request, "items", collection_id=collection_id)
    links = [
        _link(request.build_absolute_uri(), "self", GEOJSON),
        _link(_url(request, "collection", collection_id=collection_id), "collection", JSON),
    ]
    if offset + size < matched:
        links.append(_link(_page_url(request, items_url, offset=offset + size), "next", GEOJSON))
    if offset > 0:
        links.append(_link(_page_url(request, items_url, offset=max(0, offset - size)), "prev", GEOJSON))
    return {
        "type": "FeatureCollection",
        "timeStamp": _now(),
        "numberMatched": matched,
        "numberReturned": max(0, min(size, matched - offset)),
        "links": links,
        "features": orjson.Fragment(features),
    }


class Items(OGCView):
    def get(self, request, collection_id: str):
        if _known_collection(collection_id) == ENTERPRISES:
            return json_response(enterprise_items(request), GEOJSON)
        return json_response(admin_items(request, collection_id), GEOJSON)


class Queryables(OGCView):
    def get(self, request, collection_id: str):
        if _known_collection(collection_id) == ENTERPRISES:
            queryables, title = ENTERPRISE_QUERYABLES, ENTERPRISES_TITLE
        else:
            collection = ADMIN_COLLECTIONS[collection_id]
            queryables, title = collection.queryables, collection.title
        url = _url(request, "queryables", collection_id=collection_id)
        return json_response(cql2.queryables_document(queryables, url=url, title=title), SCHEMA_JSON)


class Item(OGCView):
    def get(self, request, collection_id: str, feature_id: str):
        missing = NotFound(f"No feature {feature_id!r} in {_known_collection(collection_id)}.")
        if collection_id == ENTERPRISES:
            # Digits too many for a bigint name no enterprise, and the database would refuse to compare them.
            if not (feature_id.isdigit() and len(feature_id) < 19):
                raise missing
            rows = Enterprise.objects.live().filter(pk=int(feature_id))
            values = enterprise_values(rows, columns=enterprise_columns(user=request.user))
            features = orjson.loads(features_json(values))
        else:
            rows = _admin_rows(ADMIN_COLLECTIONS[collection_id]).filter(geocode=feature_id)
            features = orjson.loads(_admin_features(rows))
        if not features:
            raise missing
        feature = features[0]
        feature["links"] = [
            _link(request.build_absolute_uri(), "self", GEOJSON),
            _link(_url(request, "collection", collection_id=collection_id), "collection", JSON),
        ]
        return json_response(feature, GEOJSON)


# --- API definition ---------------------------------------------------------------------------------------


def _openapi_parameter(parameter) -> dict:
    """A drf-spectacular parameter of api.docs as plain OpenAPI 3.0, so /ogc/api and /api/schema/ describe
    the filters in the same words."""
    schema = dict(parameter.type) if isinstance(parameter.type, dict) else build_basic_type(parameter.type)
    if parameter.enum:
        schema["enum"] = list(parameter.enum)
    if parameter.pattern:
        schema["pattern"] = parameter.pattern
    if parameter.many:
        schema = {"type": "array", "items": schema}
    result = {"name": parameter.name, "in": "query", "required": False, "schema": schema}
    if parameter.description:
        result["description"] = parameter.description
    if parameter.many:
        result.update(style="form", explode=False)
    if parameter.examples:
        result["example"] = parameter.examples[0].value
    return result


def limit_parameter() -> dict:
    """QGIS and GDAL read the page size they ask for from components/parameters/limit, and only there."""
    return {
        "name": "limit",
        "in": "query",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": {
            "type": "integer",
            "minimum": 1,
            "maximum": settings.API_MAX_PAGE_SIZE,
            "default": settings.OGC_PAGE_SIZE,
        },
        "description": "Features per page; above the maximum, the maximum.",
        "allowEmptyValue": True,
    }


FILTER_LANG = "cql2-text"
COMMON_ITEMS_PARAMETERS = [
    {"$ref": "#/components/parameters/limit"},
    {
        "name": "bbox",
        "in": "query",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        "description": "minlon,minlat,maxlon,maxlat in CRS84.",
    },
    {
        "name": "datetime",
        "in": "query",
        "required": False,
        "style": "form",
        "explode": False,
        "schema": {"type": "string"},
        "description": "On the time of the last change: an instant, a date, or an interval a/b, ../b, a/..",
    },
    {
        "name": "f",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Accepted and ignored: every answer is JSON (clients copy f=json from other servers).",
    },
    {
        "name": "filter",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "maxLength": cql2.MAX_FILTER_LENGTH},
        "description": "CQL2 text on the collection's queryables, e.g. size_class = 'small' AND "
        "workers_total >= 10 (=, <>, <, <=, >, >=, IS NULL, LIKE, BETWEEN, IN, AND, OR, NOT).",
    },
    {
        "name": "filter-lang",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": [FILTER_LANG], "default": FILTER_LANG},
    },
    {"name": "filter-crs", "in": "query", "required": False, "schema": {"type": "string", "enum": [CRS84]}},
]


def queryable_parameters(queryables: dict[str, cql2.Queryable], *, besides: set[str]) -> list[dict]:
    """Each queryable as an equality parameter (Part 3, queryables-query-parameters), in the form QGIS
    3.22 looks for to send a filter to the server (query, style form, no explode, a scalar type)."""
    return [
        {
            "name": name,
            "in": "query",
            "required": False,
            "style": "form",
            "explode": False,
            "schema": queryable.schema(),
            "description": f"Features whose {name} equals this.",
        }
        for name, queryable in queryables.items()
        if name not in besides
    ]


def _with_empty_values(parameter: dict) -> dict:
    """An empty query value means "not given" here, as on the REST API (its schema says the same)."""
    if parameter.get("in") == "query" and not parameter.get("required"):
        return {**parameter, "allowEmptyValue": True}
    return parameter


def _operation(operation_id: str, summary: str, content_type: str, parameters=()) -> dict:
    return {
        "get": {
            "operationId": operation_id,
            "summary": summary,
            "parameters": [_with_empty_values(parameter) for parameter in parameters],
            "responses": {
                "200": {"description": summary, "content": {content_type: {"schema": {"type": "object"}}}},
                "400": {"description": "A parameter is invalid; the body says which and why."},
                "404": {"description": "No such collection or feature."},
            },
        }
    }


def openapi_document(request) -> dict:
    feature_id = {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}}
    collection_id = {
        "name": "collectionId",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": COLLECTION_IDS},
    }
    enterprise_filters = [_openapi_parameter(p) for p in docs.FILTER_PARAMETERS if p.name != "bbox"]
    cursor = {
        "name": "cursor",
        "in": "query",
        "required": False,
        "schema": {"type": "string"},
        "description": "Opaque; follow the next/prev links.",
    }
    paths = {
        "/": _operation("getLandingPage", "Landing page", JSON),
        "/conformance": _operation("getConformanceDeclaration", "Conformance classes", JSON),
        "/api": _operation("getAPIDefinition", "This document", OPENAPI),
        "/collections": _operation("getCollections", "The collections", JSON),
        "/collections/{collectionId}": _operation(
            "describeCollection", "One collection", JSON, [collection_id]
        ),
        f"/collections/{ENTERPRISES}/items": _operation(
            "getEnterprises",
            ENTERPRISES_TITLE,
            GEOJSON,
            [
                *COMMON_ITEMS_PARAMETERS,
                *enterprise_filters,
                *queryable_parameters(ENTERPRISE_QUERYABLES, besides=ENTERPRISE_FILTERS),
                cursor,
            ],
        ),
        f"/collections/{ENTERPRISES}/items/{{featureId}}": _operation(
            "getEnterprise", "One enterprise", GEOJSON, [feature_id]
        ),
        f"/collections/{ENTERPRISES}/queryables": _operation(
            "getEnterprisesQueryables", "Queryables of enterprises", SCHEMA_JSON
        ),
    }
    offset = {"name": "offset", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 0}}
    for name, collection in ADMIN_COLLECTIONS.items():
        filters = [
            {"name": level, "in": "query", "required": False, "schema": {"type": "string"}}
            for level in collection.filters
        ]
        paths[f"/collections/{name}/items"] = _operation(
            f"get{name.title()}",
            collection.title,
            GEOJSON,
            [
                *COMMON_ITEMS_PARAMETERS,
                *filters,
                *queryable_parameters(collection.queryables, besides=set(collection.filters)),
                offset,
            ],
        )
        paths[f"/collections/{name}/queryables"] = _operation(
            f"get{name.title()}Queryables", f"Queryables of {name}", SCHEMA_JSON
        )
        paths[f"/collections/{name}/items/{{featureId}}"] = _operation(
            f"get{name.title()[:-1]}", f"One of {name}, by geocode", GEOJSON, [feature_id]
        )
    return {
        "openapi": "3.0.3",
        "info": {"title": "BSCIC industry GIS · OGC API – Features", "version": "1.0.0"},
        "servers": [{"url": _url(request, "landing").rstrip("/")}],
        "paths": paths,
        "components": {"parameters": {"limit": limit_parameter()}},
    }


class APIDefinition(OGCView):
    def get(self, request):
        return json_response(openapi_document(request), OPENAPI)


# GDAL and QGIS build URLs without a trailing slash, browsers and people add one: both are served.
urlpatterns = [
    re_path(r"^$", LandingPage.as_view(), name="landing"),
    re_path(r"^conformance/?$", Conformance.as_view(), name="conformance"),
    re_path(r"^api/?$", APIDefinition.as_view(), name="api"),
    re_path(r"^collections/?$", CollectionList.as_view(), name="collections"),
    re_path(r"^collections/(?P<collection_id>[\w-]+)/?$", CollectionDetail.as_view(), name="collection"),
    re_path(r"^collections/(?P<collection_id>[\w-]+)/items/?$", Items.as_view(), name="items"),
    re_path(r"^collections/(?P<collection_id>[\w-]+)/queryables/?$", Queryables.as_view(), name="queryables"),
    re_path(
        r"^collections/(?P<collection_id>[\w-]+)/items/(?P<feature_id>[^/]+)/?$", Item.as_view(), name="item"
    ),
]
