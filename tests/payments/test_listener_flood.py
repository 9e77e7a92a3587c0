"""Anyone can post to the IPN listener and the return URL: neither lets them grow the append-only log."""

from django.test import Client

from payments.models import Attempt, GatewayEvent

from .attack_support import post_ipn, start


def test_refused_notifications_from_one_address_are_capped_and_then_write_nothing(
    settings,
    awaiting_fee,
):
    settings.PAYMENT_IPN_FAILURES_PER_HOUR = 3
    forged = {"tran_id": "BSCIC260101FFFFFFFFFFFF", "val_id": "x", "status": "VALID"}

    answers = [post_ipn(forged).status_code for _ in range(5)]

    assert answers == [400, 400, 400, 429, 429]
    assert GatewayEvent.objects.filter(outcome="unknown_transaction").count() == 3


def test_the_browser_return_is_logged_once_per_attempt_and_result(sandbox, awaiting_fee):
    attempt: Attempt = start(awaiting_fee)
    browser = Client()
    for _ in range(4):
        response = browser.post("/payments/sslcommerz/return/success/", {"tran_id": attempt.tran_id})
        assert response.status_code == 303
    browser.post("/payments/sslcommerz/return/cancel/", {"tran_id": attempt.tran_id})

    returns = attempt.events.filter(kind=GatewayEvent.Kind.RETURN).values_list("outcome", flat=True)
    assert sorted(returns) == ["cancel", "success"]
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.PENDING
