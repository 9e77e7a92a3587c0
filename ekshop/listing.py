"""What a product listed outside says, once: the ekShop file and the Merchant feeds are all made from this.

A ``Listing`` holds a product's public fields in one language with absolute links; ``ekshop_row`` turns it
into ekShop's bulk-upload columns, or says why the product cannot go in (``LeftOut``).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from registrations.sectors import DIVISIONS
from storefronts.models import Product
from storefronts.selectors import page_url, photo_url

from .selectors import CategoryTable

# ekShop's bulk-upload columns, in ekShop's order (issue 11): the file has exactly these.
EKSHOP_COLUMNS = (
    "name",
    "category_id",
    "brand_id",
    "video_provider",
    "video_link",
    "unit_price",
    "purchase_price",
    "unit",
    "current_stock",
    "meta_title",
    "meta_description",
    "slug",
    "thumbnail_img",
)
META_DESCRIPTION_CHARS = 160

NO_CATEGORY = _("Its sector (%(sector)s) has no ekShop category yet: BSCIC adds the mapping.")
NO_PRICE = _("It has no price.")


@dataclass(frozen=True)
class Listing:
    product_id: int
    storefront_slug: str
    name: str
    description: str
    link: str  # the enterprise's public page, absolute
    image_link: str  # absolute, or "" without a photo
    price: Decimal | None
    unit: str
    stock: int | None  # None: the owner does not count it
    brand: str  # the enterprise's name
    section: str
    division: str

    @property
    def sector(self) -> str:
        return f"{self.section} {self.division}".strip() or "—"

    @property
    def in_stock(self) -> bool:
        return self.stock is None or self.stock > 0


@dataclass(frozen=True)
class LeftOut:
    listing: Listing
    reason: str


def absolute(site: str, url: str) -> str:
    """``url`` on ``site`` (scheme and host, no trailing slash); a storage's absolute URL as it is."""
    if not url or url.startswith(("http://", "https://")):
        return url
    return site + url


def pick(bangla: str, english: str, language: str) -> str:
    first, second = (bangla, english) if language == "bn" else (english, bangla)
    return first or second


def listings(products: Iterable[Product], *, site: str, language: str) -> Iterator[Listing]:
    """``products`` (with storefront__enterprise selected) as listings; ``site`` gives the links' host."""
    for product in products:
        storefront = product.storefront
        enterprise = storefront.enterprise
        section = enterprise.isic_section or DIVISIONS.get(enterprise.isic_division, ("",))[0]
        yield Listing(
            product_id=product.pk,
            storefront_slug=storefront.slug,
            name=pick(product.name_bn, product.name_en, language),
            description=pick(product.description_bn, product.description_en, language),
            link=absolute(site, page_url(storefront)),
            image_link=absolute(site, photo_url(product.photo)) if product.photo else "",
            price=product.price_bdt,
            unit=product.unit,
            stock=product.stock,
            brand=pick(enterprise.name_bn, enterprise.name_en, language),
            section=section,
            division=enterprise.isic_division,
        )


def ekshop_row(listing: Listing, categories: CategoryTable) -> list | LeftOut:
    """The product's row in EKSHOP_COLUMNS order, or why it cannot go to ekShop. Left empty: the video
    (we have none) and the purchase price (the owner's cost, which we do not ask)."""
    mapping = categories.find(section=listing.section, division=listing.division)
    if mapping is None:
        return LeftOut(listing, NO_CATEGORY % {"sector": listing.sector})
    if listing.price is None:
        return LeftOut(listing, NO_PRICE)
    description = listing.description or listing.name
    return [
        listing.name,
        mapping.category_id,
        mapping.brand_id,
        None,
        None,
        listing.price,
        None,
        listing.unit or mapping.unit or None,
        listing.stock,
        listing.name,
        Truncator(" ".join(description.split())).chars(META_DESCRIPTION_CHARS),
        f"{listing.storefront_slug}-{listing.product_id}",
        listing.image_link or None,
    ]
