"""Every writer of enterprises moves the data version on after its commit, in the same way (tiles, their
ETags and statistics of the old data stop being served at once), and every writer of one enterprise obeys
the model's rules: the admin, like the API and the importer, refuses a location in no upazila."""

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

from industries.data_version import VERSION_KEY
from industries.models import Enterprise
from industries.services import enterprise_delete, enterprise_save, enterprises_restore
from industries.synthetic import synthetic_enterprises_create
from surveys.models import SurveyRound
from surveys.services import import_batch_create, import_batch_run
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

AT_SEA = Point(90.8, 21.0, srid=4326)  # in Bangladesh's extent, in no upazila
SURVEY = "name_en,latitude,longitude\nKaratoya Handloom,24.8465,89.3697\n"


def imported(*, dry_run: bool = False) -> None:
    batch = import_batch_create(
        survey_round=SurveyRound.objects.create(name="Pilot"),
        file=ContentFile(SURVEY.encode(), name="pilot.csv"),
        dry_run=dry_run,
    )
    import_batch_run(batch=batch)


def deleted_then_restored() -> None:
    enterprise = EnterpriseFactory()
    enterprise_delete(enterprise=enterprise)
    enterprises_restore(enterprises=Enterprise.objects.filter(pk=enterprise.pk))


WRITERS = {
    "save (admin, API, e-Registration)": lambda: enterprise_save(enterprise=EnterpriseFactory.build()),
    "delete": lambda: enterprise_delete(enterprise=EnterpriseFactory()),
    "restore": deleted_then_restored,
    "import": imported,
    "generator": lambda: synthetic_enterprises_create(count=3, seed=1, policy="NIP2022"),
}


def moves(write, capture) -> int:
    """How many times ``write`` moves the data version on, once its transaction commits."""
    cache.set(VERSION_KEY, 0, timeout=None)
    with capture(execute=False) as callbacks:
        write()
    assert cache.get(VERSION_KEY) == 0  # not before the commit
    for callback in callbacks:
        callback()
    return cache.get(VERSION_KEY)


@pytest.mark.parametrize("writer", WRITERS)
def test_every_writer_moves_the_data_version_on_after_its_commit(writer, django_capture_on_commit_callbacks):
    assert moves(WRITERS[writer], django_capture_on_commit_callbacks) >= 1


def test_a_dry_run_import_moves_nothing(django_capture_on_commit_callbacks):
    assert moves(lambda: imported(dry_run=True), django_capture_on_commit_callbacks) == 0
    assert not Enterprise.objects.exists()


def test_the_save_refuses_a_location_in_no_upazila():
    with pytest.raises(ValidationError) as refused:
        enterprise_save(enterprise=EnterpriseFactory.build(location=AT_SEA))
    assert refused.value.error_dict["location"][0].code == "outside_upazilas"
    assert not Enterprise.objects.exists()


def test_the_admin_refuses_a_location_in_no_upazila(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("staff", "staff@example.invalid", "pw"))
    response = client.post(
        reverse("admin:industries_enterprise_add"),
        {
            "name_en": "Offshore Works",
            "status": "active",
            "kind": "manufacturing",
            "location": AT_SEA.geojson,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "in no Bangladeshi upazila" in response.content.decode()
    assert not Enterprise.objects.exists()
