"""Reconciliation in the task worker (django-tasks): asks the gateway about attempts still without a word,
then queues its own next run, PAYMENT_RECONCILE_EVERY_MINUTES later. ``reconcile_schedule`` (run by the
worker's start scripts and by `manage.py reconcile_payments --schedule`) makes sure one run is queued."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from .services import attempts_reconcile

TASK_PATH = "payments.tasks.reconcile_payments"


@task()
def reconcile_payments() -> dict:
    try:
        outcomes = attempts_reconcile()
    finally:
        # The next run is queued even if this one failed: money taken must not wait for a restart.
        reconcile_schedule(after_running=True)
    return dict(outcomes)


def reconcile_schedule(*, after_running: bool = False) -> bool:
    """Queue the next run unless one is already waiting; True if one was queued."""
    with transaction.atomic():
        # One queue-wide lock on the task table's rows of this task: two workers starting at once queue one.
        waiting = (
            DBTaskResult.objects.select_for_update()
            .filter(task_path=TASK_PATH, status=TaskResultStatus.READY)
            .exists()
        )
        if waiting:
            return False
        delay = timedelta(minutes=settings.PAYMENT_RECONCILE_EVERY_MINUTES if after_running else 0)
        reconcile_payments.using(run_after=timezone.now() + delay).enqueue()
    return True
