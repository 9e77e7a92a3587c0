"""The location step: the point decides the office through the importer's point-in-polygon; a point outside
Bangladesh or at sea is refused, a point outside the stated district is flagged (not refused), and a point
in a district not open yet is told so."""

import pytest
from django.contrib.gis.geos import Point
from django.db import IntegrityError, transaction
from django.test import Client

from industries.models import District
from registrations.models import Application

from .apply_support import fill_steps, location, location_data, new_draft, step_url
from .conftest import DHAKA_POINT, NARAYANGANJ_POINT, RAJSHAHI_POINT

pytestmark = pytest.mark.django_db

KATHMANDU = Point(85.32, 27.71, srid=4326)  # outside the national box
KOLKATA = Point(88.36, 22.57, srid=4326)  # inside the box, across the border
BAY_OF_BENGAL = Point(90.8, 21.0, srid=4326)


@pytest.fixture
def draft(applicant, offices):
    client = Client()
    client.force_login(applicant.user)
    application = new_draft(applicant)
    fill_steps(client, application, upto=2)
    application.client = client
    return application


def post(draft, data, lang="bn"):
    return draft.client.post(step_url(draft, 3) + f"?lang={lang}", data)


def test_the_point_decides_the_office(draft, dhaka_office):
    response = post(draft, location_data(DHAKA_POINT))
    assert location(response) == step_url(draft, 4)
    draft.refresh_from_db()
    assert draft.office == dhaka_office
    assert draft.district.code == "26" and draft.upazila is not None
    assert draft.district_mismatch is False
    assert draft.form_step == 3


def test_a_point_outside_bangladesh_is_refused_in_both_languages_and_nothing_is_saved(draft):
    for point in (KATHMANDU, KOLKATA):
        bn = post(draft, location_data(DHAKA_POINT) | {"latitude": str(point.y), "longitude": str(point.x)})
        en = post(
            draft, location_data(DHAKA_POINT) | {"latitude": str(point.y), "longitude": str(point.x)}, "en"
        )
        assert bn.status_code == en.status_code == 200
        assert "বাংলাদেশের" in bn.content.decode()
        assert (
            "outside Bangladesh" in en.content.decode() or "not on land in Bangladesh" in en.content.decode()
        )
        assert f'value="{point.y}"' in en.content.decode()  # as typed
    draft.refresh_from_db()
    assert draft.location is None and draft.office is None and draft.form_step == 2


def test_a_point_at_sea_is_refused(draft):
    data = location_data(DHAKA_POINT) | {"latitude": str(BAY_OF_BENGAL.y), "longitude": str(BAY_OF_BENGAL.x)}
    response = post(draft, data, "en")
    assert "at sea or across the border" in response.content.decode()
    draft.refresh_from_db()
    assert draft.location is None and draft.upazila is None


def test_the_database_refuses_a_point_outside_the_country_too(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.objects.filter(pk=draft.pk).update(location=KATHMANDU)


def test_a_point_outside_the_stated_district_is_flagged_and_shown_not_refused(draft, offices):
    dhaka = District.objects.get(code="26")
    response = draft.client.post(
        step_url(draft, 3) + "?lang=en", location_data(NARAYANGANJ_POINT, district=dhaka), follow=True
    )
    draft.refresh_from_db()
    assert draft.district_mismatch is True
    assert draft.stated_district == dhaka and draft.district.code == "67"
    assert draft.office == offices["67"]  # the point decides
    assert "not in Dhaka as you chose" in response.content.decode()


def test_a_point_in_a_district_not_open_yet_is_told_plainly(draft):
    response = post(draft, location_data(RAJSHAHI_POINT), "en")
    html = response.content.decode()
    assert "Online registration is not open yet for factories in Rajshahi" in html
    draft.refresh_from_db()
    assert draft.office is None and draft.location is None


def test_a_point_in_a_closed_district_other_than_the_one_chosen_says_both(draft):
    dhaka = District.objects.get(code="26")
    for lang, said in (
        ("en", "The point on the map is in Rajshahi, not in Dhaka, the district you chose"),
        ("bn", "মানচিত্রের বিন্দুটি রাজশাহী জেলায়, আপনার বেছে নেওয়া ঢাকা জেলায় নয়"),
    ):
        response = post(draft, location_data(RAJSHAHI_POINT, district=dhaka), lang)
        assert said in response.content.decode()
    draft.refresh_from_db()
    assert draft.office is None and draft.location is None


def test_the_cascade_without_javascript_shows_the_districts_of_the_chosen_division(draft):
    dhaka = District.objects.get(code="26")
    response = post(draft, {"stated_division": str(dhaka.division_id), "refresh": "1"}, "en")
    html = response.content.decode()
    assert f'<option value="{dhaka.pk}">Dhaka</option>' in html
    assert "errorlist" not in html
    places = draft.client.get(f"/apply/places/?division={dhaka.division_id}&lang=en").json()
    assert {"id": dhaka.pk, "name": "Dhaka"} in places["districts"]
    upazilas = draft.client.get(f"/apply/places/?district={dhaka.pk}").json()
    assert upazilas["upazilas"] and upazilas["boundary"]["geometry"]["type"] == "MultiPolygon"


def test_bangla_digits_in_the_coordinates(draft, dhaka_office):
    from industries.bangla import to_bangla_digits

    data = location_data(DHAKA_POINT)
    data |= {"latitude": to_bangla_digits(data["latitude"]), "longitude": to_bangla_digits(data["longitude"])}
    assert post(draft, data).status_code == 302
    draft.refresh_from_db()
    assert draft.office == dhaka_office
