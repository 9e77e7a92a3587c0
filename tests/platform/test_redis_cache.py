"""The Redis cache backend of GEODB_REDIS_URL (geodb.cache.RedisCache): Django's, but one redis.Redis client
for all calls instead of a new one each (most of a vector tile's two cache round trips, issue 14)."""

import os
import subprocess
import sys
import uuid

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import caches

from tests.conftest import redis_reachable

pytestmark = pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "geodb.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
        }
    }
    yield caches["default"]
    client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_cache_calls_share_one_client_and_work_as_djangos(redis_cache, monkeypatch):
    made = []
    original = redis.Redis.__init__

    def counted(self, *args, **kwargs):
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "__init__", counted)
    redis_cache.set("a", {"x": 1}, 30)
    assert redis_cache.add("n", 1, 30) and not redis_cache.add("n", 5, 30)
    assert redis_cache.incr("n") == 2
    assert redis_cache.get("a") == {"x": 1} and redis_cache.get("n") == 2
    assert redis_cache.get_many(["a", "n", "missing"]) == {"a": {"x": 1}, "n": 2}
    redis_cache.delete("a")
    assert redis_cache.get("a") is None
    assert len(made) == 1, f"{len(made)} redis.Redis clients made for 8 cache calls"


def test_the_settings_use_it_with_a_redis_url():
    """GEODB_REDIS_URL selects this backend (geodb/settings/base.py)."""
    env = {**os.environ, "GEODB_REDIS_URL": "redis://127.0.0.1:6379/0"}
    code = "import geodb.settings.base as base; print(base.CACHES['default']['BACKEND'])"
    command = [sys.executable, "-c", code]
    run = subprocess.run(command, env=env, cwd=django_settings.BASE_DIR, capture_output=True)
    assert run.stdout.decode().strip() == "geodb.cache.RedisCache", run.stderr.decode()[-2000:]
