"""The whole e-Registration journey in real Chromium, on a phone, in Bangla (issue 9, "Done means").

Sign-up with the code read from the test SMS backend; the form over two sessions with the draft kept; the
documents and the submission; a shortfall raised by the extension officer and corrected by the applicant;
the inspection; approval for payment, and the fee paid online by the applicant on the SSLCommerz sandbox's
page (the IPN settles it; the SMS; the money receipt downloaded as PDF); registration. Then the enterprise
is in /api/v1/enterprises/ and drawn in its vector tile. Screenshots: tests/artifacts/journey_*.png.
"""

import json
import re
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.test import Client
from PIL import Image
from playwright.sync_api import expect

from payments.models import GatewayEvent
from registrations.models import Application, State
from tests.browser import ARTIFACTS, chromium

from .conftest import PASSWORD
from .journey_payment import _sandbox_gateway, download_the_receipt, pay_on_the_sandbox  # noqa: F401
from .test_register import drawn_ids, tile_url

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "locale": "bn-BD"}
APPLICANT_PHONE = "01712345678"
# A point in Dhaka North City Corporation (the fixtures' DHAKA_POINT, nudged).
LAT, LON = "23.81060", "90.41270"
DOCUMENT_KINDS = ("photo", "nid", "trade_licence", "land_deed", "machinery_list")


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def outbox(tmp_path, settings) -> Path:
    settings.SMS_FILE_PATH = tmp_path / "outbox.jsonl"
    return settings.SMS_FILE_PATH


def messages_to(outbox: Path, phone: str) -> list[str]:
    if not outbox.exists():
        return []
    lines = [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [m["text"] for m in lines if m["to"].endswith(phone[-10:])]


def scans(tmp_path: Path) -> dict[str, Path]:
    files = {}
    for n, kind in enumerate(DOCUMENT_KINDS):
        path = tmp_path / f"{kind}.jpg"
        Image.new("RGB", (60, 40), (20 * n, 106, 78)).save(path, format="JPEG")
        files[kind] = path
    pdf = tmp_path / "nid-both-sides.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    files["nid_corrected"] = pdf
    return files


class Phone:
    """One person's phone: a browser context, its page, and every failed request or console error."""

    def __init__(self, browser, base_url: str, name: str):
        self.base_url, self.name = base_url, name
        self.context = browser.new_context(**PHONE)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on(
            "response",
            lambda r: r.status >= 500 and self.problems.append(f"{r.status} {r.url}"),
        )

    def _console(self, message):
        if message.type == "error":
            self.problems.append(f"console: {message.text} ({message.location.get('url')})")

    def go(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, name: str):
        self.page.screenshot(path=ARTIFACTS / f"journey_{name}.png", full_page=True)

    def fits(self):
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["viewport"]["width"], f"{self.name}: the page is {width}px wide"

    def close(self):
        assert not self.problems, self.problems
        self.context.close()


def log_in(phone: Phone, username: str, password: str = PASSWORD):
    page = phone.go("/accounts/login/")
    page.fill("[name=username]", username)
    page.fill("[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def save_step(page):
    page.locator("#step-form button[name=save]").click()
    page.wait_for_load_state()


def act(phone: Phone, application: Application, action: str, **fields):
    """Open the office page of the application and send one action's form, filled with ``fields``."""
    page = phone.go(f"/office/{application.pk}/")
    form = page.locator(f"#action-{action}")
    expect(form).to_be_visible()
    for name, value in fields.items():
        field = form.locator(f"[name='{action}-{name}']")
        if field.get_attribute("type") == "checkbox":
            field.check()
        elif field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    form.locator("button[type=submit]").last.click()
    page.wait_for_load_state()
    return page


def test_the_whole_journey_on_a_phone_in_bangla(
    live_server, browser, offices, extension_officer, approving_officer, outbox, sandbox_gateway, tmp_path
):
    files = scans(tmp_path)
    dhaka = offices["26"].district

    # 1. Sign up, with the code the SMS backend wrote.
    applicant = Phone(browser, live_server.url, "applicant")
    page = applicant.go("/apply/")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    page = applicant.go("/accounts/signup/")
    page.fill("[name=phone]", "০১৭১২৩৪৫৬৭৮")  # Bangla digits, as a Bangla keyboard types them
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    (text,) = messages_to(outbox, APPLICANT_PHONE)
    code = re.search(r"[0-9০-৯]{6}", text).group(0)
    page.fill("[name=code]", code)
    page.fill("[name=name]", "রহিমা বেগম")
    page.fill("[name=password1]", PASSWORD)
    page.fill("[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    applicant.fits()

    # 2a. First session: the factory's district is open; start, and fill in the first two steps.
    page = applicant.go(f"/apply/?district={dhaka.pk}")
    page.locator("form[action$='/apply/start/'] button[type=submit]").click()
    page.wait_for_load_state()
    page.fill("[name=name_bn]", "রহিমা হস্তশিল্প")
    page.fill("[name=name_en]", "Rahima Handicrafts")
    page.check("[name=application_type][value=existing]")
    page.check("[name=kind][value=manufacturing]")
    page.select_option("[name=sector]", "13")  # textiles (ISIC/BSIC division 13)
    page.fill("[name=products]", "নকশিকাঁথা")
    page.fill("[name=year_started]", "২০১৯")
    page.fill("[name=trade_licence_no]", "TRAD/DNCC/012345/2024")
    page.select_option("[name=trade_licence_authority]", "city_corporation")
    applicant.shot("1_enterprise")
    save_step(page)
    page.check("[name='ownership-ownership'][value=proprietorship], [name=ownership][value=proprietorship]")
    page.fill("[name='owners-0-name_bn']", "রহিমা বেগম")
    page.fill("[name='owners-0-name_en']", "Rahima Begum")
    page.fill("[name='owners-0-nid']", "১২৩৪৫৬৭৮৯০")
    page.fill("[name='owners-0-date_of_birth']", "1985-04-12")
    page.fill("[name='owners-0-phone']", APPLICANT_PHONE)
    page.fill("[name='owners-0-address']", "বাড়ি ১২, রোড ৩, মিরপুর, ঢাকা")
    save_step(page)
    applicant.fits()
    application = Application.objects.get(applicant__phone="+8801712345678")
    assert application.state == State.DRAFT and application.form_step >= 2
    applicant.close()  # the connection is lost; the draft is on the server

    # 2b. Days later, another session: the draft is there and the form resumes at the location.
    applicant = Phone(browser, live_server.url, "applicant, later")
    log_in(applicant, APPLICANT_PHONE)
    page = applicant.go(f"/apply/{application.pk}/")
    expect(page.get_by_text("রহিমা হস্তশিল্প").first).to_be_visible()
    page.locator(f"a[href*='/apply/{application.pk}/step/']").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/apply/{application.pk}/step/3/")
    page.fill("[name=factory_address]", "বাড়ি ১২, রোড ৩, মিরপুর, ঢাকা")
    page.select_option("[name=stated_division]", str(dhaka.division_id))
    expect(page.locator(f"[name=stated_district] option[value='{dhaka.pk}']")).to_have_count(1)
    page.select_option("[name=stated_district]", str(dhaka.pk))
    expect(page.locator("[name=stated_upazila] option").nth(1)).to_be_attached()
    upazila = application.__class__._meta.get_field("stated_upazila").related_model.objects.get(
        district=dhaka, name_en="Dhaka North City Corporation"
    )
    page.select_option("[name=stated_upazila]", str(upazila.pk))
    page.fill("[name=latitude]", LAT)
    page.fill("[name=longitude]", LON)
    applicant.shot("3_location")
    save_step(page)

    # 3. Investment (the size class shows as it is typed), documents, submission.
    for name, value in (
        ("land_bdt", "0"),
        ("building_bdt", "০"),
        ("machinery_bdt", "৩০০০০০"),
        ("other_fixed_bdt", "50000"),
        ("working_capital_bdt", "100000"),
        ("workers_male", "2"),
        ("workers_female", "5"),
        ("workers_foreign", "0"),
    ):
        page.fill(f"[name={name}]", value)
    expect(page.get_by_text("কুটির").first).to_be_visible()
    applicant.shot("4_investment")
    save_step(page)
    for kind in DOCUMENT_KINDS:
        page.set_input_files(f"[name={kind}]", files[kind])
    save_step(page)
    page = applicant.go(f"/apply/{application.pk}/step/6/")
    applicant.shot("6_review")
    page.locator("#submit-application").click()
    page.wait_for_load_state()
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert application.office.district.code == "26"
    expect(page.get_by_text(application.tracking_no).first).to_be_visible()
    assert any(application.tracking_no in m for m in messages_to(outbox, APPLICANT_PHONE))
    applicant.fits()

    # 4. The extension officer takes it up and raises a shortfall on the NID.
    officer = Phone(browser, live_server.url, "extension officer")
    log_in(officer, extension_officer.user.username)
    page = officer.go("/office/")
    expect(page.get_by_text(application.tracking_no)).to_be_visible()
    officer.fits()
    act(officer, application, "take_up")
    act(
        officer,
        application,
        "raise_shortfall",
        item_nid="on",
        item_note_nid="এনআইডির দুই পাশের স্পষ্ট কপি দিন",
        note="এনআইডির কপি অস্পষ্ট",
        internal_note="scan unreadable",
    )
    application.refresh_from_db()
    assert application.state == State.SHORTFALL
    officer.shot("shortfall")

    # 5. The applicant fixes exactly that and resubmits.
    page = applicant.go(f"/apply/{application.pk}/")
    expect(page.get_by_text("এনআইডির দুই পাশের স্পষ্ট কপি দিন").first).to_be_visible()
    expect(page.get_by_text("scan unreadable")).to_have_count(0)  # the officers' internal note
    page = applicant.go(f"/apply/{application.pk}/step/5/")
    page.set_input_files("[name=nid]", files["nid_corrected"])
    save_step(page)
    page = applicant.go(f"/apply/{application.pk}/")
    applicant.shot("shortfall_fixed")
    page.locator(f"form[action$='/apply/{application.pk}/resubmit/'] button[type=submit]").click()
    page.wait_for_load_state()
    application.refresh_from_db()
    assert application.state == State.DOCUMENT_CHECK

    # 6. Inspection.
    act(officer, application, "send_to_inspection")
    act(
        officer,
        application,
        "record_inspection",
        visited_on=application.submitted_at.date().isoformat(),
        findings="কারখানা চালু আছে, ৭ জন কর্মী কাজ করছেন।",
        latitude=LAT,
        longitude=LON,
    )
    application.refresh_from_db()
    assert application.state == State.RECOMMENDED
    officer.close()

    # 7. Approval for payment; the applicant pays online, on the gateway's page; 8. registration.
    approver = Phone(browser, live_server.url, "approving officer")
    log_in(approver, approving_officer.user.username)
    act(approver, application, "approve_for_payment")
    application.refresh_from_db()
    assert application.state == State.APPROVED_FOR_PAYMENT and application.fee_total > 0
    tran_id = pay_on_the_sandbox(applicant, application, sandbox_gateway)
    application.refresh_from_db()
    assert application.state == State.PAID
    (payment,) = application.payments.all()
    assert (payment.method, payment.receipt_no, payment.amount) == ("online", tran_id, application.fee_total)
    # The gateway's IPN, checked with its validation API, counted the money; the browser's return did not.
    (ipn,) = sandbox_gateway.wait_for_ipn_attempts(tran_id, 1)
    assert ipn["http_status"] == 200, ipn
    events = GatewayEvent.objects.filter(tran_id=tran_id).values_list("kind", "outcome")
    assert ("ipn", "paid") in events and ("return", "success") in events, list(events)
    paid_sms = [m for m in messages_to(outbox, APPLICANT_PHONE) if "অনলাইনে পাওয়া গেছে" in m]
    assert paid_sms and application.tracking_no in paid_sms[-1], messages_to(outbox, APPLICANT_PHONE)
    for receipt in download_the_receipt(applicant, tran_id, tmp_path):
        assert receipt.startswith(b"%PDF") and len(receipt) > 2000, receipt[:200]
    act(approver, application, "register")
    approver.shot("registered")
    application.refresh_from_db()
    assert application.state == State.REGISTERED
    assert application.registration_no and application.enterprise_id
    approver.close()

    page = applicant.go(f"/apply/{application.pk}/")
    expect(page.get_by_text(application.registration_no).first).to_be_visible()
    applicant.shot("applicant_registered")
    applicant.close()

    # 9. The enterprise is in the API and drawn in its tile.
    client = Client()
    listed = client.get("/api/v1/enterprises/", {"district": "26", "q": "Rahima Handicrafts"}).json()
    assert application.enterprise_id in [f["id"] for f in listed["features"]]
    tile = client.get(tile_url(Point(float(LON), float(LAT), srid=4326)))
    assert application.enterprise_id in drawn_ids(tile)
