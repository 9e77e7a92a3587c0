"""How recent the enterprise data is, for "Data as of <date>, source: <surveys>" on the map, the statistics
and the methodology page.

``as_of`` is the day of the newest change that brought data in: the newest enterprise row (the primary
key's index answers it) or the newest finished import of a survey file, whichever is later. ``sources``
are the survey rounds imported, newest import first. Kept in the cache under the data version, which every
writer moves on, so a million rows cost two index reads per change of data, not per page.

The import batches are the surveys app's, which imports this one: they are looked up by name, not
imported, so that industries depends on no other app (without the surveys app, there are no sources).
"""

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from .data_version import data_version
from .models import Enterprise

MAX_SOURCES = 5


def _survey_imports() -> tuple[list[str], object]:
    """The names of the survey rounds with a finished import (not a dry run), newest first, and when the
    newest import finished."""
    if not apps.is_installed("surveys"):
        return [], None
    survey_round = apps.get_model("surveys", "SurveyRound")
    imported = {"batches__status": "succeeded", "batches__dry_run": False, "batches__finished__isnull": False}
    rounds = list(
        survey_round.objects.filter(**imported)
        .annotate(imported=Max("batches__finished"))
        .order_by("-imported", "name")
        .values_list("name", "imported")[:MAX_SOURCES]
    )
    return [name for name, _ in rounds], (rounds[0][1] if rounds else None)


def _compute() -> dict:
    sources, imported = _survey_imports()
    newest_row = Enterprise.objects.order_by("-id").values_list("created", flat=True).first()
    moments = [moment for moment in (newest_row, imported) if moment is not None]
    as_of = timezone.localdate(max(moments)).isoformat() if moments else None
    # exists() stops at the first synthetic row, which the demo data has everywhere.
    synthetic = Enterprise.objects.filter(is_synthetic=True).exists()
    return {"as_of": as_of, "sources": sources, "synthetic": synthetic}


def data_as_of(version: str | None = None) -> dict:
    """``{"as_of": "2026-03-31" | None, "sources": [survey round names, newest first, at most 5],
    "synthetic": whether any enterprise is generated demo data}`` for the whole database. ``version``: the
    data version, when the caller has read it already."""
    key = f"freshness:{version or data_version()}"
    answer = cache.get(key)
    if answer is None:
        answer = _compute()
        cache.set(key, answer, timeout=settings.API_STATS_CACHE_SECONDS or 60)
    return answer
