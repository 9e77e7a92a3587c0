"""On the office's queue: the online payments that wait for the approving officer (held, or refund due)."""

from django import template

from ..models import Attempt

register = template.Library()
SHOWN = 20


@register.inclusion_tag("payments/_office_alerts.html")
def office_payment_alerts(office):
    waiting = list(
        Attempt.objects.filter(
            application__office=office, state__in=(Attempt.State.HELD, Attempt.State.REFUND_DUE)
        )
        .select_related("application")
        .order_by("created")[: SHOWN + 1]
    )
    return {"attempts": waiting[:SHOWN], "more": len(waiting) > SHOWN}
