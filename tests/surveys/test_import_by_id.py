"""Rule 0 of matching: a row that names an enterprise by its id (the data-quality sheet come back from the
field) updates that enterprise, however far its point moved or its name changed; a merged one's row goes
to the one kept; an id that is no number, or names nothing, falls through to the other rules."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from industries.bangla import name_key
from industries.models import Enterprise
from quality.services import enterprises_merge
from surveys.models import SurveyRound
from surveys.services import import_batch_create, import_batch_run
from tests.conftest import BOGURA_TOWN
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db


def imported(text: str):
    batch = import_batch_create(
        survey_round=SurveyRound.objects.get_or_create(name="Field check")[0],
        file=ContentFile(text.encode(), name="field.csv"),
    )
    return import_batch_run(batch=batch)


def stored(name: str) -> Enterprise:
    return located_enterprises([BOGURA_TOWN], name_en=name, name_en_key=name_key(name))[0]


def test_a_row_with_the_enterprise_id_updates_it_wherever_it_now_is():
    looms = stored("Karatoya Looms")
    # Renamed, and moved to Naogaon town, 40 km away: no other rule would find it.
    batch = imported(
        f"enterprise_id,name_en,latitude,longitude\n{looms.pk},Karatoya Weavers,24.8090,88.9318\n"
    )
    assert (batch.created_count, batch.updated_count) == (0, 1)
    looms.refresh_from_db()
    assert looms.name_en == "Karatoya Weavers" and looms.district.name_en == "Naogaon"
    assert Enterprise.objects.count() == 1


def test_a_row_of_a_merged_duplicate_goes_to_the_one_kept():
    kept, merged = stored("Karatoya Looms"), stored("Karatoya Loom")
    enterprises_merge(kept_id=kept.pk, merged_id=merged.pk, user=get_user_model().objects.create_user("s"))
    header = "enterprise_id,name_en,workers_total,latitude,longitude"
    batch = imported(f"{header}\n{merged.pk},Karatoya Loom,9,24.8465,89.3697\n")
    assert (batch.created_count, batch.updated_count) == (0, 1)
    kept.refresh_from_db()
    assert kept.workers_total == 9


def test_a_row_that_names_a_merged_duplicate_goes_to_the_one_kept_along_merges_of_merges():
    # Three records of one enterprise under three names; staff merged the first into the second, then the
    # second into the third. A survey row under the first name is the third's.
    first, second, third = stored("Padma Weavers"), stored("Karatoya Loom"), stored("Karatoya Looms")
    staff = get_user_model().objects.create_user("s")
    enterprises_merge(kept_id=second.pk, merged_id=first.pk, user=staff)
    enterprises_merge(kept_id=third.pk, merged_id=second.pk, user=staff)

    batch = imported("name_en,workers_total,latitude,longitude\nPadma Weavers,9,24.8465,89.3697\n")

    assert (batch.created_count, batch.updated_count) == (0, 1)
    third.refresh_from_db()
    assert third.workers_total == 9
    for merged in (first, second):
        merged = Enterprise._base_manager.get(pk=merged.pk)
        assert merged.deleted is not None and merged.workers_total != 9


def test_an_id_that_is_no_number_is_a_warning_and_the_name_matches_instead():
    looms = stored("Karatoya Looms")
    batch = imported(
        "enterprise_id,name_en,workers_total,latitude,longitude\nabc,Karatoya Looms,7,24.8465,89.3697\n"
    )
    assert (batch.created_count, batch.updated_count, batch.warning_count) == (0, 1, 1)
    looms.refresh_from_db()
    assert looms.workers_total == 7


def test_an_id_that_names_nothing_falls_through_to_the_other_rules():
    batch = imported("enterprise_id,name_en,latitude,longitude\n999999,Shapla Bakery,24.8465,89.3697\n")
    assert (batch.created_count, batch.updated_count) == (1, 0)
    assert Enterprise.objects.get().pk != 999999
