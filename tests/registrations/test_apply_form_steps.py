"""The form a step at a time: each step saves on the server and the form resumes where it stopped, in a
new session days later too; bad input is shown again, as typed, with bilingual errors, and nothing saved
is lost."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from registrations.models import Application, Owner, State

from .apply_support import (
    ENTERPRISE,
    INVESTMENT,
    OWNER,
    fill_steps,
    location,
    new_draft,
    owners_data,
    step_url,
)
from .conftest import make_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_in(applicant, offices):
    client = Client()
    client.force_login(applicant.user)
    return client


def test_each_step_saves_and_a_new_session_days_later_resumes_the_draft(applicant, offices):
    morning = Client()
    morning.force_login(applicant.user)
    draft = new_draft(applicant)
    fill_steps(morning, draft, upto=2)
    draft.refresh_from_db()
    assert draft.form_step == 2
    assert draft.name_bn == "রহিমা হস্তশিল্প" and draft.year_started == 2019
    assert (draft.isic_section, draft.isic_division) == ("C", "13")
    owner = Owner.objects.get(application=draft)
    assert (owner.nid, owner.phone) == ("1234567890", "+8801711000001")

    # Days later, on another phone: a new login, the draft is there, and the form goes on at step 3.
    morning.logout()
    Application.objects.filter(pk=draft.pk).update(updated=timezone.now() - timedelta(days=5))
    later = Client()  # a new session: nothing of the first one's is carried over
    later.force_login(applicant.user)
    assert later.session.session_key != morning.session.session_key
    mine = later.get("/apply/mine/")
    assert "রহিমা হস্তশিল্প" in mine.content.decode()
    assert step_url(draft, 3) in mine.content.decode()
    # A step beyond the next is not skipped to: the form sends the applicant to the next one to fill.
    assert location(later.get(step_url(draft, 5))) == step_url(draft, 3)
    page = later.get(step_url(draft, 1))
    assert 'value="রহিমা হস্তশিল্প"' in page.content.decode()
    fill_steps_from(later, draft, 3)
    draft.refresh_from_db()
    assert draft.form_step == 4
    assert (draft.machinery_bdt, draft.other_fixed_bdt, draft.workers_female) == (300_000, 50_000, 5)
    assert draft.size_class == "cottage" and draft.size_policy == "NIP2022"


def fill_steps_from(client, application, first: int):
    from .apply_support import location_data

    posts = {3: location_data(), 4: INVESTMENT}
    for n in range(first, 5):
        response = client.post(step_url(application, n), posts[n])
        assert response.status_code == 302, response.content.decode()[:2000]


def test_a_wrong_nid_and_a_wrong_phone_are_shown_in_bangla_with_what_was_typed(client_in, applicant):
    draft = new_draft(applicant)
    fill_steps(client_in, draft, upto=1)
    bad = {**OWNER, "nid": "০১২৩৪৫৬৭৮৯", "phone": "02-9876543", "name_en": "Typed Name"}
    response = client_in.post(step_url(draft, 2), owners_data(bad))
    assert response.status_code == 200
    html = response.content.decode()
    assert "জাতীয় পরিচয়পত্র নম্বর নয়" in html  # the NID starts with 0: not a smart-card number
    assert "বাংলাদেশি মোবাইল নম্বর নয়" in html
    assert 'value="Typed Name"' in html and 'value="02-9876543"' in html
    draft.refresh_from_db()
    assert draft.form_step == 1 and not draft.owners.exists()
    assert draft.name_en == "Rahima Handicrafts"  # step 1 as saved

    english = client_in.post(step_url(draft, 2) + "?lang=en", owners_data(bad))
    assert "is not a national ID number" in english.content.decode()
    assert "is not a Bangladeshi mobile number" in english.content.decode()


def test_owners_rules_age_partners_and_a_bad_edit_keeps_the_saved_owners(client_in, applicant):
    draft = new_draft(applicant)
    fill_steps(client_in, draft, upto=2)
    child = {**OWNER, "date_of_birth": f"{date.today().year - 10}-01-01"}
    ancient = {**OWNER, "date_of_birth": "1890-01-01"}
    for owner, message in [
        (child, "মালিকের বয়স কমপক্ষে 18 বছর হতে হবে।"),
        (ancient, "এই জন্মতারিখ সম্ভব নয়; সালটি দেখে নিন।"),
    ]:
        response = client_in.post(step_url(draft, 2), owners_data(owner))
        assert message in response.content.decode()
    response = client_in.post(step_url(draft, 2), owners_data(OWNER, ownership="partnership"))
    assert "অন্তত দুজন" in response.content.decode()
    # What was saved before the bad edits is still there.
    assert Owner.objects.filter(application=draft).count() == 1

    second = {**OWNER, "nid": "19851234567890123", "phone": "01811000002", "name_en": "Karim Mia"}
    response = client_in.post(step_url(draft, 2), owners_data(OWNER, second, ownership="partnership"))
    assert response.status_code == 302
    assert list(draft.owners.values_list("name_en", flat=True)) == ["Rahima Begum", "Karim Mia"]
    same = client_in.post(
        step_url(draft, 2), owners_data(OWNER, {**second, "nid": OWNER["nid"]}, ownership="partnership")
    )
    assert same.status_code == 200


def test_adding_an_owner_shows_one_more_blank_owner_and_saves_nothing(client_in, applicant):
    draft = new_draft(applicant)
    fill_steps(client_in, draft, upto=1)
    response = client_in.post(step_url(draft, 2), {**owners_data(OWNER), "add_owner": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="owners-1-nid"' in html and 'value="রহিমা বেগম"' in html
    assert "errorlist" not in html
    assert not draft.owners.exists()


def test_enterprise_formats_tin_bin_and_year(client_in, applicant):
    draft = new_draft(applicant)
    bad = {**ENTERPRISE, "tin": "12345", "bin": "1234567890", "year_started": str(date.today().year + 3)}
    response = client_in.post(step_url(draft, 1) + "?lang=en", bad)
    html = response.content.decode()
    assert "A TIN has 12 digits." in html
    assert "A BIN has 9 digits" in html
    assert "An existing unit started between" in html
    good = {**ENTERPRISE, "tin": "১২৩৪৫৬৭৮৯০১২", "bin": "000123456-0101"}
    assert client_in.post(step_url(draft, 1), good).status_code == 302
    draft.refresh_from_db()
    assert (draft.tin, draft.bin) == ("123456789012", "0001234560101")


def test_investment_figures_bangla_digits_and_foreign_workers_within_the_total(client_in, applicant):
    draft = new_draft(applicant)
    fill_steps(client_in, draft, upto=3)
    response = client_in.post(
        step_url(draft, 4) + "?lang=en", {**INVESTMENT, "workers_foreign": "৮", "land_bdt": "-5"}
    )
    html = response.content.decode()
    assert "at most 7" in html
    assert "It cannot be negative." in html
    assert 'value="৩,০০,০০০"' in html  # as typed
    draft.refresh_from_db()
    assert draft.form_step == 3 and draft.machinery_bdt is None


def test_an_application_of_someone_else_is_a_404(client_in, applicant):
    other = make_applicant("+8801911000009", "Other Person")
    theirs = new_draft(other)
    assert client_in.get(step_url(theirs, 1)).status_code == 404
    assert client_in.post(step_url(theirs, 1), ENTERPRISE).status_code == 404
    assert client_in.get(f"/apply/{theirs.pk}/").status_code == 404


def test_a_submitted_application_cannot_be_changed_by_posting_a_step(client_in, applicant):
    from .conftest import complete_application

    application = complete_application(applicant)
    client_in.post(f"/apply/{application.pk}/submit/")
    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    response = client_in.post(step_url(application, 1), {**ENTERPRISE, "name_en": "Changed"})
    assert response.status_code == 302
    assert Application.objects.get(pk=application.pk).name_en == "Rahima Handicrafts"
    page = client_in.get(step_url(application, 1))
    assert "disabled" in page.content.decode()
