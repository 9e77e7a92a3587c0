import pytest

from registrations.exceptions import ApplicationNotFound, NotAllowed, StateChanged
from registrations.models import State
from registrations.numbers import next_registration_no, next_tracking_no
from registrations.workflow import application_move

from .conftest import complete_application


@pytest.mark.django_db
def test_moves_check_role_office_and_seen_state(
    applicant, extension_officer, approving_officer, gazipur_officer
):
    application = complete_application(applicant, tracking_no="BR-20261201-000001")

    def submit(app, role):
        pass

    application_move(application_id=application.pk, action="submit", user=applicant.user, apply=submit)
    with pytest.raises(ApplicationNotFound):
        application_move(application_id=application.pk, action="take_up", user=gazipur_officer.user)
    with pytest.raises(NotAllowed):
        application_move(application_id=application.pk, action="take_up", user=approving_officer.user)
    moved = application_move(
        application_id=application.pk,
        action="take_up",
        user=extension_officer.user,
        expected_state="submitted",
    )
    assert moved.state == State.DOCUMENT_CHECK
    assert moved.due_date is not None
    with pytest.raises(StateChanged):
        application_move(
            application_id=application.pk,
            action="take_up",
            user=extension_officer.user,
            expected_state="submitted",
        )
    assert [t.action for t in moved.transitions.all()] == ["submit", "take_up"]


@pytest.mark.django_db
def test_numbers(dhaka_office):
    from datetime import date

    assert next_tracking_no(day=date(2026, 12, 1)).startswith("BR-20261201-")
    first = next_registration_no(office=dhaka_office, year=2026)
    assert first == "BSCIC-26-2026-00001"
    assert next_registration_no(office=dhaka_office, year=2026) == "BSCIC-26-2026-00002"
