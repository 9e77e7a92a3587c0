"""Where the owners' photos are kept: a directory no web server maps, served only by storefronts.views.photo,
which refuses the photos of hidden pages. Names are random (``<storefront id>/<hex>.jpg``) and change when a
photo is replaced, so a cached copy is never stale."""

import os
import re
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

NAME = re.compile(r"^(?P<storefront>[0-9]{1,12})/[0-9a-f]{32}\.jpg$")


def photos_root() -> Path:
    """STOREFRONT_PHOTOS_ROOT, or by default ``storefront-photos`` beside MEDIA_ROOT."""
    root = getattr(settings, "STOREFRONT_PHOTOS_ROOT", None)
    return Path(root) if root else Path(settings.MEDIA_ROOT).parent / "storefront-photos"


@deconstructible(path="storefronts.storage.PhotoStorage")
class PhotoStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(photos_root())

    @property
    def location(self):
        return os.path.abspath(str(photos_root()))

    def url(self, name):
        raise ValueError("Photos are served by storefronts.views.photo (selectors.photo_url).")


def photo_storage() -> PhotoStorage:
    return PhotoStorage()


def new_name(storefront_id: int) -> str:
    return f"{storefront_id}/{uuid.uuid4().hex}.jpg"


def storefront_of(name: str) -> int | None:
    """The page a stored photo belongs to, from its name; None for a name we never make."""
    match = NAME.match(name or "")
    return int(match["storefront"]) if match else None
