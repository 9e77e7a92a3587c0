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

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import CharField, TextField
from psycopg.copy import QueuedLibpqWriter

from industries.data_version import data_version_bump
from industries.locate import mismatch_sql, table_area_joins_sql
from industries.matching import (
    grid_cell_sql,
    merges_followed_in,
    near_box_sql,
    same_name_match_sql,
    same_name_matches_sql,
    same_number_sql,
    same_place_params,
    within_metres_sql,
)
from industries.models import Enterprise

from .timing import phase, profiling, record

STAGE = "import_stage"
RAW = "import_raw"
WRITTEN = "import_written"
ENTERPRISE = "industries_enterprise"
CHANGES = "surveys_enterprisechange"
# A file of at least 1/MATCH_BY_JOIN_SHARE as many rows as are stored is matched by name in one join.
MATCH_BY_JOIN_SHARE = 20

# Columns the importer may set on an enterprise, and their staging types: every column of the model but the
# record's own (id, timestamps, deleted, merged_into, is_synthetic) and those staged apart or worked out
# here (the location; the areas and district_mismatch, by locate_enterprises). Text as text: lengths are
# checked, row by row, before (surveys.validate).
_NOT_SET = {"id", "created", "updated", "deleted", "merged_into_id", "is_synthetic", "location"}
_LOCATED = {"division_id", "district_id", "upazila_id", "district_mismatch"}
FIELD_TYPES = {
    field.column: "text" if isinstance(field, CharField | TextField) else field.db_type(connection)
    for field in Enterprise._meta.concrete_fields
    if field.column not in _NOT_SET | _LOCATED
}
# What is staged: those, and the enterprise id a row may name (rule 0 below), which is matched on, never
# written.
STAGED_TYPES = {**FIELD_TYPES, "enterprise_id": "bigint"}
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
    "size_class": ["stated_size_class"],
    "date_established": ["year_established"],
}


@dataclass
class RowIssues:
    """What checking the rows against the database found: positions (row index in the file)."""

    outside_upazilas: list[int]
    duplicates: list[int]
    mismatched: list[int]


@dataclass
class StageResult(RowIssues):
    created: int
    updated: int
    unchanged: int


def columns_to_write(fields_present: set[str]) -> list[str]:
    """The enterprise columns this file sets: for each field it has, the columns that field feeds."""
    columns: set[str] = set()
    for f in fields_present:
        columns.update(FIELD_COLUMNS.get(f, [f] if f in FIELD_TYPES else []))
    return [c for c in FIELD_TYPES if c in columns]


def stage_and_upsert(
    rows: pd.DataFrame,
    *,
    fields_present: set[str],
    batch_id: int,
    checked: Callable[[RowIssues], None] = lambda issues: None,
) -> StageResult:
    """``checked`` is called with the rows' issues as soon as they are known, before the writes."""
    columns = list(STAGED_TYPES)
    same_place = same_place_params()
    with connection.cursor() as cursor:
        triggers_timed = profiling() and _time_triggers(cursor)
        # Hash joins and sorts over the whole file, not in 4 MB pieces spilled to disk.
        cursor.execute("SELECT set_config('work_mem', %s, true)", [settings.IMPORT_WORK_MEM])
        # The file's rows as they are: COPY into a bare table, read once by the statement that makes the
        # staging table. The text is made and sent a slice of rows at a time (memory).
        with phase("stage: COPY"):
            copy_raw(cursor, rows, columns)
            # For the areas' join (industries.locate.table_area_joins_sql).
            cursor.execute(f"CREATE INDEX ON {RAW} USING gist (location); ANALYZE {RAW}")

        # 1 and 2, in the one statement that writes the staging table: where each row is (its upazila, by
        # industries.locate's rule), and which stored enterprise it is: the one whose id the row names (a
        # data-quality sheet come back from the field), else industries.matching's rules (registration
        # number, then name within the distance); an id that names no enterprise falls through to those.
        # A merged duplicate found by id or name stands for the one kept, after this statement. Rows in no
        # upazila are matched to nothing; they are rejected below. The cell of the grid the duplicate
        # search below joins on is kept with the row.
        with phase("stage: locate, match stored enterprises"):
            # Rule 2 by one join for a file about as large as the table, else by a probe a row.
            cursor.execute(
                "SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [ENTERPRISE]
            )
            if len(rows) * MATCH_BY_JOIN_SHARE >= cursor.fetchone()[0]:
                named, named_join = (
                    "named.enterprise_id",
                    (f"LEFT JOIN ({same_name_matches_sql(table=RAW)}) AS named ON named.id = r.id"),
                )
            else:
                named, named_join = f"({same_name_match_sql(candidate='r')})", ""
            cursor.execute(
                "SELECT current_setting('enable_mergejoin'), set_config('enable_mergejoin', 'off', true)"
            )
            mergejoin = cursor.fetchone()[0]
            cursor.execute(
                f"""
                CREATE TEMP TABLE {STAGE} ON COMMIT DROP AS
                SELECT r.*, hit.upazila_id, u.district_id, d.division_id,
                       {mismatch_sql("r.stated_district_id")} AS district_mismatch,
                       CASE WHEN hit.upazila_id IS NOT NULL
                            THEN coalesce(by_id.id, numbered.id, {named})
                       END AS target_id,
                       by_id.id IS NULL AND numbered.id IS NOT NULL AS by_number,
                       {grid_cell_sql("r.location", "x")} AS cell_x,
                       {grid_cell_sql("r.location", "y")} AS cell_y
                FROM {RAW} AS r
                {table_area_joins_sql(RAW, "r")}
                LEFT JOIN industries_enterprise AS by_id ON by_id.id = r.enterprise_id
                LEFT JOIN industries_enterprise AS numbered
                       ON {same_number_sql(stored="numbered", candidate="r")}
                {named_join}
                """,
                same_place,
            )
            cursor.execute("SELECT set_config('enable_mergejoin', %s, true)", [mergejoin])
            cursor.execute(f"DROP TABLE {RAW}")
            # A merged duplicate's row goes to the one kept (industries.matching), unless found by number.
            merges_followed_in(cursor, STAGE, where="NOT s.by_number")
            cursor.execute(f"ALTER TABLE {STAGE} ADD PRIMARY KEY (id); ANALYZE {STAGE}")

        with phase("outside every upazila"):
            cursor.execute(f"DELETE FROM {STAGE} WHERE upazila_id IS NULL RETURNING id")
            outside = [r[0] for r in cursor.fetchall()]

        # 3. Duplicates inside the file: the same registration number, the same stored enterprise, or the
        #    same name within the distance of an earlier row. The earliest row stays.
        # Each part is a window over one column or a hash join; an OR across the parts would make the
        # planner compare every pair of rows. Names repeat (a thousand "Bismillah Store"s), so the same-name
        # join is on the name and the cell of a grid as well: two rows within the distance are in the same
        # or neighbouring cells (industries.matching.same_place_params), so each row is joined to the rows
        # of the same name in its own column of cells and the two beside it, and the distance is measured
        # for those pairs only.
        with phase("duplicates in the file"):
            near_same_name = " UNION ".join(
                f"""
                SELECT b.id FROM {STAGE} a CROSS JOIN (VALUES (-1), (0), (1)) AS side (dx)
                JOIN {STAGE} b ON b.{key} = a.{key} AND b.cell_x = a.cell_x + side.dx
                WHERE b.{key} <> '' AND a.id < b.id AND abs(b.cell_y - a.cell_y) <= 1
                  AND {near_box_sql(stored="a", candidate="b")}
                  AND {within_metres_sql(stored="a", candidate="b")}
                """
                for key in ("name_en_key", "name_bn_key")
            )
            # A hash join: the planner's merge join sorts the names three times over (in the database's
            # collation, slowly).
            cursor.execute(
                "SELECT current_setting('enable_mergejoin'), set_config('enable_mergejoin', 'off', true)"
            )
            mergejoin = cursor.fetchone()[0]
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
                    {near_same_name}
                )
                DELETE FROM {STAGE} WHERE id IN (SELECT id FROM later) RETURNING id
                """,
                same_place,
            )
            duplicates = [r[0] for r in cursor.fetchall()]
            cursor.execute("SELECT set_config('enable_mergejoin', %s, true)", [mergejoin])
        with phase("counts"):
            cursor.execute(f"SELECT id FROM {STAGE} WHERE district_mismatch")
            mismatched = [r[0] for r in cursor.fetchall()]
        checked(RowIssues(outside_upazilas=outside, duplicates=duplicates, mismatched=mismatched))

        # 4. Unchanged, updated, created: a matched enterprise whose imported fields are all equal is left
        #    as it is; the others are written, each write recorded as the batch's change with its line.
        write = columns_to_write(fields_present)
        stored = ", ".join(f"e.{c}" for c in write) + ", e.location, e.upazila_id"
        staged = ", ".join(f"s.{c}" for c in write) + ", s.location, s.upazila_id"
        derived = ["location", "upazila_id", "district_id", "division_id", "district_mismatch"]
        # What is written is noted (WRITTEN), and recorded as the batch's changes last, in the file's order.
        cursor.execute(
            f"CREATE TEMP TABLE {WRITTEN} (position bigint, enterprise_id bigint, action text, line integer)"
            " ON COMMIT DROP"
        )
        with phase("update changed enterprises"):
            cursor.execute(
                f"""
                WITH changed AS (
                    UPDATE industries_enterprise e SET
                    {", ".join(f"{c} = s.{c}" for c in [*write, *derived])}, updated = now()
                    FROM {STAGE} s WHERE e.id = s.target_id AND ({stored}) IS DISTINCT FROM ({staged})
                    RETURNING s.id, e.id AS enterprise_id, s.line
                )
                INSERT INTO {WRITTEN} SELECT id, enterprise_id, 'updated', line FROM changed
                """
            )
            updated = cursor.rowcount
            cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE target_id IS NOT NULL")
            matched = cursor.fetchone()[0]
        with phase("insert created enterprises"):
            cursor.execute(f"SELECT count(*) FROM {STAGE} WHERE target_id IS NULL")
            created = cursor.fetchone()[0]
            with rebuilt_indexes(cursor, created) as rebuilt:
                _insert_created(cursor, list(FIELD_TYPES), derived)
        with (
            phase("enterprise changes (import provenance)"),
            checked_at_once(cursor, CHANGES, ENTERPRISE, rebuilt),
        ):
            cursor.execute(
                f"INSERT INTO {CHANGES} (enterprise_id, batch_id, action, line) "
                f"SELECT enterprise_id, %s, action, line FROM {WRITTEN} ORDER BY position",
                [batch_id],
            )
        cursor.execute(f"DROP TABLE {STAGE}, {WRITTEN}")
        if triggers_timed:
            _record_trigger_time(cursor)
    if created or updated:
        transaction.on_commit(data_version_bump)  # not at all if a dry run's rollback undoes the writes
    return StageResult(
        created=created,
        updated=updated,
        unchanged=matched - updated,
        outside_upazilas=outside,
        duplicates=duplicates,
        mismatched=mismatched,
    )


# A created row gets every column: those the file lacks take the model's defaults.
_DEFAULTS = {
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


def _insert_created(cursor, columns: list[str], derived: list[str]) -> None:
    """The rows matched to no stored enterprise, as new enterprises. Their ids are drawn from the sequence
    here, in the order of the file, for the rows inserted only, and noted with them in WRITTEN (one drawing:
    a materialised CTE)."""
    values = [f"coalesce(s.{c}, {_DEFAULTS[c]})" if c in _DEFAULTS else f"s.{c}" for c in columns]
    cursor.execute(
        f"""
        WITH fresh AS MATERIALIZED (
            SELECT id, line, nextval(pg_get_serial_sequence('industries_enterprise', 'id')) AS new_id
            FROM (SELECT id, line FROM {STAGE} WHERE target_id IS NULL ORDER BY id) AS in_file_order
        ),
        inserted AS (
            INSERT INTO industries_enterprise (id, {", ".join(columns)}, {", ".join(derived)},
                                               is_synthetic, created, updated)
            SELECT f.new_id, {", ".join(values)}, {", ".join("s." + c for c in derived)}, false, now(), now()
            FROM fresh f JOIN {STAGE} s ON s.id = f.id
        )
        INSERT INTO {WRITTEN} SELECT id, new_id, 'created', line FROM fresh
        """
    )


def copy_raw(cursor, rows: pd.DataFrame, columns: list[str], *, skip_blank: bool = True) -> None:
    """The rows into a new temporary table RAW (id, line, location, ``columns``) by COPY. A column that is
    blank in every row (no text, no number, no true: columns the file does not have) is not sent: the
    table's default for it is that blank (what stage_text would have sent), so the table holds the same."""
    blank = blank_columns(rows, columns) if skip_blank else {}
    cursor.execute(
        f"CREATE TEMP TABLE {RAW} (id bigint, line integer, location geometry(Point, 4326), "
        + ", ".join(
            f"{c} {STAGED_TYPES[c]}" + (f" DEFAULT {blank[c]}" if blank.get(c) else "") for c in columns
        )
        + ") ON COMMIT DROP"
    )
    sent = [c for c in columns if c not in blank]
    # A thread sends each piece while the next is made (the database parses one while Python makes the
    # other: two cores at work, not one after the other).
    with cursor.cursor.copy(
        f"COPY {RAW} (id, line, location, {', '.join(sent)}) FROM STDIN",
        writer=QueuedLibpqWriter(cursor.cursor),
    ) as copy:
        chunks = stage_text(rows, sent)
        while True:
            with phase("  stage: COPY text"):
                text = next(chunks, None)
            if text is None:
                break
            copy.write(text)


def blank_columns(rows: pd.DataFrame, columns: list[str]) -> dict[str, str | None]:
    """The columns of ``columns`` that stage_text would send blank in every row, and that blank as SQL
    (None: NULL): an empty string for text (NULL for a registration number, which is NULL when missing),
    NULL for numbers, false for booleans."""
    blank = {}
    for column in columns:
        kind, values = STAGED_TYPES[column], rows[column]
        if kind == "text":
            missing = values.isna()
            if column == "registration_no":
                if missing.all():
                    blank[column] = None
            elif (missing | (values.astype(object) == "")).all():
                blank[column] = "''"
        elif kind == "boolean":
            if not values.to_numpy(dtype=bool).any():
                blank[column] = "false"
        elif np.isnan(values.to_numpy(dtype=float)).all():
            blank[column] = None
    return blank


# COPY's text format escapes these (and "\\N" is NULL).
_COPY_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def stage_text(rows: pd.DataFrame, columns: list[str], *, chunk: int = 50_000) -> Iterator[str]:
    """The rows as COPY text (tab-separated, one line a row): id, line, location, then ``columns``; in
    pieces of ``chunk`` rows (a million rows' cells as Python strings at once would take gigabytes).

    An empty text cell is an empty string, not NULL, as in the model; only a missing registration number is
    NULL (it is unique when present). Numbers are whole (pandas keeps whole numbers with gaps as floats),
    booleans True/False, the location EWKT to 7 decimals. Built a column at a time: a text column is escaped
    only if it holds a character COPY escapes, and each row is one join."""
    for start in range(0, len(rows), chunk):
        yield _text_of(rows.iloc[start : start + chunk], columns)


def _text_of(rows: pd.DataFrame, columns: list[str]) -> str:
    fields = [
        rows.index.to_numpy(dtype=np.int64).astype(str),
        rows["line"].to_numpy(dtype=np.int64).astype(str),
        # astype(str): a file whose every row was rejected leaves an empty float column here.
        (
            "SRID=4326;POINT("
            + rows.longitude.map("{:.7f}".format).astype(str)
            + " "
            + rows.latitude.map("{:.7f}".format).astype(str)
            + ")"
        ).to_numpy(dtype=object),
    ]
    for column in columns:
        kind = STAGED_TYPES[column]
        values = rows[column]
        if kind == "text":
            missing = values.isna().to_numpy()
            cells = values.astype(object).where(~missing, "").astype(str).to_numpy(dtype=object)
            joined = "".join(cells)
            for char, escaped in _COPY_ESCAPES.items():
                if char in joined:
                    cells = np.array([cell.replace(char, escaped) for cell in cells], dtype=object)
            if column == "registration_no":
                cells[missing] = "\\N"
        elif kind == "boolean":
            cells = np.where(values.to_numpy(dtype=bool), "True", "False").astype(object)
        else:  # whole numbers; NaN is NULL
            numbers = values.to_numpy(dtype=float)
            missing = np.isnan(numbers)
            cells = np.rint(np.where(missing, 0, numbers)).astype(np.int64).astype(str).astype(object)
            cells[missing] = "\\N"
        fields.append(cells)
    return "\n".join(map("\t".join, zip(*(f.tolist() for f in fields), strict=True))) + "\n"


@contextmanager
def rebuilt_indexes(cursor, created: int) -> Iterator[bool]:
    """Around the INSERT of ``created`` enterprises: for a very large batch (settings.IMPORT_REBUILD_*), the
    enterprise table's indexes (but those of its primary key and unique constraint) and its foreign keys
    dropped before and made again after, as they were: the same names and definitions, from the catalogue;
    a rollback puts the old ones back. Building an index over the whole table at once is several times
    faster than adding a million rows to it one by one (the trigram indexes most), and adding a foreign key
    checks every row in one join instead of a lookup per row and key at the commit. Yields whether it did.

    The table is locked against reading too, from here to the commit (ACCESS EXCLUSIVE); if the lock cannot
    be had within IMPORT_REBUILD_LOCK_TIMEOUT, the rows are added to the indexes as they are."""
    cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass", [ENTERPRISE])
    stored = cursor.fetchone()[0]
    if created < settings.IMPORT_REBUILD_INDEXES_ROWS or created * 2 < stored:
        yield False
        return
    try:
        with transaction.atomic():
            _lock_within_timeout(cursor, ENTERPRISE)
    except OperationalError:  # readers hold the table: add the rows to the indexes as they are
        yield False
        return
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid)"
        " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass"
        " AND NOT EXISTS (SELECT FROM pg_constraint k WHERE k.conindid = i.indexrelid) ORDER BY c.relname",
        [ENTERPRISE],
    )
    indexes = cursor.fetchall()
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [ENTERPRISE],
    )
    foreign_keys = cursor.fetchall()
    _check_now(cursor, ENTERPRISE)  # an ALTER TABLE waits for no check (the updates' of the areas' keys)
    for name, _ in foreign_keys:
        cursor.execute(f'ALTER TABLE {ENTERPRISE} DROP CONSTRAINT "{name}"')
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    yield True
    with phase("  rebuild indexes and foreign keys"):
        cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [settings.IMPORT_WORK_MEM])
        for _, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {ENTERPRISE} ADD CONSTRAINT "{name}" {definition}')


@contextmanager
def checked_at_once(cursor, table: str, referenced: str, locked: bool) -> Iterator[None]:
    """Around an INSERT of many rows into ``table``: its foreign keys to ``referenced`` (whose ACCESS
    EXCLUSIVE lock this transaction holds, when ``locked``) dropped before and added again after, as they
    were, so that they are checked in one join rather than a lookup (and a row lock) per row and key at the
    commit. ``table`` is locked against reading from here to the commit, as ``referenced`` already is; if
    that lock cannot be had within IMPORT_REBUILD_LOCK_TIMEOUT, or ``referenced`` is not locked, the keys
    are checked row by row as usual. Keys to other tables are left alone: dropping one would lock the other
    table (surveys_importbatch: other batches' progress) until the commit."""
    if not locked:
        yield
        return
    try:
        with transaction.atomic():
            _lock_within_timeout(cursor, table)
    except OperationalError:
        yield
        return
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND confrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        [table, referenced],
    )
    foreign_keys = cursor.fetchall()
    # The checks pending are run now, and those of the other keys at the end of the INSERT rather than at
    # the commit: an ALTER TABLE cannot run while its table has some pending.
    deferred = _check_now(cursor, table)
    for name, _ in foreign_keys:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    kept = [name for name in deferred if name not in dict(foreign_keys)]
    yield
    if kept:
        cursor.execute(f"SET CONSTRAINTS {_names(kept)} DEFERRED")
    with phase("  add its foreign keys again"):
        for name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')


def _check_now(cursor, table: str) -> list[str]:
    """Make the deferred constraints of ``table`` immediate for the rest of the transaction (or until set
    back): the checks pending for them are run now. Returns their names."""
    cursor.execute(
        "SELECT conname FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND condeferrable AND condeferred ORDER BY conname",
        [table],
    )
    names = [r[0] for r in cursor.fetchall()]
    if names:
        cursor.execute(f"SET CONSTRAINTS {_names(names)} IMMEDIATE")
    return names


def _names(names: list[str]) -> str:
    return ", ".join(f'"{name}"' for name in names)


def _lock_within_timeout(cursor, table: str) -> None:
    """ACCESS EXCLUSIVE on ``table`` to the end of the transaction; OperationalError if it is not granted
    within IMPORT_REBUILD_LOCK_TIMEOUT (call it inside a savepoint)."""
    cursor.execute("SELECT current_setting('lock_timeout')")
    before = cursor.fetchone()[0]
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [settings.IMPORT_REBUILD_LOCK_TIMEOUT])
    cursor.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
    cursor.execute("SELECT set_config('lock_timeout', %s, true)", [before])


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
