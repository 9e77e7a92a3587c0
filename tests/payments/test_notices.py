"""What the applicant is told, and what the office keeps, of money that is not simply counted; and when the
payer paid, by the gateway's clock."""

import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from payments import services
from payments.models import Attempt
from registrations.models import Payment, Transition

from .attack_support import pay, relay_ipn, relayed, start  # noqa: F401  (relayed: a fixture)


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMS_FILE_PATH = tmp_path / "outbox.jsonl"
    return settings.SMS_FILE_PATH


def texts(outbox) -> list[str]:
    if not outbox.exists():
        return []
    return [json.loads(line)["text"] for line in outbox.read_text().splitlines()]


def _held(sandbox, application, capture) -> Attempt:
    attempt = start(application)
    pay(sandbox, attempt, scenario="risky")
    with capture(execute=True):
        assert relay_ipn(sandbox, attempt).json() == {"outcome": "held"}
    return Attempt.objects.get(pk=attempt.pk)


def test_the_applicant_is_told_a_payment_is_held_then_declined_then_refunded(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
    approving_officer,
    outbox,
    django_capture_on_commit_callbacks,
):
    attempt = _held(sandbox, awaiting_fee, django_capture_on_commit_callbacks)
    assert any(attempt.tran_id in t and "যাচাই" in t for t in texts(outbox))

    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_decide(
            attempt_id=attempt.pk, user=approving_officer.user, accept=False, note="Card holder unreachable"
        )
    attempt.refresh_from_db()
    assert attempt.decision_note == "Card holder unreachable"
    assert "refund due" in texts(outbox)[-1]

    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_refund(
            attempt_id=attempt.pk, user=approving_officer.user, reason="Declined", reference="SSLC-RF-1"
        )
    assert "১৭২.৫০" in texts(outbox)[-1] and "refunded" in texts(outbox)[-1]
    assert len(texts(outbox)) == 3


def test_the_officers_note_on_counting_a_held_payment_is_the_offices_not_the_applicants(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
    approving_officer,
    django_capture_on_commit_callbacks,
):
    attempt = _held(sandbox, awaiting_fee, django_capture_on_commit_callbacks)

    services.attempt_decide(
        attempt_id=attempt.pk, user=approving_officer.user, accept=True, note="Phoned the payer: confirmed"
    )

    move = Transition.objects.get(application=awaiting_fee, action="record_payment")
    assert (move.note, move.internal_note) == ("", "Phoned the payer: confirmed")
    assert Attempt.objects.get(pk=attempt.pk).decision_note == "Phoned the payer: confirmed"


def test_the_payment_is_dated_when_the_payer_paid_not_when_we_heard(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
):
    attempt = start(awaiting_fee)
    pay(sandbox, attempt, scenario="no_ipn")
    # The IPN is lost; reconciliation finds the payment an hour later.
    later = timezone.now() + timedelta(minutes=61)
    services.attempts_reconcile(now=later)

    attempt.refresh_from_db()
    paid_on_gateway = sandbox.transaction(attempt.tran_id)["records"][-1]["tran_date"]
    assert timezone.localtime(attempt.paid_at).strftime("%Y-%m-%d %H:%M:%S") == paid_on_gateway
    assert attempt.settled_at - attempt.paid_at < timedelta(minutes=5)  # settled_at is our real clock
    assert Payment.objects.get(receipt_no=attempt.tran_id).paid_on == timezone.localdate(attempt.paid_at)


def test_reconciliation_by_hand_can_ask_at_once(relayed, sandbox, awaiting_fee, capsys):  # noqa: F811
    attempt = start(awaiting_fee)
    pay(sandbox, attempt, scenario="no_ipn")

    call_command("reconcile_payments")
    assert "nothing to do" in capsys.readouterr().out
    call_command("reconcile_payments", "--older-than", "0")

    assert "paid: 1" in capsys.readouterr().out
    assert Attempt.objects.get(pk=attempt.pk).state == Attempt.State.PAID


def test_the_office_queue_lists_payments_waiting_for_the_approving_officer(
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
    approving_officer,
    gazipur_officer,
    django_capture_on_commit_callbacks,
    client,
):
    attempt = _held(sandbox, awaiting_fee, django_capture_on_commit_callbacks)

    client.force_login(approving_officer.user)
    page = client.get("/office/?lang=en").content.decode()
    assert 'id="payment-alerts"' in page and awaiting_fee.tracking_no in page
    # Another office's queue does not show it.
    client.force_login(gazipur_officer.user)
    assert 'id="payment-alerts"' not in client.get("/office/?lang=en").content.decode()
    # Once decided, it is off the list.
    services.attempt_decide(attempt_id=attempt.pk, user=approving_officer.user, accept=True)
    client.force_login(approving_officer.user)
    assert 'id="payment-alerts"' not in client.get("/office/?lang=en").content.decode()
