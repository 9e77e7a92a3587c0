"""Background work of the quality app, run by the task worker (`manage.py db_worker`, scripts/worker.py)."""

from django.conf import settings
from django.core.cache import cache
from django_tasks import task

QUEUED_KEY = "quality:run:queued"


@task()
def run_quality_checks() -> int:
    """Every check over every live enterprise (quality.services.quality_run); the run's id."""
    from .services import quality_run

    cache.delete(QUEUED_KEY)
    return quality_run().pk


def quality_checks_soon(**kwargs) -> None:
    """industries.data_version.data_changed: queue a run, once for any number of changes before the worker
    takes it up (an import's batches, a burst of edits). Off with GEODB_QUALITY_AUTO_RUN=0."""
    if settings.QUALITY_AUTO_RUN and cache.add(QUEUED_KEY, True, timeout=3600):
        run_quality_checks.enqueue()
