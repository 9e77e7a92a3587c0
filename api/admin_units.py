"""Divisions, districts and upazilas as the API shows them, in one place for /api/v1/<level>s/, the OGC
collections and the stats choropleth: their properties, the parents that narrow them (``division=``,
``district=``: names, codes, comma lists and repeated parameters, as in every filter), and their GeoJSON.

Raw SQL for the GeoJSON because this is the fast path, as in ``api.geojson``: PostGIS writes it, and Python
never holds a shape.
"""

import math
from dataclasses import dataclass

from django.db.models import F, Model, QuerySet
from rest_framework.exceptions import ValidationError

from industries.degrees import degrees
from industries.models import District, Division, Upazila

from . import geojson
from .filters import resolve_units, split_values

# Boundaries in 5 decimals (~1 m) are finer than geom_simple's ~160 m simplification.
COORDINATE_DECIMALS = 5
# The properties of every unit; a level adds its own (AdminLevel.properties).
PROPERTIES = ("geocode", "code", "name_en", "name_bn", "area_km2")


@dataclass(frozen=True)
class AdminLevel:
    model: type[Model]
    properties: dict[str, str]  # property name -> ORM path (parent codes…)
    parents: dict[str, str]  # parameter (a parent level) -> ORM path of the parent's id


LEVELS = {
    "division": AdminLevel(Division, {}, {}),
    "district": AdminLevel(District, {"division_code": "division__code"}, {"division": "division_id"}),
    "upazila": AdminLevel(
        Upazila,
        {
            "division_code": "district__division__code",
            "district_code": "district__code",
            "unit_type": "unit_type",
        },
        {"division": "district__division_id", "district": "district_id"},
    ),
}


def unit_rows(level: str) -> QuerySet:
    """The units of ``level`` as rows of id, PROPERTIES and the level's own properties, by geocode."""
    properties = LEVELS[level].properties
    renamed = {name: F(path) for name, path in properties.items() if name != path}
    plain = [name for name, path in properties.items() if name == path]
    return LEVELS[level].model.objects.order_by("geocode").values("id", *PROPERTIES, *plain, **renamed)


def within_parents(rows: QuerySet, *, level: str, params) -> QuerySet:
    """``rows`` of ``level`` narrowed to the parents its parameters name; a name that names no unit is a
    400 under the parameter, listing the valid ones."""
    for parent, path in LEVELS[level].parents.items():
        values = split_values(params.getlist(parent))
        if values:
            rows = rows.filter(**{f"{path}__in": [unit.id for unit in resolve_units(values, level=parent)]})
    return rows


def parse_simplify(params) -> float:
    """``?simplify=<metres>`` of the boundary endpoints: the tolerance in metres; 0 when not given."""
    text = params.get("simplify")
    try:
        metres = float(text) if text else 0.0
    except ValueError:
        raise ValidationError({"simplify": ["Metres, a number such as 500."]}) from None
    # float() takes "nan" and "inf", which would reach PostGIS as a tolerance it cannot use.
    if not math.isfinite(metres):
        raise ValidationError({"simplify": ["Metres, a number such as 500."]})
    if metres < 0:
        raise ValidationError({"simplify": ["Metres cannot be negative."]})
    return metres


def geometry_sql(column: str, simplify: float = 0.0) -> str:
    """SQL for the GeoJSON geometry of ``column`` (a MultiPolygon), simplified to about ``simplify`` metres
    if given. PreserveTopology keeps every area a valid shape at any tolerance; ST_Multi because it may
    return a Polygon, and map clients expect one geometry type."""
    if simplify:
        column = f"ST_Multi(ST_SimplifyPreserveTopology({column}, {degrees(simplify):.10f}))"
    return f"ST_AsGeoJSON({column}, {COORDINATE_DECIMALS})::json"


def features_json(rows: QuerySet, *, simplify: float = 0.0) -> str:
    """The JSON array of the Features of ``rows`` (of ``unit_rows``), named by geocode, with geom_simple
    as their shape."""
    feature = (
        "json_build_object('type', 'Feature', 'id', p.geocode, "
        f"'geometry', {geometry_sql('p.location', simplify)}, "
        "'properties', to_jsonb(p) - 'location' - 'id')"
    )
    return geojson.features_json(rows.annotate(location=F("geom_simple")), feature=feature, order="p.geocode")
