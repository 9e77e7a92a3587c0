"""GeoJSON of list pages, built in PostGIS.

Raw SQL because this is the fast path: PostGIS turns a page of rows into one GeoJSON text
(``json_build_object`` + ``ST_AsGeoJSON``), so Python never touches a feature. djangorestframework-gis's
serializer builds a GEOS object and a dict per row, which is ~13x slower at 10,000 features; it stays for
detail views and writes. The filtered queryset is compiled by the ORM and wrapped here, so the filters are
still the FilterSet's.
"""

import hashlib
from dataclasses import dataclass

import orjson
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from industries.data_version import data_version

from .pagination import Cursor, keyset_window
from .selectors import enterprise_columns, enterprise_values

# Decimal places of coordinates: 6 is ~0.1 m, finer than any survey GPS.
COORDINATE_DECIMALS = 6


NOT_PROPERTIES = ("id", "location", "distance")
# jsonb_build_object takes at most 100 arguments: the properties are built 50 at a time and joined.
PAIRS_PER_CALL = 50


def feature_sql(values: QuerySet) -> str:
    """SQL of one GeoJSON feature of the row ``p`` of ``values`` (rows of values with id and location).

    The properties are ``jsonb_build_object`` of the named columns rather than ``to_jsonb(p) - 'location'``:
    that converts every row's geometry to JSON only to drop it (a 1,000-feature page 77 → 53 ms at 200,000
    rows, bench/RESULTS.md). Both are jsonb, so keys and bytes are the same."""
    names = [
        name
        for name in values.query.values_select + tuple(values.query.annotation_select)
        if name not in NOT_PROPERTIES
    ]
    pairs = [f"'{name}', p.\"{name}\"" for name in names]
    calls = [
        f"jsonb_build_object({', '.join(pairs[start : start + PAIRS_PER_CALL])})"
        for start in range(0, len(pairs), PAIRS_PER_CALL)
    ] or ["'{}'::jsonb"]
    return (
        "json_build_object('type', 'Feature', 'id', p.id, "
        f"'geometry', ST_AsGeoJSON(p.location, {COORDINATE_DECIMALS})::json, "
        f"'properties', {' || '.join(calls)})"
    )


@dataclass
class FeaturePage:
    features: str  # JSON array text
    count: int  # rows read: page size + 1 when another page follows
    first_key: list | None  # sort key of the first and last feature, for the prev/next cursors
    last_key: list | None


def features_page(window: QuerySet, *, size: int, by_distance: bool, reverse: bool) -> FeaturePage:
    """The GeoJSON features of the first ``size`` rows of ``window`` (rows of values with id and location,
    ordered and sliced to size + 1), in one query. ``reverse``: the window runs backwards (a prev page)
    and the features are put back in reading order."""
    try:
        inner, params = window.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (id__in=[]): the ORM writes no SQL
        return FeaturePage("[]", 0, None, None)
    columns = ["p.distance", "p.id"] if by_distance else ["p.id"]
    key = f"json_build_array({', '.join(columns)})"
    direction = "DESC" if reverse else "ASC"
    window_order = ", ".join(f"{c} {direction}" for c in columns)
    sql = f"""
        SELECT coalesce(json_agg(f.feature ORDER BY f.n {direction}) FILTER (WHERE f.n <= %s), '[]')::text,
               count(*),
               (array_agg(f.key ORDER BY f.n {direction}) FILTER (WHERE f.n <= %s))
        FROM (
            SELECT row_number() OVER (ORDER BY {window_order}) AS n, {feature_sql(window)} AS feature,
                   {key}::text AS key
            FROM ({inner}) AS p
        ) AS f
    """
    with connections[window.db].cursor() as cursor:
        cursor.execute(sql, (size, size, *params))
        features, count, keys = cursor.fetchone()
    keys = [orjson.loads(k) for k in keys or []]
    return FeaturePage(features, count, keys[0] if keys else None, keys[-1] if keys else None)


def features_json(values: QuerySet, *, feature: str | None = None, order: str = "p.id") -> str:
    """The JSON array of ``feature`` (SQL on the row ``p``; an enterprise's by default) for each row of
    ``values``, in ``order``: one query, and Python never holds a shape."""
    try:
        inner, params = values.query.sql_with_params()
    except EmptyResultSet:
        return "[]"
    feature = feature or feature_sql(values)
    with connections[values.db].cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(json_agg({feature} ORDER BY {order}), '[]')::text FROM ({inner}) AS p", params
        )
        return cursor.fetchone()[0]


def count_matched(queryset: QuerySet, *, exact_up_to: int | None = None) -> tuple[int, bool]:
    """(number, exact). Exact when the planner expects at most ``exact_up_to`` (API_EXACT_COUNT_LIMIT by
    default) rows: then counted, reading at most that many rows plus one, so a planner that guessed too
    low (stale statistics) cannot make the count long either. Otherwise the planner's estimate, at once
    (a plan costs about a millisecond), and not exact."""
    if exact_up_to is None:
        exact_up_to = settings.API_EXACT_COUNT_LIMIT
    try:
        inner, params = queryset.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:
        return 0, True
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {inner}", params)
        plan = cursor.fetchone()[0]
        plan = plan[0] if isinstance(plan, list) else plan
        estimate = int(plan["Plan"]["Plan Rows"])
        if estimate > exact_up_to:
            return estimate, False
        cursor.execute(f"SELECT count(*) FROM ({inner} LIMIT %s) AS matched", (*params, exact_up_to + 1))
        (counted,) = cursor.fetchone()
    if counted <= exact_up_to:
        return counted, True
    return max(estimate, counted), False


def count_key(queryset: QuerySet) -> str | None:
    """The cache key of the exact count of ``queryset`` for the current data version (None: it matches
    nothing, there is nothing to count)."""
    try:
        inner, params = queryset.order_by().values("id").query.sql_with_params()
    except EmptyResultSet:
        return None
    text = f"{inner}|{params!r}|{data_version()}"
    return f"count:{hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()}"


@dataclass
class EnterprisePage:
    features: str  # JSON array text
    returned: int
    next_cursor: Cursor | None
    prev_cursor: Cursor | None
    matched: int | None  # None: not counted
    matched_exact: bool


def enterprise_page(
    queryset: QuerySet, *, user, size: int, cursor: Cursor | None, count: bool = True, exact_up_to=None
) -> EnterprisePage:
    """One keyset page of filtered enterprises as GeoJSON features, with the cursors of the pages around
    it and the number matched (``count``; exact up to ``exact_up_to``, see count_matched): what the list
    endpoint and OGC items both answer. ``queryset`` is ordered by id, or by distance (``near``) when it
    has that annotation."""
    by_distance = "distance" in queryset.query.annotations
    values = enterprise_values(
        queryset, columns=enterprise_columns(user=user), extra=("distance",) if by_distance else ()
    )
    window = keyset_window(values, size=size, cursor=cursor, by_distance=by_distance)
    backwards = bool(cursor and cursor.direction == "prev")
    page = features_page(window, size=size, by_distance=by_distance, reverse=backwards)
    more = page.count > size
    has_next = page.count > 0 if backwards else more
    has_prev = more if backwards else (cursor is not None and page.count > 0)
    if not count:
        matched, exact = None, False
    elif cursor is None and not more:  # the first page holds every match: no need to count them
        matched, exact = page.count, True
    else:
        matched, exact = count_matched(queryset, exact_up_to=exact_up_to)
    return EnterprisePage(
        features=page.features,
        returned=min(page.count, size),
        next_cursor=Cursor("next", tuple(page.last_key)) if has_next and page.last_key else None,
        prev_cursor=Cursor("prev", tuple(page.first_key)) if has_prev and page.first_key else None,
        matched=matched,
        matched_exact=exact,
    )
