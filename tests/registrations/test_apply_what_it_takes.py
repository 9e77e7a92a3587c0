"""Before starting: the page that says, for the applicant's case, the steps (what, who, how long, how much),
the documents and the fee, all from configuration; and the district check before anything is filled in."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from industries.models import District
from registrations.models import DocumentRequirement, FeeCharge, Step

pytestmark = pytest.mark.django_db


def page(query: str = "", lang: str = "en", client=None) -> str:
    client = client or Client()
    return client.get(f"/apply/?lang={lang}&{query}").content.decode()


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_steps_come_from_configuration_and_a_changed_limit_shows(offices):
    html = text(page())
    for step in Step.objects.all():
        assert step.name_en in html and step.who_en in html
    assert "2 working days" in html  # the document check, as loaded
    Step.objects.filter(state="document_check").update(working_days=7, name_en="Checking the papers")
    html = text(page())
    assert "Checking the papers" in html and "7 working days" in html
    # The office's own days, summed from the rows: 1 + 7 + 3 + 1 + 1.
    assert "at most 13 working days in all" in html


def test_the_page_in_bangla_uses_the_bangla_columns_and_digits(offices):
    html = text(page(lang="bn"))
    assert "কাগজপত্র যাচাই" in html and "সম্প্রসারণ কর্মকর্তা" in html
    assert "২ কর্মদিবস" in html
    assert "জাতীয় পরিচয়পত্র" in html


def test_the_documents_follow_the_ownership_type(offices):
    proprietor = text(page("ownership=proprietorship"))
    partnership = text(page("ownership=partnership"))
    company = text(page("ownership=company"))
    assert "Partnership deed" not in proprietor and "Partnership deed" in partnership
    assert "Memorandum and articles" in company and "Partnership deed" not in company
    assert "Loan sanction letter" in proprietor  # optional, listed as such
    DocumentRequirement.objects.create(
        kind="fire_licence", order=9, name_en="Fire licence", name_bn="অগ্নি লাইসেন্স"
    )
    assert "Fire licence" in text(page())


def test_the_fee_for_the_size_class_with_the_vat_line(offices):
    html = text(page("size=cottage"))
    assert "Registration fee Tk 150" in html and "VAT Tk 22.50" in html and "Total Tk 172.50" in html
    small = text(page("size=small&assets=১৫,০০,০০০"))  # Bangla digits: 15 lakh is the second band
    assert "Total Tk 2,300" in small
    # Without the assets the small class's bands are all shown.
    bands = text(page("size=small"))
    assert "Tk 1,000" in bands and "Tk 2,000" in bands and "Tk 3,000" in bands
    FeeCharge.objects.update(percent=Decimal("0"))
    assert "Total Tk 150" in text(page("size=cottage"))


def test_a_district_not_open_yet_is_told_in_bangla_and_english_before_anything_is_filled(offices):
    rajshahi = District.objects.get(code="81")
    html = page(f"district={rajshahi.pk}", lang="bn")
    assert "রাজশাহী জেলার কারখানার জন্য অনলাইন নিবন্ধন এখনো চালু হয়নি" in html
    assert "Online registration is not open yet for factories in Rajshahi" in html
    assert "registrations:start" not in html and 'action="/apply/start/"' not in html
    dhaka = District.objects.get(code="26")
    open_page = page(f"district={dhaka.pk}")
    assert "Online registration is open for factories in Dhaka" in open_page
    assert "not open yet" not in text(open_page).split("Your case")[0].replace("— not open yet", "")


def test_an_applicant_can_start_from_an_open_district(offices, applicant):
    client = Client()
    client.force_login(applicant.user)
    dhaka = District.objects.get(code="26")
    html = page(f"district={dhaka.pk}", client=client)
    assert 'action="/apply/start/"' in html
    anonymous = page(f"district={dhaka.pk}")
    assert "/accounts/login/?next=" in anonymous
