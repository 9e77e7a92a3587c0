"""The applicant's list: drafts and submitted applications with their state and next step, in a constant
number of queries however many there are."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from registrations.models import State
from registrations.services.apply import application_submit

from .apply_support import new_draft, step_url
from .conftest import complete_application, make_applicant

pytestmark = pytest.mark.django_db


def queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/apply/mine/?lang=en")
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_the_list_shows_state_and_next_step_in_constant_queries(applicant, offices, extension_officer):
    client = Client()
    client.force_login(applicant.user)
    draft = new_draft(applicant)
    few, html = queries(client)
    assert "Continue the form at step 1 of 6." in html and step_url(draft, 1) in html

    for _ in range(6):
        application_submit(application=complete_application(applicant), user=applicant.user)
    new_draft(applicant)
    many, html = queries(client)
    assert many == few, f"{few} queries for one application, {many} for eight"
    assert html.count("Taken up by the office, by the Extension officer.") == 6
    assert html.count("BR-") == 6
    assert "Not submitted yet" in html

    # Someone else's applications are not in the list.
    other = make_applicant("+8801911000009", "Other")
    complete_application(other, name_en="Someone Else Ltd")
    assert "Someone Else Ltd" not in queries(client)[1]
    assert State.DRAFT  # the list reads states from the rows themselves


def test_an_officer_or_a_visitor_has_no_applicant_list(extension_officer):
    visitor = Client().get("/apply/mine/")
    assert visitor.status_code == 302 and "login" in visitor["Location"]
    officer = Client()
    officer.force_login(extension_officer.user)
    assert officer.get("/apply/mine/").status_code == 403
