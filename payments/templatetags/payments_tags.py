"""The online-payment boxes on registrations' pages: the applicant's application page and the office's."""

from django import template

from registrations.workflow import officer_of

from ..models import Attempt
from ..services import online_payment_available

register = template.Library()


@register.inclusion_tag("payments/_applicant_box.html", takes_context=True)
def applicant_payments(context, application):
    attempts = list(application.online_payments.all())
    return {
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
        "application": application,
        "attempts": attempts,
        "can_pay": online_payment_available()
        and application.state == "approved_for_payment"
        and not any(a.state in (Attempt.State.PAID, Attempt.State.HELD) for a in attempts),
    }


@register.inclusion_tag("payments/_office_box.html", takes_context=True)
def office_payments(context, application):
    request = context.get("request")
    officer = officer_of(request.user) if request is not None else None
    return {
        "csrf_token": context.get("csrf_token"),
        "application": application,
        "attempts": list(application.online_payments.select_related("decided_by", "refunded_by")),
        "approving": officer is not None and officer.role == "approving",
        "withdrawn": application.state == "withdrawn",
    }
