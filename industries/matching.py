"""When two records are the same enterprise: the one rule the importer (surveys.staging) and e-Registration
(registrations.services.register) both apply, as SQL they share.

1. The same BSCIC registration number is the same enterprise.
2. Else the same normalised English or Bangla name (``name_key``) within IMPORT_SAME_PLACE_METRES, the
   nearest first (then the lowest id), unless both carry different registration numbers.

A record found by its name that was merged into another (quality.services.enterprises_merge: a duplicate,
deleted, ``merged_into`` the one kept) stands for the one kept, and so on along merges of merges
(``merges_followed``). One found by its number is left as found: it kept its own number because the one
kept has another, which the record's number must not overwrite.

Raw SQL because the importer applies it to a staging table of a million rows in one UPDATE; the fragments
take the aliases of the stored enterprise and of the candidate, so one text serves a staging table and a
single candidate alike. Parameters are named: ``%(degrees)s`` and ``%(metres)s`` (``same_place_params``).
"""

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import connection

from .bangla import name_key, normalise_text, to_ascii_digits
from .degrees import degrees_at_least

ENTERPRISE_TABLE = "industries_enterprise"


def same_place_params() -> dict:
    """``degrees``: a distance the GiST index answers that holds IMPORT_SAME_PLACE_METRES everywhere in
    Bangladesh, which the exact distance on the sphere then trims. ``cell``: the side of the grid that the
    set-based forms join on, a little over ``degrees``, so that two points ``degrees`` apart or less are
    never two cells apart, whatever the rounding of the division."""
    metres = settings.IMPORT_SAME_PLACE_METRES
    degrees = degrees_at_least(metres)
    return {"degrees": degrees, "metres": metres, "cell": degrees * 1.01}


def grid_cell_sql(point: str, axis: str) -> str:
    """The column (``axis`` "x") or row ("y") of the grid cell of ``point`` (``%(cell)s`` degrees a side)."""
    return f"floor(ST_{axis.upper()}({point}) / %(cell)s)::bigint"


def same_number_sql(*, stored: str, candidate: str) -> str:
    """Rule 1 as a predicate."""
    return (
        f"{candidate}.registration_no IS NOT NULL AND {stored}.registration_no = {candidate}.registration_no"
    )


def near_box_sql(*, stored: str, candidate: str) -> str:
    """The index-served half of "within the distance": a box a little larger than the circle."""
    return f"ST_DWithin({stored}.location, {candidate}.location, %(degrees)s)"


def within_metres_sql(*, stored: str, candidate: str) -> str:
    """The exact half: metres on the sphere."""
    return f"ST_DistanceSphere({stored}.location, {candidate}.location) <= %(metres)s"


def same_name_sql(*, stored: str, candidate: str) -> str:
    """The same normalised English or Bangla name (an empty key matches nothing)."""
    return (
        f"(({candidate}.name_en_key <> '' AND {stored}.name_en_key = {candidate}.name_en_key)"
        f" OR ({candidate}.name_bn_key <> '' AND {stored}.name_bn_key = {candidate}.name_bn_key))"
    )


def numbers_agree_sql(*, stored: str, candidate: str) -> str:
    """Two records that carry different registration numbers are two enterprises, however close."""
    return (
        f"({stored}.registration_no IS NULL OR {candidate}.registration_no IS NULL"
        f" OR {stored}.registration_no = {candidate}.registration_no)"
    )


def same_number_match_sql(*, candidate: str) -> str:
    """The stored enterprise with the candidate's registration number (rule 1), as a scalar subquery."""
    return (
        f"SELECT e.id FROM {ENTERPRISE_TABLE} e WHERE {same_number_sql(stored='e', candidate=candidate)}"
        " LIMIT 1"
    )


def same_name_match_sql(*, candidate: str) -> str:
    """The nearest stored enterprise of the same name within the distance (rule 2), as a scalar subquery."""
    return f"""
        SELECT e.id FROM {ENTERPRISE_TABLE} e
        WHERE {near_box_sql(stored="e", candidate=candidate)}
          AND {within_metres_sql(stored="e", candidate=candidate)}
          AND {same_name_sql(stored="e", candidate=candidate)}
          AND {numbers_agree_sql(stored="e", candidate=candidate)}
        ORDER BY e.location <-> {candidate}.location, e.id
        LIMIT 1
    """


def same_name_matches_sql(*, table: str) -> str:
    """Rule 2 for every row of ``table`` (id, registration_no, the name keys, location) at once: a query of
    (id, enterprise_id), the nearest stored enterprise of the same name within the distance, then the
    lowest id, for the rows that have one. The predicates and the order of ``same_name_match_sql``, but
    the stored enterprises are joined on the name key and the grid cell (``grid_cell_sql``; a point within
    the distance is in the same or a neighbouring cell) instead of the spatial index being probed once per
    row: for a file about as large as the table, not for a few rows against a million."""
    parts = [
        f"""
        SELECT t.id, e.id AS enterprise_id, e.location <-> t.location AS distance
        FROM {table} AS t CROSS JOIN (VALUES (-1), (0), (1)) AS side (dx)
        JOIN (
            SELECT id, name_en_key, name_bn_key, registration_no, location,
                   {grid_cell_sql("location", "x")} AS cell_x, {grid_cell_sql("location", "y")} AS cell_y
            FROM {ENTERPRISE_TABLE}
        ) AS e ON e.{key} = t.{key} AND e.cell_x = {grid_cell_sql("t.location", "x")} + side.dx
        WHERE t.{key} <> '' AND abs(e.cell_y - {grid_cell_sql("t.location", "y")}) <= 1
          AND {near_box_sql(stored="e", candidate="t")}
          AND {within_metres_sql(stored="e", candidate="t")}
          AND {numbers_agree_sql(stored="e", candidate="t")}
        """
        for key in ("name_en_key", "name_bn_key")
    ]
    return (
        f"SELECT DISTINCT ON (id) id, enterprise_id FROM ({' UNION ALL '.join(parts)}) AS near"
        " ORDER BY id, distance, enterprise_id"
    )


# Merges of merges are short; the bound only stops a cycle, which enterprises_merge never makes.
MERGE_CHAIN_LIMIT = 50


def merges_followed(enterprise_id: int | None) -> int | None:
    """The enterprise ``enterprise_id`` now is: the one it was merged into, or that one's, and so on; itself
    if it was never merged."""
    if enterprise_id is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE chain (id, merged_into_id, depth) AS (
                SELECT id, merged_into_id, 0 FROM {ENTERPRISE_TABLE} WHERE id = %(id)s
                UNION ALL
                SELECT e.id, e.merged_into_id, c.depth + 1
                FROM chain AS c JOIN {ENTERPRISE_TABLE} AS e ON e.id = c.merged_into_id
                WHERE c.depth < %(limit)s
            )
            SELECT id FROM chain ORDER BY depth DESC LIMIT 1
            """,
            {"id": enterprise_id, "limit": MERGE_CHAIN_LIMIT},
        )
        row = cursor.fetchone()
    return row[0] if row else enterprise_id


def merges_followed_in(cursor, table: str, *, where: str = "true") -> None:
    """``merges_followed`` for the ``target_id`` of every row of ``table`` that ``where`` allows, in place:
    one UPDATE a step along the merges, and none when nothing is merged (a look at the enterprise table
    first, so that a million staged rows are not joined for nothing)."""
    cursor.execute(f"SELECT EXISTS (SELECT FROM {ENTERPRISE_TABLE} WHERE merged_into_id IS NOT NULL)")
    if not cursor.fetchone()[0]:
        return
    for _ in range(MERGE_CHAIN_LIMIT):
        cursor.execute(
            f"UPDATE {table} AS s SET target_id = e.merged_into_id FROM {ENTERPRISE_TABLE} AS e"
            f" WHERE e.id = s.target_id AND e.merged_into_id IS NOT NULL AND ({where})"
        )
        if not cursor.rowcount:
            return


def enterprise_match(
    *, registration_no: str | None, name_en: str, name_bn: str, location: Point
) -> int | None:
    """The id of the stored enterprise that a record with these values is, by the rules above, or None.
    Deleted enterprises are matched too, as by the importer: the record is theirs (a merged one's, the one
    kept)."""
    registration_no = normalise_text(to_ascii_digits(registration_no or "")) or None
    point = location if location.srid in (None, 4326) else location.transform(4326, clone=True)
    candidate = """
        (SELECT %(registration_no)s::text AS registration_no, %(name_en_key)s::text AS name_en_key,
                %(name_bn_key)s::text AS name_bn_key,
                ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS location) AS c
    """
    params = {
        **same_place_params(),
        "registration_no": registration_no,
        "name_en_key": name_key(name_en or ""),
        "name_bn_key": name_key(name_bn or ""),
        "lon": point.x,
        "lat": point.y,
    }
    sql = (
        f"SELECT ({same_number_match_sql(candidate='c')}), ({same_name_match_sql(candidate='c')})"
        f" FROM {candidate}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        by_number, by_name = cursor.fetchone()
    return by_number if by_number is not None else merges_followed(by_name)
