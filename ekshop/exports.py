"""The files, from the products to the bytes: used alike by the views and the ekshop_export command."""

from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings

from storefronts.models import Storefront

from .formats.ekshop_xlsx import ekshop_xlsx
from .formats.merchant import MerchantItem, merchant_items
from .listing import LeftOut, ekshop_row, listings
from .selectors import category_table, feed_products

LANGUAGES = ("bn", "en")


@dataclass
class EkshopFile:
    content: bytes = b""
    rows: int = 0
    left_out: list[LeftOut] = field(default_factory=list)


def ekshop_file(*, site: str, storefront: Storefront | None = None, language: str = "") -> EkshopFile:
    """ekShop's bulk-upload workbook of every opted-in page (or of one), and what was left out of it."""
    categories = category_table()
    result = EkshopFile()
    rows = []
    products = feed_products(storefront=storefront).iterator(chunk_size=500)
    for listing in listings(products, site=site, language=language or settings.EKSHOP_LANGUAGE):
        row = ekshop_row(listing, categories)
        if isinstance(row, LeftOut):
            result.left_out.append(row)
        else:
            rows.append(row)
    result.rows = len(rows)
    result.content = ekshop_xlsx(rows)
    return result


def merchant_feed(*, site: str, language: str = "") -> Iterator[MerchantItem]:
    products = feed_products().iterator(chunk_size=500)
    return merchant_items(listings(products, site=site, language=language or settings.MERCHANT_FEED_LANGUAGE))
