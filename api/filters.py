"""The one filter language of the API: list, stats, exports, vector tiles and OGC items all use it.

Places are given as a BBS code, geocode or any English/Bangla name or alias, through the resolver of the
industries app, several at once (``district=Bogura,Naogaon`` or ``district=10&district=64``). A value that
names nothing is a 400 that says which values are valid; it never turns into an empty result.
"""

import copy
import json
import re

import django_filters
from django import forms
from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point, Polygon
from django.contrib.gis.measure import D
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Greatest

from industries.bangla import normalise_text, to_ascii_digits
from industries.exceptions import AmbiguousAdminName, UnknownAdminName
from industries.models import Enterprise
from industries.resolver import get_resolver
from industries.size_class import Kind, SizeClass
from surveys.models import EnterpriseChange

# The level's choices, named in the 400 when a value is unknown. Districts and upazilas are too many to
# list in full; the message points to the endpoint that lists them.
CHOICES_HINT = {
    "upazila": "See /api/v1/upazilas/?geometry=false&district=<district> for the upazilas of a district.",
}
SECTOR = re.compile(r"^(?:[A-U]|\d{2})$")
# One degree of longitude is at least this many metres up to 27°N (Bangladesh ends at 26.7°N).
METRES_PER_DEGREE_MIN = 99_000
# How similar a word of a name must be to the search text (pg_trgm word similarity, 0..1).
SEARCH_SIMILARITY = 0.5


def split_values(values) -> list[str]:
    """``a,b`` and repeated parameters alike, blanks dropped."""
    if isinstance(values, str):
        values = [values]
    return [part.strip() for value in values or [] for part in str(value).split(",") if part.strip()]


class CommaListField(forms.Field):
    widget = forms.SelectMultiple

    def to_python(self, value):
        return split_values(value)


class CommaListFilter(django_filters.Filter):
    field_class = CommaListField


class CommaChoiceField(CommaListField):
    def __init__(self, *args, choices: list[str], **kwargs):
        self.choices = list(choices)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        return [v.lower() for v in super().to_python(value)]

    def validate(self, value):
        bad = [v for v in value if v not in self.choices]
        if bad:
            raise forms.ValidationError(f"{', '.join(bad)}: not one of {', '.join(self.choices)}.")


class CommaChoiceFilter(django_filters.Filter):
    """One or more of fixed values (``size=small,medium``); anything else is a 400 listing the values."""

    field_class = CommaChoiceField

    def filter(self, qs, value):
        return qs.filter(**{f"{self.field_name}__in": value}) if value else qs


def _level_choices_hint(level: str) -> str:
    """The valid values, for the 400 of an unknown place: every division and district by name and code;
    upazilas are too many (507), so the endpoint that lists them by district."""
    from industries.models import District, Division

    if level == "upazila":
        return CHOICES_HINT["upazila"]
    model = Division if level == "division" else District
    names = ", ".join(f"{u.name_en} ({u.code})" for u in model.objects.order_by("name_en"))
    return f"Valid {level}s: {names}."


class AdminUnitFilter(CommaListFilter):
    """division / district / upazila: names, aliases or codes, resolved to the units' ids."""

    def __init__(self, *args, level: str, **kwargs):
        self.level = level
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        units = resolve_units(value, level=self.level, param=self.field_name)
        return qs.filter(**{f"{self.level}_id__in": [unit.id for unit in units]})


def resolve_units(values: list[str], *, level: str, param: str | None = None) -> list:
    """The admin units (resolver refs) that ``values`` name. Any that names none, or several, is a
    ValidationError under ``param`` (default: the level) that lists the valid choices."""
    resolver = get_resolver()
    units, errors = [], []
    for text in values:
        try:
            units.append(resolver.resolve(text, level=level))
        except (UnknownAdminName, AmbiguousAdminName) as error:
            errors.append(f"{error.message} / {error.message_bangla}")
    if errors:
        raise ValidationError({param or level: [*errors, _level_choices_hint(level)]})
    return units


def parse_bbox(text: str) -> Polygon:
    """``minlon,minlat,maxlon,maxlat``. Leaflet at low zoom sends values past ±180/±90: clamp them."""
    try:
        minx, miny, maxx, maxy = (float(to_ascii_digits(v)) for v in text.split(","))
    except ValueError:
        raise ValidationError("bbox must be four numbers: minlon,minlat,maxlon,maxlat.") from None
    minx, maxx = (max(-180.0, min(180.0, v)) for v in (minx, maxx))
    miny, maxy = (max(-90.0, min(90.0, v)) for v in (miny, maxy))
    if minx >= maxx or miny >= maxy:
        raise ValidationError("bbox must have minlon < maxlon and minlat < maxlat.")
    return Polygon.from_bbox((minx, miny, maxx, maxy))


def parse_point(text: str) -> Point:
    try:
        lon, lat = (float(to_ascii_digits(v)) for v in text.split(","))
    except ValueError:
        raise ValidationError("near must be lon,lat, e.g. near=89.37,24.85.") from None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValidationError("near: longitude first, then latitude, in degrees.")
    return Point(lon, lat, srid=4326)


def parse_polygon(text: str) -> GEOSGeometry:
    """A polygon as GeoJSON (geometry, Feature) or WKT, in EPSG:4326."""
    text = text.strip()
    try:
        if text.startswith("{"):
            data = json.loads(text)
            data = data.get("geometry", data) if data.get("type") == "Feature" else data
            geometry = GEOSGeometry(json.dumps(data), srid=4326)
        else:
            geometry = GEOSGeometry(text, srid=4326)
    except (ValueError, GEOSException, TypeError, AttributeError):
        raise ValidationError("within must be a GeoJSON or WKT polygon in longitude/latitude.") from None
    if geometry.geom_type not in ("Polygon", "MultiPolygon") or not geometry.valid:
        raise ValidationError(f"within must be a valid Polygon or MultiPolygon, not {geometry.geom_type}.")
    return geometry


class WholeNumberFilter(django_filters.NumberFilter):
    # Years, workers and ids are whole numbers; django-filter's default DecimalField is also slower to
    # build, and a form is built for every request (and every map tile).
    field_class = forms.IntegerField


class MetresFilter(django_filters.NumberFilter):
    field_class = forms.FloatField


def parse_keyed(name: str, parse, value):
    """``parse(value)``, its error reported under the parameter's name."""
    try:
        return parse(value)
    except ValidationError as error:
        raise ValidationError({name: error.messages}) from None


class EnterpriseFilterSet(django_filters.FilterSet):
    division = AdminUnitFilter(level="division", help_text="BBS code or name, e.g. 50, Rajshahi, রাজশাহী")
    district = AdminUnitFilter(level="district", help_text="e.g. 10, Bogura, Bogra, বগুড়া")
    upazila = AdminUnitFilter(level="upazila", help_text="geocode or name, e.g. 501095, Sherpur")
    size = CommaChoiceFilter(field_name="size_class", choices=SizeClass.values)
    sector = CommaListFilter(method="filter_sector", help_text="ISIC/BSIC section (C) or division (13)")
    kind = CommaChoiceFilter(field_name="kind", choices=Kind.values)
    year_min = WholeNumberFilter(field_name="year_established", lookup_expr="gte")
    year_max = WholeNumberFilter(field_name="year_established", lookup_expr="lte")
    workers_min = WholeNumberFilter(field_name="workers_total", lookup_expr="gte")
    workers_max = WholeNumberFilter(field_name="workers_total", lookup_expr="lte")
    registered = django_filters.BooleanFilter(
        field_name="registration_no", lookup_expr="isnull", exclude=True
    )
    q = django_filters.CharFilter(method="filter_text")
    bbox = django_filters.CharFilter(method="filter_bbox")
    near = django_filters.CharFilter(method="filter_near")
    radius = MetresFilter(method="filter_noop", min_value=0)
    within = django_filters.CharFilter(method="filter_within")
    batch = WholeNumberFilter(field_name="import_changes__batch")
    survey = CommaListFilter(method="filter_survey")

    class Meta:
        model = Enterprise
        fields: list[str] = []

    def filter_sector(self, qs, name, value):
        bad = [v for v in value if not SECTOR.match(v.upper())]
        if bad:
            raise ValidationError(
                {"sector": f"{', '.join(bad)}: give an ISIC/BSIC section letter A–U or a 2-digit division."}
            )
        condition = Q()
        for v in value:
            condition |= Q(isic_division=v) if v.isdigit() else Q(isic_section=v.upper())
        return qs.filter(condition)

    def filter_text(self, qs, name, value):
        text = normalise_text(to_ascii_digits(value))
        if not text:
            return qs
        # A substring anywhere (the trigram GIN indexes serve ILIKE), or a word close in spelling.
        qs = qs.annotate(
            _similarity=Greatest(
                TrigramWordSimilarity(text, "name_en"), TrigramWordSimilarity(text, "name_bn")
            )
        )
        return qs.filter(
            Q(name_en__icontains=text)
            | Q(name_bn__icontains=text)
            | Q(product__icontains=text)
            | Q(_similarity__gte=SEARCH_SIMILARITY)
        )

    def filter_bbox(self, qs, name, value):
        return qs.filter(location__intersects=parse_keyed(name, parse_bbox, value))

    def filter_near(self, qs, name, value):
        """Within ``radius`` metres on the sphere, nearest first (``distance`` in metres is annotated)."""
        point = parse_keyed(name, parse_point, value)
        radius = self.form.cleaned_data.get("radius")
        if radius is None:
            raise ValidationError({"radius": "near needs radius=<metres>."})
        # A box in degrees that holds the circle everywhere in Bangladesh lets the GiST index answer; the
        # exact distance then trims it.
        box = radius / METRES_PER_DEGREE_MIN
        return (
            qs.filter(location__dwithin=(point, box), location__distance_lte=(point, D(m=radius)))
            .annotate(distance=Distance("location", point))
            .order_by("distance", "id")
        )

    def filter_noop(self, qs, name, value):
        return qs  # radius is read by filter_near

    def filter_within(self, qs, name, value):
        return qs.filter(location__intersects=parse_keyed(name, parse_polygon, value))

    def filter_survey(self, qs, name, value):
        """Survey round by name or id. A subquery, not a join: an enterprise touched by two batches of the
        round must come once."""
        condition = Q()
        for v in value:
            condition |= Q(batch__survey_round__name=v)
            if v.isdigit():
                condition |= Q(batch__survey_round_id=int(v))
        return qs.filter(id__in=EnterpriseChange.objects.filter(condition).values("enterprise_id"))


class _FiltersCopiedShallow(dict):
    """django-filter deep-copies every declared filter for every request and works out each one's label
    from the model again (about 10 ms for these 18, seen in a profile of the tile endpoint, where a whole
    tile takes 30). Nothing here changes a filter's nested state, so a shallow copy of each filter, with
    its label worked out once below, is as safe."""

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copies[name] = copy.copy(filter_)
            if filter_.method is not None:
                copies[name].method = filter_.method  # binds the method-calling wrapper to the copy
        return copies


EnterpriseFilterSet.base_filters = _FiltersCopiedShallow(EnterpriseFilterSet.base_filters)
for _filter in EnterpriseFilterSet.base_filters.values():
    _filter.model = Enterprise
    _filter.label  # noqa: B018 — computed once and kept (Filter.label caches it on the filter)
