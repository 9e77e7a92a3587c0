"""The certificate after a real registration: made by the worker's task, signed by the approving officer,
downloaded by its applicant only, suspended or cancelled by the office with a reason, renewed from 3 months
before its expiry with the fee."""

import hashlib
import subprocess
from datetime import timedelta

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from certificates.models import Certificate
from certificates.services import certificate_issue_missing, site_url, verification_path
from registrations.models import Application, Officer, State
from registrations.services.register import application_register
from registrations.services.renew import application_renew
from registrations.services.review import application_record_payment
from tests.registrations.conftest import (  # noqa: F401  (fixtures)
    PASSWORD,
    applicant,
    approving_officer,
    dhaka_office,
    extension_officer,
    gazipur_office,
    gazipur_officer,
    make_applicant,
    make_officer,
    offices,
)
from tests.registrations.test_register import paid_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered(applicant, extension_officer, approving_officer, django_capture_on_commit_callbacks):  # noqa: F811
    approving_officer.designation_en = "Deputy General Manager"
    approving_officer.designation_bn = "উপমহাব্যবস্থাপক"
    approving_officer.save()
    application = paid_application(applicant, extension_officer, approving_officer)
    with django_capture_on_commit_callbacks(execute=True):
        application_register(application_id=application.pk, user=approving_officer.user)
    application.refresh_from_db()
    return application


def _text(pdf: bytes, tmp_path) -> tuple[str, int]:
    path = tmp_path / "c.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", path, "-"], capture_output=True, text=True, check=True)
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    return text.stdout, pages


def test_registering_queues_the_certificate_which_the_worker_issues_signed(registered, tmp_path):
    queued = DBTaskResult.objects.filter(task_path="certificates.tasks.issue_certificate")
    assert [r.args_kwargs["args"] for r in queued] == [[registered.pk]]
    assert not registered.certificates.exists()  # the officer's click did not wait for a PDF

    (certificate,) = certificate_issue_missing(application_id=registered.pk)
    assert certificate_issue_missing(application_id=registered.pk) == []  # the task run twice: one
    assert certificate.signer_name == registered.transitions.get(action="register").actor.get_full_name()
    assert certificate.signer_designation_bn == "উপমহাব্যবস্থাপক"
    assert certificate.valid_from == timezone.localdate(registered.registered_at)
    # Five years less a day: the day before the fifth anniversary (its 28 February for a 29 February).
    start = certificate.valid_from
    anniversary = start.replace(
        year=start.year + 5, day=28 if (start.month, start.day) == (2, 29) else start.day
    )
    assert certificate.valid_until == anniversary - timedelta(days=1)

    text, pages = _text(bytes(certificate.pdf), tmp_path)
    assert pages == 1
    assert certificate.signer_name in text and "Deputy General Manager" in text
    assert registered.registration_no in text and registered.tracking_no in text


def test_the_qr_address_is_absolute_and_production_refuses_without_one(settings):
    settings.CERTIFICATE_SITE_URL = "https://ereg.bscic.gov.bd"
    assert site_url() == "https://ereg.bscic.gov.bd"
    settings.CERTIFICATE_SITE_URL, settings.DEBUG = "", False
    with pytest.raises(ImproperlyConfigured):
        site_url()


def test_only_its_applicant_and_the_office_download_the_issued_file(
    registered,
    client,
    gazipur_officer,  # noqa: F811
):
    (certificate,) = certificate_issue_missing(application_id=registered.pk)
    url = f"/certificates/{certificate.pk}/certificate.pdf"
    assert client.get(url).status_code == 302  # to the login

    client.force_login(registered.applicant.user)
    page = client.get(f"/apply/{registered.pk}/?lang=en").content.decode()
    assert url in page and verification_path(certificate) in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert hashlib.sha256(response.content).hexdigest() == certificate.sha256

    client.force_login(make_applicant(phone="+8801711000009", name="Other").user)
    assert client.get(url).status_code == 404
    client.force_login(gazipur_officer.user)
    assert client.get(url).status_code == 404


def test_the_applicant_is_told_while_the_certificate_is_being_prepared(registered, client):
    client.force_login(registered.applicant.user)
    page = client.get(f"/apply/{registered.pk}/?lang=en").content.decode()
    assert 'id="certificate-pending"' in page and "certificate.pdf" not in page


def test_the_approving_officer_suspends_and_cancels_and_the_verification_page_says_so(
    registered,
    client,
    dhaka_office,  # noqa: F811
    extension_officer,  # noqa: F811
    approving_officer,  # noqa: F811
):
    (certificate,) = certificate_issue_missing(application_id=registered.pk)
    decide = f"/certificates/{certificate.pk}/status/"
    check = verification_path(certificate)

    client.force_login(extension_officer.user)
    assert client.get(decide).status_code == 404  # not the approving officer's colleague

    client.force_login(approving_officer.user)
    office_page = client.get(f"/office/{registered.pk}/?lang=en").content.decode()
    assert decide in office_page
    no_reason = client.post(decide, {"decision": "suspend", "reason": " "})
    assert no_reason.status_code == 400
    assert 'data-verdict="valid"' in client.get(check).content.decode()

    suspended = client.post(decide, {"decision": "suspend", "reason": "Factory closed for repairs"})
    assert suspended.status_code == 302
    answer = client.get(check + "?lang=en").content.decode()
    assert 'data-verdict="suspended"' in answer and "Factory closed for repairs" in answer

    assert client.post(decide, {"decision": "cancel", "reason": "Not at the address"}).status_code == 400
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.SUSPENDED  # a cancellation needs the box ticked

    client.post(decide, {"decision": "cancel", "reason": "Not at the address", "confirm": "yes"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.CANCELLED
    assert certificate.status_changed_by == approving_officer.user
    assert 'data-verdict="cancelled"' in client.get(check).content.decode()
    client.post(decide, {"decision": "restore", "reason": "Mistake"})
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.CANCELLED  # for good


def _age(application: Application, **delta) -> None:
    Application.objects.filter(pk=application.pk).update(registered_at=timezone.now() - timedelta(**delta))
    application.refresh_from_db()


def test_renewal_opens_three_months_before_expiry_and_refuses_before_and_after(registered, client):
    from registrations.services.renew import RegistrationLapsed, RenewalNotOpen

    user = registered.applicant.user
    _age(registered, days=365 * 4)
    with pytest.raises(RenewalNotOpen) as early:
        application_renew(application_id=registered.pk, user=user)
    assert "can be renewed from" in early.value.message and "থেকে নবায়ন" in early.value.message_bangla
    client.force_login(user)
    page = client.get(f"/apply/{registered.pk}/?lang=en").content.decode()
    assert 'id="valid-until"' in page and 'id="renew"' not in page

    _age(registered, days=365 * 6)
    with pytest.raises(RegistrationLapsed):
        application_renew(application_id=registered.pk, user=user)


def test_a_renewal_is_paid_and_registered_under_the_same_number_with_the_next_certificate(
    registered,
    client,
    approving_officer,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    (first,) = certificate_issue_missing(application_id=registered.pk)
    _age(registered, days=5 * 365 - 40)  # expires in about 40 days
    first.valid_until = first.valid_until - timedelta(days=5 * 365 - 40)
    first.save()

    client.force_login(registered.applicant.user)
    page = client.get(f"/apply/{registered.pk}/?lang=en").content.decode()
    assert 'id="renew"' in page
    response = client.post(f"/apply/{registered.pk}/renew/")
    renewal = Application.objects.get(renews=registered)
    assert response.status_code == 302 and response["Location"].endswith(f"/apply/{renewal.pk}/")
    assert renewal.state == State.APPROVED_FOR_PAYMENT and renewal.fee_total > 0
    assert renewal.application_type == Application.ApplicationType.RENEWAL
    assert renewal.tracking_no != registered.tracking_no and renewal.name_en == registered.name_en
    assert [o.nid for o in renewal.owners.all()] == [o.nid for o in registered.owners.all()]
    again = client.post(f"/apply/{registered.pk}/renew/", follow=True).content.decode()
    assert renewal.tracking_no in again and Application.objects.filter(renews=registered).count() == 1

    application_record_payment(
        application_id=renewal.pk,
        user=approving_officer.user,
        method="office",
        receipt_no="R-77",
        paid_on=timezone.localdate(),
        amount=renewal.fee_total,
    )
    with django_capture_on_commit_callbacks(execute=True):
        application_register(application_id=renewal.pk, user=approving_officer.user)
    renewal.refresh_from_db()
    assert renewal.registration_no == registered.registration_no
    assert renewal.enterprise_id == registered.enterprise_id

    (second,) = certificate_issue_missing(application_id=renewal.pk)
    first.refresh_from_db()
    assert second.version == 2 and first.status == Certificate.Status.SUPERSEDED
    expected_from = timezone.localdate(registered.registered_at).replace(
        year=timezone.localdate(registered.registered_at).year + 5
    )
    assert second.valid_from == expected_from  # the day after the renewed period ends, not the payment day
    assert 'data-verdict="superseded"' in client.get(verification_path(first)).content.decode()
    assert 'data-verdict="valid"' in client.get(verification_path(second)).content.decode()
    page = client.get(f"/apply/{registered.pk}/?lang=en").content.decode()
    assert 'id="renewed-by"' in page


def test_another_applicant_cannot_renew(registered, client):
    from registrations.exceptions import ApplicationNotFound

    _age(registered, days=5 * 365 - 40)
    other = make_applicant(phone="+8801711000010", name="Other")
    with pytest.raises(ApplicationNotFound):
        application_renew(application_id=registered.pk, user=other.user)
    assert Officer.objects.exists()  # (fixtures in place)
