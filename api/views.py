"""Enterprises and admin units as GeoJSON. Views are thin: parse, call a selector, render."""

import orjson
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny, DjangoModelPermissionsOrAnonReadOnly
from rest_framework.views import APIView

from industries.models import District, Division, Enterprise, Upazila

from . import docs
from .filters import parse_boolean, resolve_units
from .geojson import enterprise_page, parse_simplify, simplified
from .pagination import Cursor, page_size
from .selectors import enterprise_list
from .serializers import EnterpriseSerializer

GEOJSON = "application/geo+json"


def geojson_response(body: bytes | str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, content_type=GEOJSON, status=status)


class EnterpriseList(APIView):
    """Enterprises matching the filters, as a GeoJSON FeatureCollection, a page at a time."""

    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    queryset = Enterprise.objects.none()  # for the model permission check

    @extend_schema(
        operation_id="enterprises_list",
        parameters=[*docs.FILTER_PARAMETERS, *docs.PAGE_PARAMETERS],
        responses={(200, GEOJSON): docs.FEATURE_COLLECTION},
    )
    def get(self, request):
        params = request.query_params
        queryset = enterprise_list(params=params)
        cursor = Cursor.decode(params["cursor"]) if params.get("cursor") else None
        count = parse_boolean(params["count"], name="count") if "count" in params else True
        page = enterprise_page(
            queryset, user=request.user, size=page_size(params), cursor=cursor, count=count
        )
        links = [{"rel": "self", "type": GEOJSON, "href": request.build_absolute_uri()}]
        for rel, page_cursor in (("next", page.next_cursor), ("prev", page.prev_cursor)):
            if page_cursor:
                links.append(_link(request, rel, page_cursor))
        envelope = {
            "type": "FeatureCollection",
            "numberMatched": page.matched,
            "numberMatchedExact": page.matched_exact,
            "numberReturned": page.returned,
            "next": next((link["href"] for link in links if link["rel"] == "next"), None),
            "prev": next((link["href"] for link in links if link["rel"] == "prev"), None),
            "links": links,
            "features": orjson.Fragment(page.features),
        }
        return geojson_response(orjson.dumps(envelope))

    @extend_schema(request=EnterpriseSerializer, responses={(201, GEOJSON): EnterpriseSerializer})
    def post(self, request):
        from .writes import enterprise_create_from_api

        return enterprise_create_from_api(request)


def _link(request, rel: str, cursor: Cursor) -> dict:
    params = request.query_params.copy()
    params["cursor"] = cursor.encode()
    return {"rel": rel, "type": GEOJSON, "href": request.build_absolute_uri(f"?{params.urlencode()}")}


class EnterpriseDetail(APIView):
    """One enterprise as a GeoJSON Feature."""

    serializer_class = EnterpriseSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    queryset = Enterprise.objects.none()

    @extend_schema(responses={(200, GEOJSON): EnterpriseSerializer})
    def get(self, request, pk: int):
        enterprise = get_object_or_404(
            Enterprise.objects.live().select_related("division", "district", "upazila"), pk=pk
        )
        data = EnterpriseSerializer(enterprise, context={"request": request}).data
        return geojson_response(orjson.dumps(data))

    @extend_schema(request=EnterpriseSerializer, responses={(200, GEOJSON): EnterpriseSerializer})
    def put(self, request, pk: int):
        from .writes import enterprise_update_from_api

        return enterprise_update_from_api(request, pk, partial=False)

    @extend_schema(request=EnterpriseSerializer, responses={(200, GEOJSON): EnterpriseSerializer})
    def patch(self, request, pk: int):
        from .writes import enterprise_update_from_api

        return enterprise_update_from_api(request, pk, partial=True)

    def delete(self, request, pk: int):
        from .writes import enterprise_delete_from_api

        return enterprise_delete_from_api(pk)


# Admin units: GeoJSON with codes, names and parent codes; ?geometry=false for plain lists (dropdowns),
# ?simplify=<metres> for lighter shapes, ?division= / ?district= to list the children of one unit.
ADMIN_LEVELS = {
    "division": (Division, {}),
    "district": (District, {"division_code": "division__code"}),
    "upazila": (
        Upazila,
        {
            "division_code": "district__division__code",
            "district_code": "district__code",
            "unit_type": "unit_type",
        },
    ),
}


class AdminUnitList(APIView):
    permission_classes = [AllowAny]
    level = "division"

    @extend_schema(
        parameters=docs.ADMIN_UNIT_PARAMETERS,
        responses={(200, GEOJSON): docs.FEATURE_COLLECTION, (200, docs.JSON): docs.ADMIN_UNIT_LIST},
    )
    def get(self, request):
        model, parents = ADMIN_LEVELS[self.level]
        queryset = model.objects.order_by("geocode")
        for parent in ("division", "district"):
            value = request.query_params.get(parent)
            if value and f"{parent}_code" in parents:
                (unit,) = resolve_units([value], level=parent)
                queryset = queryset.filter(**{parents[f"{parent}_code"]: unit.code})
        properties = ["geocode", "code", "name_en", "name_bn", "area_km2"]
        renamed = {name: F(path) for name, path in parents.items() if name != path}
        plain = [name for name, path in parents.items() if name == path]
        rows = queryset.values("id", *properties, *plain, **renamed)
        simplify = parse_simplify(request.query_params)  # checked even when unused, as everywhere
        if not parse_boolean(request.query_params.get("geometry") or "true", name="geometry"):
            return HttpResponse(orjson.dumps(list(rows)), content_type="application/json")
        return geojson_response(_admin_geojson(rows, simplify))


def _admin_geojson(rows, metres: float) -> str:
    from django.db import connection

    inner, params = rows.annotate(location=F("geom_simple")).query.sql_with_params()
    geometry = simplified("p.location", metres)
    sql = (
        "SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg("
        "json_build_object('type', 'Feature', 'id', p.geocode, "
        f"'geometry', ST_AsGeoJSON({geometry}, 5)::json, 'properties', to_jsonb(p) - 'location' - 'id')"
        " ORDER BY p.geocode), '[]'))::text "
        f"FROM ({inner}) AS p"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
