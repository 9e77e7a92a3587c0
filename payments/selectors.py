"""What the payment pages say of attempts, read once for the views and the template tags alike."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import Attempt, GatewayEvent

# After this long without the gateway's word, the pages stop saying "a moment" and say that reconciliation
# will settle the attempt.
PATIENCE = timedelta(minutes=2)


def attempt_status(attempt: Attempt, now=None) -> str:
    """What the pages say of an attempt: its state, with "pending" told apart by what the payer saw:
    not_started (the gateway was not reached, so its page was never shown), waiting, or unconfirmed
    (pending for longer than PATIENCE)."""
    if attempt.state != Attempt.State.PENDING:
        return attempt.state
    if not attempt.gateway_page_url:
        return "not_started"
    return "waiting" if (now or timezone.now()) - attempt.created < PATIENCE else "unconfirmed"


def reported_paid(attempts) -> set[int]:
    """The pending attempts whose payer's browser came back from the gateway's page with "success": the
    gateway told the payer it was paid. That is not believed as money (only the validation API counts), but
    the payer must not be sent to pay again meanwhile."""
    pending = [a.pk for a in attempts if a.state == Attempt.State.PENDING]
    if not pending:
        return set()
    return set(
        GatewayEvent.objects.filter(
            attempt_id__in=pending, kind=GatewayEvent.Kind.RETURN, outcome="success"
        ).values_list("attempt_id", flat=True)
    )


def reconcile_minutes() -> int:
    """How long at most an attempt the gateway has not confirmed waits for reconciliation to ask about it."""
    return settings.PAYMENT_RECONCILE_AFTER_MINUTES + settings.PAYMENT_RECONCILE_EVERY_MINUTES


def attempt_rows(attempts, now) -> list[dict]:
    """Each attempt with what the pages say of it. ``in_progress``: money may be on its way or is held, so
    neither the applicant nor the office should take the fee another way meanwhile: held; or pending after
    the gateway's page told the payer "paid"; or pending with the gateway's page opened a moment ago."""
    attempts = list(attempts)
    reported = reported_paid(attempts)
    rows = []
    for attempt in attempts:
        status = attempt_status(attempt, now)
        rows.append(
            {
                "attempt": attempt,
                "status": status,
                "reported": attempt.pk in reported,
                "in_progress": status == Attempt.State.HELD
                or (attempt.pk in reported or status == "waiting"),
            }
        )
    return rows


def open_rows(application, now) -> list[dict]:
    """The application's attempts that are held, or pending after the gateway's page was shown."""
    attempts = application.online_payments.filter(
        state__in=(Attempt.State.PENDING, Attempt.State.HELD)
    ).exclude(state=Attempt.State.PENDING, gateway_page_url="")
    return attempt_rows(attempts, now)


def payment_in_progress(application) -> dict | None:
    """The application's online payment that is held or being confirmed (a row of attempt_rows), else
    None: while there is one, the applicant is told not to pay again, by any means."""
    rows = open_rows(application, timezone.now())
    return next((r for r in rows if r["status"] == Attempt.State.HELD), None) or next(
        (r for r in rows if r["in_progress"]), None
    )
