"""axe-core (tests/a11y.py: WCAG 2.1 A and AA and axe's best practices, any impact) over the public pages
that are not the map, in English and in Bangla (``?lang=``), on a desktop (1280 × 800) and on a phone
(tests/browser.py's PHONE): e-Registration's home and accounts pages, tracking, the performance figures,
certificate verification and an enterprise's page for anyone; the applicant's own pages (the application
started and its form with its errors, the form's steps, an application with its certificate, a payment and
its receipt, the owner's page editor and ekShop page) with an applicant's session. The map's own checks are
tests/maps'.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.services import certificate_issue, verification_path
from industries.models import District
from payments import services as payments
from payments.gateways import Verdict
from payments.models import Attempt
from registrations.models import State
from tests.a11y import axe_violations, describe
from tests.browser import PHONE, chromium, session_cookie
from tests.registrations.conftest import (  # noqa: F401  (fixtures and the complete draft)
    _private_documents,
    applicant,
    complete_application,
    dhaka_office,
    offices,
)
from tests.registrations.review_support import in_state
from tests.storefronts.conftest import registered_with_page

SCREENS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": PHONE, "device_scale_factor": 2, "is_mobile": True, "has_touch": True},
}
LANGUAGES = ("en", "bn")
# Leaflet's maps on these pages: audited once drawn (their controls are part of the page).
MAPS = "#storefront-map[data-ready='1'], #locate-map.leaflet-container"


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture(autouse=True)
def _photos_and_limits(tmp_path, settings):
    settings.STOREFRONT_PHOTOS_ROOT = tmp_path / "photos"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "outbox.jsonl"
    settings.CERTIFICATE_VERIFY_PER_HOUR = 1000


class Audit:
    """Every page of one screen and language, audited as it is shown; the violations collected by page."""

    def __init__(self, browser, base: str, screen: str, language: str, cookie=None, who: str = "anyone"):
        self.base, self.language = base, language
        self.label = f"{screen}, {language}, {who}"
        self.context = browser.new_context(**SCREENS[screen])
        if cookie:
            self.context.add_cookies([cookie])
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        self.page.on(
            "response", lambda r: r.status >= 500 and self.problems.append(f"HTTP {r.status} {r.url}")
        )
        self.found: dict[str, list[dict]] = {}

    def open(self, path: str) -> None:
        path, hash_, fragment = path.partition("#")
        separator = "&" if "?" in path else "?"
        self.page.goto(f"{self.base}{path}{separator}lang={self.language}{hash_}{fragment}")

    def check(self, what: str) -> None:
        page = self.page
        # The page in the language asked for: a page that fell back to the other would be audited twice.
        assert page.get_attribute("html", "lang") == self.language, f"{what}: not in {self.language}"
        if page.locator("#storefront-map, #locate-map").count():
            page.wait_for_selector(MAPS, state="attached")
        violations = axe_violations(page)
        if violations:
            self.found[f"{what} ({self.label}) {page.url}"] = violations

    def visit(self, what: str, path: str) -> None:
        self.open(path)
        self.check(what)

    def close(self) -> None:
        self.context.close()


def _paid_attempt(applicant) -> Attempt:  # noqa: F811
    """An online payment counted through the real settle path (the gateway's verdict given directly)."""
    application = in_state(applicant, State.APPROVED_FOR_PAYMENT)
    attempt = Attempt.objects.create(
        application=application,
        gateway="sslcommerz",
        tran_id="BSCIC260105A11Y000001",
        amount=Decimal("172.50"),
        currency="BDT",
        store_id="bscictest",
        started_by=applicant.user,
        expires_at=timezone.now() + timedelta(minutes=30),
    )
    verdict = Verdict(
        Verdict.PAID,
        tran_id=attempt.tran_id,
        val_id="VAL-A11Y-1",
        amount=attempt.amount,
        currency="BDT",
        store_id=attempt.store_id,
        bank_tran_id="BANK-A11Y-1",
        card_type="BKASH-BKash",
        paid_at=timezone.now() - timedelta(minutes=5),
    )
    assert payments.attempt_settle(attempt_id=attempt.pk, verdict=verdict, kind="ipn") == "paid"
    return attempt


def anyones_pages(audit: Audit, *, rajshahi, submitted, certificate, storefront) -> None:
    audit.visit("registration home, a district not open", f"/apply/?district={rajshahi.pk}#where")
    audit.visit("log in", "/accounts/login/")
    audit.visit("sign up", "/accounts/signup/")
    audit.visit("performance", "/registrations/")
    audit.visit("tracking", "/track/")
    page = audit.page
    page.fill("input[name=tracking_no]", submitted.tracking_no)
    page.fill("input[name=phone_last4]", submitted.applicant.phone[-4:])
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector("#track-result")
    audit.check("tracking, an application found")
    audit.visit("verification by number", f"/verify/?registration_no={certificate.registration_no}")
    audit.visit("verification from the QR", verification_path(certificate))
    audit.visit("enterprise page", f"/e/{storefront.slug}/")


def applicants_pages(audit: Audit, *, dhaka, draft, registered, attempt, storefront) -> None:
    page = audit.page
    audit.visit("registration home, Dhaka open", f"/apply/?district={dhaka.pk}#where")
    # Started as an applicant starts: the new draft's first step, then saved empty, with its errors.
    page.locator("form[action='/apply/start/'] button").click()
    page.wait_for_url("**/step/1/**")
    page.locator("button[name=save]").click()
    page.wait_for_selector(".errorlist")
    audit.check("step 1 with its errors")
    audit.visit("my applications", "/apply/mine/")
    for step in (2, 3, 5, 6):  # 4's fields are step 1's kind
        audit.visit(f"the form's step {step}", f"/apply/{draft.pk}/step/{step}/")
    audit.visit("a registered application", f"/apply/{registered.pk}/")
    audit.visit("a payment", f"/payments/{attempt.tran_id}/")
    if audit.language == "bn":  # one bilingual document (lang="bn", its English half marked), either way
        audit.visit("its receipt", f"/payments/{attempt.tran_id}/receipt/")
    audit.visit("editing the enterprise page", f"/e/{storefront.slug}/edit/")
    audit.visit("a new product", f"/e/{storefront.slug}/products/new/")
    audit.visit("ekShop", f"/e/{storefront.slug}/ekshop/")


def test_the_pages_besides_the_map_have_no_axe_violations(live_server, browser, applicant, dhaka_office):  # noqa: F811
    registered, storefront = registered_with_page(applicant)
    certificate = certificate_issue(application_id=registered.pk)
    submitted = in_state(applicant, State.SUBMITTED)
    draft = complete_application(applicant)
    attempt = _paid_attempt(applicant)
    dhaka, rajshahi = dhaka_office.district, District.objects.get(code="81")

    audits = []
    for screen in SCREENS:
        for language in LANGUAGES:
            anyone = Audit(browser, live_server.url, screen, language)
            anyones_pages(
                anyone,
                rajshahi=rajshahi,
                submitted=submitted,
                certificate=certificate,
                storefront=storefront,
            )
            cookie = session_cookie(applicant.user, live_server.url)
            own = Audit(browser, live_server.url, screen, language, cookie, who="the applicant")
            applicants_pages(
                own, dhaka=dhaka, draft=draft, registered=registered, attempt=attempt, storefront=storefront
            )
            audits += [anyone, own]
            anyone.close()
            own.close()

    assert [audit.problems for audit in audits] == [[]] * len(audits)
    found = "\n\n".join(f"{where}:\n{describe(v)}" for audit in audits for where, v in audit.found.items())
    assert not found, "axe found violations:\n\n" + found
