"""The money receipt: its words for money, who may see it, and the PDF's text (Bangla included)."""

import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from industries.bangla import to_bangla_digits
from payments import services
from payments.gateways import Verdict
from payments.models import Attempt
from payments.receipts import number_in_words, number_in_words_bn, taka_in_words, taka_in_words_bn
from registrations.models import Application, Office
from tests.registrations.conftest import make_applicant

TRAN_ID = "BSCIC260105A1B2C3D4E5F6"
# When the payer paid, by the gateway's clock: 40 minutes before we heard (the IPN was late).
PAID_AT_AGO = timedelta(minutes=40)
FEE_LINES = [
    {"name_en": "Registration fee", "name_bn": "নিবন্ধন ফি", "amount": "150.00"},
    {"name_en": "VAT (15%)", "name_bn": "মূসক (১৫%)", "amount": "22.50"},
]


def _attempt(application, user, tran_id=TRAN_ID) -> Attempt:
    return Attempt.objects.create(
        application=application,
        gateway="sslcommerz",
        tran_id=tran_id,
        amount=Decimal("172.50"),
        currency="BDT",
        store_id="bscictest",
        started_by=user,
        expires_at=timezone.now() + timedelta(minutes=30),
    )


@pytest.fixture
def paid(awaiting_fee, applicant):
    """An online payment counted through the real settle path (the gateway's verdict given directly)."""
    Application.objects.filter(pk=awaiting_fee.pk).update(
        name_bn="রহিমা ক্ষুদ্র হস্তশিল্প প্রতিষ্ঠান", fee_lines=FEE_LINES
    )
    Office.objects.filter(pk=awaiting_fee.office_id).update(
        address_bn="১৩৭-১৩৮ মতিঝিল বাণিজ্যিক এলাকা, ঢাকা-১০০০", address_en="137-138 Motijheel C/A, Dhaka-1000"
    )
    attempt = _attempt(awaiting_fee, applicant.user)
    verdict = Verdict(
        Verdict.PAID,
        tran_id=TRAN_ID,
        val_id="VAL-RECEIPT-1",
        amount=Decimal("172.50"),
        currency="BDT",
        store_id=attempt.store_id,
        bank_tran_id="BANK-77-0042",
        card_type="BKASH-BKash",
        paid_at=timezone.now() - PAID_AT_AGO,
    )
    assert services.attempt_settle(attempt_id=attempt.pk, verdict=verdict, kind="ipn") == "paid"
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.PAID
    return attempt


def _pdf_text(pdf: bytes, tmp_path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.fail("pdftotext (poppler-utils) is needed to read the receipt's PDF")
    path = tmp_path / "receipt.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout


def _pdf_fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout


def _phone_forms(phone: str) -> list[str]:
    local = phone.removeprefix("+88")
    return [phone, local, local[1:], to_bangla_digits(local)]


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("172.50", "One hundred seventy-two taka and fifty paisa only"),
        ("0.05", "Zero taka and five paisa only"),
        ("1000", "One thousand taka only"),
        ("125000.99", "One lakh twenty-five thousand taka and ninety-nine paisa only"),
        ("10000000", "One crore taka only"),
        (
            "1234567890.10",
            "One hundred twenty-three crore forty-five lakh sixty-seven thousand eight hundred "
            "ninety taka and ten paisa only",
        ),
        ("99.999", "One hundred taka only"),
    ],
)
def test_taka_in_words(amount, words):
    assert taka_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("172.50", "এক শত বাহাত্তর টাকা পঞ্চাশ পয়সা মাত্র"),
        ("0.05", "শূন্য টাকা পাঁচ পয়সা মাত্র"),
        ("3450", "তিন হাজার চার শত পঞ্চাশ টাকা মাত্র"),
        ("125000.99", "এক লক্ষ পঁচিশ হাজার টাকা নিরানব্বই পয়সা মাত্র"),
        ("10000000", "এক কোটি টাকা মাত্র"),
        ("1234567890.10", "এক শত তেইশ কোটি পঁয়তাল্লিশ লক্ষ সাতষট্টি হাজার আট শত নব্বই টাকা দশ পয়সা মাত্র"),
        ("99.999", "এক শত টাকা মাত্র"),
    ],
)
def test_taka_in_words_bangla(amount, words):
    assert taka_in_words_bn(Decimal(amount)) == words


def test_bangla_has_a_word_for_each_number_below_a_hundred():
    words = [number_in_words_bn(n) for n in range(100)]
    assert len(set(words)) == 100 and all(" " not in w for w in words)
    assert (words[0], words[1], words[19], words[21], words[52], words[88], words[99]) == (
        "শূন্য",
        "এক",
        "উনিশ",
        "একুশ",
        "বায়ান্ন",
        "আটাশি",
        "নিরানব্বই",
    )
    assert number_in_words_bn(100) == "এক শত" and number_in_words_bn(1021) == "এক হাজার একুশ"


def test_number_in_words_refuses_negatives():
    assert number_in_words(21) == "twenty-one"
    with pytest.raises(ValueError):
        taka_in_words(Decimal("-1"))


def test_applicant_downloads_the_pdf(client, paid, applicant, tmp_path):
    client.force_login(applicant.user)
    response = client.get(reverse("payments:receipt_pdf", args=[TRAN_ID]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="bscic-receipt-{TRAN_ID}.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")

    text = _pdf_text(response.content, tmp_path)
    assert TRAN_ID in text
    assert "BANK-77-0042" in text and "BKASH-BKash" in text
    assert "Tk 172.50" in text and "১৭২.৫০ টাকা" in text
    assert "One hundred seventy-two taka and fifty paisa only" in text
    assert "Money receipt" in text
    # Bangla in which each letter's glyph stands where the letter does: text extraction cannot put a vowel
    # sign drawn before its consonant (ি, ে) back after it, so "মানি রসিদ" does not come back from a PDF.
    assert "১৭২.৫০ টাকা" in text and "ঢাকা" in text
    assert paid.application.office.name_en in text
    assert "Rahima Begum" in text  # the payer's name
    for phone in _phone_forms(applicant.phone):
        assert phone not in text
    # The app's own fonts, embedded (the @font-face families), not whatever the server has installed.
    fonts = _pdf_fonts(response.content, tmp_path)
    assert "Receipt-Bengali" in fonts and "Receipt-Latin" in fonts


def test_html_receipt_shows_both_languages(client, paid, applicant):
    client.force_login(applicant.user)
    response = client.get(reverse("payments:receipt", args=[TRAN_ID]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    office = paid.application.office
    assert "মানি রসিদ" in page and "Money receipt" in page
    assert office.name_bn in page and office.name_en in page
    assert "১৩৭-১৩৮ মতিঝিল বাণিজ্যিক এলাকা" in page and "137-138 Motijheel C/A" in page
    assert "রহিমা ক্ষুদ্র হস্তশিল্প প্রতিষ্ঠান" in page and "Rahima Handicrafts" in page
    assert "১৫০.০০ টাকা" in page and "Tk 22.50" in page
    assert paid.application.tracking_no in page
    assert f'id="receipt-pdf" href="{reverse("payments:receipt_pdf", args=[TRAN_ID])}"' in page
    assert 'id="receipt-print"' in page
    # The time paid is the gateway's (when the payer paid), not when we heard; Bangla digits on the Bangla
    # side, as the office's clock showed it.
    paid_local = timezone.localtime(paid.paid_at, timezone.get_default_timezone())
    heard_local = timezone.localtime(paid.settled_at, timezone.get_default_timezone())
    assert f"{paid_local:%H:%M}" != f"{heard_local:%H:%M}"
    assert to_bangla_digits(f"{paid_local:%H:%M}") in page and f"{paid_local:%H:%M} (Dhaka time)" in page
    assert to_bangla_digits(f"{heard_local:%H:%M}") not in page
    # One word for the transaction id, as the pages say it; the amount in words on both sides.
    assert "লেনদেন আইডি" in page and "ট্রানজেকশন" not in page
    assert "কথায়:</strong> এক শত বাহাত্তর টাকা পঞ্চাশ পয়সা মাত্র" in page
    assert "/static/payments/fonts/NotoSansBengali-Regular.ttf" in page
    for phone in _phone_forms(applicant.phone):
        assert phone not in page


def test_receipt_of_a_payment_settled_before_paid_at_was_kept_shows_settled_at(client, paid, applicant):
    Attempt.objects.filter(pk=paid.pk).update(paid_at=None)
    client.force_login(applicant.user)
    page = client.get(reverse("payments:receipt", args=[TRAN_ID])).content.decode()
    heard_local = timezone.localtime(paid.settled_at, timezone.get_default_timezone())
    assert f"{heard_local:%H:%M} (Dhaka time)" in page


def test_officer_of_the_office_gets_it(client, paid, approving_officer):
    client.force_login(approving_officer.user)
    assert client.get(reverse("payments:receipt", args=[TRAN_ID])).status_code == 200
    response = client.get(reverse("payments:receipt_pdf", args=[TRAN_ID]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["receipt", "receipt_pdf"])
def test_no_receipt_for_anyone_else(client, paid, gazipur_officer, name):
    url = reverse(f"payments:{name}", args=[TRAN_ID])
    client.force_login(make_applicant(phone="+8801711000099", name="Someone Else").user)
    assert client.get(url).status_code == 404
    client.force_login(gazipur_officer.user)
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


@pytest.mark.parametrize("name", ["receipt", "receipt_pdf"])
def test_no_receipt_for_a_pending_attempt(client, awaiting_fee, applicant, name):
    attempt = _attempt(awaiting_fee, applicant.user, tran_id="BSCIC260105PENDING00001")
    client.force_login(applicant.user)
    assert client.get(reverse(f"payments:{name}", args=[attempt.tran_id])).status_code == 404
