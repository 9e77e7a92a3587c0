"""kill -9 in the middle of a batch leaves the database as it was; running the command again completes it.

Deterministic, not timed: the test holds a lock on the provenance table, which the import writes last in its
transaction. When the import is seen waiting on that lock, every enterprise it inserted is in the database,
uncommitted; that is when it is killed. (The statement may carry a prefix: the history context's
set_config() calls run in the same statement.)
"""

import signal
import subprocess
import time

import psycopg
from django.conf import settings
from django.db import connection

from industries.models import Enterprise
from surveys.models import ImportBatch
from tests.conftest import manage_py
from tests.surveys.test_import_batch_run import row, write_csv


def _command(path, tmp_path):
    return manage_py("import_enterprises", str(path), "--survey", "Kill test", media_root=tmp_path / "media")


def test_kill_9_mid_batch_changes_nothing_and_a_rerun_completes(transactional_db, tmp_path):
    rows = [row(reg=f"K{i}", name=f"Works {i}", lat=f"{24.80 + i / 10_000:.4f}") for i in range(300)]
    path = write_csv(tmp_path / "pilot.csv", rows)
    args, env = _command(path, tmp_path)
    db = connection.settings_dict

    with psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
    ) as blocker:
        blocker.execute("LOCK TABLE surveys_enterprisechange IN EXCLUSIVE MODE")
        process = subprocess.Popen(
            args, env=env, cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + 120
        while True:
            waiting = connection.cursor()
            waiting.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query LIKE '%%INSERT INTO surveys_enterprisechange%%'"
            )
            if waiting.fetchone()[0]:
                break
            assert process.poll() is None, process.stdout.read().decode()
            assert time.monotonic() < deadline, "the import never reached its last write"
            time.sleep(0.05)
        process.send_signal(signal.SIGKILL)
        process.wait()
        blocker.rollback()

    assert process.returncode == -signal.SIGKILL
    assert Enterprise.objects.count() == 0  # as before the batch
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.RUNNING  # visible as interrupted

    rerun = subprocess.run(args, env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    assert Enterprise.objects.count() == 300
    completed = ImportBatch.objects.get()  # the same batch, picked up and completed
    assert (completed.pk, completed.status, completed.created_count) == (batch.pk, "succeeded", 300)
