"""The collections of /ogc/, one provider class each, as pygeoapi's feature providers are: what the
collection is (``describe``), what can be filtered on (``queryables``), a page of features (``items``) and
one feature (``item``). The views ask ``PROVIDERS`` for a collection and never look at which it is; adding
a collection is one class and one entry there.
"""

from datetime import UTC, datetime

import orjson
from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.urls import reverse
from rest_framework.exceptions import NotFound, ValidationError

from industries.models import BANGLADESH_EXTENT, Enterprise

from .. import cql2, docs
from ..admin_units import LEVELS, PROPERTIES, features_json, unit_rows, within_parents
from ..exceptions import bilingual
from ..filters import EnterpriseFilterSet, parse_bbox, parse_keyed
from ..geojson import count_key, count_matched, enterprise_page
from ..geojson import features_json as enterprise_features_json
from ..pagination import Cursor
from ..responses import GEOJSON, JSON, cursor_links, link, page_links
from ..selectors import PUBLIC_COLUMNS, enterprise_columns, enterprise_list, enterprise_values
from ..tasks import count_layer
from .openapi import CRS84, SCHEMA_JSON, openapi_parameter, query_parameter, queryable_parameters
from .parameters import (
    ITEMS_PARAMETERS,
    datetime_condition,
    ogc_bbox,
    parse_limit,
    queryable_conditions,
    refuse_unknown,
)

GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
QUERYABLES_REL = "http://www.opengis.net/def/rel/ogc/1.0/queryables"


def ogc_url(request, name: str, **kwargs) -> str:
    return request.build_absolute_uri(reverse(f"ogc:{name}", kwargs=kwargs or None))


class Provider:
    id: str
    title: str
    description: str
    item_summary: str  # of one feature, in the API definition
    items_description: str = ""  # of the items operation, in the API definition
    temporal: dict | None = None  # the extent in time, for a collection whose features have one

    def queryables(self) -> dict[str, cql2.Queryable]:
        raise NotImplementedError

    def parameters(self) -> list[dict]:
        """The OpenAPI parameters of items beyond those of every collection."""
        raise NotImplementedError

    def items(self, request) -> dict:
        """A page of features as a FeatureCollection (``feature_collection``); a bad parameter is a 400."""
        raise NotImplementedError

    def item(self, request, feature_id: str) -> dict | None:
        """One Feature, or None if there is none of that id."""
        raise NotImplementedError

    def describe(self, request) -> dict:
        url = {"collection_id": self.id}
        return {
            "id": self.id,
            "title": self.title,
            "description": self.description,
            "itemType": "feature",
            "crs": [CRS84],
            "extent": {
                "spatial": {"bbox": [list(BANGLADESH_EXTENT)], "crs": CRS84},
                **({"temporal": self.temporal} if self.temporal else {}),
            },
            "links": [
                link(ogc_url(request, "collection", **url), "self", JSON, self.title),
                link(ogc_url(request, "items", **url), "items", GEOJSON, self.title),
                link(ogc_url(request, "queryables", **url), QUERYABLES_REL, SCHEMA_JSON),
            ],
        }

    def items_path(self) -> str:
        return reverse("ogc:items", kwargs={"collection_id": self.id})

    def feature_collection(self, request, *, features: str, returned: int, matched, pages) -> dict:
        """``matched``: None when not counted exactly (a planner's estimate would make clients stop early
        or wait for more). ``pages``: the next/prev links."""
        return {
            "type": "FeatureCollection",
            "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            **({"numberMatched": matched} if matched is not None else {}),
            "numberReturned": returned,
            "links": [
                link(request.build_absolute_uri(), "self", GEOJSON),
                link(ogc_url(request, "collection", collection_id=self.id), "collection", JSON),
                *pages,
            ],
            "features": orjson.Fragment(features),
        }


# Every public property but the id (which is the feature's id) can be filtered on; personal fields never,
# whoever asks, so that a filter cannot be used to test guesses of an owner's phone or NID.
ENTERPRISE_QUERYABLES = cql2.queryables_of(
    Enterprise, {name: path for name, path in PUBLIC_COLUMNS.items() if name != "id"}
)
ENTERPRISE_FILTERS = set(EnterpriseFilterSet.base_filters)
CURSOR = query_parameter("cursor", {"type": "string"}, "Opaque; follow the next/prev links.")
# A layer's count queued for the task worker is not queued again for this long (a worker that is down).
COUNT_QUEUED_SECONDS = 600


def enterprise_items(params) -> QuerySet:
    """The enterprises OGC items ``params`` select: the REST list's filters, the queryables, datetime."""
    filters = params.copy()
    if filters.get("bbox"):
        filters["bbox"] = ogc_bbox(filters["bbox"])
    queryset = enterprise_list(params=filters).filter(
        queryable_conditions(params, ENTERPRISE_QUERYABLES, skip=ENTERPRISE_FILTERS)
    )
    if params.get("datetime"):
        queryset = queryset.filter(datetime_condition(params["datetime"], field_name="updated"))
    return queryset


def layer_count(params, queryset: QuerySet) -> int | None:
    """The exact number a first page of OGC items reports: QGIS and GDAL take it as the layer's feature
    count and trust it (without one, QGIS counts the first page's features). Counting a million rows costs
    far more than the page, so: the count kept in the cache for this query and data version; else counted
    here if it is at most API_EXACT_COUNT_LIMIT (a cheap capped count); else left out, as the standard
    allows, and counted by the task worker (``api.tasks.count_layer``, once per query and version), so
    that the next request for the layer has it."""
    key = count_key(queryset)
    if key is None:
        return 0
    queued = f"{key}:queued"
    found = cache.get_many([key, queued])  # one round trip
    if key in found:
        return found[key]
    if queued in found:  # too many to count here, and the worker has not counted them yet
        return None
    counted, exact = count_matched(queryset, exact_up_to=settings.API_EXACT_COUNT_LIMIT)
    if exact:
        return counted
    if cache.add(queued, True, timeout=COUNT_QUEUED_SECONDS):
        count_layer.enqueue({name: params.getlist(name) for name in params if name != "cursor"})
    return None


class EnterpriseProvider(Provider):
    """The same data as /api/v1/enterprises/ under the same rules: the one FilterSet (``enterprise_list``),
    only what ``enterprise_columns`` lets the caller see, keyset pages built in PostGIS."""

    id = "enterprises"
    title = "Enterprises · শিল্প প্রতিষ্ঠান"
    description = (
        "Cottage, micro, small and medium enterprises with their location, size class and sector. "
        "Filter with the parameters of /api/v1/enterprises/ (district=Bogura, size=small, sector=C…)."
    )
    item_summary = "One enterprise"
    items_description = (
        "numberMatched is given on a first page only, and only when exact: counted at once when at most "
        "10,000 match; a larger layer's is counted by the server's task worker once per change of data and "
        "given from the layer's next first page on. Until then, and on later pages, it is left out. "
        "মোট সংখ্যা (numberMatched) কেবল প্রথম পাতায়, সঠিক হলে তবেই দেওয়া হয়।"
    )
    # Open at both ends: ``updated`` has no index, and the ends are not worth a scan of every row.
    temporal = {"interval": [[None, None]], "trs": GREGORIAN}
    known = ITEMS_PARAMETERS | ENTERPRISE_FILTERS | set(ENTERPRISE_QUERYABLES) | {"cursor"}

    def queryables(self):
        return ENTERPRISE_QUERYABLES

    def parameters(self):
        filters = [openapi_parameter(p) for p in docs.FILTER_PARAMETERS if p.name != "bbox"]
        return [*filters, *queryable_parameters(ENTERPRISE_QUERYABLES, besides=ENTERPRISE_FILTERS), CURSOR]

    def items(self, request):
        params = request.query_params
        refuse_unknown(params, self.known)
        queryset = enterprise_items(params)
        cursor = Cursor.decode(params["cursor"]) if params.get("cursor") else None
        page = enterprise_page(
            queryset, user=request.user, size=parse_limit(params), cursor=cursor, count=False
        )
        # numberMatched on a first page only (later pages are not counted, which spares each a count):
        if cursor is None and page.next_cursor is None:
            matched = page.returned  # every match is on it
        elif cursor is None:
            matched = layer_count(params, queryset)
        else:
            matched = None
        return self.feature_collection(
            request,
            features=page.features,
            returned=page.returned,
            matched=matched,
            pages=cursor_links(request, page, path=self.items_path()),
        )

    def item(self, request, feature_id):
        # Digits too many for a bigint name no enterprise, and the database would refuse to compare them.
        if not (feature_id.isdigit() and len(feature_id) < 19):
            return None
        rows = Enterprise.objects.live().filter(pk=int(feature_id))
        values = enterprise_values(rows, columns=enterprise_columns(user=request.user))
        features = orjson.loads(enterprise_features_json(values))
        return features[0] if features else None


OFFSET = query_parameter("offset", {"type": "integer", "minimum": 0})


class AdminUnitProvider(Provider):
    """The units of one level (api.admin_units), named by geocode. At most 507 small shapes: offset paging
    costs nothing here."""

    def __init__(self, level: str, title: str, description: str):
        self.level, self.id, self.title, self.description = level, f"{level}s", title, description
        self.item_summary = f"One of {self.id}, by geocode"
        self.parents = LEVELS[level].parents.keys()  # ordered, and a set
        columns = {**{name: name for name in PROPERTIES}, **LEVELS[level].properties}
        self._queryables = cql2.queryables_of(LEVELS[level].model, columns)

    def queryables(self):
        return self._queryables

    def parameters(self):
        parents = [query_parameter(parent, {"type": "string"}) for parent in self.parents]
        return [*parents, *queryable_parameters(self.queryables(), besides=self.parents), OFFSET]

    def items(self, request):
        params = request.query_params
        refuse_unknown(params, ITEMS_PARAMETERS | self.parents | set(self.queryables()) | {"offset"})
        rows = unit_rows(self.level).filter(
            queryable_conditions(params, self.queryables(), skip=self.parents)
        )
        rows = within_parents(rows, level=self.level, params=params)
        if params.get("bbox"):
            rows = rows.filter(
                geom_simple__intersects=parse_keyed("bbox", parse_bbox, ogc_bbox(params["bbox"]))
            )
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
        matched = rows.count()
        # Past the end is an empty page, and is not asked of the database, whose OFFSET is a bigint.
        features = features_json(rows[offset : offset + size]) if offset < matched else "[]"
        pages = page_links(
            request,
            path=self.items_path(),
            next={"offset": offset + size} if offset + size < matched else None,
            prev={"offset": max(0, offset - size)} if offset > 0 else None,
        )
        returned = max(0, min(size, matched - offset))
        return self.feature_collection(
            request, features=features, returned=returned, matched=matched, pages=pages
        )

    def item(self, request, feature_id):
        features = orjson.loads(features_json(unit_rows(self.level).filter(geocode=feature_id)))
        return features[0] if features else None


PROVIDERS = {
    provider.id: provider
    for provider in (
        EnterpriseProvider(),
        AdminUnitProvider("division", "Divisions · বিভাগ", "The 8 divisions (BBS codes)."),
        AdminUnitProvider(
            "district", "Districts · জেলা", "The 64 districts, with the code of their division."
        ),
        AdminUnitProvider(
            "upazila",
            "Upazilas · উপজেলা",
            "Upazilas and city corporations, with the codes of their district and division.",
        ),
    )
}


def provider_of(collection_id: str) -> Provider:
    if collection_id not in PROVIDERS:
        raise NotFound(f"No collection {collection_id!r}; the collections are {', '.join(PROVIDERS)}.")
    return PROVIDERS[collection_id]
