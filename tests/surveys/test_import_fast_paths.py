"""The importer's fast paths keep its rules: the duplicate search on a grid finds exactly the pairs the rule
names, the ids and the changes follow the file, and a very large batch's rebuilt indexes and foreign keys
are those it dropped."""

import random
import re

import psycopg
import pytest
from django.db import connection

from industries.bangla import name_key
from industries.matching import near_box_sql, same_name_sql, same_place_params, within_metres_sql
from industries.models import Enterprise, EnterpriseEvent
from surveys.models import EnterpriseChange
from tests.platform.conftest import raw_url
from tests.surveys.test_import_batch_run import media, reasons, row, run, survey, write_csv  # noqa: F401

pytestmark = pytest.mark.django_db


def _keys(name: str) -> tuple[str, str]:
    """(English key, Bangla key) of a name in the generic name column, split by script as the importer."""
    bangla = re.search("[\u0980-\u09ff]", name) is not None
    return ("", name_key(name)) if bangla else (name_key(name), "")


def _pairwise_duplicates(points: list[tuple[str, float, float]]) -> set[int]:
    """The rule itself, with no grid: every row with an earlier one of the same name within the distance
    (the same SQL fragments, over every pair), as 0-based positions."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE pairwise (id int, name_en_key text, name_bn_key text, location geometry)"
        )
        for position, (name, lon, lat) in enumerate(points):
            cursor.execute(
                "INSERT INTO pairwise VALUES (%s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
                [position, *_keys(name), lon, lat],
            )
        cursor.execute(
            f"""
            SELECT DISTINCT b.id FROM pairwise a JOIN pairwise b ON a.id < b.id
            WHERE {near_box_sql(stored="a", candidate="b")} AND {within_metres_sql(stored="a", candidate="b")}
              AND {same_name_sql(stored="a", candidate="b")}
            """,
            same_place_params(),
        )
        found = {r[0] for r in cursor.fetchall()}
        cursor.execute("DROP TABLE pairwise")
    return found


def test_near_same_name_duplicates_are_found_across_the_grid_cells(survey, tmp_path):  # noqa: F811
    # Points on both sides of cell boundaries, from a metre to a hundred metres apart, few names: every kind
    # of pair (same cell, neighbouring cells, two cells apart; within and beyond the distance).
    cell = same_place_params()["cell"]
    lon0, lat0 = (round(89.3697 / cell) * cell, round(24.8465 / cell) * cell)
    generator = random.Random(14)
    names = ["Karatoya Works", "Padma Pottery", "করতোয়া তাঁত", "পদ্মা মৃৎশিল্প"]
    points = []
    for _ in range(120):
        lon = lon0 + generator.choice([-1, 0, 1, 2]) * cell + generator.uniform(-0.0009, 0.0009)
        lat = lat0 + generator.choice([-1, 0, 1]) * cell + generator.uniform(-0.0009, 0.0009)
        points.append((generator.choice(names), lon, lat))
    rows = [row(reg="", name=name, lat=f"{lat:.7f}", lon=f"{lon:.7f}") for name, lon, lat in points]
    # As the importer stores them (7 decimals), so that the rule is applied to the same points.
    stored = [(name, float(f"{lon:.7f}"), float(f"{lat:.7f}")) for name, lon, lat in points]
    expected = _pairwise_duplicates(stored)
    assert 10 < len(expected) < 110  # the sample has both kinds of rows

    batch = run(survey, write_csv(tmp_path / "grid.csv", rows))

    found = {line - 2 for line, code in reasons(batch).items() if "duplicate_in_file" in code}
    assert found == expected
    assert batch.created_count == len(points) - len(expected)


def test_created_ids_follow_the_file_and_each_change_names_its_line(survey, tmp_path):  # noqa: F811
    run(survey, write_csv(tmp_path / "a.csv", [row(reg="K-2", name="Works 2", lat="24.802", workers="99")]))
    rows = [row(reg=f"K-{i}", name=f"Works {i}", lat=f"24.80{i}", workers=str(10 + i)) for i in range(5)]
    batch = run(survey, write_csv(tmp_path / "b.csv", rows))

    assert (batch.created_count, batch.updated_count) == (4, 1)
    changes = EnterpriseChange.objects.filter(batch=batch).order_by("id")
    assert [(c.line, c.action, c.enterprise.registration_no) for c in changes] == [
        (2, "created", "K-0"),
        (3, "created", "K-1"),
        (4, "updated", "K-2"),
        (5, "created", "K-3"),
        (6, "created", "K-4"),
    ]
    created = [c.enterprise_id for c in changes if c.action == "created"]
    assert created == sorted(created)


def _schema() -> tuple[list, list]:
    """The indexes of the enterprises, and the constraints of the enterprises and of the provenance."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'industries_enterprise' ORDER BY 1"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, condeferred,"
            " convalidated FROM pg_constraint"
            " WHERE conrelid IN ('industries_enterprise'::regclass, 'surveys_enterprisechange'::regclass)"
            " ORDER BY 1, 2"
        )
        return indexes, cursor.fetchall()


def _provenance_keys() -> dict[str, int]:
    """The provenance's foreign keys: name -> oid (a key dropped and added again has a new one)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, oid::int FROM pg_constraint"
            " WHERE conrelid = 'surveys_enterprisechange'::regclass AND contype = 'f'"
        )
        return dict(cursor.fetchall())


def test_a_very_large_batch_rebuilds_the_indexes_and_keys_it_dropped(survey, tmp_path, settings):  # noqa: F811
    settings.IMPORT_REBUILD_INDEXES_ROWS = 1
    before, keys = _schema(), _provenance_keys()
    rows = [row(reg=f"L-{i}", name=f"Large {i}", lat=f"24.80{i}") for i in range(5)]

    batch = run(survey, write_csv(tmp_path / "large.csv", rows))

    assert _schema() == before
    # The provenance's key to the enterprises was added again after its rows (checked in one join), the
    # key to the batches not (that would lock the batches against other uploads until the commit).
    after = _provenance_keys()
    changed = {name for name in keys if after[name] != keys[name]}
    assert len(keys) == 2 and changed == {n for n in keys if "enterprise_id" in n}
    assert batch.created_count == Enterprise.objects.count() == 5
    assert EnterpriseChange.objects.filter(batch=batch, action="created").count() == 5
    assert EnterpriseEvent.objects.filter(pgh_label="insert").count() == 5  # history as ever
    with connection.cursor() as cursor:  # the indexes are built and used
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SELECT count(*) FROM industries_enterprise WHERE name_en ILIKE '%%arge 3%%'")
        assert cursor.fetchone()[0] == 1


def test_a_very_large_batch_goes_in_as_usual_while_readers_hold_the_table(survey, tmp_path, settings):  # noqa: F811
    settings.IMPORT_REBUILD_INDEXES_ROWS = 1
    settings.IMPORT_REBUILD_LOCK_TIMEOUT = "200ms"
    before = _schema()
    with psycopg.connect(raw_url()) as reader:
        reader.execute("SELECT count(*) FROM industries_enterprise")  # holds ACCESS SHARE until it ends
        rows = [row(reg=f"R-{i}", name=f"Read {i}", lat=f"24.80{i}") for i in range(3)]
        batch = run(survey, write_csv(tmp_path / "busy.csv", rows))
        reader.rollback()

    assert batch.status == "succeeded" and batch.created_count == 3
    assert _schema() == before


def test_a_large_batch_checks_its_provenance_by_row_while_it_is_read(survey, tmp_path, settings):  # noqa: F811
    settings.IMPORT_REBUILD_INDEXES_ROWS = 1
    settings.IMPORT_REBUILD_LOCK_TIMEOUT = "200ms"
    before, keys = _schema(), _provenance_keys()
    with psycopg.connect(raw_url()) as reader:
        reader.execute("SELECT count(*) FROM surveys_enterprisechange")  # holds ACCESS SHARE until it ends
        rows = [row(reg=f"P-{i}", name=f"Provenance {i}", lat=f"24.80{i}") for i in range(3)]
        batch = run(survey, write_csv(tmp_path / "busy.csv", rows))
        reader.rollback()

    assert batch.status == "succeeded" and batch.created_count == 3
    assert EnterpriseChange.objects.filter(batch=batch).count() == 3
    assert (_schema(), _provenance_keys()) == (before, keys)  # the keys were left as they were


def test_blank_rows_and_column_has_say_what_the_cell_by_cell_rules_say():
    import numpy as np
    import pandas as pd

    from surveys.readers.base import blank_rows, column_has

    generator = random.Random(7)
    cells = ["", " ", "\t", "\u00a0", "\u2003", "\x1c", "\x00", " \x00", "a", " a ", "\n", "x\ny", "০"]
    for _ in range(200):
        frame = pd.DataFrame(
            [[generator.choice(cells) for _ in range(3)] for _ in range(generator.randint(0, 12))],
            columns=["a", "b", "c"],
        ).astype(object)
        expected = np.ones(len(frame), dtype=bool)
        for name in frame.columns:
            expected &= frame[name].map(lambda cell: cell.strip() == "").to_numpy(dtype=bool)
        assert blank_rows(frame).tolist() == expected.tolist()
        for name in frame.columns:
            for char in ("\x00", "\n"):
                assert column_has(frame[name], char) == any(char in cell for cell in frame[name])


def test_the_areas_of_an_import_are_those_locate_enterprises_gives(survey, tmp_path):  # noqa: F811
    # Vertices of upazila pieces around Bogura (on their boundaries, to 7 decimals) and points between them.
    from industries.locate import locate_enterprises

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g) FROM"
            " (SELECT (ST_DumpPoints(geom)).geom AS g FROM industries_upazilapiece"
            " WHERE geom && ST_Expand(ST_SetSRID(ST_MakePoint(89.37, 24.85), 4326), 0.3)) AS v"
            " ORDER BY 1, 2 LIMIT 400"
        )
        vertices = cursor.fetchall()[::10]
    assert len(vertices) >= 30
    rows = [
        row(reg=f"V-{i}-{shift}", name=f"Vertex {i} {shift}", lon=f"{lon + shift:.7f}", lat=f"{lat:.7f}")
        for i, (lon, lat) in enumerate(vertices)
        for shift in (0.0, 0.00001)
    ]
    batch = run(survey, write_csv(tmp_path / "vertices.csv", rows))

    assert batch.created_count == len(rows)
    assert locate_enterprises() == 0  # the stored rule finds nothing to change


def test_rule_2_by_one_join_matches_what_the_probe_a_row_matches():
    # Stored enterprises of few names, close together around cell boundaries (several within the distance
    # of one candidate: the nearest wins, then the lowest id), some with registration numbers.
    from django.contrib.gis.geos import Point

    from industries.matching import same_name_match_sql, same_name_matches_sql

    params = same_place_params()
    cell = params["cell"]
    lon0, lat0 = (round(89.3697 / cell) * cell, round(24.8465 / cell) * cell)
    generator = random.Random(2)
    names = ["Karatoya Works", "Padma Pottery", "করতোয়া তাঁত"]

    def place():
        return (
            lon0 + generator.choice([-1, 0, 1]) * cell + generator.uniform(-0.0008, 0.0008),
            lat0 + generator.choice([-1, 0, 1]) * cell + generator.uniform(-0.0008, 0.0008),
        )

    def number():
        return generator.choice([None, None, "S-1", "S-2", "S-3", "T-7"])

    stored = []
    for i in range(150):
        name, (lon, lat) = generator.choice(names), place()
        en, bn = _keys(name)
        reg = ["S-1", "S-2", "S-3"][i] if i < 3 else f"T-{i}" if generator.random() < 0.3 else None
        stored.append(
            Enterprise(
                name_en=name if en else "",
                name_bn=name if bn else "",
                name_en_key=en,
                name_bn_key=bn,
                location=Point(lon, lat, srid=4326),
                kind="manufacturing",
                registration_no=reg,
            )
        )
    Enterprise.objects.bulk_create(stored)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE candidates (id bigint, registration_no text, name_en_key text,"
            " name_bn_key text, location geometry(Point, 4326))"
        )
        for i in range(300):
            name, (lon, lat) = generator.choice(names), place()
            cursor.execute(
                "INSERT INTO candidates VALUES (%s, %s, %s, %s, ST_SetSRID(ST_MakePoint(%s, %s), 4326))",
                [i, number(), *_keys(name), lon, lat],
            )
        cursor.execute(
            f"SELECT c.id, ({same_name_match_sql(candidate='c')}) FROM candidates c ORDER BY 1", params
        )
        probed = {i: e for i, e in cursor.fetchall() if e is not None}
        cursor.execute(same_name_matches_sql(table="candidates"), params)
        joined = dict(cursor.fetchall())
        cursor.execute("DROP TABLE candidates")
    assert 50 < len(probed) < 300
    assert joined == probed


def test_the_copy_text_is_the_same_in_pieces():
    import pandas as pd

    from surveys.staging import FIELD_TYPES, stage_text

    frame = pd.DataFrame(
        {
            "line": range(2, 12),
            "latitude": [24.8 + i / 1000 for i in range(10)],
            "longitude": [89.3] * 10,
            **{
                c: [None if i % 3 else f"a\\b\t{i}" for i in range(10)]
                for c, t in FIELD_TYPES.items()
                if t == "text"
            },
            **{
                c: [float(i) if i % 2 else float("nan") for i in range(10)]
                for c, t in FIELD_TYPES.items()
                if t not in ("text", "boolean")
            },
            **{c: [bool(i % 2) for i in range(10)] for c, t in FIELD_TYPES.items() if t == "boolean"},
        }
    )
    whole = "".join(stage_text(frame, list(FIELD_TYPES), chunk=1000))
    assert whole.count("\n") == 10 and "a\\\\b\\t0" in whole and "\\N" in whole
    assert "".join(stage_text(frame, list(FIELD_TYPES), chunk=3)) == whole
    assert list(stage_text(frame.iloc[:0], list(FIELD_TYPES))) == []


def test_a_very_large_batch_that_also_moves_stored_enterprises_to_other_areas(survey, tmp_path, settings):  # noqa: F811
    # The update's checks of the areas' keys are pending when the keys are dropped for the insert.
    run(survey, write_csv(tmp_path / "a.csv", [row(reg="M-0", name="Moved 0", lat="24.800")]))
    settings.IMPORT_REBUILD_INDEXES_ROWS = 1
    before, keys = _schema(), _provenance_keys()
    moved = row(reg="M-0", name="Moved 0", district="Rajshahi", upazila="Boalia", lat="24.37", lon="88.60")
    rows = [moved] + [row(reg=f"M-{i}", name=f"Moved {i}", lat=f"24.80{i}") for i in range(1, 6)]

    batch = run(survey, write_csv(tmp_path / "b.csv", rows))

    assert batch.status == "succeeded", batch.error
    assert (batch.created_count, batch.updated_count) == (5, 1)
    assert Enterprise.objects.get(registration_no="M-0").district.name_en == "Rajshahi"
    assert _schema() == before
    assert EnterpriseChange.objects.filter(batch=batch).count() == 6
    assert set(_provenance_keys()) == set(keys)


def test_the_versions_and_the_provenance_carry_no_index_that_nothing_reads():
    # Each index is written for every row an import writes: versions are read by enterprise only (and
    # joined to their context), the provenance by enterprise (one_change_per_batch begins with it) or batch.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.relname, array_agg(a.attname::text ORDER BY k.n) FROM pg_index i"
            " JOIN pg_class t ON t.oid = i.indrelid"
            " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k (attnum, n)"
            " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum"
            " WHERE t.relname IN ('industries_enterpriseevent', 'surveys_enterprisechange')"
            " GROUP BY t.relname, i.indexrelid"
        )
        indexed = sorted((table, tuple(columns)) for table, columns in cursor.fetchall())
    assert indexed == [
        ("industries_enterpriseevent", ("pgh_context_id",)),
        ("industries_enterpriseevent", ("pgh_id",)),
        ("industries_enterpriseevent", ("pgh_obj_id",)),
        ("surveys_enterprisechange", ("batch_id",)),
        ("surveys_enterprisechange", ("enterprise_id", "batch_id")),
        ("surveys_enterprisechange", ("id",)),
    ]


def test_the_staged_rows_are_the_same_when_blank_columns_are_not_sent():
    import pandas as pd

    from surveys.mapping import resolve_columns
    from surveys.staging import FIELD_TYPES, RAW, blank_columns, copy_raw
    from surveys.validate import validate

    # A file without owners' NIDs, addresses, sectors or flags, and with one registration number and one
    # figure; every other row blank there.
    raw = pd.DataFrame(
        {
            "name": ["Karatoya Works", "পদ্মা\tমৃৎশিল্প", "Jamuna\\Works"],
            "latitude": ["24.8465", "24.85", "24.86"],
            "longitude": ["89.3697", "89.37", "89.38"],
            "registration_no": ["", "R-1", ""],
            "workers_total": ["", "12", ""],
            "owner_phone": ["", "", ""],
            "is_family_based": ["no", "", "না"],
        }
    )
    rows = validate(raw, resolve_columns(list(raw.columns))).rows
    rows = rows.assign(line=range(2, 2 + len(rows)))
    columns = list(FIELD_TYPES)
    blank = blank_columns(rows, columns)
    assert {"owner_nid", "address", "owner_phone", "is_family_based", "investment_bdt"} <= set(blank)
    assert not {"name_en", "name_bn", "registration_no", "workers_total"} & set(blank)

    staged = []
    with connection.cursor() as cursor:
        for skip_blank in (False, True):
            copy_raw(cursor, rows, columns, skip_blank=skip_blank)
            cursor.execute(f"SELECT * FROM {RAW} ORDER BY id")
            staged.append(cursor.fetchall())
            cursor.execute(f"DROP TABLE {RAW}")
    assert staged[0] == staged[1] and len(staged[0]) == 3
