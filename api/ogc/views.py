"""The views of /ogc/: DRF views, so that API keys work here as on /api/v1/. Each asks the collection's
provider (``providers.PROVIDERS``) for its answer."""

from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from geodb.replicas import ReplicaReads

from .. import cql2
from ..negotiation import JSONWhateverAccepted
from ..responses import GEOJSON, JSON, json_response, link
from ..throttling import KeyRateThrottle, OGCAnonRateThrottle
from .openapi import OPENAPI, SCHEMA_JSON, openapi_document
from .providers import PROVIDERS, ogc_url, provider_of

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    *cql2.CONFORMANCE,
]


class OGCView(ReplicaReads, APIView):
    permission_classes = [AllowAny]
    throttle_classes = [OGCAnonRateThrottle, KeyRateThrottle]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONWhateverAccepted
    schema = None  # described by /ogc/api, not by the REST API's schema


class LandingPage(OGCView):
    def get(self, request):
        conformance, collections = ogc_url(request, "conformance"), ogc_url(request, "collections")
        rel = "http://www.opengis.net/def/rel/ogc/1.0/"
        return json_response(
            {
                "title": "BSCIC industry GIS · বিসিক শিল্প জিআইএস",
                "description": "Enterprises and admin units of Bangladesh as OGC API – Features.",
                "links": [
                    link(ogc_url(request, "landing"), "self", JSON, "This document"),
                    link(ogc_url(request, "api"), "service-desc", OPENAPI, "The API definition"),
                    link(conformance, "conformance", JSON, "Conformance classes"),
                    link(conformance, f"{rel}conformance", JSON, "Conformance classes"),
                    link(collections, "data", JSON, "The collections"),
                    link(collections, f"{rel}data", JSON, "The collections"),
                ],
            }
        )


class Conformance(OGCView):
    def get(self, request):
        return json_response({"conformsTo": CONFORMANCE})


class APIDefinition(OGCView):
    def get(self, request):
        server = ogc_url(request, "landing").rstrip("/")
        return json_response(openapi_document(PROVIDERS.values(), server=server), OPENAPI)


class CollectionList(OGCView):
    def get(self, request):
        return json_response(
            {
                "links": [link(ogc_url(request, "collections"), "self", JSON, "The collections")],
                "collections": [provider.describe(request) for provider in PROVIDERS.values()],
            }
        )


class CollectionDetail(OGCView):
    def get(self, request, collection_id: str):
        return json_response(provider_of(collection_id).describe(request))


class Queryables(OGCView):
    def get(self, request, collection_id: str):
        provider = provider_of(collection_id)
        url = ogc_url(request, "queryables", collection_id=collection_id)
        document = cql2.queryables_document(provider.queryables(), url=url, title=provider.title)
        return json_response(document, SCHEMA_JSON)


class Items(OGCView):
    def get(self, request, collection_id: str):
        return json_response(provider_of(collection_id).items(request), GEOJSON)


class Item(OGCView):
    def get(self, request, collection_id: str, feature_id: str):
        feature = provider_of(collection_id).item(request, feature_id)
        if feature is None:
            raise NotFound(f"No feature {feature_id!r} in {collection_id}.")
        feature["links"] = [
            link(request.build_absolute_uri(), "self", GEOJSON),
            link(ogc_url(request, "collection", collection_id=collection_id), "collection", JSON),
        ]
        return json_response(feature, GEOJSON)
