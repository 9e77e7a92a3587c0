"""Where uploaded survey files and import reports are kept: a private directory, never under MEDIA_ROOT.

They hold owners' names, phones and NIDs, so no web server may map them and no URL names them: they are
served only by views that check permissions (surveys/views.py, the admin). Names are random, so one cannot
be guessed from another; the original file name is kept on the batch, for display.
"""

import os
import uuid
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible

# Suffixes the readers choose by; kept on the stored name. Anything else keeps only a plain last suffix.
_DOUBLE_SUFFIXES = (".shp.zip",)
_PLAIN_SUFFIX_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def private_root() -> Path:
    """IMPORT_FILES_ROOT, or by default the directory ``private`` beside MEDIA_ROOT (var/private)."""
    root = getattr(settings, "IMPORT_FILES_ROOT", None)
    return Path(root) if root else Path(settings.MEDIA_ROOT).parent / "private"


@deconstructible(path="surveys.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """Files without URLs, in private_root() as it is when used (tests and workers set their own), that
    leave nothing behind when a write fails halfway (a full disk)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return os.path.abspath(str(private_root()))

    def url(self, name):
        raise ValueError(
            "Survey files and import reports have no URL; views that check permissions serve them."
        )

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError:
            # FileSystemStorage leaves the part it wrote; a later upload must not find half a file.
            Path(self.path(name)).unlink(missing_ok=True)
            raise


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def random_name(folder: str, original: str) -> str:
    """``folder/<random hex><suffix of original>``: the suffix tells the readers the format."""
    lower = PurePosixPath(original.replace("\\", "/")).name.lower()
    suffix = next((s for s in _DOUBLE_SUFFIXES if lower.endswith(s)), None)
    if suffix is None:
        last = PurePosixPath(lower).suffix
        suffix = last if 1 < len(last) <= 10 and set(last[1:]) <= _PLAIN_SUFFIX_CHARACTERS else ""
    return f"{folder}/{uuid.uuid4().hex}{suffix}"
