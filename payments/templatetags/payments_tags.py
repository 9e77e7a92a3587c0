"""The online-payment boxes on registrations' pages: the applicant's application page and the office's."""

from datetime import timedelta

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.models import Officer, State
from registrations.workflow import officer_of

from ..models import Attempt, GatewayEvent
from ..services import online_payment_available

register = template.Library()

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


def _rows(attempts, now) -> list[dict]:
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


def _open(application, now) -> list[dict]:
    """The application's attempts that are held, or pending after the gateway's page was shown."""
    attempts = application.online_payments.filter(
        state__in=(Attempt.State.PENDING, Attempt.State.HELD)
    ).exclude(state=Attempt.State.PENDING, gateway_page_url="")
    return _rows(attempts, now)


@register.simple_tag
def online_payment_in_progress(application) -> dict | None:
    """The application's online payment that is held or being confirmed (a row of _rows), else None:
    while there is one, the applicant is told not to pay again, by any means."""
    rows = _open(application, timezone.now())
    return next((r for r in rows if r["status"] == Attempt.State.HELD), None) or next(
        (r for r in rows if r["in_progress"]), None
    )


@register.inclusion_tag("payments/_applicant_box.html", takes_context=True)
def applicant_payments(context, application):
    now = timezone.now()
    rows = _rows(application.online_payments.all(), now)
    money = next((r for r in rows if r["attempt"].state in (Attempt.State.PAID, Attempt.State.HELD)), None)
    # Being confirmed: no second payment is offered until the gateway has answered.
    confirming = next((r for r in rows if r["in_progress"] and r["status"] != Attempt.State.HELD), None)
    # The newest attempt whose gateway page was shown and of which the gateway has said nothing yet.
    unsettled = next((r for r in rows if r["status"] in ("waiting", "unconfirmed")), None)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "application": application,
        "rows": rows,
        "money": money,
        "confirming": confirming,
        "unsettled": unsettled,
        "reconcile_minutes": reconcile_minutes(),
        # After money that was not accepted (a decline, say), the fee is still to pay: the service refuses
        # a new payment only while one is paid or held.
        "fee_still_due": application.state == State.APPROVED_FOR_PAYMENT
        and bool(application.fee_total)
        and money is None
        and confirming is None,
        "can_pay": online_payment_available()
        and application.state == State.APPROVED_FOR_PAYMENT
        and bool(application.fee_total)
        and money is None
        and confirming is None,
    }


@register.inclusion_tag("payments/_office_box.html", takes_context=True)
def office_payments(context, application):
    request = context.get("request")
    officer = officer_of(request.user) if request is not None else None
    attempts = application.online_payments.select_related("decided_by", "refunded_by")
    return {
        "csrf_token": context.get("csrf_token"),
        "application": application,
        "rows": _rows(attempts, timezone.now()),
        # Money decisions are the approving officer's, of the office handling the application.
        "approving": officer is not None
        and officer.role == Officer.Role.APPROVING
        and officer.office_id == application.office_id,
        "withdrawn": application.state == State.WITHDRAWN,
    }


@register.inclusion_tag("payments/_office_warning.html")
def office_payment_warning(application):
    """Above the office's actions: an online payment held or being confirmed, so that the fee is not also
    recorded as paid at the office."""
    rows = _open(application, timezone.now())
    # A held payment first: it waits for a decision, not only for the gateway.
    rows.sort(key=lambda r: r["status"] != Attempt.State.HELD)
    return {"row": next(iter(rows), None), "reconcile_minutes": reconcile_minutes()}


STATUS_LABELS = {
    "not_started": _("Not started: the gateway could not be reached"),
    "waiting": _("Waiting for the gateway"),
    "unconfirmed": _("Not confirmed by the gateway yet"),
}


@register.filter
def status_label(row: dict) -> str:
    """The label of a row's status: the state's, but for the kinds of "pending"."""
    if row.get("reported"):
        return _("Being confirmed")
    return STATUS_LABELS.get(row["status"]) or row["attempt"].get_state_display()
