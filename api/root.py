"""/api/v1/: what the API offers, as links. JSON by default ({title, links: [{rel, href, type, title}]});
a small page in both languages when a browser asks for HTML (``Accept: text/html`` before JSON) or the
link says ``?f=html``, as OGC API landing pages do. Templated links ({z}/{x}/{y}, {format}) say so."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from .negotiation import JSONWhateverAccepted
from .responses import GEOJSON, JSON, json_response

HTML = "text/html"
TITLE = "BSCIC industry GIS API · বিসিক শিল্প জিআইএস এপিআই"

# (rel, URL name or path, media type, title). Paths of other apps' URL configurations are reversed too,
# so that the links follow the URLs wherever they are mounted.
LINKS = [
    ("service-desc", "api:schema", "application/vnd.oai.openapi", "The OpenAPI definition · এপিআই বিবরণ"),
    ("service-doc", "api:docs", HTML, "Interactive API documentation (Swagger UI) · এপিআই নির্দেশিকা"),
    ("enterprises", "api:enterprise-list", GEOJSON, "Enterprises, filtered, a page at a time · শিল্প প্রতিষ্ঠান"),
    ("stats", "api:stats", JSON, "Counts and sums by area, size, sector, year; choropleths · পরিসংখ্যান"),
    ("places", "api:place-list", JSON, "Divisions, districts, upazilas by name (?q=) · এলাকা খুঁজুন"),
    ("divisions", "api:division-list", GEOJSON, "Divisions · বিভাগ"),
    ("districts", "api:district-list", GEOJSON, "Districts · জেলা"),
    ("upazilas", "api:upazila-list", GEOJSON, "Upazilas and city corporations · উপজেলা"),
    (
        "registrations",
        "api:registration-list",
        JSON,
        "e-Registration applications (API key with permission) · ই-নিবন্ধনের আবেদন",
    ),
    (
        "registration-counts",
        "api:registration-counts",
        JSON,
        "Applications per office and state · আবেদনের সংখ্যা",
    ),
    (
        "quality",
        "api:quality-list",
        JSON,
        "Data-quality findings per enterprise (staff, API key with permission) · ডেটার মান যাচাইয়ের ফলাফল",
    ),
    ("ogc", "ogc:landing", JSON, "OGC API – Features, for QGIS, ArcGIS, GDAL · জিআইএস সফটওয়্যারের জন্য"),
    ("about-data", "about-data", HTML, "Where the data come from, and how to cite them · তথ্যের উৎস ও পদ্ধতি"),
]
TEMPLATED = [
    (
        "enterprise-export",
        "api:enterprise-export",
        {"fmt": "{format}"},
        "text/csv",
        "Download the filtered enterprises: csv, xlsx, geojson, gpkg · ডাউনলোড",
    ),
    (
        "tiles",
        "tiles:enterprises",
        {"z": 0, "x": 0, "y": 0},
        "application/vnd.mapbox-vector-tile",
        "Vector tiles of the enterprises, {z}/{x}/{y} · ভেক্টর টাইল",
    ),
]


def api_links(request) -> list[dict]:
    here = request.build_absolute_uri(request.path)
    links = [
        {"rel": "self", "href": here, "type": JSON, "title": "This document · এই তালিকা"},
        {"rel": "alternate", "href": f"{here}?f=html", "type": HTML, "title": "This page as HTML · এই পাতা"},
    ]
    for rel, name, media_type, title in LINKS:
        href = request.build_absolute_uri(reverse(name))
        links.append({"rel": rel, "href": href, "type": media_type, "title": title})
    # A URI template's braces as they are: build_absolute_uri would percent-encode them.
    origin = request.build_absolute_uri("/").removesuffix("/")
    for rel, name, kwargs, media_type, title in TEMPLATED:
        path = reverse(name, kwargs=kwargs).replace("%7B", "{").replace("%7D", "}")
        href = origin + path.replace("/0/0/0.pbf", "/{z}/{x}/{y}.pbf")
        links.append({"rel": rel, "href": href, "type": media_type, "title": title, "templated": True})
    return links


def wants_html(request) -> bool:
    chosen = (request.query_params.get("f") or "").lower()
    if chosen in ("html", "json"):
        return chosen == "html"
    return request.get_preferred_type([JSON, HTML]) == HTML


class ApiRoot(APIView):
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JSONWhateverAccepted  # Accept: text/html is this view's, not a 406
    schema = None  # a list of the other operations, not one itself

    def get(self, request):
        links = api_links(request)
        if wants_html(request):
            response = render(request, "api/root.html", {"title": TITLE, "links": links})
        else:
            response = json_response({"title": TITLE, "links": links})
        patch_vary_headers(response, ["Accept"])
        return response
