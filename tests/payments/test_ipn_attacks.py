"""Attacks on the IPN listener. The sandbox gateway is a real process: its payment page is pressed over
HTTP, its validation API is asked over HTTP; the IPN it posts is delivered to the listener by the test
(``relayed``), or, in the one test with a live server, by the sandbox itself.

Every test ends with the fee counted exactly once, or not at all.
"""

from payments.models import Attempt, GatewayEvent
from registrations.models import State
from tests.registrations.review_support import in_state

from .attack_support import (
    assert_not_paid,
    assert_paid_once,
    outcomes,
    pay,
    post_ipn,
    post_ipn_live,
    relay_ipn,
    relayed,  # noqa: F401  (fixture)
    resign,
    sent_ipn,
    start,
    wait_for_state,
)
from .conftest import STORE_PASSWORD


def _outcome(response) -> str:
    return response.json()["outcome"]


def test_a_forged_ipn_for_a_tran_id_we_never_issued_is_refused(relayed, sandbox, awaiting_fee):  # noqa: F811
    attempt = start(awaiting_fee)
    _, fields = pay(sandbox, attempt, scenario="no_ipn")
    forged = resign({**fields, "tran_id": "BSCIC260101FFFFFFFFFFFF"}, STORE_PASSWORD)

    response = post_ipn(forged)

    assert (response.status_code, _outcome(response)) == (400, "unknown_transaction")
    event = GatewayEvent.objects.get(tran_id="BSCIC260101FFFFFFFFFFFF")
    assert (event.attempt, event.kind, event.outcome) == (None, "ipn", "unknown_transaction")
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.PENDING
    assert_not_paid(awaiting_fee)


def test_a_correctly_signed_ipn_with_a_made_up_val_id_is_stopped_by_the_validation_api(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
):
    """Whoever knows the store password can sign anything: only the gateway's validation API knows which
    payments exist."""
    attempt = start(awaiting_fee)  # pending: the payer has not been to the gateway's page
    forged = resign(
        {
            "status": "VALID",
            "tran_date": "2026-01-05 10:00:00",
            "tran_id": attempt.tran_id,
            "val_id": "2601051234567abcdefg",
            "amount": "172.50",
            "store_amount": "168.19",
            "currency": "BDT",
            "bank_tran_id": "260105100000abcdefABCDEF",
            "card_type": "VISA-Dutch Bangla",
            "store_id": sandbox.store_id,
            "currency_type": "BDT",
            "currency_amount": "172.50",
            "risk_level": "0",
            "risk_title": "Safe",
        },
        STORE_PASSWORD,
    )

    response = post_ipn(forged)

    assert (response.status_code, _outcome(response)) == (200, "invalid_ignored")
    attempt.refresh_from_db()
    assert (attempt.state, attempt.val_id, attempt.payment) == (Attempt.State.PENDING, None, None)
    assert outcomes(attempt, "ipn") == ["invalid_ignored"]
    assert_not_paid(awaiting_fee)


def test_the_validation_of_another_payment_replayed_at_this_attempt_changes_nothing(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
    applicant,
):
    """A real, valid val_id, but of another transaction: the validation API names that one."""
    other = in_state(applicant, State.APPROVED_FOR_PAYMENT)
    paid = start(other)
    pay(sandbox, paid)
    assert _outcome(relay_ipn(sandbox, paid)) == "paid"
    attempt = start(awaiting_fee)
    forged = resign({**sent_ipn(sandbox, paid), "tran_id": attempt.tran_id}, STORE_PASSWORD)

    response = post_ipn(forged)

    assert (response.status_code, _outcome(response)) == (200, "other_transaction_ignored")
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.PENDING
    assert_not_paid(awaiting_fee)
    assert_paid_once(other, tran_id=paid.tran_id)


def test_an_ipn_with_its_amount_changed_fails_the_signature(relayed, sandbox, awaiting_fee):  # noqa: F811
    attempt = start(awaiting_fee)
    pay(sandbox, attempt)
    real = sent_ipn(sandbox, attempt)

    for changed in ({"amount": "1720.50"}, {"amount": "1.00", "currency_amount": "1.00"}):
        response = post_ipn({**real, **changed})
        assert (response.status_code, _outcome(response)) == (400, "bad_signature")
    # A signature that covers no amount at all is no signature.
    unsigned_amount = {**real, "verify_key": real["verify_key"].replace("amount,", ""), "amount": "1.00"}
    assert _outcome(post_ipn(unsigned_amount)) == "bad_signature"

    assert outcomes(attempt, "ipn") == ["bad_signature"] * 3
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.PENDING
    assert_not_paid(awaiting_fee)


def test_an_amount_the_gateway_itself_reports_different_is_a_refund_due_not_a_payment(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
):
    attempt = start(awaiting_fee)
    pay(sandbox, attempt, scenario="amount_mismatch")  # the gateway took 171.50 for 172.50

    assert _outcome(relay_ipn(sandbox, attempt)) == "mismatch"

    attempt.refresh_from_db()
    assert (attempt.state, attempt.problem) == (Attempt.State.REFUND_DUE, Attempt.Problem.MISMATCH)
    assert attempt.gateway_amount == attempt.amount - 1
    assert attempt.payment is None
    assert_not_paid(awaiting_fee)


def test_the_sandboxs_own_ipn_pays_and_replaying_it_changes_nothing(site, sandbox, awaiting_fee):
    """The live server: the sandbox posts its IPN over HTTP by itself; the attacker replays what it posted."""
    attempt = start(awaiting_fee)
    pay(sandbox, attempt)
    wait_for_state(attempt, Attempt.State.PAID)
    payment = assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)
    # Recorded once the sandbox has read the answer, which can be a moment after the payment is counted.
    [sent] = sandbox.wait_for_ipn_attempts(attempt.tran_id, 1)
    assert sent["http_status"] == 200

    for _ in range(2):
        response = post_ipn_live(sent["body"])
        assert (response.status_code, response.json()) == (200, {"outcome": "duplicate_ignored"})

    assert assert_paid_once(awaiting_fee, tran_id=attempt.tran_id) == payment
    assert outcomes(attempt, "ipn") == ["paid", "duplicate_ignored", "duplicate_ignored"]
    attempt.refresh_from_db()
    assert attempt.payment == payment and attempt.checks == 3


def test_a_failed_ipn_after_the_payment_was_validated_changes_nothing(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
):
    attempt = start(awaiting_fee)
    pay(sandbox, attempt)
    assert _outcome(relay_ipn(sandbox, attempt)) == "paid"
    failed = resign({**sent_ipn(sandbox, attempt), "status": "FAILED"}, STORE_PASSWORD)

    response = post_ipn(failed)

    assert (response.status_code, _outcome(response)) == (200, "late_failure_ignored")
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.PAID
    assert outcomes(attempt, "ipn") == ["paid", "late_failure_ignored"]
    assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)


def test_a_card_that_failed_then_paid_on_the_same_page_is_paid(relayed, sandbox, awaiting_fee):  # noqa: F811
    attempt = start(awaiting_fee)
    pay(sandbox, attempt, action="fail")
    assert _outcome(relay_ipn(sandbox, attempt)) == "failed"
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.FAILED

    pay(sandbox, attempt, action="pay")  # the sandbox's page lets the payer try again
    valid = next(
        a["body"] for a in sandbox.wait_for_ipn_attempts(attempt.tran_id, 2) if a["body"]["status"] == "VALID"
    )

    assert _outcome(post_ipn(valid)) == "paid"
    assert outcomes(attempt, "ipn") == ["failed", "paid"]
    assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)


def test_pass_through_fields_decide_nothing(relayed, sandbox, awaiting_fee, applicant):  # noqa: F811
    """value_a…value_d are neither sent nor read: a notification carrying them (signed, as if the gateway
    passed them on) pays the application of the transaction id, the invoice's amount, nobody else's."""
    other = in_state(applicant, State.APPROVED_FOR_PAYMENT)
    attempt = start(awaiting_fee)
    assert not any(sandbox.transaction(attempt.tran_id)["form"].get(f"value_{c}") for c in "abcd")
    pay(sandbox, attempt)
    carrying = resign(
        {
            **sent_ipn(sandbox, attempt),
            "value_a": "someone else",
            "value_b": "1.00",
            "value_c": str(other.pk),
            "value_d": other.tracking_no,
        },
        STORE_PASSWORD,
    )

    assert _outcome(post_ipn(carrying)) == "paid"

    payment = assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)
    assert payment.amount == awaiting_fee.fee_total and payment.recorded_by is None
    assert_not_paid(other)
