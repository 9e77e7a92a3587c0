"""The data-quality checks, each one SQL statement over every live enterprise (set-based: a million rows are
a few sorts, joins and index probes in PostGIS, never a loop in Python).

Each check is a SELECT of ``(enterprise_id, other_id, score, details)``: the enterprise flagged, the other
one of a suspected duplicate (each of the two gets a row naming the other), how sure or how far off (0–1),
and the figures behind the reason (quality.reasons words them). Raw SQL because these are window
functions, percentiles, self-joins by distance and trigram similarity over whole tables, which the ORM
cannot say. The thresholds are settings (QUALITY_…); ``params()`` hands them to every statement.
"""

from dataclasses import dataclass

from django.conf import settings

from industries.degrees import METRES_PER_DEGREE, degrees_at_least

from .models import Check

LIVE = "industries_enterprise"


def params() -> dict:
    return {
        "shared_point_min": settings.QUALITY_SHARED_POINT_MIN,
        "boundary_metres": settings.QUALITY_BOUNDARY_METRES,
        "boundary_degrees": degrees_at_least(settings.QUALITY_BOUNDARY_METRES),
        "duplicate_metres": settings.QUALITY_DUPLICATE_METRES,
        "duplicate_degrees": degrees_at_least(settings.QUALITY_DUPLICATE_METRES),
        "duplicate_similarity": settings.QUALITY_DUPLICATE_SIMILARITY,
        "same_owner_max_pairs": settings.QUALITY_SAME_OWNER_MAX_PAIRS,
        "outlier_z": settings.QUALITY_OUTLIER_Z,
        "outlier_min_group": settings.QUALITY_OUTLIER_MIN_GROUP,
        "min_year": settings.QUALITY_MIN_YEAR,
        "stale_years": settings.QUALITY_STALE_YEARS,
    }


@dataclass(frozen=True)
class QualityCheck:
    name: str  # a Check value
    sql: str
    setup: tuple[str, ...] = ()  # statements run before, on the same connection (temporary tables)


def _outside(level: str, *, condition: str, base: float, metres_per_unit: int) -> str:
    """Outside the stated ``level`` (district, upazila): the stated and the located area, and about how far
    the point is from the stated one (degrees as metres, industries.degrees: for a reason, not a survey)."""
    metres = f"ST_Distance(e.location, stated.geom_simple) * {METRES_PER_DEGREE}"
    return f"""
    SELECT e.id, NULL::bigint, least(1.0, {base} + {metres} / {metres_per_unit}),
           jsonb_build_object(
               'stated', stated.name_en, 'stated_bn', stated.name_bn,
               'located', located.name_en, 'located_bn', located.name_bn,
               'metres', round({metres} / 10) * 10)
    FROM {LIVE} e
    JOIN industries_{level} stated ON stated.id = e.stated_{level}_id
    LEFT JOIN industries_{level} located ON located.id = e.{level}_id
    WHERE e.deleted IS NULL AND {condition}
"""


OUTSIDE_DISTRICT = _outside("district", condition="e.district_mismatch", base=0.5, metres_per_unit=20000)
# In the stated district but another of its upazilas (a point outside the district is the check above).
OUTSIDE_UPAZILA = _outside(
    "upazila",
    condition="NOT e.district_mismatch AND e.upazila_id IS DISTINCT FROM e.stated_upazila_id",
    base=0.3,
    metres_per_unit=10000,
)

# One sort of the live rows by coordinates: a window, not a self-join.
SHARED_POINT = f"""
    SELECT id, NULL::bigint, least(1.0, n / 10.0), jsonb_build_object('count', n)
    FROM (
        SELECT id, count(*) OVER (PARTITION BY ST_X(location), ST_Y(location)) AS n
        FROM {LIVE} WHERE deleted IS NULL
    ) points
    WHERE n >= %(shared_point_min)s
"""

# Closer than the tolerance to the boundary line of another district than its own: the point could as well
# be in either, and so could its district. The lines are each district's outline cut into short pieces (a
# GiST index finds the few points near each); the national border and the coast belong to one district
# only, so points near them are not flagged.
ON_BOUNDARY_SETUP = (
    "DROP TABLE IF EXISTS quality_boundary_lines",
    """CREATE TEMP TABLE quality_boundary_lines AS
       SELECT id AS district_id, name_en, name_bn, ST_Subdivide(ST_Boundary(geom), 64) AS geom
       FROM industries_district""",
    "CREATE INDEX ON quality_boundary_lines USING gist (geom)",
    "ANALYZE quality_boundary_lines",
)
ON_BOUNDARY = f"""
    SELECT DISTINCT ON (e.id) e.id, NULL::bigint,
           1.0 - ST_Distance(e.location::geography, line.geom::geography) / %(boundary_metres)s / 2,
           jsonb_build_object(
               'other', line.name_en, 'other_bn', line.name_bn,
               'metres', round(ST_Distance(e.location::geography, line.geom::geography)::numeric, 1))
    FROM quality_boundary_lines line
    JOIN {LIVE} e ON ST_DWithin(e.location, line.geom, %(boundary_degrees)s)
         AND e.district_id <> line.district_id
    WHERE e.deleted IS NULL
      AND ST_DWithin(e.location::geography, line.geom::geography, %(boundary_metres)s)
    ORDER BY e.id, ST_Distance(e.location::geography, line.geom::geography)
"""

IN_WATER = f"""
    SELECT DISTINCT ON (e.id) e.id, NULL::bigint, 1.0, jsonb_build_object('water', water.name)
    FROM {LIVE} e JOIN quality_waterbody water ON ST_Intersects(water.geom, e.location)
    WHERE e.deleted IS NULL
    ORDER BY e.id, water.id
"""

# Pairs within the distance (GiST, a box in degrees, then metres) whose normalised names (the importer's
# name keys: no case, spacing or punctuation) are alike in either script. Each pair once (a.id < b.id),
# then both ways round. Only names that begin with the same letter are compared: a spelling variant rarely
# changes the first letter, and comparing the ten or so neighbours of every enterprise in full took 88 s at
# a million (trigram similarity is most of the check's cost); ⚠ a variant that does is missed.
SIMILAR_NAME = f"""
    WITH pairs AS (
        SELECT a.id AS a, b.id AS b,
               greatest(
                   CASE WHEN a.name_en_key <> '' AND left(b.name_en_key, 1) = left(a.name_en_key, 1)
                        THEN similarity(a.name_en_key, b.name_en_key) ELSE 0 END,
                   CASE WHEN a.name_bn_key <> '' AND left(b.name_bn_key, 1) = left(a.name_bn_key, 1)
                        THEN similarity(a.name_bn_key, b.name_bn_key) ELSE 0 END) AS alike,
               ST_Distance(a.location::geography, b.location::geography) AS metres
        FROM {LIVE} a
        -- "b.id - a.id > 0", not "b.id > a.id": the planner would AND the GiST probe with a scan of the
        -- primary key for every id above a.id (half the table, a million times over).
        JOIN {LIVE} b ON ST_DWithin(a.location, b.location, %(duplicate_degrees)s) AND b.id - a.id > 0
        WHERE a.deleted IS NULL AND b.deleted IS NULL
    ), found AS (
        SELECT a, b,
               round((alike * (1 - 0.5 * metres / %(duplicate_metres)s))::numeric, 3) AS score,
               jsonb_build_object('alike', round(alike::numeric, 2), 'metres', round(metres::numeric))
                   AS details
        FROM pairs WHERE alike >= %(duplicate_similarity)s AND metres <= %(duplicate_metres)s
    )
    SELECT a, b, score, details FROM found
    UNION ALL
    SELECT b, a, score, details FROM found
"""

# The same NID or mobile on several enterprises. A few: each pair, the NID surer than the phone (families
# share phones), surer still when the names are alike too. Many (over QUALITY_SAME_OWNER_MAX_PAIRS): one
# flag each, with the count, rather than a pair for every two. The value itself is never in the details.
SAME_OWNER = f"""
    WITH owners AS (
        SELECT id, name_en_key, name_bn_key, 'nid' AS kind, owner_nid AS value
        FROM {LIVE} WHERE deleted IS NULL AND owner_nid <> ''
        UNION ALL
        SELECT id, name_en_key, name_bn_key, 'phone', owner_phone
        FROM {LIVE} WHERE deleted IS NULL AND owner_phone <> ''
    ), counted AS (
        SELECT *, count(*) OVER (PARTITION BY kind, value) AS n FROM owners
    ), pairs AS (
        SELECT a.id AS a, b.id AS b, a.kind,
               greatest(similarity(a.name_en_key, b.name_en_key), similarity(a.name_bn_key, b.name_bn_key))
                   AS alike
        FROM counted a JOIN counted b ON b.kind = a.kind AND b.value = a.value AND b.id > a.id
        WHERE a.n BETWEEN 2 AND %(same_owner_max_pairs)s
    ), best AS (
        -- A pair sharing both the NID and the phone is one finding, by the NID.
        SELECT DISTINCT ON (a, b) a, b, kind, alike,
               round(((CASE kind WHEN 'nid' THEN 0.7 ELSE 0.5 END) + 0.3 * alike)::numeric, 3) AS score
        FROM pairs ORDER BY a, b, kind
    )
    SELECT a, b, score, jsonb_build_object('by', kind, 'alike', round(alike::numeric, 2)) FROM best
    UNION ALL
    SELECT b, a, score, jsonb_build_object('by', kind, 'alike', round(alike::numeric, 2)) FROM best
    UNION ALL
    SELECT * FROM (
        SELECT DISTINCT ON (id) id, NULL::bigint, 0.5, jsonb_build_object('by', kind, 'count', n)
        FROM counted WHERE n > %(same_owner_max_pairs)s ORDER BY id, kind
    ) shared
"""


def _outlier(column: str) -> str:
    """Far from the enterprises of the same sector and size class: the modified z-score (Iglewicz and
    Hoaglin) of ln(1 + value), from the group's median and median absolute deviation, in groups of at
    least QUALITY_OUTLIER_MIN_GROUP figures. Robust: the outliers themselves barely move the median."""
    value = f"ln(1 + e.{column}::float8)"
    return f"""
    WITH figures AS (
        SELECT e.id, e.isic_section, e.size_class, e.{column} AS figure, {value} AS x
        FROM {LIVE} e
        WHERE e.deleted IS NULL AND e.{column} IS NOT NULL AND e.isic_section <> '' AND e.size_class <> ''
    ), groups AS (
        SELECT isic_section, size_class, percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS median
        FROM figures GROUP BY isic_section, size_class HAVING count(*) >= %(outlier_min_group)s
    ), spread AS (
        SELECT f.isic_section, f.size_class, g.median,
               percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(f.x - g.median)) AS mad
        FROM figures f JOIN groups g USING (isic_section, size_class)
        GROUP BY f.isic_section, f.size_class, g.median
    ), scored AS (
        SELECT f.*, s.median, 0.6745 * (f.x - s.median) / s.mad AS z
        FROM figures f JOIN spread s USING (isic_section, size_class)
        WHERE s.mad > 0
    )
    SELECT id, NULL::bigint, least(1.0, abs(z) / 10),
           jsonb_build_object('value', figure, 'typical', round(exp(median) - 1), 'z', round(z::numeric, 1),
                              'sector', isic_section, 'size_class', size_class)
    FROM scored WHERE abs(z) > %(outlier_z)s
    """


SIZE_CLASS_DIFFERS = f"""
    SELECT id, NULL::bigint, 0.5, jsonb_build_object('stated', stated_size_class, 'computed', size_class)
    FROM {LIVE}
    WHERE deleted IS NULL AND stated_size_class <> '' AND size_class <> '' AND stated_size_class <> size_class
"""

YEAR_IMPLAUSIBLE = f"""
    SELECT id, NULL::bigint, 1.0, jsonb_build_object('year', year_established)
    FROM {LIVE}
    WHERE deleted IS NULL
      AND (year_established > extract(year FROM current_date) OR year_established < %(min_year)s)
"""

# The newest sighting of each enterprise: the end of each survey round that imported it (or the import's
# day, for a round without dates) and each registration; one it never had is seen when it was created.
STALE = f"""
    WITH seen AS (
        SELECT change.enterprise_id, coalesce(survey.period_end, batch.finished::date) AS day
        FROM surveys_enterprisechange change
        JOIN surveys_importbatch batch ON batch.id = change.batch_id
        JOIN surveys_surveyround survey ON survey.id = batch.survey_round_id
        UNION ALL
        SELECT enterprise_id, registered_at::date FROM registrations_application
        WHERE enterprise_id IS NOT NULL AND registered_at IS NOT NULL
    ), newest AS (
        SELECT enterprise_id, max(day) AS day FROM seen GROUP BY enterprise_id
    ), last_seen AS (
        SELECT e.id, coalesce(newest.day, e.created::date) AS day
        FROM {LIVE} e LEFT JOIN newest ON newest.enterprise_id = e.id
        WHERE e.deleted IS NULL
    )
    SELECT id, NULL::bigint, least(1.0, (current_date - day) / (730.5 * %(stale_years)s)),
           jsonb_build_object('last_seen', day)
    FROM last_seen
    WHERE day < current_date - make_interval(years => %(stale_years)s)
"""

CHECKS = (
    QualityCheck(Check.OUTSIDE_DISTRICT, OUTSIDE_DISTRICT),
    QualityCheck(Check.OUTSIDE_UPAZILA, OUTSIDE_UPAZILA),
    QualityCheck(Check.SHARED_POINT, SHARED_POINT),
    QualityCheck(Check.ON_BOUNDARY, ON_BOUNDARY, ON_BOUNDARY_SETUP),
    QualityCheck(Check.IN_WATER, IN_WATER),
    QualityCheck(Check.SIMILAR_NAME, SIMILAR_NAME),
    QualityCheck(Check.SAME_OWNER, SAME_OWNER),
    QualityCheck(Check.WORKERS_OUTLIER, _outlier("workers_total")),
    QualityCheck(Check.INVESTMENT_OUTLIER, _outlier("investment_bdt")),
    QualityCheck(Check.SIZE_CLASS_DIFFERS, SIZE_CLASS_DIFFERS),
    QualityCheck(Check.YEAR_IMPLAUSIBLE, YEAR_IMPLAUSIBLE),
    QualityCheck(Check.STALE, STALE),
)
