"""The officers' pages: who sees them, which forms each officer gets in each state, the whole review
through the forms, and the second of two officers acting on the same step."""

import io
import re
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from registrations.models import Inspection, Officer, Payment, ShortfallItem, State, Transition
from registrations.services import review

from .conftest import make_officer
from .review_support import in_state, submitted

pytestmark = pytest.mark.django_db


def login(client, officer_or_applicant):
    client.force_login(officer_or_applicant.user)
    return client


def page_url(application):
    return reverse("registrations:office_application", args=[application.pk])


def action_url(application, action):
    return reverse(f"registrations:office_{action}", args=[application.pk])


def forms_on(html: str) -> list[str]:
    return re.findall(r'id="action-([a-z_]+)"', html)


def test_pages_need_a_login_and_an_officer(client, applicant, extension_officer):
    application = submitted(applicant)
    for url in (reverse("registrations:office_queue"), page_url(application)):
        response = client.get(url)
        assert response.status_code == 302
        assert urlparse(response["Location"]).path == reverse("registrations:login")
    login(client, applicant)
    for url in (reverse("registrations:office_queue"), page_url(application)):
        assert client.get(url).status_code == 404
    assert (
        client.post(action_url(application, "take_up"), {"take_up-expected_state": "submitted"}).status_code
        == 404
    )
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_another_office_gets_404(client, applicant, gazipur_officer):
    application = submitted(applicant)
    login(client, gazipur_officer)
    assert client.get(page_url(application)).status_code == 404
    response = client.post(
        action_url(application, "reject"), {"reject-expected_state": "submitted", "reject-reason": "No."}
    )
    assert response.status_code == 404
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_drafts_are_not_the_offices(client, applicant, extension_officer):
    application = in_state(applicant, State.DRAFT)
    login(client, extension_officer)
    assert client.get(page_url(application)).status_code == 404


def test_each_officer_gets_only_the_forms_they_may_use(
    client, applicant, extension_officer, approving_officer
):
    application = submitted(applicant)
    html = login(client, extension_officer).get(page_url(application)).content.decode()
    assert forms_on(html) == ["take_up"]
    assert 'name="take_up-expected_state" value="submitted"' in html
    html = login(client, approving_officer).get(page_url(application)).content.decode()
    assert forms_on(html) == ["assign", "reject"]

    # Officers of the office see what the applicant entered, owners' personal data included.
    assert "1234567890" in html and "Rahima Begum" in html and "TRAD/DNCC/012345/2024" in html

    recommended = in_state(applicant, State.RECOMMENDED)
    assert forms_on(login(client, extension_officer).get(page_url(recommended)).content.decode()) == []
    html = login(client, approving_officer).get(page_url(recommended)).content.decode()
    assert forms_on(html) == ["approve_for_payment", "reject"]
    assert "172.50" in html  # the fee approving would fix

    approved = in_state(applicant, State.APPROVED_FOR_PAYMENT)
    assert forms_on(login(client, extension_officer).get(page_url(approved)).content.decode()) == [
        "record_payment"
    ]

    # Assigned to a colleague: the extension officer may look, not act.
    colleague = make_officer(extension_officer.office, Officer.Role.EXTENSION, "dhaka-extension-2")
    checking = in_state(applicant, State.DOCUMENT_CHECK)
    review.application_assign(application_id=checking.pk, officer=colleague, by=approving_officer.user)
    assert forms_on(login(client, extension_officer).get(page_url(checking)).content.decode()) == []
    assert forms_on(login(client, colleague).get(page_url(checking)).content.decode()) == [
        "send_to_inspection",
        "raise_shortfall",
    ]


def test_the_wrong_role_is_refused_and_keeps_its_input(client, applicant, extension_officer):
    application = in_state(applicant, State.RECOMMENDED)
    login(client, extension_officer)
    response = client.post(
        action_url(application, "approve_for_payment"),
        {"approve_for_payment-expected_state": "recommended", "approve_for_payment-note": "Looks fine to me"},
    )
    assert response.status_code == 403
    assert "অনুমোদনকারী কর্মকর্তা" in response.content.decode()  # Bangla first: the NotAllowed message
    assert "Looks fine to me" in response.content.decode()
    application.refresh_from_db()
    assert application.state == State.RECOMMENDED


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), (1, 2, 3)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_the_whole_review_through_the_forms(client, applicant, extension_officer, approving_officer):
    application = submitted(applicant)
    login(client, extension_officer)
    response = client.post(action_url(application, "take_up"), {"take_up-expected_state": "submitted"})
    assert response.status_code == 302 and urlparse(response["Location"]).path == page_url(application)

    response = client.post(
        action_url(application, "raise_shortfall"),
        {
            "raise_shortfall-expected_state": "document_check",
            "raise_shortfall-item_land_deed": "on",
            "raise_shortfall-item_note_land_deed": "The deed's second page is missing.",
            "raise_shortfall-item_note_investment": "Machinery value does not match the list.",
            "raise_shortfall-note": "Please correct these two.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    items = dict(ShortfallItem.objects.values_list("item", "note"))
    assert items == {
        "land_deed": "The deed's second page is missing.",
        "investment": "Machinery value does not match the list.",
    }
    review.application_resubmit(application_id=application.pk, user=applicant.user)

    client.post(
        action_url(application, "send_to_inspection"), {"send_to_inspection-expected_state": "document_check"}
    )
    page = client.get(page_url(application)).content.decode()
    assert forms_on(page) == ["record_inspection"]
    assert 'enctype="multipart/form-data"' in page and "data-geolocate" in page and "geolocate.js" in page
    response = client.post(
        action_url(application, "record_inspection"),
        {
            "record_inspection-expected_state": "inspection",
            "record_inspection-visited_on": timezone.localdate().isoformat(),
            "record_inspection-findings": "Seven workers, five machines.",
            "record_inspection-latitude": "২৩.৮১০৩",  # Bangla digits, as a Bangla keyboard types them
            "record_inspection-longitude": "90.4125",
            "record_inspection-photos": [
                SimpleUploadedFile("a.jpg", jpeg(), "image/jpeg"),
                SimpleUploadedFile("b.jpg", jpeg(), "image/jpeg"),
            ],
            "record_inspection-internal_note": "Neighbour confirms since 2019.",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    inspection = Inspection.objects.get()
    assert inspection.photos.count() == 2
    assert abs(inspection.location.y - 23.8103) < 1e-9

    login(client, approving_officer)
    client.post(
        action_url(application, "approve_for_payment"), {"approve_for_payment-expected_state": "recommended"}
    )
    application.refresh_from_db()
    assert application.state == State.APPROVED_FOR_PAYMENT
    response = client.post(
        action_url(application, "record_payment"),
        {
            "record_payment-expected_state": "approved_for_payment",
            "record_payment-method": "office",
            "record_payment-receipt_no": "০০১২৩",
            "record_payment-paid_on": timezone.localdate().isoformat(),
            "record_payment-amount": "১৭২.৫০",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Payment.objects.get().receipt_no == "00123"

    page = client.get(page_url(application)).content.decode()
    application.refresh_from_db()
    assert application.state == State.PAID
    # The full timeline for officers: internal notes and who acted.
    assert "Neighbour confirms since 2019." in page and "Dhaka-Extension" in page
    assert [t.action for t in Transition.objects.order_by("id")] == [
        "submit",
        "take_up",
        "raise_shortfall",
        "resubmit",
        "send_to_inspection",
        "record_inspection",
        "approve_for_payment",
        "record_payment",
    ]


def test_bad_input_comes_back_with_what_was_typed(client, applicant, extension_officer, approving_officer):
    application = in_state(applicant, State.APPROVED_FOR_PAYMENT)
    login(client, approving_officer)
    response = client.post(
        action_url(application, "record_payment"),
        {
            "record_payment-expected_state": "approved_for_payment",
            "record_payment-method": "a_challan",
            "record_payment-receipt_no": "CH-77",
            "record_payment-paid_on": timezone.localdate().isoformat(),
            "record_payment-amount": "150",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "172.50" in html and 'value="CH-77"' in html and 'value="150"' in html
    response = client.post(
        action_url(application, "reject"), {"reject-expected_state": "approved_for_payment"}
    )
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.state == State.APPROVED_FOR_PAYMENT


def test_the_second_officer_is_told_and_loses_nothing(client, applicant, approving_officer):
    """Two approving officers open the same recommended application; the first approves; the second, who
    meant to reject, is told what happened (in Bangla, the page's language) and gets the reason typed back,
    now against the new state; only sending it again applies it."""
    other_approver = make_officer(approving_officer.office, Officer.Role.APPROVING, "dhaka-agm")
    application = in_state(applicant, State.RECOMMENDED)
    login(client, approving_officer).post(
        action_url(application, "approve_for_payment"), {"approve_for_payment-expected_state": "recommended"}
    )
    reason = "কারখানাটি আবাসিক এলাকায়।"
    response = login(client, other_approver).post(
        action_url(application, "reject"), {"reject-expected_state": "recommended", "reject-reason": reason}
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "আবেদনটি ইতিমধ্যে এগিয়ে গেছে" in html and "Dhaka-Approving" in html
    assert reason in html
    assert 'name="reject-expected_state" value="approved_for_payment"' in html
    application.refresh_from_db()
    assert application.state == State.APPROVED_FOR_PAYMENT
    assert Transition.objects.filter(action="reject").count() == 0

    # A second approval: the form is gone in the new state; the note typed is shown, not applied.
    response = client.post(
        action_url(application, "approve_for_payment"),
        {"approve_for_payment-expected_state": "recommended", "approve_for_payment-note": "আমিও অনুমোদন করছি"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "আমিও অনুমোদন করছি" in html and "not-applied" in html
    assert Transition.objects.filter(action="approve_for_payment").count() == 1

    response = client.post(
        action_url(application, "reject"),
        {"reject-expected_state": "approved_for_payment", "reject-reason": reason},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == State.REJECTED


def test_english_on_request(client, applicant, approving_officer):
    application = in_state(applicant, State.RECOMMENDED)
    login(client, approving_officer)
    client.get(page_url(application) + "?lang=en")
    review.application_reject(application_id=application.pk, user=approving_officer.user, reason="x")
    response = client.post(
        action_url(application, "approve_for_payment"), {"approve_for_payment-expected_state": "recommended"}
    )
    assert response.status_code == 409
    assert "This application has already moved on" in response.content.decode()


def test_register_from_the_page(client, applicant, approving_officer, extension_officer):
    application = in_state(applicant, State.PAID)
    html = login(client, extension_officer).get(page_url(application)).content.decode()
    assert forms_on(html) == []  # registering is the approving officer's
    html = login(client, approving_officer).get(page_url(application)).content.decode()
    assert forms_on(html) == ["register"]
    response = client.post(action_url(application, "register"), {"register-expected_state": "paid"})
    assert response.status_code == 302, response.content.decode()[:3000]
    application.refresh_from_db()
    assert application.state == State.REGISTERED and application.registration_no
    html = client.get(page_url(application)).content.decode()
    assert application.registration_no in html and forms_on(html) == []
