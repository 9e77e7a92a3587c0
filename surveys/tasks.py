"""Background work of the surveys app, run by `manage.py db_worker` (django-tasks, PostgreSQL-backed)."""

from django_tasks import task

from .models import ImportBatch
from .services import import_batch_run


@task()
def run_import_batch(batch_id: int) -> str:
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status in (ImportBatch.Status.SUCCEEDED, ImportBatch.Status.FAILED):
        return batch.status  # a task queued twice for one batch: the first one ran it
    return import_batch_run(batch=batch).status
