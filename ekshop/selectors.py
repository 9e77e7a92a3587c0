"""Reads: the products that go to ekShop and the feeds, and the category table they are mapped with."""

from django.db.models import Count, QuerySet

from registrations.sectors import DIVISIONS
from storefronts.models import Product, Storefront
from storefronts.selectors import listed_products

from .models import CategoryMapping


def feed_products(*, storefront: Storefront | None = None) -> QuerySet[Product]:
    """Published products of public pages whose owner opted in to ekShop (all pages, or one)."""
    return (
        listed_products(storefront)
        .filter(storefront__ekshop_opt_in=True)
        .order_by("storefront__slug", "order", "id")
    )


class CategoryTable:
    """All the mappings, read once for a whole file: a division's own row, else its section's, else none."""

    def __init__(self, mappings):
        self._rows = {(m.isic_section, m.isic_division): m for m in mappings}

    def find(self, *, section: str, division: str) -> CategoryMapping | None:
        if not section and division in DIVISIONS:
            section = DIVISIONS[division][0]
        if division and (row := self._rows.get((section, division))):
            return row
        return self._rows.get((section, ""))


def category_table() -> CategoryTable:
    return CategoryTable(CategoryMapping.objects.all())


def unmapped_sectors() -> list[tuple[str, str, int]]:
    """The sectors (section, division) of products waiting for ekShop that no mapping covers, with how many
    products each: what the office has to map next."""
    table = category_table()
    counts = (
        feed_products()
        .order_by()
        .values_list("storefront__enterprise__isic_section", "storefront__enterprise__isic_division")
        .annotate(products=Count("id"))
    )
    return sorted(
        (section, division, products)
        for section, division, products in counts
        if table.find(section=section, division=division) is None
    )
