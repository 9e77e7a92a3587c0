"""Background work of the quality app, run by the task worker (`manage.py db_worker`, scripts/worker.py)."""

from django.conf import settings
from django.core.cache import cache
from django_tasks import task

QUEUED_KEY = "quality:run:queued"


@task()
def run_quality_checks() -> int | None:
    """Every check over every live enterprise (quality.services.quality_run); the run's id, or None when
    another run is under way (it will see the data as it is by then, or the next run queued will)."""
    from .services import RunInProgress, quality_run

    cache.delete(QUEUED_KEY)
    try:
        return quality_run().pk
    except RunInProgress:
        return None


def quality_checks_soon(**kwargs) -> None:
    """industries.data_version.data_changed: queue a run, once for any number of changes before the worker
    takes it up (an import's batches, a burst of edits). Off with GEODB_QUALITY_AUTO_RUN=0."""
    if settings.QUALITY_AUTO_RUN and cache.add(QUEUED_KEY, True, timeout=3600):
        run_quality_checks.enqueue()
