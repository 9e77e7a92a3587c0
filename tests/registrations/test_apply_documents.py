"""Documents: PDF, JPEG or PNG by content, at most the size limit, pictures re-encoded without EXIF/GPS,
kept in private storage, superseded not deleted, and served only to the applicant and the handling
office's officers."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from registrations.models import Document, Officer
from registrations.storage import documents_root
from registrations.uploads import (
    UploadDamaged,
    UploadImageTooBig,
    UploadTooLarge,
    UploadWrongType,
    check_upload,
)

from .apply_support import (
    fill_steps,
    jpeg_with_gps,
    location,
    new_draft,
    pdf_bytes,
    png_bytes,
    step_url,
)
from .conftest import complete_application, make_applicant, make_officer

pytestmark = pytest.mark.django_db
KINDS = ("photo", "nid", "trade_licence", "land_deed", "machinery_list")


@pytest.fixture
def draft(applicant, offices):
    client = Client()
    client.force_login(applicant.user)
    application = new_draft(applicant)
    fill_steps(client, application, upto=4)
    application.client = client
    return application


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_a_php_script_renamed_pdf_is_refused_by_its_content(draft):
    script = b"<?php system($_GET['c']); ?>\n%PDF-1.4 %%EOF"
    response = draft.client.post(
        step_url(draft, 5) + "?lang=en", {"nid": upload("nid.pdf", script, "application/pdf")}
    )
    assert "is not a PDF, JPEG or PNG file" in response.content.decode()
    assert not Document.objects.filter(application=draft).exists()
    bn = draft.client.post(
        step_url(draft, 5) + "?lang=bn", {"nid": upload("nid.pdf", script, "application/pdf")}
    )
    assert "পিডিএফ, জেপিইজি বা পিএনজি ফাইল নয়" in bn.content.decode()


def test_a_3_mb_scan_is_refused_with_the_limit_stated(draft, settings):
    scan = b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024) + b"\n%%EOF\n"
    response = draft.client.post(step_url(draft, 5) + "?lang=en", {"land_deed": upload("deed.pdf", scan)})
    html = response.content.decode()
    assert "is 3 MB; each file may be at most 2 MB" in html
    assert not Document.objects.filter(application=draft).exists()
    # The page tells the script the limit from the settings, not a number typed again there.
    assert f'"maxBytes": {settings.REGISTRATION_MAX_UPLOAD_BYTES}' in html


def test_a_photo_comes_back_without_its_exif_and_gps_and_turned_upright(draft):
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the test file does carry GPS
    draft.client.post(step_url(draft, 5), {"photo": upload("IMG_2041.jpg", original, "image/jpeg")})
    document = Document.objects.get(application=draft, kind="photo")
    served = draft.client.get(f"/apply/{draft.pk}/documents/{document.pk}/")
    assert served.status_code == 200
    body = b"".join(served.streaming_content)
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {} and b"Exif" not in body[:64] and b"PhoneMaker" not in body
    assert image.size == (48, 64)  # the orientation tag was applied before it went
    assert document.sha256 == hashlib.sha256(body).hexdigest()
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("inline")


def test_files_are_kept_privately_under_random_names_and_a_reupload_supersedes(draft):
    draft.client.post(step_url(draft, 5), {"trade_licence": upload("licence.pdf", pdf_bytes())})
    first = Document.objects.get(application=draft, kind="trade_licence")
    draft.client.post(step_url(draft, 5), {"trade_licence": upload("licence-2025.png", png_bytes())})
    documents = Document.objects.filter(application=draft, kind="trade_licence").order_by("created")
    assert [d.pk for d in documents] == [first.pk, documents[1].pk]
    first.refresh_from_db()
    assert first.superseded is not None and documents[1].superseded is None
    stored = Path(documents_root()) / first.file.name
    assert stored.exists() and "licence" not in first.file.name
    assert first.file.name.startswith(f"{draft.pk}/") and first.file.name.endswith(".pdf")
    pdf = draft.client.get(f"/apply/{draft.pk}/documents/{first.pk}/")
    assert pdf["Content-Disposition"].startswith("attachment")  # not re-encoded: never shown inline


def test_the_documents_step_is_done_when_every_required_kind_is_there(draft):
    files = {kind: upload(f"{kind}.png", png_bytes(), "image/png") for kind in KINDS[:2]}
    response = draft.client.post(step_url(draft, 5) + "?lang=en", files)
    assert response.status_code == 200 and "Still to upload" in response.content.decode()
    draft.refresh_from_db()
    assert draft.form_step == 4
    files = {kind: upload(f"{kind}.png", png_bytes(), "image/png") for kind in KINDS[2:]}
    response = draft.client.post(step_url(draft, 5), files)
    assert location(response) == step_url(draft, 6)
    draft.refresh_from_db()
    assert draft.form_step == 5


def test_one_bad_file_does_not_lose_the_good_ones(draft):
    response = draft.client.post(
        step_url(draft, 5) + "?lang=en",
        {
            "photo": upload("me.png", png_bytes(), "image/png"),
            "nid": upload("nid.pdf", b"MZ\x90\x00 not a pdf"),
        },
    )
    assert "is not a PDF, JPEG or PNG file" in response.content.decode()
    assert list(Document.objects.filter(application=draft).values_list("kind", flat=True)) == ["photo"]


def test_check_upload_refuses_damage_and_bombs(settings):
    with pytest.raises(UploadDamaged):
        check_upload(upload("cut.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n"))
    with pytest.raises(UploadDamaged):
        check_upload(upload("cut.png", png_bytes()[:40]))
    settings.REGISTRATION_MAX_IMAGE_PIXELS = 1000
    with pytest.raises(UploadImageTooBig):
        check_upload(upload("big.png", png_bytes((100, 100))))
    with pytest.raises(UploadWrongType):
        check_upload(upload("x.pdf", b"GIF89a...."))
    settings.REGISTRATION_MAX_UPLOAD_BYTES = 10
    with pytest.raises(UploadTooLarge):
        check_upload(upload("small.pdf", pdf_bytes()))


def test_only_the_applicant_and_the_handling_office_see_a_document(
    applicant, extension_officer, gazipur_officer, dhaka_office
):
    application = complete_application(applicant)
    document = application.documents.get(kind="nid")
    url = f"/apply/{application.pk}/documents/{document.pk}/"

    def status(user) -> int:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client.get(url).status_code

    assert status(applicant.user) == 200
    assert status(extension_officer.user) == 200
    assert status(gazipur_officer.user) == 404  # an officer of Gazipur, a Dhaka application
    assert status(make_applicant("+8801911000009", "Stranger").user) == 404
    assert status(None) == 404
    inactive = make_officer(dhaka_office, Officer.Role.APPROVING, "retired")
    inactive.is_active = False
    inactive.save()
    assert status(inactive.user) == 404
    # The document of one application is not reachable through the id of another.
    other = complete_application(make_applicant("+8801911000010", "Other"))
    assert Client().get(f"/apply/{other.pk}/documents/{document.pk}/").status_code == 404


def test_an_uploaded_name_with_a_path_or_a_newline_is_cleaned_for_the_header(draft):
    from registrations.services.apply import display_name

    assert display_name("C:\\Users\\rahima\\scan\nset-cookie.pdf", "nid") == "scanset-cookie.pdf"
    assert display_name("../../etc/passwd", "nid") == "passwd"
    assert display_name("\x00\x07", "nid") == "nid"
    draft.client.post(step_url(draft, 5), {"nid": upload("নিবন্ধন\r\nকার্ড.png", png_bytes(), "image/png")})
    document = Document.objects.get(application=draft, kind="nid")
    response = draft.client.get(f"/apply/{draft.pk}/documents/{document.pk}/")
    assert response.status_code == 200 and "\n" not in response["Content-Disposition"]
