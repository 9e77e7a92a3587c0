"""Where a push to ekShop will go, when there is one.

ekShop offers no public seller or product API that we know of (December 2026): sellers upload the bulk
XLSX (ekshop.formats.ekshop_xlsx) in their seller account. So there is no client here, and nothing pretends
to be one: ``product_push()`` is None unless settings.EKSHOP_PUSH_CLASS names a class implementing
``ProductPush``, written against an API that ekShop has documented.
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from .listing import EKSHOP_COLUMNS


class PushError(Exception):
    """ekShop could not be asked, or gave no usable answer. Nothing is assumed listed on it."""


@dataclass(frozen=True)
class PushReceipt:
    """What ekShop said of a push: its reference for it, and the rows (by product slug) it refused, why."""

    reference: str
    accepted: int
    refused: dict[str, str] = field(default_factory=dict)


class ProductPush(ABC):
    """A client of an ekShop product API. ``rows`` are in EKSHOP_COLUMNS order, as in the bulk file: the
    one column contract stays the same whichever way the products travel."""

    columns = EKSHOP_COLUMNS

    def __init__(self, **options):
        self.options = options

    @abstractmethod
    def push(self, rows: Sequence[list]) -> PushReceipt:
        """Create or update these products on ekShop; raise PushError when it cannot be told."""

    @abstractmethod
    def status(self, reference: str) -> PushReceipt:
        """What became of an earlier push, by the reference its receipt gave."""


def product_push() -> ProductPush | None:
    """The configured client, or None: there is none by default (no API that we know of)."""
    if not settings.EKSHOP_PUSH_CLASS:
        return None
    cls = import_string(settings.EKSHOP_PUSH_CLASS)
    if not (isinstance(cls, type) and issubclass(cls, ProductPush)):
        raise TypeError(f"{settings.EKSHOP_PUSH_CLASS} is not an ekshop.client.ProductPush")
    return cls(**settings.EKSHOP_PUSH_OPTIONS)
