"""The task worker of a deployment: `manage.py db_worker` under a stable worker id, after handing back to
the queue the tasks that a previous worker with that id left running.

django-tasks-db marks a task RUNNING when a worker claims it and nothing ever resets it: a worker killed
midway (kill -9, OOM, a lost database connection) leaves its import "running" forever. A worker id is
unique to one process at a time (systemd runs one worker per host, with the id %H-geodb-worker), so when a
worker with that id starts, a task still RUNNING under it belongs to a dead predecessor. The task runs again
from the start; an import's data changes are one transaction, so the killed run wrote nothing, and the
rerun picks up the same batch.

    python scripts/worker.py --worker-id HOST-geodb-worker [other db_worker options]
"""

import argparse
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.prod")
# The settings give web processes statement timeouts, and management commands none (an import's upsert of
# a million rows is one long statement on purpose). This is not manage.py, so say it here, over whatever
# the shared environment file sets for the web; GEODB_WORKER_* set the worker's own, if any.
os.environ["GEODB_DB_STATEMENT_TIMEOUT"] = os.environ.get("GEODB_WORKER_STATEMENT_TIMEOUT", "0")
os.environ["GEODB_DB_IDLE_IN_TRANSACTION_TIMEOUT"] = os.environ.get("GEODB_WORKER_IDLE_TIMEOUT", "0")

import django


def requeue_interrupted(worker_id: str) -> int:
    """Put the tasks this worker id was running back to READY; returns how many."""
    from django.db import transaction
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    requeued = 0
    with transaction.atomic():
        for result in DBTaskResult.objects.running().select_for_update():
            if result.worker_ids and result.worker_ids[-1] == worker_id:
                result.status = TaskResultStatus.READY
                result.started_at = None
                result.save(update_fields=["status", "started_at"])
                requeued += 1
    return requeued


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--worker-id", required=True, help="Unique to this worker process at any time")
    args, db_worker_args = parser.parse_known_args(argv)
    django.setup()
    from django.core.management import call_command

    requeued = requeue_interrupted(args.worker_id)
    if requeued:
        print(f"Requeued {requeued} task(s) left running by a previous worker {args.worker_id}", flush=True)
    # Online payments' reconciliation runs in the worker every few minutes: make sure a run is queued.
    from payments.tasks import reconcile_schedule

    reconcile_schedule()
    call_command("db_worker", f"--worker-id={args.worker_id}", "--no-reload", *db_worker_args)


if __name__ == "__main__":
    main(sys.argv[1:])
