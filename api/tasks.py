"""Background work of the API, run by the task worker (`manage.py db_worker`, scripts/worker.py)."""

from django.conf import settings
from django.core.cache import cache
from django.http import QueryDict
from django_tasks import task

from .geojson import count_key, count_matched


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
