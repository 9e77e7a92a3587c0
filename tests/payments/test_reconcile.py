"""Faults: the browser comes back and the IPN does not, the IPN never arrives, the gateway is too slow to
answer. Reconciliation (the service, and the command the worker and staff run) asks the sandbox and settles;
nothing is counted twice, nothing without the gateway's word."""

import io
from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from payments.models import Attempt
from payments.services import attempts_reconcile

from .attack_support import (
    assert_not_paid,
    assert_paid_once,
    outcomes,
    pay,
    post_ipn,
    relayed,  # noqa: F401  (fixture)
    sent_ipn,
    start,
)


def later(minutes: int = 11):
    return timezone.now() + timedelta(minutes=minutes)


def test_the_success_redirect_without_an_ipn_changes_nothing_until_reconciliation(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
):
    attempt = start(awaiting_fee)
    action, fields = pay(sandbox, attempt, scenario="no_ipn")
    assert action.endswith(reverse("payments:return", args=["sslcommerz", "success"]))

    # The payer's browser posts the gateway's (correctly signed) fields back: no cookie, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        reverse("payments:return", args=["sslcommerz", "success"]), fields
    )

    assert response.status_code == 303
    assert response["Location"].endswith(reverse("payments:attempt", args=[attempt.tran_id]))
    attempt.refresh_from_db()
    assert (attempt.state, attempt.val_id, attempt.checks) == (Attempt.State.PENDING, None, 0)
    assert outcomes(attempt) == ["opened", "success"]
    assert_not_paid(awaiting_fee)
    assert attempts_reconcile() == {}  # not yet PAYMENT_RECONCILE_AFTER_MINUTES old

    assert attempts_reconcile(now=later()) == {"paid": 1}

    assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)
    assert outcomes(attempt, "reconcile") == ["paid"]
    assert attempts_reconcile(now=later()) == {}  # settled: not asked again


def test_an_ipn_that_never_arrives_is_settled_by_the_command(relayed, sandbox, awaiting_fee, applicant):  # noqa: F811
    attempt = start(awaiting_fee)
    pay(sandbox, attempt, scenario="no_ipn")
    Attempt.objects.filter(pk=attempt.pk).update(created=timezone.now() - timedelta(minutes=11))

    call_command("reconcile_payments", stdout=(out := io.StringIO()))

    assert out.getvalue() == "Reconciled: paid: 1\n"
    assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)
    call_command("reconcile_payments", stdout=(again := io.StringIO()))
    assert again.getvalue() == "Reconciled: nothing to do\n"


def test_a_gateway_too_slow_to_validate_is_asked_again_later_and_nothing_is_lost(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
    settings,
):
    settings.PAYMENT_GATEWAYS = {"sslcommerz": {**settings.PAYMENT_GATEWAYS["sslcommerz"], "TIMEOUT": 0.5}}
    attempt = start(awaiting_fee)
    pay(sandbox, attempt)
    ipn = sent_ipn(sandbox, attempt)
    sandbox.control(validation_delay=1.5)

    response = post_ipn(ipn)

    assert (response.status_code, response.json()) == (503, {"outcome": "gateway_unavailable"})
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.PENDING and "Timeout" in attempt.last_error
    assert outcomes(attempt, "ipn") == ["gateway_error"]
    assert attempts_reconcile(now=later()) == {"gateway_error": 1}  # still too slow: asked next run
    assert_not_paid(awaiting_fee)

    sandbox.control(validation_delay=0)
    assert attempts_reconcile(now=later()) == {"paid": 1}

    attempt.refresh_from_db()
    assert attempt.last_error == ""
    assert outcomes(attempt) == ["opened", "gateway_error", "gateway_error", "paid"]
    # The gateway's own retry of the IPN, now answered in time: it changes nothing.
    assert post_ipn(ipn).json() == {"outcome": "duplicate_ignored"}
    assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)


def test_a_transaction_query_too_slow_is_asked_again(relayed, sandbox, awaiting_fee, settings):  # noqa: F811
    settings.PAYMENT_GATEWAYS = {"sslcommerz": {**settings.PAYMENT_GATEWAYS["sslcommerz"], "TIMEOUT": 0.5}}
    attempt = start(awaiting_fee)
    pay(sandbox, attempt, scenario="no_ipn")
    sandbox.control(query_delay=1.5)

    assert attempts_reconcile(now=later()) == {"gateway_error": 1}
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.PENDING

    sandbox.control(query_delay=0)
    assert attempts_reconcile(now=later()) == {"paid": 1}
    assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)


def test_money_taken_after_our_session_expired_is_still_found(relayed, sandbox, awaiting_fee):  # noqa: F811
    """Our session lifetime is our guess (SSLCommerz does not publish its own): a payment the gateway took
    after it, whose IPN was lost, must not stay "money taken, status unpaid"."""
    attempt = start(awaiting_fee)
    assert attempts_reconcile(now=later(31)) == {"expired": 1}  # nothing paid, and past its expiry
    assert attempts_reconcile(now=later(36)) == {"still_expired": 1}  # asked again, nothing logged
    assert outcomes(attempt) == ["opened", "expired"]

    pay(sandbox, attempt, scenario="no_ipn")  # the gateway's page still took the money

    assert attempts_reconcile(now=later(45)) == {"paid": 1}
    assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)
