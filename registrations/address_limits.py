"""Counting what one address does in a window, in the shared cache: the public pages that anyone may call
(tracking, the payment gateway's listener, certificate verification) refuse an address past its limit."""

from dataclasses import dataclass

from axes.helpers import get_client_ip_address
from django.core.cache import cache


@dataclass(frozen=True)
class AddressCounter:
    name: str
    window_seconds: int

    def _key(self, request) -> str:
        return f"{self.name}:{get_client_ip_address(request)}"

    def reached(self, request, limit: int) -> bool:
        return (cache.get(self._key(request)) or 0) >= limit

    def count(self, request) -> int:
        key = self._key(request)
        cache.add(key, 0, self.window_seconds)
        return cache.incr(key)
