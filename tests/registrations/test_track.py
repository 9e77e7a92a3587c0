"""Public tracking: the right number and last four digits show the state and the public timeline, nothing
personal; every wrong combination gets the same answer; wrong tries are limited per address."""

import pytest
from django.urls import reverse

from industries.bangla import to_bangla_digits
from registrations.models import State
from registrations.services import review

from .review_support import submitted

pytestmark = pytest.mark.django_db
URL = "/track/"


@pytest.fixture
def in_review(applicant, extension_officer):
    application = submitted(applicant)
    review.application_take_up(
        application_id=application.pk,
        user=extension_officer.user,
        note="We are checking your documents.",
        internal_note="The applicant's brother called; sounded unsure about the deed.",
    )
    review.application_raise_shortfall(
        application_id=application.pk,
        user=extension_officer.user,
        items=[("land_deed", "Page two is missing.")],
        note="Upload the whole rent deed.",
        internal_note="Second time this deed is incomplete.",
    )
    application.refresh_from_db()
    return application


def test_url_name():
    assert reverse("registrations:track") == URL


def test_tracking_shows_state_and_public_timeline_only(client, in_review, applicant, extension_officer):
    response = client.post(URL, {"tracking_no": in_review.tracking_no, "phone_last4": "0001"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-state="shortfall"' in html
    assert "We are checking your documents." in html and "Upload the whole rent deed." in html
    assert in_review.due_date.isoformat() in html
    for personal in (
        "Rahima",
        "রহিমা বেগম",
        "1234567890",  # the NID
        applicant.phone,
        "01711000001",
        "House 12, Road 3",
        "sounded unsure",
        "Second time this deed",
        "Dhaka-Extension",  # the officer's name
        extension_officer.user.username,
    ):
        assert personal not in html, personal


def test_bangla_digits_work(client, in_review):
    response = client.post(
        URL, {"tracking_no": to_bangla_digits(in_review.tracking_no.lower()), "phone_last4": "০০০১"}
    )
    assert 'data-state="shortfall"' in response.content.decode()


def test_every_wrong_combination_gets_the_same_answer(client, in_review, applicant):
    answers = []
    for tracking_no, last4 in [
        (in_review.tracking_no, "0002"),  # the number exists, the digits are wrong
        ("BR-20990101-999999", "0001"),  # no such number
        (in_review.tracking_no, "12"),  # not four digits
    ]:
        response = client.post(URL, {"tracking_no": tracking_no, "phone_last4": last4})
        html = response.content.decode()
        assert response.status_code == 200 and 'data-state="' not in html
        answers.append(
            html.count("এই ট্র্যাকিং নম্বর ও অঙ্কগুলোর সঙ্গে কোনো আবেদন মেলেনি।")
        )  # in Bangla: the default
    assert answers == [1, 1, 1]


def test_drafts_cannot_be_tracked(client, applicant, dhaka_office):
    from .review_support import in_state

    draft = in_state(applicant, State.DRAFT)
    response = client.post(URL, {"tracking_no": draft.tracking_no, "phone_last4": "0001"})
    assert 'data-state="' not in response.content.decode()


def test_wrong_tries_are_limited_per_address(client, in_review, settings):
    settings.REGISTRATION_TRACK_FAILURES = 3
    for last4 in ("1111", "2222", "3333"):
        assert (
            client.post(URL, {"tracking_no": in_review.tracking_no, "phone_last4": last4}).status_code == 200
        )
    # Now even the right digits are refused from this address…
    response = client.post(URL, {"tracking_no": in_review.tracking_no, "phone_last4": "0001"})
    assert response.status_code == 429 and 'data-state="' not in response.content.decode()
    # …but not from another.
    response = client.post(
        URL, {"tracking_no": in_review.tracking_no, "phone_last4": "0001"}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 200 and 'data-state="shortfall"' in response.content.decode()


def test_right_tries_are_not_counted(client, in_review, settings):
    settings.REGISTRATION_TRACK_FAILURES = 2
    for _ in range(5):
        response = client.post(URL, {"tracking_no": in_review.tracking_no, "phone_last4": "0001"})
        assert response.status_code == 200


def test_the_form_in_english(client):
    html = client.get(URL + "?lang=en&no=br-20261201-000123").content.decode()
    assert "Last four digits" in html and 'value="BR-20261201-000123"' in html
    assert "শেষ চার" in client.get(URL + "?lang=bn").content.decode()
