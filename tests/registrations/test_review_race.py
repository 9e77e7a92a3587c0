"""Two officers acting on the same step at the same moment, each through its own request and database
connection: exactly one wins, the other is told the application moved on, and one Transition is written."""

import threading

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registrations.models import Officer, Payment, State, Transition
from registrations.services import review

from .conftest import make_applicant, make_officer
from .review_support import in_state


def at_once(*calls):
    """Run each callable in its own thread (so its own database connection), released together; returns
    their results or the exceptions they raised, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call(barrier)
        except Exception as error:  # the caller inspects what each raised
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results


def poster(user, url, data):
    def call(barrier):
        client = Client()
        client.force_login(user)
        barrier.wait()
        return client.post(url, data)

    return call


@pytest.mark.django_db(transaction=True)
def test_two_approvals_at_once(applicant, approving_officer):
    second = make_officer(approving_officer.office, Officer.Role.APPROVING, "dhaka-agm")
    application = in_state(applicant, State.RECOMMENDED)
    url = reverse("registrations:office_approve_for_payment", args=[application.pk])
    data = {"approve_for_payment-expected_state": "recommended"}
    responses = at_once(poster(approving_officer.user, url, data), poster(second.user, url, data))
    assert sorted(r.status_code for r in responses) == [302, 409], responses
    lost = next(r for r in responses if r.status_code == 409).content.decode()
    assert "আবেদনটি ইতিমধ্যে এগিয়ে গেছে" in lost  # StateChanged, in Bangla (the page's language)
    application.refresh_from_db()
    assert application.state == State.APPROVED_FOR_PAYMENT
    assert Transition.objects.filter(application=application, action="approve_for_payment").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_payments_at_once(applicant, extension_officer, approving_officer):
    application = in_state(applicant, State.APPROVED_FOR_PAYMENT)
    url = reverse("registrations:office_record_payment", args=[application.pk])

    def data(receipt):
        return {
            "record_payment-expected_state": "approved_for_payment",
            "record_payment-method": "office",
            "record_payment-receipt_no": receipt,
            "record_payment-paid_on": timezone.localdate().isoformat(),
            "record_payment-amount": "172.50",
        }

    responses = at_once(
        poster(extension_officer.user, url, data("R-1")), poster(approving_officer.user, url, data("R-2"))
    )
    assert sorted(r.status_code for r in responses) == [302, 409], responses
    application.refresh_from_db()
    assert application.state == State.PAID
    assert Payment.objects.filter(application=application).count() == 1
    assert Transition.objects.filter(application=application, action="record_payment").count() == 1
    # The loser's receipt number is typed back for them.
    lost = next(r for r in responses if r.status_code == 409).content.decode()
    # Which officer wins is the race's chance; the winner's receipt number is the one recorded.
    won, typed_back = ("R-1", "R-2") if responses[0].status_code == 302 else ("R-2", "R-1")
    assert Payment.objects.get().receipt_no == won
    assert typed_back in lost


@pytest.mark.django_db(transaction=True)
def test_one_receipt_for_two_applications_at_once(applicant, extension_officer, approving_officer):
    """Different applications lock different rows, so both pass the receipt check; the unique constraint
    decides, and the loser gets the same clear error as a receipt recorded earlier."""
    first = in_state(applicant, State.APPROVED_FOR_PAYMENT)
    second = in_state(make_applicant("+8801911000077"), State.APPROVED_FOR_PAYMENT)

    def pay(application, officer):
        def call(barrier):
            barrier.wait()
            return review.application_record_payment(
                application_id=application.pk,
                user=officer.user,
                method="a_challan",
                receipt_no="AC-555",
                paid_on=timezone.localdate(),
                amount="172.50",
            )

        return call

    results = at_once(pay(first, extension_officer), pay(second, approving_officer))
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], review.ReceiptAlreadyRecorded), results
    assert Payment.objects.filter(receipt_no="AC-555").count() == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert sorted([first.state, second.state]) == [State.APPROVED_FOR_PAYMENT, State.PAID]
