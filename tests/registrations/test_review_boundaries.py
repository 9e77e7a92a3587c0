"""Who may make each move, and from where: the state machine's forbidden moves and the role and office
boundaries, through the review services (the pages' own boundaries are in test_review_views.py)."""

import pytest
from django.utils import timezone

from registrations.exceptions import ApplicationNotFound, MoveNotPossible, NotAllowed
from registrations.models import Officer, State, Transition
from registrations.services import review

from .conftest import make_applicant, make_officer
from .review_support import in_state

pytestmark = pytest.mark.django_db

REVIEW = [
    State.SUBMITTED,
    State.DOCUMENT_CHECK,
    State.SHORTFALL,
    State.INSPECTION,
    State.RECOMMENDED,
    State.APPROVED_FOR_PAYMENT,
]
# The table, written out here rather than read from the code under test: action → (from, to).
ALLOWED = {
    "take_up": ([State.SUBMITTED], State.DOCUMENT_CHECK),
    "raise_shortfall": ([State.DOCUMENT_CHECK], State.SHORTFALL),
    "resubmit": ([State.SHORTFALL], State.DOCUMENT_CHECK),
    "send_to_inspection": ([State.DOCUMENT_CHECK], State.INSPECTION),
    "record_inspection": ([State.INSPECTION], State.RECOMMENDED),
    "approve_for_payment": ([State.RECOMMENDED], State.APPROVED_FOR_PAYMENT),
    "record_payment": ([State.APPROVED_FOR_PAYMENT], State.PAID),
    "reject": (REVIEW, State.REJECTED),
    "withdraw": (
        # Not a draft: it has no tracking number and is nobody's work yet; the applicant just leaves it.
        [s for s in State if s not in (State.DRAFT, State.REGISTERED, State.REJECTED, State.WITHDRAWN)],
        State.WITHDRAWN,
    ),
}
# Who makes it: "extension", "approving", "officer" (either), "applicant".
ACTOR = {
    "take_up": "extension",
    "raise_shortfall": "extension",
    "resubmit": "applicant",
    "send_to_inspection": "extension",
    "record_inspection": "extension",
    "approve_for_payment": "approving",
    "record_payment": "officer",
    "reject": "approving",
    "withdraw": "applicant",
}


def run(action: str, application, user):
    """The action's service with input it accepts, so only the state, role or office can refuse it."""
    common = {"application_id": application.pk, "user": user}
    today = timezone.localdate()
    match action:
        case "take_up":
            return review.application_take_up(**common)
        case "raise_shortfall":
            return review.application_raise_shortfall(**common, items=[("nid", "The photo is blurred.")])
        case "resubmit":
            return review.application_resubmit(**common)
        case "send_to_inspection":
            return review.application_send_to_inspection(**common)
        case "record_inspection":
            return review.application_record_inspection(**common, visited_on=today, findings="Seen.")
        case "approve_for_payment":
            return review.application_approve_for_payment(**common)
        case "record_payment":
            return review.application_record_payment(
                **common, method="office", receipt_no=f"R-{application.pk}", paid_on=today, amount="172.50"
            )
        case "reject":
            return review.application_reject(**common, reason="Not a cottage industry.")
        case "withdraw":
            return review.application_withdraw(**common)
    raise AssertionError(action)


@pytest.mark.parametrize("action", ALLOWED)
def test_each_action_only_from_its_states(action, applicant, extension_officer, approving_officer):
    """Every action from every state: allowed ones move to their target; every other raises
    MoveNotPossible and leaves the state and the record as they were."""
    sources, target = ALLOWED[action]
    actor = {
        "extension": extension_officer.user,
        "approving": approving_officer.user,
        "officer": approving_officer.user,
        "applicant": applicant.user,
    }[ACTOR[action]]
    wrong = []
    for state in State:
        application = in_state(applicant, state)
        if state in sources:
            moved = run(action, application, actor)
            if moved.state != target:
                wrong.append(f"{state}: moved to {moved.state}, not {target}")
            continue
        try:
            run(action, application, actor)
        except MoveNotPossible:
            pass
        else:
            wrong.append(f"{state}: allowed")
        application.refresh_from_db()
        if application.state != state:
            wrong.append(f"{state}: changed to {application.state}")
        if Transition.objects.filter(application=application).exists():
            wrong.append(f"{state}: a transition was written")
    assert not wrong, wrong


@pytest.mark.parametrize("action", [a for a, who in ACTOR.items() if who != "applicant"])
def test_officer_moves_by_the_wrong_role_office_or_an_applicant(
    action, applicant, extension_officer, approving_officer, gazipur_office, gazipur_officer
):
    gazipur_extension = make_officer(gazipur_office, Officer.Role.EXTENSION, "gazipur-extension")
    state = ALLOWED[action][0][0]
    application = in_state(applicant, state)
    wrong_role = {"extension": approving_officer, "approving": extension_officer}.get(ACTOR[action])
    if wrong_role is not None:
        with pytest.raises(NotAllowed):
            run(action, application, wrong_role.user)
    for outsider in (
        gazipur_officer.user,
        gazipur_extension.user,
        applicant.user,
        make_applicant("+8801811000009").user,
    ):
        with pytest.raises(ApplicationNotFound):
            run(action, application, outsider)
    application.refresh_from_db()
    assert application.state == state
    assert not Transition.objects.exists()


@pytest.mark.parametrize("action", [a for a, who in ACTOR.items() if who == "applicant"])
def test_applicant_moves_by_officers_or_another_applicant(
    action, applicant, extension_officer, approving_officer, gazipur_officer
):
    application = in_state(applicant, ALLOWED[action][0][-1] if action == "resubmit" else State.SUBMITTED)
    state = application.state
    for outsider in (extension_officer, approving_officer, gazipur_officer):
        with pytest.raises(ApplicationNotFound):
            run(action, application, outsider.user)
    with pytest.raises(ApplicationNotFound):
        run(action, application, make_applicant("+8801811000009").user)
    application.refresh_from_db()
    assert application.state == state
    assert not Transition.objects.exists()


def test_an_inactive_officer_is_nobody(applicant, extension_officer):
    application = in_state(applicant, State.SUBMITTED)
    extension_officer.is_active = False
    extension_officer.save()
    with pytest.raises(ApplicationNotFound):
        review.application_take_up(application_id=application.pk, user=extension_officer.user)
