"""The set-based half of an import: stage the validated rows with COPY, then locate, de-duplicate, match and
upsert them with a handful of SQL statements. Raw SQL because this is the fast path: per-row ORM saves of
a million enterprises would take hours.

Runs inside the caller's transaction; nothing here commits. The staging table is a temporary table dropped
at commit or rollback, so a killed import leaves nothing behind.

Matching is industries.matching's rule (which e-Registration applies too), in this order:
1. the same BSCIC registration number is the same enterprise;
2. else the same normalised English or Bangla name within IMPORT_SAME_PLACE_METRES (the nearest wins),
   unless both carry different registration numbers.
Two rows of the file that are the same enterprise by these rules: the first is imported, the later ones are
rejected as duplicates. A matched enterprise whose imported fields are all equal is "unchanged" and is not
written at all, which is what makes re-importing a file a no-op.
"""

import io
from dataclasses import dataclass

import pandas as pd
from django.db import connection, transaction
from django.db.models import CharField, TextField

from industries.data_version import data_version_bump
from industries.locate import locate_enterprises
from industries.matching import (
    near_box_sql,
    same_name_match_sql,
    same_name_sql,
    same_number_sql,
    same_place_params,
    within_metres_sql,
)
from industries.models import Enterprise

from .timing import phase, profiling, record

STAGE = "import_stage"

# Columns the importer may set on an enterprise, and their staging types: every column of the model but the
# record's own (id, timestamps, deleted, is_synthetic) and those staged apart or worked out here (the
# location; the areas and district_mismatch, by locate_enterprises). Text as text: lengths are checked, row
# by row, before (surveys.validate).
_NOT_SET = {"id", "created", "updated", "deleted", "is_synthetic", "location"}
_LOCATED = {"division_id", "district_id", "upazila_id", "district_mismatch"}
FIELD_TYPES = {
    field.column: "text" if isinstance(field, CharField | TextField) else field.db_type(connection)
    for field in Enterprise._meta.concrete_fields
    if field.column not in _NOT_SET | _LOCATED
}
# A file field, and the enterprise columns it sets. Columns of fields the file does not have are left as they
# are on matched enterprises (a sheet without phones does not erase phones).
FIELD_COLUMNS = {
    "name": ["name_en", "name_bn", "name_en_key", "name_bn_key"],
    "name_alt": ["name_en", "name_bn", "name_en_key", "name_bn_key"],
    "name_en": ["name_en", "name_en_key"],
    "name_bn": ["name_bn", "name_bn_key"],
    # One product column is split by script (surveys.validate): it sets both.
    "product": ["product", "product_bn"],
    "district": ["stated_district_id"],
    "upazila": ["stated_upazila_id"],
    "investment_bdt": ["investment_bdt", "size_class", "size_policy"],
    "workers_male": ["workers_male", "workers_total", "size_class", "size_policy"],
    "workers_female": ["workers_female", "workers_total", "size_class", "size_policy"],
    "workers_total": ["workers_total", "size_class", "size_policy"],
    "kind": ["kind", "size_class", "size_policy"],
    "is_family_based": ["is_family_based", "size_class", "size_policy"],
    "is_labour_intensive": ["is_labour_intensive", "size_class", "size_policy"],
    "year_established": ["year_established"],
    "date_established": ["year_established"],
}


@dataclass
class StageResult:
    created: int
    updated: int
    unchanged: int
    outside_upazilas: list[int]  # positions (row index in the file)
    duplicates: list[int]
    mismatched: list[int]


def columns_to_write(fields_present: set[str]) -> list[str]:
    """The enterprise columns this file sets: for each field it has, the columns that field feeds."""
    columns: set[str] = set()
    for f in fields_present:
        columns.update(FIELD_COLUMNS.get(f, [f] if f in FIELD_TYPES else []))
    return [c for c in FIELD_TYPES if c in columns]


def stage_and_upsert(rows: pd.DataFrame, *, fields_present: set[str], batch_id: int) -> StageResult:
    columns = list(FIELD_TYPES)
    with connection.cursor() as cursor:
        triggers_timed = profiling() and _time_triggers(cursor)
        with phase("stage: CSV text"):
            cursor.execute(
                f"CREATE TEMP TABLE {STAGE} (id bigint PRIMARY KEY, line integer, "
                "location geometry(Point, 4326), "
                + ", ".join(f"{c} {t}" for c, t in FIELD_TYPES.items())
                + ", upazila_id bigint, district_id bigint, division_id bigint,"
                " district_mismatch boolean DEFAULT false, target_id bigint, action text) ON COMMIT DROP"
            )
            frame = rows.assign(
                id=rows.index,
                # astype(str): a file whose every row was rejected leaves an empty float column here.
                location="SRID=4326;POINT("
                + rows.longitude.map("{:.7f}".format).astype(str)
                + " "
                + rows.latitude.map("{:.7f}".format).astype(str)
                + ")",
            )[["id", "line", "location", *columns]]
            buffer = io.StringIO()
            frame.to_csv(buffer, index=False, header=False, float_format="%.0f")
        # An empty text cell is an empty string, not NULL, as in the model; only a missing registration
        # number is NULL (it is unique when present).
        not_null = [c for c, t in FIELD_TYPES.items() if t == "text" and c != "registration_no"]
        with (
            phase("stage: COPY"),
            cursor.cursor.copy(
                f"COPY {STAGE} (id, line, location, {', '.join(columns)}) FROM STDIN "
                f"(FORMAT csv, FORCE_NOT_NULL ({', '.join(not_null)}))"
            ) as copy,
        ):
            copy.write(buffer.getvalue())
        with phase("stage: index, analyse"):
            cursor.execute(f"CREATE INDEX ON {STAGE} USING gist (location); ANALYZE {STAGE}")

        # 1. Where is each row? Rows in no upazila are rejected.
        with phase("locate (point in upazila)"):
            locate_enterprises(table=STAGE)
            cursor.execute(f"DELETE FROM {STAGE} WHERE upazila_id IS NULL RETURNING id")
            outside = [r[0] for r in cursor.fetchall()]

        # 2. Match to stored enterprises (industries.matching): registration number, then name within the
        #    distance.
        with phase("match stored enterprises"):
            same_place = same_place_params()
            cursor.execute(
                f"UPDATE {STAGE} s SET target_id = e.id FROM industries_enterprise e "
                f"WHERE {same_number_sql(stored='e', candidate='s')}"
            )
            cursor.execute(
                f"UPDATE {STAGE} s SET target_id = ({same_name_match_sql(candidate='s')})"
                " WHERE s.target_id IS NULL",
                same_place,
            )

            # The locate and match UPDATEs rewrote every row: fresh statistics keep the plans below sane.
            cursor.execute(f"ANALYZE {STAGE}")

        # 3. Duplicates inside the file: the same registration number, the same stored enterprise, or the
        #    same name within the distance of an earlier row. The earliest row stays.
        # Each part is a window over one column or one index-served distance join; an OR across the parts
        # would make the planner compare every pair of rows. "+ 0" keeps it off the primary key for the
        # order test: a bitmap of every earlier id, ANDed per row, is quadratic (2.5 min at 63,000 rows).
        with phase("duplicates in the file"):
            cursor.execute(
                f"""
                WITH later AS (
                    SELECT id FROM (
                        SELECT id, row_number() OVER (PARTITION BY registration_no ORDER BY id) AS n
                        FROM {STAGE} WHERE registration_no IS NOT NULL
                    ) AS same_number WHERE n > 1
                    UNION
                    SELECT id FROM (
                        SELECT id, row_number() OVER (PARTITION BY target_id ORDER BY id) AS n
                        FROM {STAGE} WHERE target_id IS NOT NULL
                    ) AS same_stored WHERE n > 1
                    UNION
                    SELECT b.id FROM {STAGE} a JOIN {STAGE} b
                      ON {near_box_sql(stored="a", candidate="b")} AND a.id + 0 < b.id + 0
                     AND {same_name_sql(stored="a", candidate="b")}
                    WHERE {within_metres_sql(stored="a", candidate="b")}
                )
                DELETE FROM {STAGE} WHERE id IN (SELECT id FROM later) RETURNING id
                """,
                same_place,
            )
            duplicates = [r[0] for r in cursor.fetchall()]

        # 4. Unchanged, updated, created.
        with phase("unchanged / updated / new ids"):
            write = columns_to_write(fields_present)
            stored = ", ".join(f"e.{c}" for c in write) + ", e.location, e.upazila_id"
            staged = ", ".join(f"s.{c}" for c in write) + ", s.location, s.upazila_id"
            cursor.execute(
                f"UPDATE {STAGE} s SET action = CASE WHEN ({stored}) IS NOT DISTINCT FROM ({staged}) "
                "THEN 'unchanged' ELSE 'updated' END FROM industries_enterprise e WHERE e.id = s.target_id"
            )
            cursor.execute(
                f"UPDATE {STAGE} SET action = 'created', "
                "target_id = nextval(pg_get_serial_sequence('industries_enterprise', 'id')) "
                "WHERE target_id IS NULL"
            )
        derived = ["location", "upazila_id", "district_id", "division_id", "district_mismatch"]
        with phase("update changed enterprises"):
            cursor.execute(
                "UPDATE industries_enterprise e SET "
                + ", ".join(f"{c} = s.{c}" for c in [*write, *derived])
                + ", updated = now() "
                f"FROM {STAGE} s WHERE s.target_id = e.id AND s.action = 'updated'"
            )
        with phase("insert created enterprises"):
            # A created row gets every column: those the file lacks take the model's defaults.
            defaults = {
                "name_en": "''",
                "name_bn": "''",
                "name_en_key": "''",
                "name_bn_key": "''",
                "owner_name": "''",
                "owner_phone": "''",
                "owner_nid": "''",
                "address": "''",
                "isic_section": "''",
                "isic_division": "''",
                "product": "''",
                "product_bn": "''",
                "size_class": "''",
                "size_policy": "''",
                "status": "'active'",
                "kind": "'manufacturing'",
                "is_family_based": "false",
                "is_labour_intensive": "false",
            }
            values = [f"coalesce(s.{c}, {defaults[c]})" if c in defaults else f"s.{c}" for c in columns]
            cursor.execute(
                f"INSERT INTO industries_enterprise (id, {', '.join(columns)}, {', '.join(derived)}, "
                "is_synthetic, created, updated) "
                f"SELECT s.target_id, {', '.join(values)}, {', '.join('s.' + c for c in derived)}, "
                "false, now(), now() "
                f"FROM {STAGE} s WHERE s.action = 'created'"
            )
        with phase("enterprise changes (import provenance)"):
            cursor.execute(
                "INSERT INTO surveys_enterprisechange (enterprise_id, batch_id, action, line) "
                f"SELECT target_id, %s, action, line FROM {STAGE} WHERE action IN ('created', 'updated')",
                [batch_id],
            )
        with phase("counts"):
            cursor.execute(f"SELECT action, count(*) FROM {STAGE} GROUP BY action")
            counts = dict(cursor.fetchall())
            cursor.execute(f"SELECT id FROM {STAGE} WHERE district_mismatch")
            mismatched = [r[0] for r in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {STAGE}")
        if triggers_timed:
            _record_trigger_time(cursor)
    if counts.get("created") or counts.get("updated"):
        transaction.on_commit(data_version_bump)  # not at all if a dry run's rollback undoes the writes
    return StageResult(
        created=counts.get("created", 0),
        updated=counts.get("updated", 0),
        unchanged=counts.get("unchanged", 0),
        outside_upazilas=outside,
        duplicates=duplicates,
        mismatched=mismatched,
    )


def _time_triggers(cursor) -> bool:
    """Have PostgreSQL count the time of PL/pgSQL functions (the history triggers) in this transaction.
    A superuser's setting: False, and nothing counted, for any other role."""
    cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    if not cursor.fetchone()[0]:
        return False
    cursor.execute("SELECT set_config('track_functions', 'pl', true)")
    return True


def _record_trigger_time(cursor) -> None:
    """The history triggers' own time (pgtrigger's functions) so far in this transaction, as a phase. It is
    part of the insert's and the update's time, not added to it."""
    cursor.execute(
        "SELECT coalesce(sum(total_time), 0) FROM pg_stat_xact_user_functions"
        " WHERE funcname LIKE 'pgtrigger%%'"
    )
    record("  of which history triggers", float(cursor.fetchone()[0]) / 1000)
