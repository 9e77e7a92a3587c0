"""A certificate's QR, the whole way round: issued as a PDF, the PDF drawn as a picture, the QR read back by
a real decoder (zbar), and its URL asked of the verification page, before and after a cancellation."""

import subprocess
from urllib.parse import urlsplit

import pytest

from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_set_status
from registrations.models import State
from tests.browser import ARTIFACTS
from tests.registrations.conftest import (  # noqa: F401  (fixtures)
    _private_documents,
    applicant,
    dhaka_office,
    offices,
)
from tests.registrations.review_support import in_state


@pytest.fixture
def registered(applicant, dhaka_office):  # noqa: F811
    return in_state(applicant, State.REGISTERED)


def _png(pdf: bytes, tmp_path, name: str):
    source = tmp_path / "certificate.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-singlefile", source, tmp_path / name], check=True)
    return source, tmp_path / f"{name}.png"


def test_the_qr_read_from_the_printed_certificate_verifies_until_cancelled(registered, tmp_path, client):
    certificate = certificate_issue(application_id=registered.pk)
    pdf, png = _png(bytes(certificate.pdf), tmp_path, "certificate")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "certificate.png").write_bytes(png.read_bytes())

    decoded = subprocess.run(["zbarimg", "--quiet", "--raw", png], capture_output=True, text=True, check=True)
    url = decoded.stdout.strip()
    path = urlsplit(url).path
    assert path.startswith("/verify/") and registered.registration_no not in url

    page = client.get(path + "?lang=en")
    assert page.status_code == 200 and 'data-verdict="valid"' in page.content.decode()
    assert registered.registration_no in page.content.decode()

    cancelled = Certificate.Status.CANCELLED
    certificate_set_status(certificate_id=certificate.pk, status=cancelled, reason="Closed")
    assert 'data-verdict="cancelled"' in client.get(path).content.decode()

    token = path.removeprefix("/verify/").rstrip("/")
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    answer = client.get(f"/verify/{tampered}/")
    assert answer.status_code == 404 and 'data-verdict="not_ours"' in answer.content.decode()

    fonts = subprocess.run(["pdffonts", pdf], capture_output=True, text=True, check=True).stdout
    bengali = [line for line in fonts.splitlines() if "Noto-Sans-Bengali" in line]
    assert bengali and all(line.split()[-5] == "yes" for line in bengali)  # embedded


def test_the_issued_file_is_kept_with_its_hash_and_a_reissue_supersedes_it(registered):
    import hashlib

    first = certificate_issue(application_id=registered.pk)
    assert first.sha256 == hashlib.sha256(bytes(first.pdf)).hexdigest()
    second = certificate_issue(application_id=registered.pk)

    first.refresh_from_db()
    assert (first.status, second.version, second.status) == ("superseded", 2, "valid")
    assert first.public_id != second.public_id
