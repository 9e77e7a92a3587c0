"""Merging two records of one enterprise: one kept with the registrations, batches and fields of both, the
other a redirect; undone exactly; refused when it makes no sense."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile

from industries.bangla import name_key
from industries.models import Enterprise
from quality.models import EnterpriseMerge
from quality.services import MergeRefused, enterprises_merge, merge_undo
from registrations.services.configuration import configuration_load_defaults
from registrations.services.offices import PILOT_DISTRICT_CODES, offices_create_from_geography, offices_open
from registrations.services.register import enterprise_from_application
from surveys.models import EnterpriseChange, SurveyRound
from surveys.services import import_batch_create, import_batch_run
from tests.conftest import BOGURA_TOWN
from tests.factories import located_enterprises
from tests.registrations.conftest import DHAKA_POINT, complete_application, make_applicant

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(django_user_model):
    user = django_user_model.objects.create_user("merger", password="pw-long-enough-1", is_staff=True)
    for codename in ("view_qualityflag", "add_enterprisemerge", "view_enterprise_history"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def pair(settings, tmp_path):
    """The same looms twice: once from a survey (with an address), once from e-Registration (with a
    number and a registration)."""
    settings.REGISTRATION_FILES_ROOT = tmp_path / "registrations"
    survey = SurveyRound.objects.create(name="Bogura survey 2025")
    batch = import_batch_create(
        survey_round=survey,
        file=ContentFile(
            b"name_en,address,latitude,longitude\nKaratoya Looms,Satmatha Bogura,24.8465,89.3697\n",
            name="s.csv",
        ),
    )
    import_batch_run(batch=batch)
    surveyed = Enterprise.objects.get(name_en="Karatoya Looms")
    (registered,) = located_enterprises(
        [DHAKA_POINT],
        name_en="Karatoya Loom",
        name_en_key=name_key("Karatoya Loom"),
        registration_no="BSCIC-1",
    )
    offices_create_from_geography()
    offices_open(district_codes=PILOT_DISTRICT_CODES)
    configuration_load_defaults()
    application = complete_application(make_applicant(), enterprise=registered, registration_no="BSCIC-1")
    return {"kept": registered, "merged": surveyed, "application": application, "survey": survey}


def test_the_kept_enterprise_takes_the_registrations_batches_and_missing_fields(client, staff, pair):
    kept, merged = pair["kept"], pair["merged"]
    merge = enterprises_merge(kept_id=kept.pk, merged_id=merged.pk, user=staff)
    kept.refresh_from_db()
    merged = Enterprise._base_manager.get(pk=merged.pk)
    assert kept.address == "Satmatha Bogura"  # it had none
    assert kept.name_en == "Karatoya Loom"  # it had one: kept
    assert (merged.deleted is not None, merged.merged_into_id) == (True, kept.pk)
    assert pair["application"].__class__.objects.get(pk=pair["application"].pk).enterprise_id == kept.pk
    assert EnterpriseChange.objects.filter(enterprise=kept, batch__survey_round=pair["survey"]).exists()
    # The survey filter now finds the kept one; the duplicate has left every list.
    found = json.loads(client.get("/api/v1/enterprises/", {"survey": pair["survey"].name}).content)
    assert [f["id"] for f in found["features"]] == [kept.pk]
    assert merge.moved["filled"] == {"address": ""}


def test_the_merged_one_redirects_and_both_histories_show_the_merge(client, staff, pair):
    kept, merged = pair["kept"], pair["merged"]
    enterprises_merge(kept_id=kept.pk, merged_id=merged.pk, user=staff)
    response = client.get(f"/api/v1/enterprises/{merged.pk}/?lang=en")
    assert response.status_code == 302 and response["Location"].endswith(
        f"/api/v1/enterprises/{kept.pk}/?lang=en"
    )
    client.force_login(staff)
    history = json.loads(client.get(f"/api/v1/enterprises/{merged.pk}/history/").content)
    assert history["deleted"] and history["merges"][0]["kept"] == kept.pk
    merged_version = history["versions"][-1]
    assert merged_version["action"] == "merged" and merged_version["changes"]["merged_into"] == [
        None,
        kept.pk,
    ]
    kept_history = json.loads(client.get(f"/api/v1/enterprises/{kept.pk}/history/").content)
    assert kept_history["merges"][0]["merged"] == merged.pk
    # The history of both records: the duplicate's own versions, from its import on.
    (record,) = kept_history["merged_records"]
    assert record["id"] == merged.pk and record["versions"][0]["batch"] is not None


def test_undoing_a_merge_brings_both_back_as_they_were(client, staff, pair):
    kept, merged, application = pair["kept"], pair["merged"], pair["application"]
    merge = enterprises_merge(kept_id=kept.pk, merged_id=merged.pk, user=staff)
    merge_undo(merge=merge, user=staff)
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert (merged.deleted, merged.merged_into_id) == (None, None)
    assert kept.address == "" and merged.address == "Satmatha Bogura"
    assert application.__class__.objects.get(pk=application.pk).enterprise_id == kept.pk  # it was kept's
    assert EnterpriseChange.objects.filter(enterprise=merged, batch__survey_round=pair["survey"]).exists()
    assert not EnterpriseChange.objects.filter(enterprise=kept).exists()
    assert client.get(f"/api/v1/enterprises/{merged.pk}/").status_code == 200
    assert EnterpriseMerge.objects.get().undone_by == staff
    client.force_login(staff)
    history = json.loads(client.get(f"/api/v1/enterprises/{merged.pk}/history/").content)
    assert [v["action"] for v in history["versions"]][-2:] == ["merged", "merge undone"]
    with pytest.raises(MergeRefused):
        merge_undo(merge=merge, user=staff)


def test_a_registration_number_moves_to_the_kept_one_and_back(staff):
    (kept,) = located_enterprises([BOGURA_TOWN])
    (merged,) = located_enterprises([BOGURA_TOWN], registration_no="BSCIC-9")
    merge = enterprises_merge(kept_id=kept.pk, merged_id=merged.pk, user=staff)
    kept.refresh_from_db()
    assert kept.registration_no == "BSCIC-9"
    assert Enterprise._base_manager.get(pk=merged.pk).registration_no is None
    merge_undo(merge=merge, user=staff)
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert (kept.registration_no, merged.registration_no) == (None, "BSCIC-9")


def test_merges_that_make_no_sense_are_refused_in_both_languages(staff):
    a, b, c = located_enterprises([BOGURA_TOWN] * 3)
    with pytest.raises(MergeRefused) as same:
        enterprises_merge(kept_id=a.pk, merged_id=a.pk, user=staff)
    assert "same" in same.value.message and "একই" in same.value.message_bangla
    enterprises_merge(kept_id=a.pk, merged_id=b.pk, user=staff)
    with pytest.raises(MergeRefused):
        enterprises_merge(kept_id=c.pk, merged_id=b.pk, user=staff)  # b is merged already
    with pytest.raises(MergeRefused):
        enterprises_merge(kept_id=b.pk, merged_id=c.pk, user=staff)  # into a deleted one


def test_the_page_merges_a_pair_and_undoes_it(client, staff, settings):
    from quality.services import quality_run

    settings.QUALITY_DUPLICATE_METRES = 200
    a, b = (
        located_enterprises([BOGURA_TOWN], name_en=name, name_en_key=name_key(name))[0]
        for name in ("Rahim Textiles", "Rahim Textile")
    )
    quality_run()
    client.force_login(staff)
    page = client.get("/quality/", {"lang": "en"}).content.decode()
    assert f"Merge #{b.pk} into this one" in page
    client.post("/quality/merge/", {"kept": a.pk, "merged": b.pk, "back": "/quality/"})
    assert Enterprise._base_manager.get(pk=b.pk).merged_into_id == a.pk
    page = client.get("/quality/", {"lang": "en"}).content.decode()
    assert f"#{b.pk} merged into #{a.pk}" in page
    merge = EnterpriseMerge.objects.get()
    client.post(f"/quality/merge/{merge.pk}/undo/", {"back": "/quality/"})
    assert Enterprise.objects.get(pk=b.pk).deleted is None


def test_a_registration_that_names_a_merged_duplicate_is_the_one_kept_and_restores_nothing(
    staff, settings, tmp_path
):
    settings.REGISTRATION_FILES_ROOT = tmp_path / "registrations"
    kept, merged = (
        located_enterprises([DHAKA_POINT], name_en=name, name_en_key=name_key(name))[0]
        for name in ("Rahima Nakshi Kantha", "Rahima Handicrafts")
    )
    enterprises_merge(kept_id=kept.pk, merged_id=merged.pk, user=staff)
    offices_create_from_geography()
    offices_open(district_codes=PILOT_DISTRICT_CODES)
    configuration_load_defaults()
    application = complete_application(make_applicant())  # "Rahima Handicrafts", at the same place

    enterprise, created = enterprise_from_application(application=application, registration_no="BSCIC-7")

    assert (enterprise.pk, created) == (kept.pk, False)
    assert enterprise.registration_no == "BSCIC-7"
    merged = Enterprise._base_manager.get(pk=merged.pk)
    assert merged.deleted is not None and merged.merged_into_id == kept.pk  # not brought back
