"""The task worker killed (kill -9) in the middle of an import: its successor under the same worker id
(scripts/worker.py, as systemd or serve_prod.sh restarts it) takes the task back, the batch completes, and
nothing is duplicated. Plain `db_worker` would leave the task RUNNING, and the batch "running", forever.

Deterministic, not timed, as tests/surveys/test_import_kill.py: a lock held on the provenance table, which
the import writes last in its transaction, shows when every enterprise is inserted but uncommitted.
"""

import signal
import subprocess
import sys
import time

import psycopg
from django.conf import settings
from django.db import connection
from django_tasks_db.models import DBTaskResult

from industries.models import Enterprise
from surveys.models import EnterpriseChange, ImportBatch, SurveyRound
from surveys.services import import_batch_create
from surveys.tasks import run_import_batch
from tests.conftest import manage_py
from tests.surveys.test_import_batch_run import row, write_csv

WORKER = str(settings.BASE_DIR / "scripts" / "worker.py")


def _import_task() -> DBTaskResult:
    # The worker also queues online payments' reconciliation when it starts, and an import's change of data
    # queues a run of the data-quality checks.
    return DBTaskResult.objects.get(task_path=run_import_batch.module_path)


def _worker(worker_id: str, media_root) -> tuple[list[str], dict[str, str]]:
    _, env = manage_py(media_root=media_root)
    return [sys.executable, WORKER, f"--worker-id={worker_id}", "--batch", "--no-startup-delay"], env


def _queued_import(tmp_path, rows: int) -> ImportBatch:
    from django.core.files import File

    path = write_csv(
        tmp_path / "pilot.csv",
        [row(reg=f"W{i}", name=f"Loom {i}", lat=f"{24.80 + i / 10_000:.4f}") for i in range(rows)],
    )
    with open(path, "rb") as handle:
        batch = import_batch_create(
            survey_round=SurveyRound.objects.create(name="Worker kill test"),
            file=File(handle, name=path.name),
        )
    run_import_batch.enqueue(batch.pk)
    return batch


def _connect():
    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
    )


def test_worker_killed_mid_import_is_taken_back_by_its_successor(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    batch = _queued_import(tmp_path, rows=300)
    args, env = _worker("host-a-geodb-worker", settings.MEDIA_ROOT)

    with _connect() as blocker:
        blocker.execute("LOCK TABLE surveys_enterprisechange IN EXCLUSIVE MODE")
        worker = subprocess.Popen(
            args, env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while True:
            cursor = connection.cursor()
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE '%%INSERT INTO surveys_enterprisechange%%'"
            )
            if cursor.fetchone()[0]:
                break
            assert worker.poll() is None, worker.stdout.read().decode()
            if time.monotonic() > deadline:
                cursor.execute(
                    "SELECT state, wait_event_type, left(query, 120) FROM pg_stat_activity "
                    "WHERE datname = current_database()"
                )
                raise AssertionError(f"the import never reached its last write: {cursor.fetchall()}")
            time.sleep(0.05)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        blocker.rollback()

    assert worker.returncode == -signal.SIGKILL
    assert Enterprise.objects.count() == 0
    assert _import_task().status == "RUNNING"  # what django-tasks-db leaves behind

    successor = subprocess.run(
        args, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300
    )
    assert successor.returncode == 0, successor.stdout + successor.stderr
    task = _import_task()
    assert task.status == "SUCCESSFUL", successor.stdout + task.traceback
    assert "Requeued 1 task" in successor.stdout
    assert task.worker_ids == ["host-a-geodb-worker", "host-a-geodb-worker"]
    batch.refresh_from_db()
    assert (batch.status, batch.created_count, batch.updated_count) == ("succeeded", 300, 0), batch.error
    assert ImportBatch.objects.count() == 1
    assert Enterprise.objects.count() == 300  # once each: the killed run wrote nothing
    assert Enterprise.objects.values("registration_no").distinct().count() == 300
    assert EnterpriseChange.objects.filter(batch=batch, action="created").count() == 300


def test_a_worker_leaves_tasks_of_other_live_workers_alone(transactional_db, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    _queued_import(tmp_path, rows=3)
    task = _import_task()
    task.claim("host-b-geodb-worker")  # another host's worker, alive and running it

    args, env = _worker("host-a-geodb-worker", settings.MEDIA_ROOT)
    other = subprocess.run(args, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300)
    assert other.returncode == 0, other.stdout + other.stderr

    task.refresh_from_db()
    assert (task.status, task.worker_ids) == ("RUNNING", ["host-b-geodb-worker"])
    assert Enterprise.objects.count() == 0
