"""Where applicants' documents and inspection photos are kept: a private directory no web server maps.

They are personal data (NIDs, deeds, faces), so no URL names them: only views that check the viewer is the
applicant or an officer of the handling office serve them. Names are random; the uploaded name is kept on
the Document row for display.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def documents_root() -> Path:
    """REGISTRATION_FILES_ROOT, or by default ``private/registrations`` beside MEDIA_ROOT."""
    root = getattr(settings, "REGISTRATION_FILES_ROOT", None)
    return Path(root) if root else Path(settings.MEDIA_ROOT).parent / "private" / "registrations"


@deconstructible(path="registrations.storage.DocumentStorage")
class DocumentStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(documents_root())

    @property
    def location(self):
        return os.path.abspath(str(documents_root()))

    def url(self, name):
        raise ValueError("Application documents have no URL; views that check permissions serve them.")


def document_storage() -> DocumentStorage:
    return DocumentStorage()


def random_name(application_id: int, suffix: str) -> str:
    return f"{application_id}/{uuid.uuid4().hex}{suffix}"
