"""Staff upload a survey file in the admin; a PostgreSQL-backed worker imports it; the page shows it."""

import subprocess
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from industries.models import Enterprise
from surveys.models import ImportBatch, SurveyRound
from tests.conftest import manage_py
from tests.surveys.test_import_batch_run import row, write_csv


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("officer", "o@example.invalid", "pw"))
    return client


def test_upload_queue_run_watch_and_download(transactional_db, staff_client, tmp_path, settings):
    # Transactional: the worker is a separate process (as in production) and must see the committed upload.
    survey = SurveyRound.objects.create(name="Rajshahi pilot 2016–17")
    path = write_csv(tmp_path / "pilot.csv", [row(), row(reg="R2", name="", lat="24.85")])

    response = staff_client.post(
        reverse("admin:surveys_importbatch_add"),
        {"survey_round": survey.pk, "file": SimpleUploadedFile("pilot.csv", path.read_bytes())},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.QUEUED and batch.file_name == "pilot.csv"
    assert Enterprise.objects.count() == 0  # nothing runs in the web process
    assert DBTaskResult.objects.filter(status="READY").count() == 1

    page = staff_client.get(reverse("admin:surveys_importbatch_change", args=[batch.pk])).content.decode()
    assert '<meta http-equiv="refresh"' in page  # the page follows a queued batch

    args, env = manage_py("db_worker", "--batch", "--no-startup-delay", media_root=settings.MEDIA_ROOT)
    worker = subprocess.run(args, env=env, capture_output=True, text=True, timeout=300)
    assert worker.returncode == 0, worker.stdout + worker.stderr

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.error
    assert (batch.created_count, batch.rejected_count) == (1, 1), Path(batch.report_csv.path).read_text()
    assert Enterprise.objects.count() == 1
    page = staff_client.get(reverse("admin:surveys_importbatch_change", args=[batch.pk])).content.decode()
    assert '<meta http-equiv="refresh"' not in page
    download = staff_client.get(reverse("admin:surveys_importbatch_report", args=[batch.pk, "csv"]))
    assert download.status_code == 200 and b"name_missing" in b"".join(download.streaming_content)

    rounds = staff_client.get(reverse("admin:surveys_surveyround_change", args=[survey.pk])).content.decode()
    assert "pilot.csv" in rounds  # batches browsed per survey round


@pytest.mark.django_db
def test_reports_are_for_staff_only(client, tmp_path):
    survey = SurveyRound.objects.create(name="Round")
    batch = ImportBatch.objects.create(survey_round=survey, file_name="x.csv", sha256="0" * 64)
    response = client.get(reverse("admin:surveys_importbatch_report", args=[batch.pk, "csv"]))
    assert response.status_code == 302 and "/admin/login/" in response.url
