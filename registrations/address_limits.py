"""Counting what one address does in a window, in the shared cache: the public pages that anyone may call
(tracking, the payment gateway's listener, certificate verification) refuse an address past its limit.

Windows are fixed (the clock's hour, say), one cache key each, whose expiry is set to the window's end at
every count: Django's ``incr`` on the database cache writes the value back with the default timeout (5
minutes), which would make "per hour" mean "without a 5-minute pause". An address can thus make up to twice
the limit across a window's boundary, never more.
"""

import time
from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.core.cache import cache


@dataclass(frozen=True)
class AddressCounter:
    name: str
    window_seconds: int

    def _key(self, request, now: float) -> str:
        window = int(now // self.window_seconds)
        return f"{self.name}:{get_client_ip_address(request)}:{window}"

    def _left(self, now: float) -> int:
        return int(self.window_seconds - now % self.window_seconds) + 1

    def reached(self, request, limit: int) -> bool:
        return (cache.get(self._key(request, time.time())) or 0) >= limit

    def count(self, request) -> int:
        now = time.time()
        key, left = self._key(request, now), self._left(now)
        if cache.add(key, 1, left):
            return 1
        try:
            value = cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, left)
            return 1
        cache.touch(key, left)
        return value
