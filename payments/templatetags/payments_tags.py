"""The online-payment boxes on registrations' pages: the applicant's application page and the office's."""

from datetime import timedelta

from django import template
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.models import Officer, State
from registrations.workflow import officer_of

from ..models import Attempt
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


def reconcile_minutes() -> int:
    """How long at most an attempt the gateway has not confirmed waits for reconciliation to ask about it."""
    return settings.PAYMENT_RECONCILE_AFTER_MINUTES + settings.PAYMENT_RECONCILE_EVERY_MINUTES


def _rows(attempts, now) -> list[dict]:
    return [{"attempt": a, "status": attempt_status(a, now)} for a in attempts]


@register.inclusion_tag("payments/_applicant_box.html", takes_context=True)
def applicant_payments(context, application):
    now = timezone.now()
    rows = _rows(application.online_payments.all(), now)
    money = next((r for r in rows if r["attempt"].state in (Attempt.State.PAID, Attempt.State.HELD)), None)
    # The newest attempt whose gateway page was shown and of which the gateway has said nothing yet.
    unsettled = next((r for r in rows if r["status"] in ("waiting", "unconfirmed")), None)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "application": application,
        "rows": rows,
        "money": money,
        "unsettled": unsettled,
        "reconcile_minutes": reconcile_minutes(),
        "can_pay": online_payment_available()
        and application.state == State.APPROVED_FOR_PAYMENT
        and bool(application.fee_total)
        and money is None,
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


STATUS_LABELS = {
    "not_started": _("Not started: the gateway could not be reached"),
    "waiting": _("Waiting for the gateway"),
    "unconfirmed": _("Not confirmed by the gateway yet"),
}


@register.filter
def status_label(row: dict) -> str:
    """The label of a row's status: the state's, but for the kinds of "pending"."""
    return STATUS_LABELS.get(row["status"]) or row["attempt"].get_state_display()
