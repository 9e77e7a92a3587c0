"""Submitting, a double submit, what is missing, the assigned officer, and the applicant's side of a
shortfall: only the listed items can change, then resubmit; and withdrawal."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from registrations.models import Application, Office, Officer, ShortfallItem, State, Transition
from registrations.services.apply import application_submit
from registrations.workflow import application_move

from .apply_support import (
    ENTERPRISE,
    INVESTMENT,
    fill_steps,
    location,
    new_draft,
    png_bytes,
    step_url,
)
from .conftest import complete_application, make_officer

pytestmark = pytest.mark.django_db
TRACKING = re.compile(r"BR-\d{8}-\d{6}")


@pytest.fixture
def client_in(applicant, offices):
    client = Client()
    client.force_login(applicant.user)
    return client


def test_a_complete_draft_is_submitted_once_and_a_second_post_gets_a_clear_message(
    client_in, applicant, extension_officer
):
    draft = new_draft(applicant)
    fill_steps(client_in, draft, upto=4)
    files = {
        kind: SimpleUploadedFile(f"{kind}.png", png_bytes(), "image/png")
        for kind in ("photo", "nid", "trade_licence", "land_deed", "machinery_list")
    }
    assert location(client_in.post(step_url(draft, 5), files)) == step_url(draft, 6)
    review = client_in.get(step_url(draft, 6))
    assert 'id="submit-application"' in review.content.decode()

    first = client_in.post(f"/apply/{draft.pk}/submit/?lang=en", follow=True)
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED
    assert TRACKING.fullmatch(draft.tracking_no)
    assert draft.submitted_at is not None and draft.assigned_to == extension_officer
    assert draft.tracking_no in first.content.decode()

    second = client_in.post(f"/apply/{draft.pk}/submit/?lang=en", follow=True)
    html = second.content.decode()
    assert "already submitted; its tracking number is " + draft.tracking_no in html
    assert Application.objects.get(pk=draft.pk).tracking_no == draft.tracking_no
    assert Transition.objects.filter(application=draft, action="submit").count() == 1


def test_the_service_refuses_a_second_submit_with_state_changed(applicant, offices):
    from registrations.exceptions import StateChanged

    application = complete_application(applicant)
    application_submit(application=application, user=applicant.user)
    number = Application.objects.get(pk=application.pk).tracking_no
    with pytest.raises(StateChanged):
        application_submit(application=application, user=applicant.user)
    assert Application.objects.get(pk=application.pk).tracking_no == number


def test_an_incomplete_application_lists_what_is_missing_in_both_languages(client_in, applicant):
    draft = new_draft(applicant)
    fill_steps(client_in, draft, upto=2)
    for lang, words in [
        ("en", ["the factory location", "Photo of the applicant"]),
        ("bn", ["আবেদনকারীর ছবি"]),
    ]:
        response = client_in.post(f"/apply/{draft.pk}/submit/?lang={lang}", follow=True)
        html = response.content.decode()
        for word in words:
            assert word in html
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.tracking_no is None


def test_a_district_closed_after_the_draft_was_started_cannot_be_submitted(
    client_in, applicant, dhaka_office
):
    application = complete_application(applicant)
    Office.objects.filter(pk=dhaka_office.pk).update(is_open=False)
    response = client_in.post(f"/apply/{application.pk}/submit/?lang=en", follow=True)
    assert "Online registration is not open yet for factories in Dhaka" in response.content.decode()
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_starting_is_only_for_an_open_district(client_in, applicant, offices):
    from industries.models import District

    rajshahi = District.objects.get(code="81")
    response = client_in.post("/apply/start/?lang=en", {"district": rajshahi.pk}, follow=True)
    assert "not open yet for factories in Rajshahi" in response.content.decode()
    assert not Application.objects.filter(applicant=applicant).exists()
    dhaka = District.objects.get(code="26")
    response = client_in.post("/apply/start/", {"district": dhaka.pk})
    draft = Application.objects.get(applicant=applicant)
    assert location(response) == step_url(draft, 1)


def test_the_least_loaded_active_extension_officer_is_assigned(applicant, dhaka_office):
    busy = make_officer(dhaka_office, Officer.Role.EXTENSION, "busy")
    idle = make_officer(dhaka_office, Officer.Role.EXTENSION, "idle")
    away = make_officer(dhaka_office, Officer.Role.EXTENSION, "away")
    Officer.objects.filter(pk=away.pk).update(is_active=False)
    make_officer(dhaka_office, Officer.Role.APPROVING, "boss")
    assigned = [
        application_submit(application=complete_application(applicant), user=applicant.user).assigned_to
        for _ in range(3)
    ]
    assert assigned == [busy, idle, busy]  # the fewest open applications; a tie goes to the earliest post
    draft = complete_application(applicant)
    Application.objects.filter(pk=draft.pk).update(assigned_to=idle)  # a draft is no one's work yet
    assert (
        application_submit(application=complete_application(applicant), user=applicant.user).assigned_to
        == idle
    )


@pytest.fixture
def in_shortfall(applicant, extension_officer):
    application = complete_application(applicant)
    application_submit(application=application, user=applicant.user)
    officer = extension_officer.user
    application_move(application_id=application.pk, action="take_up", user=officer)
    application_move(
        application_id=application.pk,
        action="raise_shortfall",
        user=officer,
        note="Please correct two things.",
        internal_note="secret: looks like the licence of the neighbour",
    )
    move = Transition.objects.filter(application=application, action="raise_shortfall").get()
    for item, note in [
        ("trade_licence", "The licence has expired."),
        ("investment", "Machinery value is too low."),
    ]:
        ShortfallItem.objects.create(application=application, transition=move, item=item, note=note)
    return Application.objects.get(pk=application.pk)


def test_in_a_shortfall_only_the_listed_items_can_change(client_in, in_shortfall):
    application = in_shortfall
    detail = client_in.get(f"/apply/{application.pk}/?lang=en").content.decode()
    assert "The licence has expired." in detail and "Machinery value is too low." in detail
    assert "Please correct two things." in detail
    assert "secret" not in detail  # the officers' internal note is never the applicant's

    # The enterprise was not listed: posting it changes nothing.
    response = client_in.post(step_url(application, 1), {**ENTERPRISE, "name_en": "Changed"})
    assert location(response) == f"/apply/{application.pk}/"
    assert Application.objects.get(pk=application.pk).name_en == "Rahima Handicrafts"
    assert 'id="read-only"' in client_in.get(step_url(application, 1)).content.decode()

    # The investment was listed: it saves and goes back to the review.
    response = client_in.post(step_url(application, 4), {**INVESTMENT, "machinery_bdt": "৬,০০,০০০"})
    assert location(response) == step_url(application, 6)
    assert Application.objects.get(pk=application.pk).machinery_bdt == 600_000

    # Only the listed document kind can be uploaded.
    photo = SimpleUploadedFile("new-photo.png", png_bytes(), "image/png")
    client_in.post(step_url(application, 5), {"photo": photo})
    assert application.documents.filter(kind="photo").count() == 1

    # Resubmitting before the listed document is uploaded again is refused, and says which.
    response = client_in.post(f"/apply/{application.pk}/resubmit/?lang=en", follow=True)
    assert "Upload a new file for each document the office asked for first: Trade licence" in (
        response.content.decode()
    )
    assert Application.objects.get(pk=application.pk).state == State.SHORTFALL

    licence = SimpleUploadedFile("licence-renewed.png", png_bytes(), "image/png")
    client_in.post(step_url(application, 5), {"trade_licence": licence})
    assert application.documents.filter(kind="trade_licence").count() == 2
    client_in.post(f"/apply/{application.pk}/resubmit/")
    application.refresh_from_db()
    assert application.state == State.DOCUMENT_CHECK
    assert not application.shortfall_items.filter(resolved__isnull=True).exists()


def test_the_detail_page_names_the_assigned_officer_and_their_designation(
    client_in, applicant, extension_officer
):
    Officer.objects.filter(pk=extension_officer.pk).update(designation_en="Extension Officer (Textiles)")
    application = complete_application(applicant)
    application_submit(application=application, user=applicant.user)
    html = client_in.get(f"/apply/{application.pk}/?lang=en").content.decode()
    assert "Dhaka-Extension, Extension Officer (Textiles)" in html
    assert application.pk and Application.objects.get(pk=application.pk).tracking_no in html


def test_withdrawing_needs_a_confirmation_and_is_not_for_drafts(client_in, applicant):
    draft = complete_application(applicant)
    response = client_in.post(f"/apply/{draft.pk}/withdraw/?lang=en", {"confirm": "yes"}, follow=True)
    assert "nothing to withdraw" in response.content.decode()
    application_submit(application=draft, user=applicant.user)
    client_in.post(f"/apply/{draft.pk}/withdraw/", {})
    assert Application.objects.get(pk=draft.pk).state == State.SUBMITTED
    client_in.post(f"/apply/{draft.pk}/withdraw/", {"confirm": "yes", "reason": "Moved the factory"})
    assert Application.objects.get(pk=draft.pk).state == State.WITHDRAWN
