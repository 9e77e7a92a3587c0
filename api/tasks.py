"""Background work of the API, run by the task worker (`manage.py db_worker`, scripts/worker.py)."""

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django_tasks import task

from industries.freshness import data_as_of

from .geojson import count_key, count_matched
from .stats import stats_answer

# What the national map asks for on its first render, besides tiles (maps/static/maps/js/choropleth.js,
# panel.js): the divisions' choropleth and the panel's figures by size and by sector, of all enterprises.
MAP_FIRST_RENDER = ("format=geojson&by=division&simplify=500", "by=size", "by=sector")
WARM_QUEUED_KEY = "stats:warm:queued"


@task()
def count_layer(params: dict[str, list[str]]) -> int | None:
    """The exact count of the OGC items ``params`` select, up to OGC_EXACT_COUNT_LIMIT, kept in the cache
    for the current data version, where the next first page of the layer finds it (api.ogc.providers)."""
    from .ogc.providers import enterprise_items

    query = QueryDict(mutable=True)
    for name, values in params.items():
        query.setlist(name, values)
    queryset = enterprise_items(query)
    counted, exact = count_matched(queryset, exact_up_to=settings.OGC_EXACT_COUNT_LIMIT)
    if not exact:
        return None
    if key := count_key(queryset):
        cache.set(key, counted, timeout=settings.API_STATS_CACHE_SECONDS or 3600)
    return counted


@task()
def warm_map_statistics() -> int:
    """The national map's first statistics, made for the current data version and kept in the cache, as
    its first visitor after a change of data would otherwise make them (three GROUP BYs over every
    enterprise: about 0.6–1.7 s each at a million). Queued after a change of data (``map_statistics_soon``);
    a change while this runs queues it again."""
    cache.delete(WARM_QUEUED_KEY)
    for query in MAP_FIRST_RENDER:
        stats_answer(QueryDict(query), below=settings.API_SUPPRESS_BELOW)  # as the public sees them
    data_as_of()
    return len(MAP_FIRST_RENDER)


def map_statistics_soon(**kwargs) -> None:
    """industries.data_version.data_changed: queue ``warm_map_statistics``, once for any number of changes
    before the worker takes it up (an import's batches, a burst of API writes)."""
    if settings.API_STATS_CACHE_SECONDS and cache.add(WARM_QUEUED_KEY, True, timeout=600):
        warm_map_statistics.enqueue()
