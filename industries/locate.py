"""Set-based point-in-polygon: derive division, district and upazila of enterprises from their location.

Raw SQL because this is the fast path: one UPDATE joins the enterprises to the subdivided upazila pieces
through their GiST indexes, instead of one query per enterprise. It runs for one enterprise saved in the
admin as well as for a million generated or imported ones, so there is only one way an area is derived.

A point on a shared boundary touches two pieces; the lowest upazila id wins, so the result is
deterministic. A point that falls in no upazila (at sea, across the border) gets no area, and if the source
stated a district it is flagged as a mismatch.
"""

from django.db import connection


def area_joins_sql(point: str) -> str:
    """The joins that find the areas of the point ``point`` (an SQL expression): they give
    ``hit.upazila_id``, ``u.district_id`` and ``d.division_id``, all NULL for a point in no upazila. The one
    rule, for an UPDATE of stored rows (below); ``table_area_joins_sql`` is its form for a whole table of
    points (the importer's)."""
    return f"""
    LEFT JOIN LATERAL (
        SELECT p.upazila_id
        FROM industries_upazilapiece AS p
        WHERE ST_Intersects(p.geom, {point})
        ORDER BY p.upazila_id
        LIMIT 1
    ) AS hit ON true
    LEFT JOIN industries_upazila AS u ON u.id = hit.upazila_id
    LEFT JOIN industries_district AS d ON d.id = u.district_id
    """


def table_area_joins_sql(table: str, alias: str) -> str:
    """The same rule as ``area_joins_sql`` (the lowest upazila id of the pieces a point touches), for every
    row of ``table`` at once, joined to it as ``alias`` by its unique ``id``: driven from the pieces, so that
    each piece's polygon is tested against all of its points in turn (PostGIS keeps it prepared) instead of
    being looked up and read again for every point. Several times faster for a whole file of points; the
    table wants a GiST index on its location."""
    return f"""
    LEFT JOIN (
        SELECT t.id, min(p.upazila_id) AS upazila_id
        FROM industries_upazilapiece AS p JOIN {table} AS t ON ST_Intersects(p.geom, t.location)
        GROUP BY t.id
    ) AS hit ON hit.id = {alias}.id
    LEFT JOIN industries_upazila AS u ON u.id = hit.upazila_id
    LEFT JOIN industries_district AS d ON d.id = u.district_id
    """


def mismatch_sql(stated_district: str) -> str:
    """Whether the stated district is not the one found (a stated district and no area found is one)."""
    return f"{stated_district} IS NOT NULL AND {stated_district} IS DISTINCT FROM u.district_id"


LOCATE_SQL = (
    """
UPDATE {table} AS e
SET upazila_id = found.upazila_id,
    district_id = found.district_id,
    division_id = found.division_id,
    district_mismatch = e.stated_district_id IS NOT NULL
                        AND e.stated_district_id IS DISTINCT FROM found.district_id
FROM (
    SELECT t.id, u.id AS upazila_id, u.district_id, d.division_id
    FROM {table} AS t
"""
    + area_joins_sql("t.location")
    + """
    WHERE {where}
) AS found
WHERE e.id = found.id
  AND (e.upazila_id, e.district_id, e.division_id, e.district_mismatch)
      IS DISTINCT FROM (found.upazila_id, found.district_id, found.division_id,
                        e.stated_district_id IS NOT NULL
                        AND e.stated_district_id IS DISTINCT FROM found.district_id)
"""
)


def locate_enterprises(
    *, ids: list[int] | None = None, min_id: int | None = None, table: str = "industries_enterprise"
) -> int:
    """Assign areas to enterprises with these ids, or ids from ``min_id`` on, or all. Returns rows changed.

    Rows whose areas are already right are not rewritten, so re-running costs reads, not writes.
    ``table`` may name another table with the same location and area columns.
    """
    if ids is not None:
        sql, params = LOCATE_SQL.format(table=table, where="t.id = ANY(%s)"), [list(ids)]
    elif min_id is not None:
        sql, params = LOCATE_SQL.format(table=table, where="t.id >= %s"), [min_id]
    else:
        sql, params = LOCATE_SQL.format(table=table, where="true"), []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
