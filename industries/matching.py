"""When two records are the same enterprise: the one rule the importer (surveys.staging) and e-Registration
(registrations.services.register) both apply, as SQL they share.

1. The same BSCIC registration number is the same enterprise.
2. Else the same normalised English or Bangla name (``name_key``) within IMPORT_SAME_PLACE_METRES, the
   nearest first (then the lowest id), unless both carry different registration numbers.

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
    Bangladesh, which the exact distance on the sphere then trims."""
    metres = settings.IMPORT_SAME_PLACE_METRES
    return {"degrees": degrees_at_least(metres), "metres": metres}


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


def enterprise_match(
    *, registration_no: str | None, name_en: str, name_bn: str, location: Point
) -> int | None:
    """The id of the stored enterprise that a record with these values is, by the rule above, or None.
    Deleted enterprises are matched too, as by the importer: the record is theirs."""
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
        f"SELECT coalesce(({same_number_match_sql(candidate='c')}), ({same_name_match_sql(candidate='c')}))"
        f" FROM {candidate}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
