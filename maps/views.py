"""The national industry map at /: one page; everything on it comes from the public API and the vector tiles.

The page holds no data of its own beyond what it needs to draw its first frame (the division list, the
size classes and sectors, the UI strings); the browser asks the API with the API's own filter words, so the
map, the panel and the downloads always show the same selection.
"""

from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from api.filters import resolve_units
from api.stats import suppress_below
from industries.data_version import data_version
from industries.freshness import data_as_of
from industries.models import District, Division, Upazila
from industries.size_class import SizeClass
from quality.completeness import PUBLIC_FIELDS

# The query-string words the page keeps in its URL: the API's filters first, then the view.
FILTER_PARAMS = ("division", "district", "upazila", "size", "sector", "q")
VIEW_PARAMS = ("measure", "zoom", "lat", "lng")
MEASURES = (
    ("count", _("Enterprises")),
    ("workers_total", _("Workers")),
    ("investment_bdt", _("Investment (BDT)")),
    ("per_km2", _("Enterprises per km²")),
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
    ("G", _("Wholesale and retail trade; repair of motor vehicles")),
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
    "mapTitle": _("National industry map"),
    "allDistricts": _("All districts"),
    "allUpazilas": _("All upazilas"),
    "chooseDistrictFirst": _("Choose a district first"),
    "loading": _("Loading…"),
    "loadFailed": _("Could not load the data. Check the connection and try again."),
    "tooManyRequests": _("The server is busy: asking again in {seconds} s."),
    "badLink": _("This link has a filter the map cannot use:"),
    "enterprises": _("Enterprises"),
    "workers": _("Workers"),
    "investment": _("Investment (BDT)"),
    "male": _("Male"),
    "female": _("Female"),
    "notStated": _("Not stated"),
    # {n} is the server's threshold (API_SUPPRESS_BELOW), put in by map_page.
    "hidden": _("fewer than {n}, hidden"),
    "hiddenNote": _(
        "Groups of fewer than {n} enterprises are shown as “<{n}”: their figures would identify them."
    ),
    "noEnterprises": _("No enterprises"),
    "noneMatch": _("No enterprises match these filters."),
    "clearFilters": _("Clear the filters"),
    "noneInViewOf": _("None of the {total} matching enterprises is in this view."),
    "noneInViewFew": _("None of the matching enterprises is in this view."),
    "showThem": _("Show them"),
    "byDivision": _("by division"),
    "byDistrict": _("by district"),
    "byUpazila": _("by upazila"),
    "quantiles": _("Classes: quantiles of the areas with enterprises"),
    "sizeClass": _("Size class"),
    "cluster": _("Circle with a number: enterprises nearby; click to zoom in"),
    "dense": _("Square: many enterprises close together; zoom in"),
    "zoomForPoints": _("Zoom in to a district to see enterprises"),
    "clickEnterprise": _("Click an enterprise to see its details"),
    "sector": _("Sector"),
    "product": _("Product / activity"),
    "kind": _("Kind"),
    "yearEstablished": _("Year established"),
    "upazila": _("Upazila"),
    "district": _("District"),
    "level_division": _("division"),
    "level_district": _("district"),
    "level_upazila": _("upazila"),
    "goTo": _("Go to"),
    "apiRecord": _("API record (GeoJSON)"),
    "enterprisePage": _("The enterprise's page"),
    "unclassified": _("Not classified"),
    "crore": _("crore"),
    "lakh": _("lakh"),
    "manufacturing": _("Manufacturing"),
    "service": _("Service"),
    "resultsShown": _("{shown} in this view"),
    "resultsMore": _("The first {shown} in this view; more below"),
    "noneInView": _("No enterprises in this view."),
    "linkToView": _("Link to this view"),
    "linkCopied": _("Link copied."),
    "savePng": _("Save the view as PNG"),
    "print": _("Print the view"),
    "locateMe": _("Show where I am"),
    "locateFailed": _("Your location is not available (permission refused or no signal)."),
    "fullScreen": _("Full screen"),
    "fullScreenFailed": _("This browser refused full screen."),
}


def _choice_labels(pairs) -> dict[str, str]:
    return {value: str(label) for value, label in pairs}


def _language_link(request, code: str) -> str:
    """This page in another language, with the same filters and view."""
    params = {k: v for k, v in request.GET.items() if k in FILTER_PARAMS + VIEW_PARAMS and v}
    return f"?{urlencode({**params, 'lang': code})}"


# The map's ES modules, preloaded by the page so the browser fetches them at once rather than one import
# after another (maps/static/maps/js/; main.js is the entry).
MODULES = tuple(
    f"maps/js/{path.name}" for path in sorted((Path(__file__).parent / "static" / "maps" / "js").glob("*.js"))
)
BANGLA_DIGITS = str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯")
# The code each level's filter is written with in the page's URL (and its <option> values).
CANONICAL = {"division": "code", "district": "code", "upazila": "geocode"}
PARENTS = {
    "division": (),
    "district": (("division", "division_code"),),
    "upazila": (("division", "division_code"), ("district", "district_code")),
}


def _canonical_areas(params) -> dict[str, str] | None:
    """The place filters written as codes, their missing parents filled in, when a link names places
    (``?district=Bogura``, ``?district=বগুড়া``) or gives a district without its division; None when the
    link is already so, or names several places at a level, or one that does not exist (the API then
    says why, and the page shows it)."""
    wanted = {level: params.get(level, "").strip() for level in CANONICAL if params.get(level, "").strip()}
    if not wanted or any("," in value for value in wanted.values()):
        return None
    out = dict(wanted)
    for level, text in wanted.items():
        try:
            (unit,) = resolve_units([text], level=level)
        except ValidationError:
            return None
        out[level] = getattr(unit, CANONICAL[level])
        for parent, attribute in PARENTS[level]:
            out.setdefault(parent, getattr(unit, attribute))
    return None if out == wanted else out


def _area_bounds(state: dict) -> list[list[float]] | None:
    """The chosen upazila's box (else the district's, else the division's) as Leaflet bounds
    [[south, west], [north, east]]: the first frame is of that area, not of the country until the
    boundaries arrive. Several codes (``district=10,64``) give no box: the page opens on the country."""
    for model, name, field in (
        (Upazila, "upazila", "geocode"),
        (District, "district", "code"),
        (Division, "division", "code"),
    ):
        code = state.get(name)
        if code:
            box = model.objects.filter(**{field: code}).aggregate(box=Extent("geom_simple"))["box"]
            if box:
                west, south, east, north = box
                return [[south, west], [north, east]]
    return None


def _day(iso: str | None, *, bangla: bool) -> str:
    """2 December 2026, or ২ ডিসেম্বর ২০২৬."""
    if not iso:
        return ""
    text = date_format(date.fromisoformat(iso), "j F Y")
    return text.translate(BANGLA_DIGITS) if bangla else text


def _options(rows, *, value: str, bangla: bool) -> list[dict]:
    """A select's options, sorted by name in the page's language."""
    named = [
        {"value": getattr(r, value), "name": (r.name_bn if bangla else r.name_en) or r.name_en} for r in rows
    ]
    return sorted(named, key=lambda o: o["name"])


@require_GET
def map_page(request):
    canonical = _canonical_areas(request.GET)
    if canonical is not None:
        query = {k: v for k, v in request.GET.items() if k not in CANONICAL}
        ordered = {level: canonical[level] for level in CANONICAL if level in canonical}
        return redirect(f"{request.path}?{urlencode({**ordered, **query})}")
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
    state = {name: request.GET.get(name, "") for name in FILTER_PARAMS + VIEW_PARAMS}

    # The lists of the link's areas come with the page, so the first frame names what is chosen.
    divisions = _options(Division.objects.all(), value="code", bangla=bangla)
    districts = District.objects.all()
    if state["division"]:
        districts = districts.filter(division__code=state["division"])
    upazilas = Upazila.objects.filter(district__code=state["district"]) if state["district"] else []
    sizes = [
        {"value": size.value, "label": str(size.label), "colour": SIZE_COLOURS[size]} for size in SizeClass
    ]
    below = suppress_below(request.user)
    version = data_version()
    freshness = data_as_of(version)  # cached by data version: also says whether any data is synthetic
    threshold = str(below).translate(BANGLA_DIGITS) if bangla else str(below)
    strings = {key: str(text).replace("{n}", threshold) for key, text in SCRIPT_STRINGS.items()}
    prefix = get_script_prefix()
    config = {
        "language": language,
        "center": settings.LEAFLET_CONFIG.get("DEFAULT_CENTER"),
        "zoom": settings.LEAFLET_CONFIG.get("DEFAULT_ZOOM"),
        "minZoom": settings.LEAFLET_CONFIG.get("MIN_ZOOM"),
        "maxZoom": settings.LEAFLET_CONFIG.get("MAX_ZOOM"),
        # Where to open when the URL names an area but no view (zoom, lat, lng win).
        "bounds": _area_bounds(state),
        # Below this zoom the map is a choropleth; from it on, enterprises from the vector tiles.
        "pointsMinZoom": settings.MAP_POINTS_MIN_ZOOM,
        # The zoom from which the tiles hold single enterprises rather than counts (api/tiles.py).
        "tilePointMinZoom": settings.TILE_POINT_MIN_ZOOM,
        "basemap": {"url": settings.BASEMAP_URL, "attribution": settings.BASEMAP_ATTRIBUTION}
        if settings.BASEMAP_URL
        else None,
        "boundaryAttribution": settings.BOUNDARY_ATTRIBUTION,
        "boundaryAttributionText": strip_tags(settings.BOUNDARY_ATTRIBUTION).replace("&copy;", "©"),
        # Groups smaller than this are hidden from this visitor (api.stats); 0: none are.
        "suppressBelow": below,
        "dataAsOf": freshness,
        "urls": {
            "divisions": reverse("api:division-list"),
            "districts": reverse("api:district-list"),
            "upazilas": reverse("api:upazila-list"),
            "places": reverse("api:place-list"),
            "stats": reverse("api:stats"),
            "enterprises": reverse("api:enterprise-list"),
            "enterprise": reverse("api:enterprise-detail", args=[0]).replace("/0/", "/{id}/"),
            "exportCsv": reverse("api:enterprise-export", args=["csv"]),
            "exportGeojson": reverse("api:enterprise-export", args=["geojson"]),
            "tiles": f"{prefix}tiles/enterprises/{{z}}/{{x}}/{{y}}.pbf",
        },
        # Sent with every tile (?v=): new data, new tile URLs, which nginx and browsers have not kept.
        "tileVersion": version,
        "sizes": sizes,
        "completenessFields": [(field, str(label)) for field, (_kind, label) in PUBLIC_FIELDS.items()],
        "sectors": _choice_labels(SECTORS),
        "measures": _choice_labels(MEASURES),
        "kinds": {kind: strings[kind] for kind in ("manufacturing", "service")},
        "strings": strings,
    }
    context = {
        "config": config,
        "divisions": divisions,
        "districts": _options(districts, value="code", bangla=bangla),
        "upazilas": _options(upazilas, value="geocode", bangla=bangla),
        "sizes": sizes,
        "sectors": [(value, str(label)) for value, label in SECTORS],
        "measures": [(value, str(label)) for value, label in MEASURES],
        "state": state,
        "other_language": ("en", "English") if bangla else ("bn", "বাংলা"),
        "other_language_link": _language_link(request, "en" if bangla else "bn"),
        "boundary_attribution": settings.BOUNDARY_ATTRIBUTION,
        "synthetic": freshness["synthetic"],
        "suppress_below": below,
        "modules": MODULES,
        "data_as_of": freshness,
        "data_date": _day(freshness["as_of"], bangla=bangla),
    }
    response = render(request, "maps/map.html", context)
    if chosen:
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 3600, samesite="Lax")
    return response
