"""The data version that tiles, ETags and statistics are keyed on (industries.data_version): from a cache
every process shares, the counter alone, with no query of the enterprise table per tile; from a per-process
cache, or when the setting asks, the table's fingerprint too, which sees a write nobody bumped for."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from industries.data_version import data_version, data_version_bump
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

SHARED = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "geodb_cache",  # made by api/migrations/0001_cache_table.py
        "KEY_PREFIX": "test-data-version",
    }
}


def reads_of_the_table(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "industries_enterprise" in q["sql"]]


def test_from_a_shared_cache_the_version_is_the_counter_alone(settings):
    settings.CACHES = SHARED
    before = data_version()

    with CaptureQueriesContext(connection) as queries:
        again = data_version()
    data_version_bump()

    assert again == before and reads_of_the_table(queries) == []
    assert data_version() != before


def test_from_a_per_process_cache_a_write_without_a_bump_still_moves_it():
    before = data_version()  # tests run with LocMemCache

    EnterpriseFactory()  # saved by the model, not through a service: no bump

    assert data_version() != before


def test_the_setting_reads_the_fingerprint_from_a_shared_cache_too(settings):
    settings.CACHES = SHARED
    settings.DATA_VERSION_FINGERPRINT = True
    before = data_version()

    with CaptureQueriesContext(connection) as queries:
        data_version()
    EnterpriseFactory()

    assert reads_of_the_table(queries) != []
    assert data_version() != before
