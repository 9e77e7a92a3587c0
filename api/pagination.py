"""Keyset (cursor) pagination: page 50 costs what page 1 costs, because no page skips rows with OFFSET.

The cursor is opaque to callers: base64 of the last (or first) row's sort key and the direction. Rows are
ordered by id, or by (distance, id) for ``near`` queries.
"""

import base64
import binascii
import math
from dataclasses import dataclass

import orjson
from django.conf import settings
from django.db.models import Q, QuerySet
from rest_framework.exceptions import ValidationError

from .exceptions import bilingual

BIGINT = 2**63
NOT_A_CURSOR = bilingual(
    "Not a cursor of this API; follow the next/prev links.",
    "এটি এই এপিআই-এর কার্সর নয়; next/prev লিংক অনুসরণ করুন।",
)
OTHER_ORDERING = bilingual(
    "This cursor belongs to a query with a different ordering.",
    "এই কার্সর অন্য ক্রমের একটি অনুসন্ধানের।",
)


def cursor_text(key: list) -> str:
    """A cursor as callers see it: the key, opaque (base64 of its JSON)."""
    return base64.urlsafe_b64encode(orjson.dumps(key)).decode().rstrip("=")


def cursor_key(text: str) -> list:
    """The key a cursor holds; a 400 for text that is none. Its parts are checked by the caller."""
    try:
        key = orjson.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    except (ValueError, TypeError, binascii.Error, orjson.JSONDecodeError):
        key = None
    if not isinstance(key, list):
        raise ValidationError({"cursor": NOT_A_CURSOR})
    return key


def is_id(value) -> bool:
    return type(value) is int and -BIGINT <= value < BIGINT


def _is_distance(value) -> bool:
    return type(value) in (int, float) and math.isfinite(value) and value >= 0


def _valid_key(key: list) -> bool:
    """(id,) or (distance, id): anything else would reach the database as a comparison it cannot make."""
    if len(key) == 1:
        return is_id(key[0])
    return len(key) == 2 and _is_distance(key[0]) and is_id(key[1])


@dataclass(frozen=True)
class Cursor:
    direction: str  # "next": rows after key; "prev": rows before key
    key: tuple  # (id,) or (distance, id)

    def encode(self) -> str:
        return cursor_text([self.direction, list(self.key)])

    @classmethod
    def decode(cls, text: str) -> "Cursor":
        match cursor_key(text):
            case ["next" | "prev" as direction, list(key)] if _valid_key(key):
                return cls(direction, tuple(key))
        raise ValidationError({"cursor": NOT_A_CURSOR})


def page_size(
    params, *, param: str = "page_size", above_maximum: str = "refuse", default: int | None = None
) -> int:
    """How many rows a page holds, from ``param`` (``default``, else API_PAGE_SIZE, without it). Above
    API_MAX_PAGE_SIZE: a 400 ("refuse"), or the maximum ("cap"), which OGC API – Features lets a server
    answer with."""
    raw = params.get(param) or (params.get("limit") if param == "page_size" else None)
    if raw in (None, ""):
        return default or settings.API_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise ValidationError({param: bilingual("A whole number.", "একটি পূর্ণসংখ্যা দিন।")}) from None
    if size < 1 or (size > settings.API_MAX_PAGE_SIZE and above_maximum == "refuse"):
        maximum = f"{settings.API_MAX_PAGE_SIZE:,}"
        raise ValidationError({param: bilingual(f"Between 1 and {maximum}.", f"১ থেকে {maximum}-এর মধ্যে।")})
    return min(size, settings.API_MAX_PAGE_SIZE)


def keyset_window(queryset: QuerySet, *, size: int, cursor: Cursor | None, by_distance: bool) -> QuerySet:
    """The rows of one page plus one (to tell whether another page follows), in reading order for a next
    page and in reverse for a prev page. ``queryset`` is ordered by id, or by distance then id."""
    fields = ("distance", "id") if by_distance else ("id",)
    if cursor and len(cursor.key) != len(fields):
        raise ValidationError({"cursor": OTHER_ORDERING})
    if cursor is None:
        return queryset[: size + 1]
    if cursor.direction == "next":
        return queryset.filter(_after(fields, cursor.key))[: size + 1]
    return queryset.filter(_before(fields, cursor.key)).order_by(*(f"-{f}" for f in fields))[: size + 1]


def _after(fields, key) -> Q:
    if len(fields) == 1:
        return Q(id__gt=key[0])
    return Q(distance__gt=key[0]) | Q(distance=key[0], id__gt=key[1])


def _before(fields, key) -> Q:
    if len(fields) == 1:
        return Q(id__lt=key[0])
    return Q(distance__lt=key[0]) | Q(distance=key[0], id__lt=key[1])
