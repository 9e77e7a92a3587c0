"""Counts, workers and investment of the filtered enterprises, grouped by area, size, sector, kind or year.

``?by=district,size`` groups by several keys at once; without ``by`` there is one row, the total. The
filters are the FilterSet's, as for the list. The grouping is one ``GROUP BY`` compiled by the ORM
(``values(...).annotate(Count, Sum)``); the total is added up from the group rows in Python, so a request
costs one query.

``sector`` groups by the ISIC/BSIC section (A–U), the level at which BBS tabulates its economic census.
The 2-digit division is not a group key: within a district or upazila most divisions hold one or two
enterprises and would come back suppressed. To break a section down, filter by it (``sector=C``) or by a
division (``sector=13``).

``?format=geojson&by=district`` (or ``division``, ``upazila``) is a choropleth: every area of the level
with its simplified boundary, ``area_km2`` and the figures as properties (``per_km2``: enterprises per km²,
4 decimals, null when suppressed), areas without enterprises at count 0. PostGIS
builds the whole text (raw SQL because this is the fast path, as in ``api.geojson``). ``?simplify=<metres>``
thins the boundaries further, as on ``/api/v1/divisions/``: a national map does not need ``geom_simple``'s
detail, which is most of the answer's bytes.

Statistical disclosure control: a group of 1 or 2 enterprises (below ``API_SUPPRESS_BELOW``) would show an
identifiable enterprise's investment and workforce, so for anonymous callers its count and sums are null
and ``suppressed`` is true. Staff and holders of ``industries.view_personal`` see every figure. The total
is over everything matched and is shown unless it is itself that small.

Answers are kept in the Django cache (``API_STATS_CACHE_SECONDS``) under the data version of the tiles
(``api.tiles.data_version``), the suppression level and the parameters that shape the answer: national
figures at a million rows take over a second to add up, and change only when the data does.
"""

import hashlib

import orjson
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, Case, Count, F, QuerySet, Sum, Value, When
from django.db.models.functions import Cast
from django.http import HttpResponse
from django.utils.http import urlencode
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from geodb.replicas import ReplicaReads
from industries.freshness import data_as_of
from industries.size_class import SizeClass
from quality.completeness import PUBLIC_FIELDS, completeness_aggregates, shares

from . import docs
from .admin_units import LEVELS, geometry_sql, parse_simplify
from .docs import query_parameter
from .exceptions import not_one_of
from .filters import EnterpriseFilterSet, split_values
from .negotiation import JSONWhateverAccepted
from .responses import GEOJSON
from .selectors import PUBLIC_COLUMNS, enterprise_list, may_see_personal
from .tiles import data_version

# ``by`` value -> the output names of its group keys, read from the enterprise's public columns so that a
# stats row names an area exactly as a list feature or a CSV export does.
GROUP_KEYS = {
    "division": ("division_code", "division_name_en", "division_name_bn"),
    "district": ("district_code", "district_name_en", "district_name_bn"),
    "upazila": ("upazila_code", "upazila_name_en", "upazila_name_bn"),
    "size": ("size_class",),
    "sector": ("isic_section",),
    "kind": ("kind",),
    "year": ("year_established",),
}
FORMATS = ("json", "geojson")
SUMMED = ("workers_male", "workers_female", "workers_total", "investment_bdt")
# A choropleth's enterprises per km²: 4 decimals tell one enterprise in a 5,000 km² district from none.
PER_KM2_DECIMALS = 4


def suppress_below(user) -> int:
    """Groups with fewer enterprises than this (and more than none) are hidden from this caller; 0: none."""
    if user and user.is_authenticated and (user.is_staff or may_see_personal(user)):
        return 0
    return settings.API_SUPPRESS_BELOW


def parse_by(params) -> list[str]:
    by = list(dict.fromkeys(v.lower() for v in split_values(params.getlist("by"))))
    bad = [v for v in by if v not in GROUP_KEYS]
    if bad:
        raise ValidationError({"by": [not_one_of(bad, GROUP_KEYS)]})
    return by


def parse_format(params, by: list[str]) -> str:
    fmt = (params.get("format") or "json").lower()
    if fmt not in FORMATS:
        raise ValidationError({"format": [not_one_of([fmt], FORMATS)]})
    if fmt == "geojson" and (len(by) != 1 or by[0] not in LEVELS):
        raise ValidationError(
            {"format": [f"format=geojson maps one area level: by= one of {', '.join(LEVELS)}."]}
        )
    return fmt


def _aggregates() -> dict:
    # sum(bigint) is numeric in PostgreSQL (a Decimal in Python, which JSON cannot take); the cast keeps it
    # an integer, and no national total comes near 9.2e18 BDT.
    return {
        "count": Count("*"),
        **{f"sum_{f}": Cast(Sum(f), BigIntegerField()) for f in SUMMED},
        **completeness_aggregates(),
    }


def _ordering(key: str):
    if key == "size_class":  # cottage < micro < … < large, not alphabetical
        rank = [When(size_class=size, then=Value(i)) for i, size in enumerate(SizeClass.values)]
        return Case(*rank, default=Value(len(SizeClass.values))).asc()
    return F(key).asc(nulls_last=True)


def stats_rows(queryset: QuerySet, *, by: list[str]) -> list[dict]:
    """One row per group present in ``queryset``: the group keys, ``count`` and the raw sums."""
    if not by:
        row = queryset.order_by().aggregate(**_aggregates())
        return [row] if row["count"] else []
    keys = [key for level in by for key in GROUP_KEYS[level]]
    plain = [key for key in keys if PUBLIC_COLUMNS[key] == key]
    renamed = {key: F(PUBLIC_COLUMNS[key]) for key in keys if PUBLIC_COLUMNS[key] != key}
    # order_by() first: the list's ordering (id, or distance for near=) would otherwise join the GROUP BY.
    rows = (
        queryset.order_by()
        .values(*plain, **renamed)
        .annotate(**_aggregates())
        .order_by(*(_ordering(GROUP_KEYS[level][0]) for level in by))
    )
    return list(rows)


def total_of(rows: list[dict]) -> dict:
    """The figures over all groups. A sum is 0 when nothing matched and null when enterprises matched but
    none states the figure."""
    total = {"count": sum(row["count"] for row in rows)}
    for field in SUMMED:
        stated = [row[f"sum_{field}"] for row in rows if row[f"sum_{field}"] is not None]
        total[f"sum_{field}"] = sum(stated) if stated or not rows else None
    for field in PUBLIC_FIELDS:
        total[f"filled_{field}"] = sum(row[f"filled_{field}"] for row in rows)
    return total


def shown(row: dict, *, keys: tuple[str, ...] = (), below: int) -> dict:
    """The row as output: group keys, count, sums, and null figures if the group is too small to show."""
    suppressed = 0 < row["count"] < below
    figures = {"count": row["count"], **{field: row[f"sum_{field}"] for field in SUMMED}}
    if suppressed:
        figures = dict.fromkeys(figures)
    return {**{key: row[key] for key in keys}, **figures, "suppressed": suppressed}


def stats_json(queryset: QuerySet, *, by: list[str], below: int) -> dict:
    rows = stats_rows(queryset, by=by)
    keys = tuple(key for level in by for key in GROUP_KEYS[level])
    summed = total_of(rows)
    total = shown(summed, below=below)
    # The share of each public field filled, over the whole selection (quality.completeness): hidden with
    # the figures when the selection is too small to show.
    total["completeness"] = None if total["suppressed"] else shares(summed, summed["count"])
    groups = [shown(row, keys=keys, below=below) for row in rows] if by else [total]
    freshness = data_as_of()
    return {
        "by": by,
        "total": total,
        "groups": groups,
        "suppressed_below": below or None,
        "data_as_of": freshness["as_of"],
        "sources": freshness["sources"],
    }


def _figures_sql(alias: str, *, below: int) -> list[str]:
    """``'name', value`` pairs for json_build_object of the figures of ``alias`` (an aggregate row, or NULLs
    for an area without enterprises): the same rule as ``shown``."""
    hidden = f"coalesce({alias}.count, 0) BETWEEN 1 AND {int(below) - 1}"

    def figure(column: str) -> str:
        return f"CASE WHEN {hidden} THEN NULL WHEN {alias}.count IS NULL THEN 0 ELSE {alias}.{column} END"

    return [
        f"'count', {figure('count')}",
        *(f"'{field}', {figure(f'sum_{field}')}" for field in SUMMED),
        f"'suppressed', {hidden}",
    ]


def _density_sql(alias: str, *, below: int) -> list[str]:
    """``'name', value`` pairs of the area ``a``: its ``area_km2`` and its enterprises per km², rounded to
    PER_KM2_DECIMALS, null where the count is (a density and an area would give the count back)."""
    hidden = f"coalesce({alias}.count, 0) BETWEEN 1 AND {int(below) - 1}"
    density = f"round((coalesce({alias}.count, 0) / nullif(a.area_km2, 0))::numeric, {PER_KM2_DECIMALS})"
    return ["'area_km2', a.area_km2", f"'per_km2', CASE WHEN {hidden} THEN NULL ELSE {density} END"]


def _grouped(queryset: QuerySet, level: str) -> QuerySet:
    return queryset.order_by().values(f"{level}_id").annotate(**_aggregates())


def choropleth_geojson(
    queryset: QuerySet, *, level: str, below: int, simplify: float = 0.0
) -> tuple[str, str]:
    """(features, total) as JSON text: every area of ``level`` with its figures, in one query. ``simplify``:
    metres to simplify the boundaries by, 0 for none."""
    try:
        inner, params = _grouped(queryset, level).query.sql_with_params()
    except EmptyResultSet:  # filters that match nothing (workers_max below any count): every area at 0
        inner, params = _grouped(
            queryset.model.objects.filter(pk__isnull=True), level
        ).query.sql_with_params()
    # The area's own columns under the names its group keys have in a stats row.
    names = [f"'{key}', a.{PUBLIC_COLUMNS[key].split('__')[1]}" for key in GROUP_KEYS[level]]
    pairs = [*names, *_figures_sql("s", below=below), *_density_sql("s", below=below)]
    properties = f"json_build_object({', '.join(pairs)})"
    summed = ", ".join(f"sum(sum_{field}) AS sum_{field}" for field in SUMMED)
    sql = f"""
        WITH s AS ({inner})
        SELECT (
            SELECT coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', a.geocode,
                'geometry', {geometry_sql("a.geom_simple", simplify)},
                'properties', {properties}) ORDER BY a.geocode), '[]')
            FROM {LEVELS[level].model._meta.db_table} AS a LEFT JOIN s ON s.{level}_id = a.id
        )::text, (
            SELECT json_build_object({", ".join(_figures_sql("t", below=below))})
            FROM (SELECT sum(count) AS count, {summed} FROM s) AS t
        )::text
    """
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


STATS_PARAMETERS = [
    query_parameter(
        "by",
        f"Group by one or more of {', '.join(GROUP_KEYS)}, comma-separated; none: one total row. "
        "sector is the ISIC/BSIC section. Groups of fewer than 3 enterprises (by default) are null for "
        "anonymous callers (suppressed_below in the answer). "
        "গ্রুপ: বিভাগ, জেলা, উপজেলা, শ্রেণি, খাত, প্রকৃতি, প্রতিষ্ঠার বছর; একাধিক হলে কমা দিয়ে। "
        "৩টির কম প্রতিষ্ঠানের গ্রুপ বেনামি ব্যবহারকারীর জন্য গোপন থাকে।",
        [("district and size", "district,size"), ("year", "year"), ("sector by division", "division,sector")],
        many=True,
        enum=list(GROUP_KEYS),
    ),
    query_parameter(
        "format",
        "json (default): {by, total, groups, suppressed_below, data_as_of, sources}. geojson with "
        "by=division, district or upazila: the areas' boundaries with the figures, area_km2 and per_km2 "
        "(enterprises per km², 4 decimals, null when suppressed) as properties, for a choropleth map; "
        "areas without enterprises have count 0. "
        "json: সারণি। geojson: মানচিত্রের জন্য এলাকার সীমানা ও সংখ্যা (by=বিভাগ, জেলা বা উপজেলা)।",
        [("table", "json"), ("district map", "geojson")],
        enum=list(FORMATS),
    ),
    query_parameter(
        "simplify",
        "With format=geojson: simplify the boundaries to about this many metres (0 or none: as stored, "
        "edges up to ~160 m off), as on /api/v1/divisions/. 500 suits a national map of divisions, 200 "
        "of districts. "
        "geojson-এর সীমানা প্রায় এত মিটারে সরলীকরণ (যেমন বিভাগের মানচিত্রে ৫০০, জেলায় ২০০)।",
        [("divisions, 500 m", "500"), ("districts, 200 m", "200")],
        {"type": "number", "minimum": 0},
    ),
]


# What shapes a stats answer; anything else in the query string is ignored, and so kept out of the cache key.
STATS_KEY_PARAMETERS = frozenset({*EnterpriseFilterSet.base_filters, "by", "format", "simplify"})


def stats_cache_key(params, *, below: int) -> str:
    query = urlencode(sorted((k, v) for k in params if k in STATS_KEY_PARAMETERS for v in params.getlist(k)))
    text = f"{data_version()}|{below}|{query}"
    return f"stats:{hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()}"


def stats_body(
    queryset: QuerySet, *, by: list[str], fmt: str, below: int, simplify: float
) -> tuple[bytes, str]:
    """The answer's bytes and content type."""
    if fmt == "geojson":
        features, total = choropleth_geojson(queryset, level=by[0], below=below, simplify=simplify)
        body = {
            "type": "FeatureCollection",
            "by": by,
            "total": orjson.Fragment(total),
            "suppressed_below": below or None,
            "features": orjson.Fragment(features),
        }
        return orjson.dumps(body), GEOJSON
    return orjson.dumps(stats_json(queryset, by=by, below=below)), "application/json"


def stats_answer(params, *, below: int) -> tuple[bytes, str]:
    """The answer to the query ``params`` for a caller whose groups below ``below`` are hidden: from the
    cache of the current data version, else made and kept there (API_STATS_CACHE_SECONDS)."""
    by = parse_by(params)
    fmt = parse_format(params, by)
    simplify = parse_simplify(params)
    queryset = enterprise_list(params=params)  # a bad filter is a 400 here, before any caching
    seconds = settings.API_STATS_CACHE_SECONDS
    key = stats_cache_key(params, below=below) if seconds else None
    cached = cache.get(key) if key else None
    if cached is None:
        cached = stats_body(queryset, by=by, fmt=fmt, below=below, simplify=simplify)
        if key:
            cache.set(key, cached, timeout=seconds)
    return cached


class EnterpriseStats(ReplicaReads, APIView):
    """Counts, workers and investment of the filtered enterprises, grouped, as JSON or a choropleth."""

    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]

    content_negotiation_class = JSONWhateverAccepted  # ?format=geojson is this view's, not DRF's

    @extend_schema(
        operation_id="enterprises_stats",
        parameters=[*docs.FILTER_PARAMETERS, *STATS_PARAMETERS],
        responses={(200, docs.JSON): docs.STATS_TABLE, (200, GEOJSON): docs.FEATURE_COLLECTION},
    )
    def get(self, request):
        body, content_type = stats_answer(request.query_params, below=suppress_below(request.user))
        return HttpResponse(body, content_type=content_type)
