"""Django's Redis cache, with one ``redis.Redis`` client per server instead of a new one for every call.

Django's ``RedisCacheClient.get_client`` makes a ``redis.Redis`` for each cache operation; the connections
come from a pool it keeps, but each new client fills its table of ~170 response callbacks again. A profile of
a vector tile at 1M rows (issue 14) found that most of the cost of the tile's two cache round trips (the data
version and the rate limit). A ``redis.Redis`` is safe to share between threads (each command takes a
connection from the pool), and the pool is Django's own, kept per server as before."""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_pool(index))
        return client

    def _get_pool(self, index):
        # Django's _get_connection_pool(write) picks the index itself (at random among replicas for reads):
        # the pool of the index chosen above.
        if index not in self._pools:
            self._pools[index] = self._pool_class.from_url(self._servers[index], **self._pool_options)
        return self._pools[index]


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
