"""Registering a paid application: the number, the enterprise created or linked by the importer's rule, its
provenance and history, and the enterprise in the API and its map tile at once."""

import itertools
import json
import math

import mapbox_vector_tile
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone, translation

from industries.locate import locate_enterprises
from industries.models import Enterprise, EnterpriseEvent
from industries.size_class import classify_size
from registrations.exceptions import ApplicationNotFound, MoveNotPossible, NotAllowed
from registrations.models import Application, State
from registrations.services.register import EnterpriseNotSaved, application_register
from registrations.workflow import application_move
from tests.factories import EnterpriseFactory

from .conftest import DHAKA_POINT, GAZIPUR_POINT, complete_application

pytestmark = pytest.mark.django_db

# ST_DistanceSphere's sphere: metres north of a point, in degrees of latitude.
SPHERE_RADIUS_METRES = 6_370_986
TRACKING_NUMBERS = itertools.count(1)
REVIEW = [
    ("submit", "applicant"),
    ("take_up", "extension"),
    ("send_to_inspection", "extension"),
    ("record_inspection", "extension"),
    ("approve_for_payment", "approving"),
    ("record_payment", "approving"),
]


def north_of(point, metres: float):
    moved = point.clone()
    moved.y += math.degrees(metres / SPHERE_RADIUS_METRES)
    return moved


def paid_application(applicant, extension_officer, approving_officer, **fields) -> Application:
    """A complete application moved through the review to "paid" by the right people."""
    fields.setdefault("tracking_no", f"BR-20261201-{next(TRACKING_NUMBERS):06d}")
    application = complete_application(applicant, **fields)
    users = {
        "applicant": applicant.user,
        "extension": extension_officer.user,
        "approving": approving_officer.user,
    }
    for action, who in REVIEW:
        application_move(application_id=application.pk, action=action, user=users[who])
    application.refresh_from_db()
    assert application.state == State.PAID
    return application


@pytest.fixture(autouse=True)
def _sms_outbox(tmp_path, settings):
    """Registering tells the applicant (on commit): this test's messages in its own outbox."""
    settings.SMS_FILE_PATH = tmp_path / "sms" / "outbox.jsonl"


@pytest.fixture
def paid(applicant, extension_officer, approving_officer):
    return lambda **fields: paid_application(applicant, extension_officer, approving_officer, **fields)


def first_number() -> str:
    return f"BSCIC-26-{timezone.localdate().year}-00001"


def test_registering_creates_the_enterprise_with_the_applications_figures(paid, approving_officer):
    application = paid()
    registered = application_register(
        application_id=application.pk, user=approving_officer.user, expected_state=State.PAID
    )

    assert registered.state == State.REGISTERED
    assert registered.registration_no == first_number()
    assert registered.registered_at is not None and registered.enterprise_created is True
    enterprise = Enterprise.objects.select_related("district").get(pk=registered.enterprise_id)
    assert list(enterprise.registrations.all()) == [application]
    assert (enterprise.name_en, enterprise.name_bn) == ("Rahima Handicrafts", "রহিমা হস্তশিল্প")
    assert (enterprise.kind, enterprise.isic_section, enterprise.isic_division) == (
        "manufacturing",
        "C",
        "13",
    )
    assert (enterprise.product, enterprise.product_bn) == ("Nakshi kantha", "")
    assert enterprise.location.equals_exact(DHAKA_POINT, 1e-9)
    assert enterprise.address == "House 12, Road 3, Mirpur, Dhaka"
    # Fixed assets are machinery and other fixed assets; land and building are left out.
    assert enterprise.investment_bdt == 300_000 + 50_000
    assert (enterprise.workers_male, enterprise.workers_female, enterprise.workers_total) == (2, 5, 7)
    assert enterprise.year_established == 2019
    assert enterprise.registration_no == first_number()
    assert enterprise.is_family_based is True
    # Classified and located by industries.services.enterprise_save, as every enterprise.
    expected_size = classify_size(
        "manufacturing", 350_000, 7, policy=enterprise.size_policy, family_based=True
    )
    assert enterprise.size_class == expected_size and enterprise.size_class
    assert enterprise.district.code == "26" and enterprise.upazila_id == application.upazila_id
    assert enterprise.stated_district_id == application.stated_district_id
    assert enterprise.stated_upazila_id == application.stated_upazila_id
    assert not enterprise.district_mismatch
    # The owner, as personal data of the enterprise (hidden from the public by the API).
    assert (enterprise.owner_name, enterprise.owner_phone, enterprise.owner_nid) == (
        "Rahima Begum",
        "+8801711000001",
        "1234567890",
    )
    # The history version says which application it came from.
    events = EnterpriseEvent.objects.filter(pgh_obj_id=enterprise.pk).select_related("pgh_context")
    assert {e.pgh_context.metadata.get("registration") for e in events} == {application.tracking_no}
    assert registered.transitions.last().action == "register"


def test_an_existing_enterprise_with_the_number_is_linked_and_updated(paid, approving_officer):
    existing = EnterpriseFactory(
        name_en="Old Name Works",
        name_bn="",
        registration_no=first_number(),
        location=GAZIPUR_POINT,
        workers_male=1,
        workers_female=0,
        workers_total=1,
        owner_name="Someone Else",
    )
    application = paid()
    registered = application_register(application_id=application.pk, user=approving_officer.user)

    assert registered.enterprise_id == existing.pk and registered.enterprise_created is False
    assert Enterprise.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name_en == "Rahima Handicrafts" and existing.workers_total == 7
    assert existing.location.equals_exact(DHAKA_POINT, 1e-9) and existing.district.code == "26"
    assert existing.owner_name == "Rahima Begum"
    assert list(existing.registrations.all()) == [application]


def test_the_same_name_within_50_m_is_linked_and_keeps_what_the_application_leaves_empty(
    paid, approving_officer
):
    nearby = north_of(DHAKA_POINT, 40)
    existing = EnterpriseFactory(
        name_en="RAHIMA  handicrafts.", name_bn="", location=nearby, product="", isic_division="14"
    )
    other = EnterpriseFactory(name_en="Another Works", location=DHAKA_POINT)
    existing.full_clean()  # the name keys, as every saved enterprise has them
    existing.save()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_DistanceSphere(%s::geometry, location) FROM industries_enterprise WHERE id = %s",
            [DHAKA_POINT.ewkt, existing.pk],
        )
        assert 39 < cursor.fetchone()[0] < 41

    application = paid(isic_division="")
    registered = application_register(application_id=application.pk, user=approving_officer.user)

    assert registered.enterprise_id == existing.pk and registered.enterprise_created is False
    existing.refresh_from_db()
    assert existing.registration_no == registered.registration_no
    assert existing.name_en == "Rahima Handicrafts" and existing.product == "Nakshi kantha"
    assert existing.isic_division == "14"  # the application left it empty: the stored one stays
    assert Enterprise.objects.count() == 2 and Enterprise.objects.get(pk=other.pk).registration_no is None


def test_products_written_in_bangla_go_to_the_bangla_product(paid, approving_officer):
    registered = application_register(application_id=paid(products="নকশি কাঁথা").pk, user=approving_officer.user)
    enterprise = Enterprise.objects.get(pk=registered.enterprise_id)
    assert (enterprise.product, enterprise.product_bn) == ("", "নকশি কাঁথা")


def test_a_bangla_product_keeps_the_stored_english_one(paid, approving_officer):
    existing = EnterpriseFactory(
        name_en="Rahima Handicrafts", name_bn="", location=DHAKA_POINT, product="Nakshi kantha"
    )
    existing.full_clean()  # the name keys, as every saved enterprise has them
    existing.save()
    registered = application_register(application_id=paid(products="নকশি কাঁথা").pk, user=approving_officer.user)
    assert registered.enterprise_id == existing.pk
    existing.refresh_from_db()
    assert (existing.product, existing.product_bn) == ("Nakshi kantha", "নকশি কাঁথা")


def test_the_same_name_60_m_away_is_another_enterprise(paid, approving_officer):
    existing = EnterpriseFactory(name_en="Rahima Handicrafts", location=north_of(DHAKA_POINT, 60))
    existing.full_clean()
    existing.save()
    application = paid()
    registered = application_register(application_id=application.pk, user=approving_officer.user)
    assert registered.enterprise_created is True and registered.enterprise_id != existing.pk
    assert Enterprise.objects.count() == 2


def test_the_same_name_nearby_with_another_registration_number_is_another_enterprise(paid, approving_officer):
    existing = EnterpriseFactory(
        name_en="Rahima Handicrafts", location=north_of(DHAKA_POINT, 10), registration_no="DHK-1999-77"
    )
    existing.full_clean()
    existing.save()
    registered = application_register(application_id=paid().pk, user=approving_officer.user)
    assert registered.enterprise_created is True and registered.enterprise_id != existing.pk


def test_a_deleted_enterprise_that_matches_is_restored(paid, approving_officer):
    existing = EnterpriseFactory(name_en="Rahima Handicrafts", location=DHAKA_POINT, deleted=timezone.now())
    existing.full_clean()
    existing.save()
    registered = application_register(application_id=paid().pk, user=approving_officer.user)
    existing.refresh_from_db()
    assert registered.enterprise_id == existing.pk and existing.deleted is None


def test_only_the_approving_officer_of_the_office_registers_a_paid_application(
    applicant, paid, extension_officer, approving_officer, gazipur_officer
):
    application = paid()
    with pytest.raises(NotAllowed):
        application_register(application_id=application.pk, user=extension_officer.user)
    with pytest.raises(ApplicationNotFound):
        application_register(application_id=application.pk, user=gazipur_officer.user)
    draft = complete_application(applicant, tracking_no="BR-20261201-999999")
    with pytest.raises(MoveNotPossible):
        application_register(application_id=draft.pk, user=approving_officer.user)
    assert Enterprise.objects.count() == 0
    registered = application_register(application_id=application.pk, user=approving_officer.user)
    assert registered.registration_no == first_number()  # the refused attempts took no number


def test_a_refused_enterprise_leaves_the_application_paid_and_takes_no_number(paid, approving_officer):
    application = paid(year_started=1700)  # outside the enterprise's plausible years
    with translation.override("bn"), pytest.raises(EnterpriseNotSaved) as refused:  # a Bangla page
        application_register(application_id=application.pk, user=approving_officer.user)
    assert "between 1800 and 2100" in refused.value.message
    assert "১৮০০ থেকে ২১০০" in refused.value.message_bangla
    application.refresh_from_db()
    assert application.state == State.PAID and application.registration_no is None
    assert Enterprise.objects.count() == 0

    Application.objects.filter(pk=application.pk).update(year_started=2019)
    registered = application_register(application_id=application.pk, user=approving_officer.user)
    assert registered.registration_no == first_number()


# --- on the map at once ----------------------------------------------------------------------------------


def tile_of(point, z: int) -> tuple[int, int, int]:
    n = 2**z
    x = math.floor((point.x + 180) / 360 * n)
    y = math.floor((1 - math.asinh(math.tan(math.radians(point.y))) / math.pi) / 2 * n)
    return z, x, y


def tile_url(point, z: int = 14) -> str:
    return "/tiles/enterprises/{}/{}/{}.pbf".format(*tile_of(point, z))


def drawn_ids(response) -> set[int]:
    assert response.status_code == 200
    layer = mapbox_vector_tile.decode(response.content).get("enterprises", {"features": []})
    return {feature["id"] for feature in layer["features"]}


def workers_in_stats(client) -> int:
    """Dhaka's workers in /api/v1/stats/, as staff (who see groups too small for the public)."""
    response = client.get("/api/v1/stats/", {"district": "26"})
    assert response.status_code == 200
    return json.loads(response.content)["total"]["workers_total"]


def test_a_new_enterprise_is_in_the_api_and_its_tile_at_once(
    client, paid, approving_officer, django_capture_on_commit_callbacks
):
    application = paid()
    before = client.get(tile_url(DHAKA_POINT))
    assert drawn_ids(before) == set()

    with django_capture_on_commit_callbacks(execute=True):
        registered = application_register(application_id=application.pk, user=approving_officer.user)

    listed = json.loads(client.get("/api/v1/enterprises/", {"registered": "true"}).content)
    (feature,) = listed["features"]
    assert feature["id"] == registered.enterprise_id
    assert feature["properties"]["registration_no"] == registered.registration_no
    assert "owner_name" not in feature["properties"] and "owner_nid" not in feature["properties"]
    after = client.get(tile_url(DHAKA_POINT))
    assert drawn_ids(after) == {registered.enterprise_id}
    assert after["ETag"] != before["ETag"]


def test_a_linked_enterprises_tile_gets_a_new_etag(
    client, paid, approving_officer, django_capture_on_commit_callbacks, settings
):
    """No new row (max(id) stays) and PostgreSQL's counters see nothing inside the test's transaction: only
    the data version that registering moves on changes the ETag, and the statistics' cache key."""
    settings.API_STATS_CACHE_SECONDS = 3600
    existing = EnterpriseFactory(name_en="Rahima Handicrafts", location=DHAKA_POINT)
    existing.full_clean()
    existing.save()
    locate_enterprises(ids=[existing.pk])
    client.force_login(get_user_model().objects.create_user("statistician", is_staff=True))
    application = paid()
    before = client.get(tile_url(DHAKA_POINT))
    assert drawn_ids(before) == {existing.pk}
    assert client.get(tile_url(DHAKA_POINT))["ETag"] == before["ETag"]
    assert workers_in_stats(client) == 5  # and now kept in the statistics cache

    with django_capture_on_commit_callbacks(execute=True):
        application_register(application_id=application.pk, user=approving_officer.user)

    after = client.get(tile_url(DHAKA_POINT))
    assert drawn_ids(after) == {existing.pk}
    assert after["ETag"] != before["ETag"]
    assert workers_in_stats(client) == 7  # the statistics follow the data version too
