"""The verification page's forms: a registration number, or the PDF itself compared byte for byte; limited
per address."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certificates.services import certificate_issue
from registrations.models import State
from tests.registrations.conftest import (  # noqa: F401  (fixtures)
    _private_documents,
    applicant,
    dhaka_office,
    offices,
)
from tests.registrations.review_support import in_state


@pytest.fixture
def issued(applicant, dhaka_office):  # noqa: F811
    application = in_state(applicant, State.REGISTERED)
    return certificate_issue(application_id=application.pk)


def test_by_registration_number(issued, client):
    page = client.get("/verify/", {"registration_no": issued.registration_no, "lang": "en"})
    assert page.status_code == 200 and 'data-verdict="valid"' in page.content.decode()
    assert client.get("/verify/", {"registration_no": "NOPE-1"}).status_code == 404


def test_the_issued_pdf_is_recognised_byte_for_byte_and_a_changed_one_is_not(issued, client):
    original = bytes(issued.pdf)
    same = client.post("/verify/", {"pdf": SimpleUploadedFile("c.pdf", original, "application/pdf")})
    assert same.status_code == 200 and 'id="same-file"' in same.content.decode()

    changed = original + b"\n"  # still a PDF that opens alike, but not the file we issued
    other = client.post("/verify/", {"pdf": SimpleUploadedFile("c.pdf", changed, "application/pdf")})
    assert other.status_code == 404 and 'data-verdict="not_ours"' in other.content.decode()


def test_lookups_are_limited_per_address(issued, client, settings):
    settings.CERTIFICATE_VERIFY_PER_HOUR = 2
    asked = {"registration_no": issued.registration_no}
    answers = [client.get("/verify/", asked).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    # The empty form itself is always shown.
    assert client.get("/verify/").status_code == 200
