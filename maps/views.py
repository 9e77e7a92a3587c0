"""The national industry map at /: one page; everything on it comes from the public API and the vector tiles.

The page holds no data of its own beyond what it needs to draw its first frame (the division list, the
size classes and sectors, the UI strings); the browser asks the API with the API's own filter words, so the
map, the panel and the downloads always show the same selection.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.shortcuts import render
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from industries.models import District, Division, Enterprise
from industries.size_class import SizeClass

# The query-string words the page keeps in its URL: the API's filters first, then the view.
FILTER_PARAMS = ("division", "district", "upazila", "size", "sector", "q")
VIEW_PARAMS = ("measure", "zoom", "lat", "lng")
MEASURES = (
    ("count", _("Enterprises")),
    ("workers_total", _("Workers")),
    ("investment_bdt", _("Investment (BDT)")),
)

# Okabe & Ito's palette: told apart with every common colour-vision deficiency, and in the same order as
# the size classes, so "bigger" never depends on telling hues apart (the legend names each one).
SIZE_COLOURS = {
    SizeClass.COTTAGE: "#E69F00",
    SizeClass.MICRO: "#56B4E9",
    SizeClass.SMALL: "#009E73",
    SizeClass.MEDIUM: "#0072B2",
    SizeClass.LARGE: "#D55E00",
}

# ISIC Rev. 4 sections, the level at which the stats endpoint groups sectors (BSIC follows ISIC here).
SECTORS = (
    ("A", _("Agriculture, forestry and fishing")),
    ("B", _("Mining and quarrying")),
    ("C", _("Manufacturing")),
    ("D", _("Electricity, gas and steam")),
    ("E", _("Water supply, sewerage and waste")),
    ("F", _("Construction")),
    ("G", _("Trade and repair of motor vehicles")),
    ("H", _("Transport and storage")),
    ("I", _("Accommodation and food service")),
    ("J", _("Information and communication")),
    ("K", _("Finance and insurance")),
    ("L", _("Real estate")),
    ("M", _("Professional, scientific and technical")),
    ("N", _("Administrative and support services")),
    ("O", _("Public administration and defence")),
    ("P", _("Education")),
    ("Q", _("Health and social work")),
    ("R", _("Arts, entertainment and recreation")),
    ("S", _("Other service activities")),
    ("T", _("Households as employers")),
    ("U", _("Extraterritorial organisations")),
)

# Text the script writes into the page, in the page's language.
SCRIPT_STRINGS = {
    "country": _("Bangladesh"),
    "allDistricts": _("All districts"),
    "allUpazilas": _("All upazilas"),
    "chooseDistrictFirst": _("Choose a district first"),
    "loading": _("Loading…"),
    "loadFailed": _("Could not load the data. Check the connection and try again."),
    "enterprises": _("Enterprises"),
    "workers": _("Workers"),
    "investment": _("Investment (BDT)"),
    "male": _("Male"),
    "female": _("Female"),
    "notStated": _("Not stated"),
    "hidden": _("fewer than 3, hidden"),
    "hiddenNote": _(
        "Groups of fewer than 3 enterprises are shown as “<3”: their figures would identify an enterprise."
    ),
    "noEnterprises": _("No enterprises"),
    "noneMatch": _("No enterprises match these filters."),
    "byDivision": _("by division"),
    "byDistrict": _("by district"),
    "quantiles": _("Classes: quantiles of the areas with enterprises"),
    "sizeClass": _("Size class"),
    "cluster": _("Circle: number of enterprises nearby; click to zoom in"),
    "zoomForPoints": _("Zoom in to a district to see enterprises"),
    "clickEnterprise": _("Click an enterprise to see its details"),
    "sector": _("Sector"),
    "product": _("Product / activity"),
    "kind": _("Kind"),
    "yearEstablished": _("Year established"),
    "upazila": _("Upazila"),
    "district": _("District"),
    "apiRecord": _("API record (GeoJSON)"),
    "enterprisePage": _("The enterprise's page"),
    "unclassified": _("Not classified"),
    "crore": _("crore"),
    "lakh": _("lakh"),
    "manufacturing": _("Manufacturing"),
    "service": _("Service"),
}


def _choice_labels(pairs) -> dict[str, str]:
    return {value: str(label) for value, label in pairs}


def _language_link(request, code: str) -> str:
    """This page in another language, with the same filters and view."""
    params = {k: v for k, v in request.GET.items() if k in FILTER_PARAMS + VIEW_PARAMS and v}
    return f"?{urlencode({**params, 'lang': code})}"


def _area_bounds(request) -> list[list[float]] | None:
    """The chosen district's box (else the division's) as Leaflet bounds [[south, west], [north, east]].

    The script would otherwise learn where the area is only from the district boundaries of the whole
    country, and draw the national map, choropleth and all, until they arrive. A name or several codes
    (``district=10,64``) give no box: the page then opens on the country, as before.
    """
    for model, name in ((District, "district"), (Division, "division")):
        code = request.GET.get(name)
        if code:
            box = model.objects.filter(code=code).aggregate(box=Extent("geom_simple"))["box"]
            if box:
                west, south, east, north = box
                return [[south, west], [north, east]]
    return None


@require_GET
def map_page(request):
    # ?lang= makes a shared link open in the language it was shared in; the cookie carries the choice on to
    # the admin and to a later visit without the parameter.
    chosen = request.GET.get("lang")
    if chosen not in dict(settings.LANGUAGES):
        chosen = None
    if chosen:
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
    language = translation.get_language()
    bangla = language == "bn"

    divisions = sorted(
        ({"code": d.code, "name": d.name_bn if bangla else d.name_en} for d in Division.objects.all()),
        key=lambda d: d["name"],
    )
    sizes = [
        {"value": size.value, "label": str(size.label), "colour": SIZE_COLOURS[size]} for size in SizeClass
    ]
    prefix = get_script_prefix()
    config = {
        "language": language,
        "locale": "bn-BD" if bangla else "en-IN",
        "center": settings.LEAFLET_CONFIG.get("DEFAULT_CENTER"),
        "zoom": settings.LEAFLET_CONFIG.get("DEFAULT_ZOOM"),
        # Where to open when the URL names an area but no view (zoom, lat, lng win).
        "bounds": _area_bounds(request),
        # Below this zoom the map is a choropleth; from it on, enterprises from the vector tiles.
        "pointsMinZoom": settings.MAP_POINTS_MIN_ZOOM,
        # The zoom from which the tiles hold single enterprises rather than counts (api/tiles.py).
        "tilePointMinZoom": settings.TILE_POINT_MIN_ZOOM,
        "basemap": bool(settings.BASEMAP_URL),
        "boundaryAttribution": settings.BOUNDARY_ATTRIBUTION,
        "urls": {
            "divisions": reverse("api:division-list"),
            "districts": reverse("api:district-list"),
            "upazilas": reverse("api:upazila-list"),
            "stats": reverse("api:stats"),
            "enterprises": reverse("api:enterprise-list"),
            "enterprise": reverse("api:enterprise-detail", args=[0]).replace("/0/", "/{id}/"),
            "exportCsv": reverse("api:enterprise-export", args=["csv"]),
            "exportGeojson": reverse("api:enterprise-export", args=["geojson"]),
            "tiles": f"{prefix}tiles/enterprises/{{z}}/{{x}}/{{y}}.pbf",
        },
        "sizes": sizes,
        "sectors": _choice_labels(SECTORS),
        "measures": _choice_labels(MEASURES),
        "kinds": {kind: str(SCRIPT_STRINGS[kind]) for kind in ("manufacturing", "service")},
        "strings": {key: str(text) for key, text in SCRIPT_STRINGS.items()},
    }
    context = {
        "config": config,
        "divisions": divisions,
        "sizes": sizes,
        "sectors": [(value, str(label)) for value, label in SECTORS],
        "measures": [(value, str(label)) for value, label in MEASURES],
        "state": {name: request.GET.get(name, "") for name in FILTER_PARAMS + VIEW_PARAMS},
        "other_language": ("en", "English") if bangla else ("bn", "বাংলা"),
        "other_language_link": _language_link(request, "en" if bangla else "bn"),
        "basemap_url": settings.BASEMAP_URL,
        "boundary_attribution": settings.BOUNDARY_ATTRIBUTION,
        # exists() stops at the first row: cheap on a million rows.
        "synthetic": Enterprise.objects.filter(is_synthetic=True).exists(),
    }
    response = render(request, "maps/map.html", context)
    if chosen:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response
