"""Who a client is, and how much it may ask: rate limits of OGC clients, tiles and exports, and the number
of exports at once. Every scope's rate is set in settings (REST_FRAMEWORK's DEFAULT_THROTTLE_RATES).

A client is its address as the server sees it, or as the ``NUM_PROXIES`` trusted proxies in front say
(``GEODB_NUM_PROXIES``): never a header the client could set itself. Rate limits count in the shared
cache (settings ``CACHES``), so they hold across every process.

An export holds a database connection and a transaction while its client reads, so exports running at
once are capped too. Each running export holds PostgreSQL advisory locks, one of a few numbered slots per
address (or API key) and, if anonymous, one of the slots of all anonymous exports. PostgreSQL drops a
session's locks when its connection ends, so a worker that dies cannot keep a slot.
"""

import hashlib
import logging
from collections.abc import Callable, Iterable, Iterator

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.redis import RedisCache
from django.db import DatabaseError, connection
from rest_framework.exceptions import Throttled
from rest_framework.throttling import AnonRateThrottle, BaseThrottle, SimpleRateThrottle, UserRateThrottle

log = logging.getLogger(__name__)

# What a client is told to wait when every export slot it may use is taken: an export takes seconds to
# minutes.
EXPORT_RETRY_AFTER = 30


def client_ip(request) -> str:
    """The client's address, as the rate limits see it (also django-axes' ``AXES_CLIENT_IP_CALLABLE``)."""
    return BaseThrottle().get_ident(request)


class RetryAfterAlways:
    """DRF's ``wait()`` is None when the cache holds more requests than the rate allows, which happens when
    processes count at once (seen at 1M rows: 55 of 74 anonymous 429s of a load test, on slow exports).
    The wait is then until enough of the requests counted have left the window for one more, at least a
    second. (DRF keeps the history newest first.)"""

    def wait(self):
        wait = super().wait()
        if wait is not None:
            return wait
        if self.num_requests and len(self.history) >= self.num_requests:
            return max(self.duration - (self.now - self.history[self.num_requests - 1]), 1)
        return self.duration


class AddressRateThrottle(RetryAfterAlways, AnonRateThrottle):
    """Anonymous requests per address, at the ``anon`` rate (the REST API's default)."""


class OGCAnonRateThrottle(AddressRateThrottle):
    """GIS clients page in small steps (GDAL 3.6 asks for 10 features a request): counted apart."""

    scope = "ogc_anon"


class WindowRateThrottle(SimpleRateThrottle):
    """At most the rate's number of requests in each window of its period (a minute for ``N/minute``), the
    windows aligned to the clock: one counter in the cache per address and window, where DRF's throttle
    keeps the time of every request of the last period in one list, read and written back whole on each
    request (at 3,000 a minute, up to 3,000 floats each way). In Redis the count is one round trip (INCR
    and EXPIRE in a pipeline); other caches take a read and a write, as DRF's did. Up to twice the rate can
    pass around the turn of a window, which a limit against floods of requests can allow. Retry-After is
    the rest of the window. Ints are stored as they are by Django's Redis serializer, so the counter is a
    plain Redis integer."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        # The cache itself, not DRF's proxy of it: window_count looks at its backend.
        cache = caches[DEFAULT_CACHE_ALIAS]
        return window_count(cache, f"{key}:{window}", timeout=self.duration) <= self.num_requests

    def wait(self):
        return max(self.window_end - self.now, 1)


def window_count(cache, key: str, *, timeout: int) -> int:
    """Count one more in ``key`` of the cache backend ``cache`` (made if missing, to expire after
    ``timeout`` seconds); the new count."""
    if isinstance(cache, RedisCache):
        key = cache.make_and_validate_key(key)
        pipeline = cache._cache.get_client(key, write=True).pipeline(transaction=False)
        pipeline.incr(key)
        pipeline.expire(key, timeout)  # the window's own key: pushing its expiry on keeps it no longer
        count, _ = pipeline.execute()
        return count
    # Elsewhere a read and a write, as DRF's throttle does (BaseCache.incr, which the database cache uses,
    # would write the count back with the default timeout, not the window's).
    count = cache.get(key, 0) + 1
    cache.set(key, count, timeout)
    return count


class TileAnonRateThrottle(WindowRateThrottle, AnonRateThrottle):
    """A map asks for 20–40 tiles a view, as a GIS client pages: counted apart, by window (the cheapest
    count: a tile's SQL at district zoom takes ~15 ms, DRF's throttle took 1–2.5 ms of it)."""

    scope = "tiles_anon"


class ExportAnonRateThrottle(AddressRateThrottle):
    """Anonymous exports per address, at the ``exports_anon`` rate."""

    scope = "exports_anon"


class KeyRateThrottle(RetryAfterAlways, UserRateThrottle):
    """Requests per API key (or signed-in user), at the ``user`` rate. Anonymous callers are counted by
    the address throttle beside it (AnonRateThrottle, OGCAnonRateThrottle…) only: DRF's UserRateThrottle
    counts them by address a second time, at a rate no lower, which cost every anonymous request two more
    round trips to the cache (a profile of OGC items at 1M rows: 40% of a 10-feature page)."""

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return None
        return super().get_cache_key(request, view)


class ExportKeyRateThrottle(KeyRateThrottle):
    """Exports per API key (or signed-in user), at the higher ``exports_key`` rate; anonymous callers are
    counted by ExportAnonRateThrottle instead."""

    scope = "exports_key"


class ExportsBusy(Throttled):
    """Every export slot of all anonymous callers is taken: the server, not this caller, is busy."""

    status_code = 503


def _lock_key(*parts) -> int:
    # Advisory locks are keyed by one signed 64-bit number; a hash keeps slots of different callers apart.
    digest = hashlib.blake2b(":".join(map(str, ("geodb-export", *parts))).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _take_one(keys: list[int]) -> int | None:
    with connection.cursor() as cursor:
        for key in keys:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
            if cursor.fetchone()[0]:
                return key
    return None


def _release(keys: list[int]) -> None:
    try:
        with connection.cursor() as cursor:
            for key in keys:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
    except DatabaseError:  # the connection is gone, and its locks with it
        log.warning("export slots not released: the database connection was lost", exc_info=True)


class ExportSlot:
    """The slots of one running export, taken by ``export_slot_take`` and given back by ``release``."""

    def __init__(self, keys: list[int]):
        self.keys = keys

    def release(self) -> None:
        keys, self.keys = self.keys, []
        if keys:
            _release(keys)


def export_slot_take(request) -> ExportSlot:
    """Take a slot for an export by this caller, or raise a 429 (the caller's own slots are taken) or a
    503 (all anonymous slots are), both with Retry-After. The slot belongs to this thread's database
    connection; give it back with ``release()`` when the response is closed."""
    user = request.user
    if user and user.is_authenticated:
        mine = [_lock_key("key", user.pk, n) for n in range(settings.EXPORT_KEY_CONCURRENCY)]
        everyone = []
    else:
        ip = client_ip(request)
        mine = [_lock_key("ip", ip, n) for n in range(settings.EXPORT_ANON_CONCURRENCY_PER_IP)]
        everyone = [_lock_key("anon", n) for n in range(settings.EXPORT_ANON_CONCURRENCY)]
    own = _take_one(mine)
    if own is None:
        raise Throttled(
            wait=EXPORT_RETRY_AFTER,
            detail=(
                f"Too many exports at once from you: at most {len(mine)}. Wait for one to finish. "
                f"একসাথে আপনার অনেক এক্সপোর্ট চলছে: সর্বোচ্চ {len(mine)}টি। একটি শেষ হওয়া পর্যন্ত অপেক্ষা করুন।"
            ),
        )
    if not everyone:
        return ExportSlot([own])
    shared = _take_one(everyone)
    if shared is None:
        _release([own])
        raise ExportsBusy(
            wait=EXPORT_RETRY_AFTER,
            detail=(
                "The server is busy with other exports. Try again shortly, or use an API key. "
                "সার্ভার অন্য এক্সপোর্টে ব্যস্ত। একটু পরে আবার চেষ্টা করুন, অথবা এপিআই কী ব্যবহার করুন।"
            ),
        )
    return ExportSlot([own, shared])


class ReleasingContent:
    """A response body that gives back its export slot when the response is closed: Django closes the
    content of a response when it is done sending it, or when the client went away, also if sending never
    started (a generator's ``finally`` would not run then)."""

    def __init__(self, content: Iterable[bytes], release: Callable[[], None]):
        self._content = content
        self._release = release

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._content)

    def close(self) -> None:
        try:
            close = getattr(self._content, "close", None)
            if close:
                close()
        finally:
            self._release()
