"""A Merchant Center item: the attributes both feed formats carry, from a listing.

A listing without a price or a photo is not an item: Merchant Center requires both (price, image_link).
"""

from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass, fields

from ..listing import Listing

CURRENCY = "BDT"


@dataclass(frozen=True)
class MerchantItem:
    id: str
    title: str
    description: str
    link: str
    image_link: str
    availability: str
    price: str
    condition: str
    brand: str
    # Goods made by small enterprises seldom have a GTIN or a maker's part number.
    identifier_exists: str

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def pairs(self) -> Iterator[tuple[str, str]]:
        return zip(self.names(), astuple(self), strict=True)


def merchant_items(listings: Iterable[Listing]) -> Iterator[MerchantItem]:
    for listing in listings:
        if listing.price is None or not listing.image_link:
            continue
        yield MerchantItem(
            id=f"bscic-{listing.product_id}",
            title=listing.name,
            description=listing.description or f"{listing.name} · {listing.brand}",
            link=listing.link,
            image_link=listing.image_link,
            availability="in_stock" if listing.in_stock else "out_of_stock",
            price=f"{listing.price:.2f} {CURRENCY}",
            condition="new",
            brand=listing.brand,
            identifier_exists="no",
        )
