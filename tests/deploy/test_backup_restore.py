"""A backup (scripts/backup.sh, pg_dump -Fc) restored by scripts/restore.sh into a fresh database holds every
enterprise, import batch, provenance row and history version, byte for byte; restore never writes into a
database that exists."""

import subprocess
import uuid

import psycopg
import pytest
from django.apps import apps
from django.conf import settings
from django.core.files import File
from django.db import connection

from industries.models import Enterprise
from surveys.models import EnterpriseChange, ImportBatch, SurveyRound
from surveys.services import import_batch_create, import_batch_run
from tests.factories import EnterpriseFactory
from tests.surveys.test_import_batch_run import row, write_csv

SCRIPTS = settings.BASE_DIR / "scripts"
IN_BOGURA = (
    "SELECT count(*) FROM industries_enterprise WHERE ST_Intersects(location, "
    "(SELECT geom FROM industries_district WHERE name_en = 'Bogura'))"
)


def _url(name: str) -> str:
    db = connection.settings_dict
    return f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _history_model():
    return apps.get_model("industries", "EnterpriseEvent")


def _fingerprints(cursor, tables: list[str]) -> dict[str, tuple[int, str]]:
    """Per table: its row count and an md5 of all its rows (as text, sorted)."""
    result = {}
    for table in tables:
        cursor.execute(
            f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), ''))"
            f' FROM "{table}" t'
        )
        result[table] = cursor.fetchone()
    return result


@pytest.fixture
def restored_name():
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    yield name
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_into_a_fresh_database_finds_everything(transactional_db, tmp_path, settings, restored_name):
    settings.MEDIA_ROOT = tmp_path / "media"
    EnterpriseFactory.create_batch(25)
    path = write_csv(tmp_path / "pilot.csv", [row(reg=f"B{i}", name=f"Mill {i}") for i in range(40)])
    with open(path, "rb") as handle:
        batch = import_batch_create(
            survey_round=SurveyRound.objects.create(name="Backup test"), file=File(handle, name=path.name)
        )
    import_batch_run(batch=batch)
    edited = Enterprise.objects.order_by("pk").first()
    edited.name_en = "Renamed Handloom"
    edited.save()  # a second history version, where history exists
    assert ImportBatch.objects.get().status == "succeeded"

    models = [Enterprise, ImportBatch, EnterpriseChange, SurveyRound]
    history = _history_model()
    models.append(history)
    assert history.objects.count() >= Enterprise.objects.count() + 1
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        before = _fingerprints(cursor, tables)
    assert before[Enterprise._meta.db_table][0] == 65 and before[EnterpriseChange._meta.db_table][0] == 40

    dump = tmp_path / "geodb.dump"
    env = {"DATABASE_URL": _url(connection.settings_dict["NAME"]), "PATH": "/usr/bin:/bin"}
    backup = subprocess.run(
        [SCRIPTS / "backup.sh", dump], env=env, capture_output=True, text=True, timeout=300
    )
    assert backup.returncode == 0, backup.stderr
    assert dump.stat().st_size > 0 and not dump.with_name("geodb.dump.partial").exists()

    restore = subprocess.run(
        [SCRIPTS / "restore.sh", dump, _url(restored_name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert restore.returncode == 0, restore.stderr

    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=restored_name,
    ) as restored:
        assert _fingerprints(restored.cursor(), tables) == before
        # The geometry came back as geometry (PostGIS restored), and the boundaries with it.
        found = restored.execute(IN_BOGURA).fetchone()[0]
    with connection.cursor() as cursor:
        cursor.execute(IN_BOGURA)
        assert found == cursor.fetchone()[0] == 65

    again = subprocess.run(
        [SCRIPTS / "restore.sh", dump, _url(restored_name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode != 0 and "exists" in again.stderr  # never over a live database


def test_restore_of_a_broken_dump_leaves_no_database(transactional_db, tmp_path, restored_name):
    dump = tmp_path / "cut.dump"
    dump.write_bytes(b"PGDMP" + b"\0" * 100)  # the header of a dump, cut off
    env = {"PATH": "/usr/bin:/bin"}
    restore = subprocess.run(
        [SCRIPTS / "restore.sh", dump, _url(restored_name)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert restore.returncode != 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname = %s", [restored_name])
        assert cursor.fetchone()[0] == 0
