"""The fields whose filling says how complete a selection's data is, and the one way to count them: the
public panel's completeness (api.stats, for any filter) and the staff scores per district and survey round
(quality.services) both use these.

Owners' names and phones count only for staff: how often they are filled is not personal, but the public
completeness is kept to the public columns, as every public reading is.
"""

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

# field -> (kind, label). Text is filled when not blank, a number when not NULL.
PUBLIC_FIELDS = {
    "name_bn": ("text", _("name (Bangla)")),
    "name_en": ("text", _("name (English)")),
    "address": ("text", _("address")),
    "isic_section": ("text", _("sector")),
    "product": ("text", _("products / activity")),
    "workers_total": ("number", _("workers")),
    "investment_bdt": ("number", _("investment")),
    "year_established": ("number", _("year established")),
}
STAFF_FIELDS = {
    **PUBLIC_FIELDS,
    "owner_name": ("text", _("owner name")),
    "owner_phone": ("text", _("owner mobile")),
}


def filled(field: str) -> Q:
    kind, _label = STAFF_FIELDS[field]
    return ~Q(**{field: ""}) if kind == "text" else Q(**{f"{field}__isnull": False})


def filled_sql(field: str, alias: str = "e") -> str:
    kind, _label = STAFF_FIELDS[field]
    return f"{alias}.{field} <> ''" if kind == "text" else f"{alias}.{field} IS NOT NULL"


def completeness_aggregates(fields=PUBLIC_FIELDS) -> dict:
    """Aggregates for QuerySet.aggregate(): ``filled_<field>`` for each field."""
    return {f"filled_{field}": Count("pk", filter=filled(field)) for field in fields}


def shares(counts: dict, total: int, fields=PUBLIC_FIELDS) -> dict[str, float | None]:
    """The share (0–1, 3 decimals) of each field filled, from completeness_aggregates' answer."""
    return {field: (round(counts[f"filled_{field}"] / total, 3) if total else None) for field in fields}
