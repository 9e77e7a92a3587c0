"""Enterprises and admin units as GeoJSON. Views are thin: parse, call a selector, render."""

import hashlib

import orjson
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import AllowAny, DjangoModelPermissionsOrAnonReadOnly
from rest_framework.views import APIView

from geodb.replicas import ReplicaReads
from industries.data_version import boundaries_version
from industries.models import Enterprise

from . import docs
from .admin_units import LEVELS, features_json, parse_simplify, unit_rows, within_parents
from .filters import parse_boolean
from .geojson import enterprise_page
from .pagination import Cursor, page_size
from .responses import GEOJSON, cursor_links, geojson_response, json_response, link
from .selectors import enterprise_get, enterprise_list
from .serializers import EnterpriseSerializer
from .writes import enterprise_create_from_api, enterprise_delete_from_api, enterprise_update_from_api


class EnterpriseList(ReplicaReads, APIView):
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
        count = parse_boolean(params.get("count") or "true", name="count")  # count= is "not given"
        page = enterprise_page(
            queryset, user=request.user, size=page_size(params), cursor=cursor, count=count
        )
        links = [link(request.build_absolute_uri(), "self", GEOJSON), *cursor_links(request, page)]
        envelope = {
            "type": "FeatureCollection",
            "numberMatched": page.matched,
            "numberMatchedExact": page.matched_exact,
            "numberReturned": page.returned,
            "next": next((item["href"] for item in links if item["rel"] == "next"), None),
            "prev": next((item["href"] for item in links if item["rel"] == "prev"), None),
            "links": links,
            "features": orjson.Fragment(page.features),
        }
        return geojson_response(envelope)

    @extend_schema(request=EnterpriseSerializer, responses={(201, GEOJSON): EnterpriseSerializer})
    def post(self, request):
        return enterprise_create_from_api(request)


class EnterpriseDetail(ReplicaReads, APIView):
    """One enterprise as a GeoJSON Feature."""

    serializer_class = EnterpriseSerializer
    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    queryset = Enterprise.objects.none()

    @extend_schema(responses={(200, GEOJSON): EnterpriseSerializer})
    def get(self, request, pk: int):
        try:
            enterprise = enterprise_get(pk)
        except Http404:
            # A duplicate merged into another (quality.services.enterprises_merge) leads to the one kept;
            # 302, not 301: a merge can be undone.
            kept = Enterprise.objects.filter(pk=pk, merged_into__isnull=False).values_list(
                "merged_into", flat=True
            )
            if kept:
                url = reverse("api:enterprise-detail", args=[kept[0]])
                query = request.META.get("QUERY_STRING")
                return HttpResponseRedirect(f"{url}?{query}" if query else url)
            raise
        data = EnterpriseSerializer(enterprise, context={"request": request}).data
        return geojson_response(orjson.dumps(data))

    @extend_schema(request=EnterpriseSerializer, responses={(200, GEOJSON): EnterpriseSerializer})
    def put(self, request, pk: int):
        return enterprise_update_from_api(request, pk, partial=False)

    @extend_schema(request=EnterpriseSerializer, responses={(200, GEOJSON): EnterpriseSerializer})
    def patch(self, request, pk: int):
        return enterprise_update_from_api(request, pk, partial=True)

    def delete(self, request, pk: int):
        return enterprise_delete_from_api(pk)


# Admin units: GeoJSON with codes, names and parent codes (api.admin_units); ?geometry=false for plain lists
# (dropdowns), ?simplify=<metres> for lighter shapes, ?division= / ?district= for the units within.
class AdminUnitSchema(docs.AutoSchema):
    """Each level documents the parent filters it takes, and no other: a division has none."""

    def get_override_parameters(self):
        taken = {*docs.ADMIN_UNIT_OWN_PARAMETERS, *LEVELS[self.view.level].parents}
        return [parameter for parameter in docs.ADMIN_UNIT_PARAMETERS if parameter.name in taken]


class AdminUnitList(ReplicaReads, APIView):
    permission_classes = [AllowAny]
    schema = AdminUnitSchema()
    level = "division"

    @extend_schema(
        responses={(200, GEOJSON): docs.FEATURE_COLLECTION, (200, docs.JSON): docs.ADMIN_UNIT_LIST}
    )
    def get(self, request):
        params = request.query_params
        rows = within_parents(unit_rows(self.level), level=self.level, params=params)
        simplify = parse_simplify(params)  # checked even when unused, as everywhere
        geometry = parse_boolean(params.get("geometry") or "true", name="geometry")
        # The boundaries change only when the geography is loaded again: the answer (simplifying 64
        # districts' shapes takes ~0.3 s, the map's slowest first request) is kept under their version.
        key = f"units:{boundaries_version()}:{self.level}:{geometry}:{simplify}:{rows.query}"
        key = f"units:{hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()}"
        if (cached := cache.get(key)) is None:
            if geometry:
                features = features_json(rows, simplify=simplify)
                cached = (
                    orjson.dumps({"type": "FeatureCollection", "features": orjson.Fragment(features)}),
                    True,
                )
            else:
                cached = (orjson.dumps(list(rows)), False)
            cache.set(key, cached, timeout=settings.API_STATS_CACHE_SECONDS or 60)
        body, is_geojson = cached
        return geojson_response(body) if is_geojson else json_response(body)
