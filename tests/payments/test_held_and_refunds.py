"""Money the gateway took that is not (yet) counted: a risky payment held for the approving officer, the
officer's decision, a refund recorded with its reason, and a second tab's payment for a fee already paid."""

import pytest
from django.test import Client
from django.urls import reverse

from payments import services
from payments.exceptions import NotHeld, NotRefundable, PaymentBeingChecked, RefundReasonRequired
from payments.models import Attempt
from registrations.exceptions import ApplicationNotFound, NotAllowed
from registrations.models import Payment, State, Transition

from .attack_support import (
    assert_not_paid,
    assert_paid_once,
    outcomes,
    pay,
    post_ipn,
    relay_ipn,
    relayed,  # noqa: F401  (fixture)
    sent_ipn,
    start,
)


@pytest.fixture
def held(relayed, sandbox, awaiting_fee):  # noqa: F811
    attempt = start(awaiting_fee)
    pay(sandbox, attempt, scenario="risky")
    assert relay_ipn(sandbox, attempt).json() == {"outcome": "held"}
    return Attempt.objects.get(pk=attempt.pk)


def test_a_risky_payment_is_held_not_paid(held, awaiting_fee, sandbox):
    assert (held.state, held.problem, held.risk_level) == (Attempt.State.HELD, Attempt.Problem.RISKY, 1)
    assert held.payment is None
    assert_not_paid(awaiting_fee)
    # Not paid, but not to be paid again either while the office looks at it.
    with pytest.raises(PaymentBeingChecked):
        start(awaiting_fee)
    # The gateway saying it again changes nothing.
    assert post_ipn(sent_ipn(sandbox, held)).json() == {"outcome": "duplicate_ignored"}
    assert Attempt.objects.get(pk=held.pk).state == Attempt.State.HELD


def test_only_the_approving_officer_of_the_office_decides(
    held, awaiting_fee, extension_officer, gazipur_officer, applicant
):
    with pytest.raises(NotAllowed):
        services.attempt_decide(attempt_id=held.pk, user=extension_officer.user, accept=True)
    with pytest.raises(ApplicationNotFound):
        services.attempt_decide(attempt_id=held.pk, user=gazipur_officer.user, accept=True)

    # Through the page: another office's officer, and the applicant, are told it does not exist.
    for user in (gazipur_officer.user, applicant.user):
        client = Client()
        client.force_login(user)
        assert (
            client.post(reverse("payments:decide", args=[held.pk]), {"decision": "accept"}).status_code == 404
        )
    client = Client()
    client.force_login(extension_officer.user)
    client.post(reverse("payments:decide", args=[held.pk]), {"decision": "accept"})

    assert Attempt.objects.get(pk=held.pk).state == Attempt.State.HELD
    assert_not_paid(awaiting_fee)


def test_the_approving_officer_counts_a_held_payment_once(held, awaiting_fee, approving_officer):
    client = Client()
    client.force_login(approving_officer.user)

    response = client.post(reverse("payments:decide", args=[held.pk]), {"decision": "accept", "note": "ok"})

    assert response.status_code == 302
    attempt = Attempt.objects.get(pk=held.pk)
    assert (attempt.state, attempt.decided_by) == (Attempt.State.PAID, approving_officer.user)
    awaiting_fee.refresh_from_db()
    assert awaiting_fee.state == State.PAID
    [payment] = Payment.objects.filter(application=awaiting_fee)
    assert (payment.method, payment.receipt_no, payment.recorded_by) == (
        Payment.Method.ONLINE,
        attempt.tran_id,
        approving_officer.user,
    )
    assert attempt.payment == payment
    moves = Transition.objects.filter(application=awaiting_fee, target=State.PAID)
    assert list(moves.values_list("action", "actor")) == [("record_payment", approving_officer.user.pk)]
    with pytest.raises(NotHeld):
        services.attempt_decide(attempt_id=held.pk, user=approving_officer.user, accept=True)
    assert outcomes(attempt, "officer") == ["paid"]


def test_a_declined_payment_is_refunded_with_its_reason(
    held, awaiting_fee, approving_officer, extension_officer
):
    officer = approving_officer.user
    declined = services.attempt_decide(attempt_id=held.pk, user=officer, accept=False)
    assert (declined.state, declined.problem) == (Attempt.State.REFUND_DUE, Attempt.Problem.DECLINED)
    assert_not_paid(awaiting_fee)

    for reason, reference in (("", "SSL-R-1"), ("Card reported stolen", ""), ("   ", "  ")):
        with pytest.raises(RefundReasonRequired):
            services.attempt_refund(attempt_id=held.pk, user=officer, reason=reason, reference=reference)
    with pytest.raises(NotAllowed):
        services.attempt_refund(
            attempt_id=held.pk,
            user=extension_officer.user,
            reason="Card reported stolen",
            reference="SSL-R-1",
        )

    refunded = services.attempt_refund(
        attempt_id=held.pk, user=officer, reason="Card reported stolen", reference="SSL-R-1"
    )

    refunded.refresh_from_db()
    assert (refunded.state, refunded.refunded_by) == (Attempt.State.REFUNDED, officer)
    assert (refunded.refund_reason, refunded.refund_reference) == ("Card reported stolen", "SSL-R-1")
    assert refunded.refunded_at is not None
    with pytest.raises(NotRefundable):
        services.attempt_refund(attempt_id=held.pk, user=officer, reason="again", reference="SSL-R-2")
    assert outcomes(refunded, "officer") == ["declined", "refunded"]
    assert_not_paid(awaiting_fee)
    assert start(awaiting_fee).state == Attempt.State.PENDING  # the applicant may pay again


def test_two_tabs_both_paid_count_once_and_the_second_is_a_refund_due(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
    approving_officer,
):
    first, second = start(awaiting_fee), start(awaiting_fee)  # both pages open before either is paid
    pay(sandbox, first)
    pay(sandbox, second)

    assert relay_ipn(sandbox, first).json() == {"outcome": "paid"}
    assert relay_ipn(sandbox, second).json() == {"outcome": "not_counted"}

    assert_paid_once(awaiting_fee, tran_id=first.tran_id)
    second.refresh_from_db()
    assert (second.state, second.problem, second.payment) == (
        Attempt.State.REFUND_DUE,
        Attempt.Problem.ALREADY_PAID,
        None,
    )
    assert second.val_id  # the money is known, to be refunded
    with pytest.raises(NotRefundable):  # the counted one is not refundable
        services.attempt_refund(attempt_id=first.pk, user=approving_officer.user, reason="x", reference="y")
    services.attempt_refund(
        attempt_id=second.pk, user=approving_officer.user, reason="Paid twice", reference="SSL-R-9"
    )
    assert_paid_once(awaiting_fee, tran_id=first.tran_id)
