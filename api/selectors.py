"""Reads of the API: the filtered enterprises, and what of each enterprise a caller may see."""

from django.db.models import F, QuerySet
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import ValidationError

from industries.models import HISTORY_PERMISSION, PERSONAL_PERMISSION, Enterprise

from .filters import EnterpriseFilterSet

# What a feature, a CSV row or an OGC item says about an enterprise: output name -> ORM path. One list, so
# the list, the exports and the OGC items cannot drift apart. Personal data is added only for callers
# holding PERSONAL_PERMISSION.
PUBLIC_COLUMNS = {
    "id": "id",
    "name_en": "name_en",
    "name_bn": "name_bn",
    "division_code": "division__code",
    "division_name_en": "division__name_en",
    "division_name_bn": "division__name_bn",
    "district_code": "district__code",
    "district_name_en": "district__name_en",
    "district_name_bn": "district__name_bn",
    "upazila_code": "upazila__geocode",
    "upazila_name_en": "upazila__name_en",
    "upazila_name_bn": "upazila__name_bn",
    "district_mismatch": "district_mismatch",
    "address": "address",
    "isic_section": "isic_section",
    "isic_division": "isic_division",
    "product": "product",
    "product_bn": "product_bn",
    "kind": "kind",
    "size_class": "size_class",
    "size_policy": "size_policy",
    "investment_bdt": "investment_bdt",
    "workers_male": "workers_male",
    "workers_female": "workers_female",
    "workers_total": "workers_total",
    "year_established": "year_established",
    "registration_no": "registration_no",
    "status": "status",
    "is_synthetic": "is_synthetic",
    "updated": "updated",
}
PERSONAL_COLUMNS = {field: field for field in Enterprise.PERSONAL_FIELDS}


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
    """Output name -> ORM path of what this caller may read."""
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
