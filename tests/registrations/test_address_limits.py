"""The per-address counter keeps its window on the database cache (the default without Redis)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import RequestFactory, override_settings
from django.utils import timezone

from registrations.address_limits import AddressCounter

DATABASE_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "geodb_cache"}
}


@pytest.mark.django_db
def test_a_count_per_hour_lasts_the_hour_on_the_database_cache():
    with override_settings(CACHES=DATABASE_CACHE):
        caches["default"].clear()
        request = RequestFactory().get("/verify/x/", REMOTE_ADDR="203.0.113.9")
        counter = AddressCounter("test-window", 3600)
        assert [counter.count(request) for _ in range(3)] == [1, 2, 3]
        assert counter.reached(request, 3) and not counter.reached(request, 4)
        with connection.cursor() as cursor:
            cursor.execute("SELECT expires FROM geodb_cache WHERE cache_key LIKE %s", ["%test-window%"])
            (expires,) = cursor.fetchone()
        # Before the fix the third count's incr wrote it back with the default 5 minutes.
        window_left = 3600 - timezone.now().timestamp() % 3600
        assert (expires - timezone.now()).total_seconds() > min(300, window_left - 5)
