"""Rate limits that hold: a client cannot pick its bucket with X-Forwarded-For, and two server processes
count in one shared cache (PostgreSQL's by default, Redis when configured), not each its own."""

import random
import uuid

import pytest

from tests.conftest import redis_reachable

from .conftest import get

pytestmark = pytest.mark.django_db  # the test database, see conftest.py

LIST = "/api/v1/divisions/?geometry=false"
RATE = {"GEODB_API_ANON_RATE": "5/minute"}


def random_address() -> str:
    return ".".join(str(random.randint(1, 254)) for _ in range(4))


def test_a_new_x_forwarded_for_on_each_request_does_not_reset_the_limit(start_server):
    server = start_server(RATE)
    answers = [get(server.url + LIST, {"X-Forwarded-For": random_address()}) for _ in range(7)]
    assert [a.status for a in answers] == [200] * 5 + [429] * 2
    assert int(answers[-1].headers["retry-after"]) > 0


def test_behind_one_proxy_the_address_it_appends_is_the_client(start_server):
    """GEODB_NUM_PROXIES=1 (nginx): the last address of X-Forwarded-For is the client's; what the client
    put before it counts for nothing."""
    server = start_server({**RATE, "GEODB_NUM_PROXIES": "1"})
    one = [get(server.url + LIST, {"X-Forwarded-For": f"{random_address()}, 203.0.113.7"}) for _ in range(6)]
    assert [a.status for a in one] == [200] * 5 + [429]
    other = get(server.url + LIST, {"X-Forwarded-For": "203.0.113.8"})
    assert other.status == 200


def alternate(servers, count: int) -> list[int]:
    return [get(servers[n % len(servers)].url + LIST).status for n in range(count)]


def test_two_server_processes_share_one_limit(start_server):
    servers = [start_server(RATE), start_server(RATE)]
    assert alternate(servers, 8) == [200] * 5 + [429] * 3


@pytest.mark.skipif(not redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_two_server_processes_share_one_limit_in_redis(start_server):
    import redis

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    env = {**RATE, "GEODB_REDIS_URL": "redis://127.0.0.1:6379/0", "GEODB_CACHE_KEY_PREFIX": prefix}
    servers = [start_server(env), start_server(env)]
    try:
        assert alternate(servers, 8) == [200] * 5 + [429] * 3
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        assert client.keys(f"{prefix}:*"), "the limit was not counted in Redis"
    finally:
        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def test_the_tiles_data_version_is_shared_by_the_processes(start_server):
    """One process's invalidation (tiles_invalidate, after a write) changes the ETag the other serves."""
    servers = [start_server(), start_server()]
    tile = "/tiles/enterprises/7/95/54.pbf"
    etags = {get(s.url + tile).headers["etag"] for s in servers}
    assert len(etags) == 1, "two processes give one tile two versions"
