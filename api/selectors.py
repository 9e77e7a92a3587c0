"""Reads of the API: the filtered enterprises, and what of each enterprise a caller may see."""

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import ValidationError

from industries.models import HISTORY_PERMISSION, PERSONAL_PERMISSION, Enterprise

# The contract (api.columns), also imported from here by the outputs (OGC, exports, statistics).
from .columns import PERSONAL_COLUMNS, PUBLIC_COLUMNS
from .filters import EnterpriseFilterSet


def may_see_personal(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(PERSONAL_PERMISSION))


def may_see_history(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm(HISTORY_PERMISSION))


def enterprise_get(pk: int) -> Enterprise:
    """One enterprise that is not deleted, or a 404: what every public reading of one enterprise uses."""
    return get_object_or_404(
        Enterprise.objects.live().select_related("division", "district", "upazila"), pk=pk
    )


def enterprise_columns(*, user) -> dict[str, str]:
    """Output name -> ORM path of what this caller may read (api.columns): the public columns, then the
    personal ones for holders of view_personal."""
    return {**PUBLIC_COLUMNS, **PERSONAL_COLUMNS} if may_see_personal(user) else dict(PUBLIC_COLUMNS)


def enterprise_list(*, params, queryset: QuerySet | None = None) -> QuerySet[Enterprise]:
    """Enterprises matching the query-string filters, ordered by id (or by distance for ``near``); never
    deleted ones, so the list, tiles, statistics, exports and OGC items all leave them out.

    Raises a 400 (ValidationError) naming the bad parameter and the valid choices."""
    queryset = Enterprise.objects.order_by("id") if queryset is None else queryset
    filterset = EnterpriseFilterSet(params, queryset=queryset.filter(deleted__isnull=True))
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    # A filter method raises Django's ValidationError (a place that does not exist…): a 400 through
    # api.exceptions.
    return filterset.qs


def enterprise_values(
    queryset: QuerySet, *, columns: dict[str, str], geometry: bool = True, extra: tuple[str, ...] = ()
) -> QuerySet:
    """The queryset as rows of plain values named as ``columns`` (plus ``location`` and ``extra``
    annotations such as ``distance``), ready to be wrapped in SQL (GeoJSON in PostGIS) or streamed."""
    plain = [path for name, path in columns.items() if name == path]
    renamed = {name: F(path) for name, path in columns.items() if name != path}
    return queryset.values(*plain, *(["location"] if geometry else []), *extra, **renamed)
