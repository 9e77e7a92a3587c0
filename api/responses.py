"""JSON and GeoJSON answers and the next/prev links of their pages, for the REST API and /ogc/ alike.

orjson writes the envelope; a page's features arrive as JSON text written by PostGIS (``orjson.Fragment``),
so they are never parsed again in Python.
"""

import orjson
from django.http import HttpResponse

JSON = "application/json"
GEOJSON = "application/geo+json"


def json_response(data, content_type: str = JSON, status: int = 200) -> HttpResponse:
    """``data`` as JSON, or ``data`` itself when it is already JSON text (bytes or str)."""
    body = data if isinstance(data, bytes | str) else orjson.dumps(data)
    return HttpResponse(body, content_type=content_type, status=status)


def geojson_response(data, status: int = 200) -> HttpResponse:
    return json_response(data, GEOJSON, status)


def link(href: str, rel: str, type_: str, title: str = "") -> dict:
    return {"href": href, "rel": rel, "type": type_, **({"title": title} if title else {})}


def page_url(request, path: str = "", **changes) -> str:
    """This request's URL, at ``path`` if given, with ``changes`` to its query (``cursor=``, ``offset=``)."""
    params = request.query_params.copy()
    for name, value in changes.items():
        params[name] = value
    return request.build_absolute_uri(f"{path}?{params.urlencode()}")


def page_links(request, *, path: str = "", **pages: dict | None) -> list[dict]:
    """A GeoJSON link for each page given (``next=``, ``prev=``: the query changes that lead there)."""
    return [
        link(page_url(request, path, **changes), rel, GEOJSON) for rel, changes in pages.items() if changes
    ]


def cursor_links(request, page, *, path: str = "") -> list[dict]:
    """The next/prev links of a keyset page (api.geojson.EnterprisePage)."""
    cursors = {"next": page.next_cursor, "prev": page.prev_cursor}
    pages = {rel: {"cursor": cursor.encode()} if cursor else None for rel, cursor in cursors.items()}
    return page_links(request, path=path, **pages)
