import pytest
from django.db import connection

from industries.models import District, Division, Enterprise, Upazila, UpazilaPiece
from industries.services import admin_geography_is_loaded, admin_geography_load

pytestmark = pytest.mark.django_db


def test_counts_are_those_of_the_bbs_geography():
    assert Division.objects.count() == 8
    assert District.objects.count() == 64
    assert Upazila.objects.count() == 507
    assert Upazila.objects.filter(unit_type=Upazila.UnitType.CITY_CORPORATION).count() == 12
    assert admin_geography_is_loaded()


def test_codes_names_and_parents_are_the_real_ones():
    rajshahi = Division.objects.get(code="50")
    assert (rajshahi.name_en, rajshahi.name_bn) == ("Rajshahi", "রাজশাহী")
    assert sorted(rajshahi.districts.values_list("name_en", flat=True)) == [
        "Bogura",
        "Chapainababganj",
        "Joypurhat",
        "Naogaon",
        "Natore",
        "Pabna",
        "Rajshahi",
        "Sirajganj",
    ]
    bogura = District.objects.get(code="10")
    assert (bogura.name_en, bogura.geocode, bogura.division.code) == ("Bogura", "5010", "50")
    assert "Bogra" in bogura.aliases
    assert District.objects.get(code="26").name_en == "Dhaka"
    sadar = Upazila.objects.get(geocode_legacy="501020")
    assert sadar.name_en == "Bogura Sadar" and sadar.district == bogura


def test_every_upazila_is_subdivided_into_small_pieces():
    assert UpazilaPiece.objects.values("upazila").distinct().count() == 507
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(ST_NPoints(geom)) FROM industries_upazilapiece")
        assert cursor.fetchone()[0] <= 256


def test_detailed_geometry_is_kept_and_simplified_geometry_is_lighter():
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(ST_NPoints(geom)), sum(ST_NPoints(geom_simple)) FROM industries_upazila")
        detailed, simple = cursor.fetchone()
    assert detailed > 1_000_000 and simple < detailed / 3


def test_reloading_is_idempotent_and_keeps_enterprises_attached(bogura, django_capture_on_commit_callbacks):
    from industries.data_version import boundaries_version
    from tests.factories import EnterpriseFactory

    enterprise = EnterpriseFactory()
    ids_before = dict(District.objects.values_list("geocode", "id"))
    version = boundaries_version()

    with django_capture_on_commit_callbacks(execute=True):
        counts = admin_geography_load()

    assert boundaries_version() != version  # cached answers of the boundary endpoints are not served again

    assert counts["division"] == 8 and counts["district"] == 64 and counts["upazila"] == 507
    assert dict(District.objects.values_list("geocode", "id")) == ids_before
    assert Enterprise.objects.get(pk=enterprise.pk).district == bogura  # located again by the reload
