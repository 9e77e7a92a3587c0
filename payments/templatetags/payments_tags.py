"""The online-payment boxes on registrations' pages: the applicant's application page and the office's."""

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from registrations.models import Officer, State
from registrations.workflow import officer_of

from ..models import Attempt
from ..selectors import attempt_rows, open_rows, payment_in_progress, reconcile_minutes
from ..services import online_payment_available

register = template.Library()


@register.simple_tag
def online_payment_in_progress(application) -> dict | None:
    return payment_in_progress(application)


@register.inclusion_tag("payments/_applicant_box.html", takes_context=True)
def applicant_payments(context, application):
    now = timezone.now()
    rows = attempt_rows(application.online_payments.all(), now)
    money = next((r for r in rows if r["attempt"].state in (Attempt.State.PAID, Attempt.State.HELD)), None)
    # Being confirmed: no second payment is offered until the gateway has answered.
    confirming = next((r for r in rows if r["in_progress"] and r["status"] != Attempt.State.HELD), None)
    # The newest attempt whose gateway page was shown and of which the gateway has said nothing yet.
    unsettled = next((r for r in rows if r["status"] in ("waiting", "unconfirmed")), None)
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "application": application,
        # Paid and registered: the box says what was paid, not what comes next.
        "registered": application.state == State.REGISTERED,
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
        "rows": attempt_rows(attempts, timezone.now()),
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
    rows = open_rows(application, timezone.now())
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
