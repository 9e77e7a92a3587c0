"""Every move of an application runs here: lock the row, check who acts, move, record, notify.

``application_move`` is the one path by which an application changes state. It locks the application
(SELECT … FOR UPDATE), so of two officers acting on the same step at once the second waits, then finds the
state changed and gets ``StateChanged`` naming who moved it. The caller's own work for the move (recording an
inspection, fixing the fee, issuing the registration number) runs in ``apply`` inside the same transaction,
so it happens exactly when the move does. The services of each step (registrations.services) call it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed

from .calendar import add_working_days
from .exceptions import ApplicationNotFound, MoveNotPossible, NotAllowed, NotAssigned, StateChanged, in_bangla
from .models import Actor, Application, Officer, State, Step, Transition


@dataclass(frozen=True)
class Move:
    actor: str  # an Actor value
    # The applicant is told of it (SMS, e-mail): they must act, or there is a result.
    notify: bool = False
    # An extension officer may act only on applications assigned to them (taking one up assigns it).
    assigned_only: bool = True


MOVES: dict[str, Move] = {
    "submit": Move(Actor.APPLICANT, notify=True),
    "take_up": Move(Actor.EXTENSION, assigned_only=False),
    "raise_shortfall": Move(Actor.EXTENSION, notify=True),
    "resubmit": Move(Actor.APPLICANT),
    "send_to_inspection": Move(Actor.EXTENSION),
    "record_inspection": Move(Actor.EXTENSION),
    "approve_for_payment": Move(Actor.APPROVING, notify=True),
    "record_payment": Move(Actor.OFFICER, notify=True),
    # Counted by payments.services from the gateway's validation: nobody acts.
    "pay_online": Move(Actor.SYSTEM, notify=True),
    "register": Move(Actor.APPROVING, notify=True),
    "reject": Move(Actor.APPROVING, notify=True),
    "withdraw": Move(Actor.APPLICANT),
}

ROLE_NAMES = {
    Actor.APPLICANT: ("applicant", "আবেদনকারী"),
    Actor.EXTENSION: ("extension officer", "সম্প্রসারণ কর্মকর্তা"),
    Actor.APPROVING: ("approving officer", "অনুমোদনকারী কর্মকর্তা"),
    Actor.OFFICER: ("officers", "কর্মকর্তা"),
    Actor.SYSTEM: ("system", "সিস্টেম"),
}


def officer_of(user) -> Officer | None:
    """The user's active post, or None."""
    officer = getattr(user, "officer", None) if user is not None and user.is_authenticated else None
    return officer if officer is not None and officer.is_active else None


def seen_as(*, user, application: Application) -> str | None:
    """Who ``user`` is to ``application`` when reading it and its files: "applicant" (their own), "officer"
    (of the office handling it), or None (to be told it does not exist)."""
    if user is None or not user.is_authenticated:
        return None
    applicant = getattr(user, "applicant", None)
    if applicant is not None and applicant.pk == application.applicant_id:
        return "applicant"
    officer = officer_of(user)
    if (
        officer is not None
        and application.office_id is not None
        and officer.office_id == application.office_id
    ):
        return "officer"
    return None


def actor_role(*, user, application: Application, actor: str) -> str:
    """The role in which ``user`` may act as ``actor`` on ``application``, or raise.

    An officer of another office gets ApplicationNotFound, as if it did not exist; a user of the right office
    in the wrong role gets NotAllowed.
    """
    if actor == Actor.SYSTEM:
        # Only the system's own services move by it, and they pass no user.
        if user is not None:
            raise NotAllowed(role="system", role_bn="সিস্টেম")
        return Actor.SYSTEM
    if actor == Actor.APPLICANT:
        applicant = getattr(user, "applicant", None) if user.is_authenticated else None
        if applicant is None or applicant.pk != application.applicant_id:
            raise ApplicationNotFound(application.pk)
        return Actor.APPLICANT
    officer = officer_of(user)
    if officer is None or application.office_id is None or officer.office_id != application.office_id:
        raise ApplicationNotFound(application.pk)
    if actor != Actor.OFFICER and officer.role != actor:
        en, bn = ROLE_NAMES[actor]
        raise NotAllowed(role=en, role_bn=bn)
    return officer.role


def due_date_for(*, state: str, office, now=None):
    """When the step the application enters must be done by, from its Step row (None without one)."""
    step = Step.objects.filter(state=state).first()
    if step is None or state in (State.REGISTERED, State.REJECTED, State.WITHDRAWN):
        return None
    today = timezone.localdate(now)
    return add_working_days(today, step.working_days, office=office)


def _state_changed(application: Application) -> StateChanged:
    # The last move of the state: a reassignment (action "assign", same source and target) moves nothing.
    last = (
        application.transitions.exclude(action="assign")
        .order_by("-created", "-id")
        .select_related("actor")
        .first()
    )
    who = (last.actor.get_full_name() or last.actor.get_username()) if last and last.actor else "—"
    when = timezone.localtime(last.created).strftime("%Y-%m-%d %H:%M") if last else "—"
    state = State(application.state)
    return StateChanged(state=state.label, state_bn=in_bangla(state.label), who=who, when=when)


def application_move(
    *,
    application_id: int,
    action: str,
    user,
    note: str = "",
    internal_note: str = "",
    expected_state: str | None = None,
    apply: Callable[[Application, str], None] | None = None,
) -> Application:
    """Move the application by ``action`` (a key of MOVES) as ``user``.

    ``expected_state`` is the state the actor saw when they chose the action: if the application has moved
    since, nothing is done (StateChanged). ``apply(application, role)`` does the move's own work before the
    state changes; raising in it leaves everything as it was.
    """
    move = MOVES[action]
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("office__district", "applicant__user", "assigned_to__user")
            .filter(pk=application_id)
            .first()
        )
        if application is None:
            raise ApplicationNotFound(application_id)
        role = actor_role(user=user, application=application, actor=move.actor)
        if expected_state is not None and application.state != expected_state:
            raise _state_changed(application)
        method = getattr(application, action)
        if not can_proceed(method):
            state = State(application.state)
            raise MoveNotPossible(state=state.label, state_bn=in_bangla(state.label))
        if role == Officer.Role.EXTENSION and move.assigned_only:
            assigned = application.assigned_to
            if assigned is not None and assigned.user_id != user.pk:
                raise NotAssigned(officer=assigned.user.get_full_name() or assigned.user.get_username())
        source = application.state
        if apply is not None:
            apply(application, role)
        method()
        now = timezone.now()
        application.step_started = now
        application.due_date = due_date_for(state=application.state, office=application.office, now=now)
        application.save()
        Transition.objects.create(
            application=application,
            action=action,
            source=source,
            target=application.state,
            actor=user,
            actor_role=role,
            note=note,
            internal_note=internal_note,
        )
        if move.notify:
            from .notifications import notify_applicant

            transaction.on_commit(lambda: notify_applicant(application=application, event=action))
    return application


# Shown beside each action in the officers' pages and in the applicant's timeline.
ACTION_LABELS = {
    "submit": _("Submitted"),
    "take_up": _("Taken up for the document check"),
    "raise_shortfall": _("Shortfall raised"),
    "resubmit": _("Resubmitted"),
    "send_to_inspection": _("Sent to inspection"),
    "record_inspection": _("Inspected and recommended"),
    "approve_for_payment": _("Approved for payment"),
    "record_payment": _("Fee paid"),
    "pay_online": _("Fee paid online"),
    "register": _("Registered"),
    "reject": _("Rejected"),
    "withdraw": _("Withdrawn"),
    "request_renewal": _("Renewal asked for"),
}
