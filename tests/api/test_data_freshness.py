"""industries.freshness.data_as_of: the day of the newest data and the survey rounds it came from, cached
under the data version; and the same in the statistics' JSON."""

import datetime as dt
import hashlib
import json

import pytest
from django.utils import timezone

from industries.data_version import data_version_bump
from industries.freshness import MAX_SOURCES, data_as_of
from surveys.models import ImportBatch, SurveyRound
from tests.conftest import BOGURA_TOWN
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def imported(name: str, finished: dt.datetime, **fields) -> ImportBatch:
    survey_round, _ = SurveyRound.objects.get_or_create(name=name)
    return ImportBatch.objects.create(
        survey_round=survey_round,
        file="imports/x.csv",
        file_name=f"{name}.csv",
        sha256=hashlib.sha256(f"{name} {finished}".encode()).hexdigest(),
        status=fields.pop("status", ImportBatch.Status.SUCCEEDED),
        finished=finished,
        **fields,
    )


def test_an_empty_database_has_no_date_and_no_sources():
    assert data_as_of() == {"as_of": None, "sources": [], "synthetic": False}


def test_the_date_is_the_newest_row_or_import_and_the_sources_newest_first():
    now = timezone.now()
    EnterpriseFactory(location=BOGURA_TOWN, is_synthetic=True)
    imported("Rajshahi pilot 2016-17", now - dt.timedelta(days=400))
    imported("Dhaka census 2024", now - dt.timedelta(days=30))
    imported("Rajshahi pilot 2016-17", now - dt.timedelta(days=500))  # an older import of that round
    imported("A dry run", now, dry_run=True)
    imported("A failed import", now, status=ImportBatch.Status.FAILED)
    answer = data_as_of()
    assert answer["as_of"] == timezone.localdate().isoformat()  # the enterprise row made just now
    assert answer["sources"] == ["Dhaka census 2024", "Rajshahi pilot 2016-17"]
    assert answer["synthetic"] is True


def test_an_import_later_than_every_row_dates_the_data():
    EnterpriseFactory(location=BOGURA_TOWN)
    later = timezone.now() + dt.timedelta(days=3)  # a batch finishing after the newest row was written
    imported("Khulna survey 2026", later)
    assert data_as_of()["as_of"] == timezone.localdate(later).isoformat()


def test_at_most_five_sources():
    now = timezone.now()
    for days in range(MAX_SOURCES + 3):
        imported(f"Round {days}", now - dt.timedelta(days=days))
    assert data_as_of()["sources"] == [f"Round {days}" for days in range(MAX_SOURCES)]


def test_the_answer_is_kept_until_the_data_version_moves(django_assert_num_queries):
    imported("Rajshahi pilot 2016-17", timezone.now())
    first = data_as_of()
    with django_assert_num_queries(1):  # the data version only
        assert data_as_of() == first
    imported("Dhaka census 2024", timezone.now() + dt.timedelta(seconds=1))
    assert data_as_of() == first  # a batch that changed no enterprise leaves the version
    data_version_bump()
    assert data_as_of()["sources"][0] == "Dhaka census 2024"


def test_the_statistics_say_how_recent_their_data_is(client):
    imported("Rajshahi pilot 2016-17", timezone.now())
    EnterpriseFactory(location=BOGURA_TOWN)
    data = json.loads(client.get("/api/v1/stats/").content)
    assert data["data_as_of"] == timezone.localdate().isoformat()
    assert data["sources"] == ["Rajshahi pilot 2016-17"]
