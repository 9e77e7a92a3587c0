import pytest
from django.contrib.gis.geos import Point

from industries.locate import locate_enterprises
from industries.models import Enterprise
from industries.services import enterprise_save
from tests.conftest import BAY_OF_BENGAL, BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import EnterpriseFactory

BANDARBAN_TOWN = Point(92.22, 22.19, srid=4326)

pytestmark = pytest.mark.django_db


def test_a_point_in_bogura_resolves_to_bogura_in_rajshahi_division(bogura, bogura_sadar):
    enterprise = enterprise_save(
        enterprise=EnterpriseFactory.build(location=BOGURA_TOWN, stated_district=bogura)
    )

    assert enterprise.district == bogura
    assert enterprise.division.name_en == "Rajshahi"
    assert enterprise.upazila == bogura_sadar
    assert enterprise.district_mismatch is False


def test_a_point_in_naogaon_that_claims_bogura_is_flagged(bogura, naogaon):
    enterprise = enterprise_save(
        enterprise=EnterpriseFactory.build(location=NAOGAON_TOWN, stated_district=bogura)
    )

    assert enterprise.district == naogaon  # derived from the location, not from the claim
    assert enterprise.stated_district == bogura
    assert enterprise.district_mismatch is True


def test_a_point_at_sea_gets_no_area_and_a_stated_district_is_a_mismatch(bogura):
    # Written as a bulk path writes (enterprise_save refuses it: tests/industries/test_enterprise_writers.py).
    enterprise = EnterpriseFactory(location=BAY_OF_BENGAL, stated_district=bogura)
    locate_enterprises(ids=[enterprise.pk])
    enterprise.refresh_from_db()

    assert (enterprise.division, enterprise.district, enterprise.upazila) == (None, None, None)
    assert enterprise.district_mismatch is True


def test_moving_an_enterprise_relocates_it_and_clears_the_flag(bogura, naogaon):
    enterprise = enterprise_save(
        enterprise=EnterpriseFactory.build(location=NAOGAON_TOWN, stated_district=bogura)
    )
    enterprise.location = BOGURA_TOWN
    enterprise = enterprise_save(enterprise=enterprise)
    assert (enterprise.district, enterprise.district_mismatch) == (bogura, False)


def test_bulk_locate_assigns_every_row_and_a_second_run_changes_nothing(bogura, naogaon):
    EnterpriseFactory.create_batch(3, location=BOGURA_TOWN)
    EnterpriseFactory.create_batch(2, location=NAOGAON_TOWN, stated_district=bogura)
    EnterpriseFactory(location=BANDARBAN_TOWN)

    assert locate_enterprises() == 6
    assert Enterprise.objects.filter(district=bogura).count() == 3
    assert Enterprise.objects.filter(district=naogaon, district_mismatch=True).count() == 2
    assert Enterprise.objects.get(location=BANDARBAN_TOWN).district.name_en == "Bandarban"
    assert locate_enterprises() == 0
