"""Enterprise pages' tests: registered applications (tests/registrations' fixtures), their pages, photos."""

import io

import pytest
from PIL import Image

from industries.locate import locate_enterprises
from registrations.models import State
from storefronts.services import storefront_create
from tests.registrations.conftest import (  # noqa: F401  (fixtures)
    _private_documents,
    applicant,
    approving_officer,
    dhaka_office,
    extension_officer,
    offices,
)
from tests.registrations.review_support import in_state

OWNER_PHONE = "+8801711999888"
OWNER_NID = "9876543210123"


@pytest.fixture(autouse=True)
def _photos_and_outbox(tmp_path, settings):
    """Each test's photos and SMS in its own directory."""
    settings.STOREFRONT_PHOTOS_ROOT = tmp_path / "photos"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "outbox.jsonl"


def registered_with_page(applicant, **fields):  # noqa: F811
    """A registered application (no signal sent) with its enterprise located, and the page made for it."""
    application = in_state(applicant, State.REGISTERED, **fields)
    enterprise = application.enterprise
    enterprise.name_en, enterprise.name_bn = application.name_en, application.name_bn
    enterprise.owner_phone, enterprise.owner_nid = OWNER_PHONE, OWNER_NID
    enterprise.registration_no = application.registration_no
    enterprise.save()
    locate_enterprises(ids=[enterprise.pk])
    return application, storefront_create(application_id=application.pk)


@pytest.fixture
def storefront(applicant, dhaka_office):  # noqa: F811
    return registered_with_page(applicant)[1]


def jpeg_with_exif(width: int, height: int) -> bytes:
    """A camera-like JPEG: EXIF with a GPS position and the camera's make."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x8825] = {1: "N", 2: (23.0, 48.0, 37.0), 3: "E", 4: (90.0, 24.0, 45.0)}  # GPS IFD
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"secret comment")
    return buffer.getvalue()
