"""Shared by the review tests: applications put in any state."""

from django.utils import timezone

from registrations.models import Application, State
from registrations.workflow import application_move
from tests.factories import EnterpriseFactory

from .conftest import complete_application

_counter = iter(range(1, 10**6))


def submitted(applicant, **fields) -> Application:
    """A complete application, submitted (a tracking number of its own)."""
    tracking_no = fields.pop("tracking_no", None) or f"BR-20260105-{next(_counter):06d}"
    application = complete_application(applicant, tracking_no=tracking_no, **fields)
    return application_move(application_id=application.pk, action="submit", user=applicant.user)


def in_state(applicant, state: str, **fields) -> Application:
    """A complete application put straight into ``state`` (test set-up only: no Transition, no checks)."""
    application = complete_application(
        applicant,
        tracking_no=fields.pop("tracking_no", None) or f"BR-20260105-{next(_counter):06d}",
        **fields,
    )
    extra = {}
    if state == State.REGISTERED:
        extra = {
            "registration_no": f"TEST-{application.pk}",
            "enterprise": EnterpriseFactory(),
            "registered_at": fields.get("registered_at") or timezone.now(),
        }
    if state in (State.APPROVED_FOR_PAYMENT, State.PAID, State.REGISTERED):
        extra["fee_total"] = "172.50"
    Application.objects.filter(pk=application.pk).update(state=state, **extra)
    return Application.objects.get(pk=application.pk)
