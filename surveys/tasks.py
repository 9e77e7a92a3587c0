"""Background work of the surveys app, run by `manage.py db_worker` (django-tasks, PostgreSQL-backed)."""

from django_tasks import task

from .models import ImportBatch
from .services import import_batch_run


@task()
def run_import_batch(batch_id: int) -> str:
    batch = import_batch_run(batch=ImportBatch.objects.get(pk=batch_id))
    return batch.status
