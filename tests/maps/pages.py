"""The map page in a browser: a page that records what went wrong, and waits on what the map says of itself
(window.bscicMap.debug, which answers through the map's own modules, not Leaflet's insides)."""

import json
import urllib.request
from urllib.parse import parse_qs, urlparse


class Watched:
    """A page with every request, failed request, error response and console error recorded."""

    def __init__(self, browser, base_url: str, **context):
        self.base_url = base_url
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.problems: list[str] = []
        self.foreign: list[str] = []
        self.requests: list[str] = []
        page = self.page
        # ERR_ABORTED is the map cancelling a request it no longer needs (a newer choice, a tile gone).
        page.on(
            "requestfailed",
            lambda r: (
                "ERR_ABORTED" not in (r.failure or "")
                and self.problems.append(f"failed {r.url}: {r.failure}")
            ),
        )
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status} {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("request", self._request)

    def _request(self, request):
        self.requests.append(request.url)
        if not request.url.startswith((self.base_url, "data:", "blob:")):
            self.foreign.append(request.url)

    def close(self):
        self.context.close()


def api(live_server, path: str) -> dict:
    with urllib.request.urlopen(f"{live_server.url}{path}") as response:
        return json.loads(response.read())


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def wait_idle(page):
    page.wait_for_function("() => window.bscicMap && window.bscicMap.debug.idle()")


def wait_rendered(page, expected: int):
    try:
        page.wait_for_function(
            "n => window.bscicMap.debug.renderedCount() === n", arg=expected, timeout=20_000
        )
    except Exception:
        shown = page.evaluate("() => window.bscicMap.debug.renderedCount()")
        raise AssertionError(f"the map draws {shown} enterprises, the API counts {expected}") from None
