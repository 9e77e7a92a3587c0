"""The rollout switch of an office as head office works it in the admin: the list's checkbox and the actions.

``opened_on`` says since when an office is open: it is set when the switch goes on and cleared when it goes
off, so it never disagrees with ``is_open`` (``offices.offices_open``, the pilot's opening, dates it too).
"""

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from ..models import Office


@transaction.atomic
def office_save(*, office: Office) -> Office:
    """Save an office edited in the admin, dating its opening when its switch has just been turned on."""
    if not office.is_open:
        office.opened_on = None
    elif office.opened_on is None:
        office.opened_on = timezone.localdate()
    office.save()
    return office


def offices_close(*, offices: QuerySet[Office]) -> int:
    """Stop applicants of these districts applying online; applications already made are not touched.
    Returns how many were closed."""
    return offices.filter(is_open=True).update(is_open=False, opened_on=None)


def offices_missing_officers(*, offices: QuerySet[Office]) -> list[Office]:
    """The open offices among these without an active extension officer or an active approving officer:
    their applications would wait unassigned, or could not be decided."""
    from ..models import Officer

    staffed = {
        role: set(
            Officer.objects.filter(office__in=offices, role=role, is_active=True).values_list(
                "office_id", flat=True
            )
        )
        for role in Officer.Role.values
    }
    return [
        office
        for office in offices.filter(is_open=True).select_related("district")
        if any(office.pk not in ids for ids in staffed.values())
    ]
