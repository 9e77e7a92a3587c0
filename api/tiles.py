"""Mapbox Vector Tiles of the enterprises at ``/tiles/enterprises/{z}/{x}/{y}.pbf``, built in PostGIS.

Raw SQL because this is the fast path: ``ST_AsMVT`` writes the whole protobuf in the database, so Python
never touches a feature. The query string is the API's filter language (``district=Bogura&size=small``…):
the filtered queryset comes from ``enterprise_list`` and its compiled SQL is wrapped here, as in
``api.geojson``, so a tile shows exactly what the list shows. A bad filter is the list's 400.

What a tile holds (``extent`` 4096, one layer per tile, never both):

- Below ``TILE_POINT_MIN_ZOOM`` (11): layer ``cells``. The tile is cut into square cells of
  ``TILE_CELL_PIXELS`` (32) screen pixels, aligned to the tile so that no cell straddles two tiles. Each
  cell with enterprises is one point at the centre of mass of its enterprises, with ``count`` (int),
  ``small_or_larger`` (int: small, medium and large ones) and ``size_class`` (the most common class in the
  cell, the larger on a tie; "" if none is classified). A point belongs to the one tile its coordinates
  fall in (half-open), so the counts of all tiles of a zoom add up to the number of enterprises matched.
- From ``TILE_POINT_MIN_ZOOM`` up: layer ``enterprises``, one point per enterprise, feature id = the
  enterprise's id, properties the column contract's tile columns (api.columns.TILE_COLUMNS: ``id``,
  ``name_en``, ``name_bn``, ``kind``, ``size_class``) and nothing else: no personal data, whoever asks.
  Points up to 64 units (4 px) past the edge are repeated in the neighbouring tile so that circles are not
  cut at tile edges.

The size cap (every tile under 500 KB, at any zoom, with 1,000,000 enterprises): a tile at or above the
point zoom whose area holds more than ``TILE_MAX_POINTS`` (3,000) matched enterprises, or whose points
layer comes to more than ``TILE_MAX_BYTES`` (480,000) bytes (long names), carries the ``cells`` layer
instead, with finer cells of ``TILE_DENSE_CELL_PIXELS`` (8) pixels. A point costs 100–150 bytes with
typical names, so 3,000 of them stay near 450 KB; a cell costs ~20 bytes and a tile has at most
(256 / 8)² = 1,024 of them, so a cells layer is never more than ~30 KB. Zooming in splits a dense tile into
tiles that hold points. The count comes first and is cheap (the GiST index, stopping at 3,001), so a dense
tile never builds its points.

An empty tile is a 200 with an empty body (Leaflet.VectorGrid and MapLibre both take it).

HTTP caching: every answer has ``Cache-Control: public, max-age=TILE_MAX_AGE`` (300 s) and a strong ETag,
a hash of the data version, z/x/y, the sorted filter parameters (no others) and these rules;
``If-None-Match`` with the current ETag is a 304 without running the tile query. The answer does not
depend on who asks: no personal data, and no small-group suppression as in ``api.stats`` (a cell's count
and size classes tell no more than the points layer shows anyone), so it is public and the view reads no
session or API key.

The data version (``data_version``, in industries.data_version so that writers outside this app can move it
on) is a counter in the Django cache (key ``tiles:version``), which ``tiles_invalidate()`` moves on,
together with a fingerprint of the enterprise table read from PostgreSQL on each request: ``max(id)`` (the
primary key index answers it) and the table's insert/update/delete counters from the statistics system
(shared memory, no table read). Every writer's service moves it on after committing
(industries.data_version lists them); the fingerprint still catches a writer that does not, or one in
another process when the cache is per process (LocMemCache), within the ~10 s PostgreSQL takes to publish
its counters. ``TILE_CACHE_SECONDS`` (0: off) keeps rendered tiles in the Django cache under their ETag, so
a new version is never served an old tile.
"""

import functools
import hashlib
from dataclasses import astuple, dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections, router
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.utils.http import parse_etags, urlencode
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from geodb.replicas import ReplicaReads
from industries.data_version import data_version, data_version_bump
from industries.models import Enterprise
from industries.resolver import get_resolver
from industries.size_class import SizeClass

from .columns import TILE_COLUMNS
from .filters import EnterpriseFilterSet, refuse_nul
from .negotiation import JSONWhateverAccepted
from .selectors import enterprise_list, enterprise_values
from .throttling import TileAnonRateThrottle

MEDIA_TYPE = "application/vnd.mapbox-vector-tile"
MAX_ZOOM = 22
EXTENT = 4096  # tile coordinate units per tile side, the MVT default
TILE_PIXELS = 256  # screen pixels per tile side, which the cell sizes are given in
POINT_BUFFER = 64  # units (4 px) of points repeated past the tile edge
# Half the side of the Web Mercator square, in metres (EPSG:3857).
MERCATOR_HALF = 20037508.342789244
# Part of every ETag: change it when what a tile holds changes, so browsers drop their copies.
TILE_FORMAT = 1
# Point properties: the contract's tile columns (what the map shows and filters on; an enterprise's other
# fields are one API call away), the id apart as it is the feature id too.
POINT_PROPERTIES = tuple(name for name in TILE_COLUMNS if name != "id")
# cottage < micro < small < medium < large
SIZE_ORDER = list(SizeClass.values)
SMALL_OR_LARGER = SIZE_ORDER[SIZE_ORDER.index(SizeClass.SMALL) :]
# Filter queries whose compiled SQL is kept per process (tile_filters_sql): a map's few queries, and bboxes.
FILTERS_KEPT = 256


@dataclass(frozen=True)
class TileRules:
    point_min_zoom: int
    max_points: int
    max_bytes: int
    cell_pixels: int
    dense_cell_pixels: int

    @classmethod
    def from_settings(cls) -> "TileRules":
        return cls(
            point_min_zoom=settings.TILE_POINT_MIN_ZOOM,
            max_points=settings.TILE_MAX_POINTS,
            max_bytes=settings.TILE_MAX_BYTES,
            cell_pixels=settings.TILE_CELL_PIXELS,
            dense_cell_pixels=settings.TILE_DENSE_CELL_PIXELS,
        )


def tile_exists(z: int, x: int, y: int) -> bool:
    return 0 <= z <= MAX_ZOOM and 0 <= x < 2**z and 0 <= y < 2**z


# --- data version ----------------------------------------------------------------------------------------

# industries.data_version's, by the name the api app has always called it.
tiles_invalidate = data_version_bump


# The parameters that change what a tile holds. Others (a cache buster, a typo) are ignored by the filters,
# so they are kept out of the ETag and the cache key too: ?x=<random> must not make every request a miss.
TILE_PARAMETERS = frozenset(EnterpriseFilterSet.base_filters)


def tile_etag(*, version: str, z: int, x: int, y: int, params, rules: TileRules) -> str:
    # Sorted: district=10&size=small and size=small&district=10 are one tile.
    query = urlencode(
        sorted((key, value) for key in params if key in TILE_PARAMETERS for value in params.getlist(key))
    )
    text = f"{TILE_FORMAT}|{version}|{z}/{x}/{y}|{astuple(rules)}|{query}"
    return f'"{hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()}"'


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x"."""
    if header.strip() == "*":
        return True
    return etag in (tag.removeprefix("W/") for tag in parse_etags(header))


# --- SQL -------------------------------------------------------------------------------------------------


def _cells_sql(*, z: int, x: int, y: int, pixels: int) -> str:
    """The MVT of the ``cells`` layer of tile z/x/y from the rows of ``filtered``. Each point's place in the
    tile (0..1 across and down) is worked out from its lon/lat with the slippy-map formula rather than by
    ST_Transform, which is the costliest step at low zoom where a tile holds a whole region."""
    per_side = TILE_PIXELS // pixels
    tiles = 2**z
    tile_metres = 2 * MERCATOR_HALF / tiles
    margin = 1 / EXTENT  # candidates a hair past the edge; HAVING below decides
    counts = ",\n".join(
        f"count(*) FILTER (WHERE size_class = '{size}') AS n_{size}" for size in reversed(SIZE_ORDER)
    )
    # The larger class wins a tie: CASE takes the first branch that holds.
    most = f"greatest({', '.join(f'n_{size}' for size in SIZE_ORDER)})"
    dominant = " ".join(f"WHEN n_{size} = {most} THEN '{size}'" for size in reversed(SIZE_ORDER))
    larger = " + ".join(f"n_{size}" for size in SMALL_OR_LARGER)
    return f"""
        SELECT coalesce(ST_AsMVT(c, 'cells', {EXTENT}, 'geom'), '') FROM (
            SELECT ST_AsMVTGeom(
                       ST_SetSRID(ST_MakePoint(
                           {-MERCATOR_HALF} + ({x} + fx) * {tile_metres},
                           {MERCATOR_HALF} - ({y} + fy) * {tile_metres}), 3857),
                       ST_TileEnvelope({z}, {x}, {y}), {EXTENT}, {POINT_BUFFER}, true) AS geom,
                   count::int AS count,
                   ({larger})::int AS small_or_larger,
                   CASE WHEN {most} = 0 THEN '' {dominant} END AS size_class
            FROM (
                SELECT avg(fx) AS fx, avg(fy) AS fy, count(*) AS count, {counts}
                FROM (
                    SELECT (ST_X(f.location) + 180) / 360 * {tiles} - {x} AS fx,
                           (1 - asinh(tan(radians(ST_Y(f.location)))) / pi()) / 2 * {tiles} - {y} AS fy,
                           f.size_class
                    FROM filtered AS f
                    WHERE f.location && ST_Transform(ST_TileEnvelope({z}, {x}, {y}, margin => {margin}), 4326)
                ) AS p
                GROUP BY floor(fx * {per_side}), floor(fy * {per_side})
                -- Half-open: a point on the edge belongs to the tile to its right or below. Tested per
                -- cell (its points share the cell's side of the edge), not per row: a test per row makes
                -- the planner expect a handful of rows and sort hundreds of thousands on disk.
                HAVING min(fx) >= 0 AND max(fx) < 1 AND min(fy) >= 0 AND max(fy) < 1
            ) AS g
        ) AS c
    """


def _points_sql(*, z: int, x: int, y: int, rules: TileRules) -> str:
    """The ``enterprises`` layer, or finer cells when the tile is too dense for points (module docstring).
    One statement: the cheap count decides first, and the points are built only when it allows them."""
    search = f"ST_Transform(ST_TileEnvelope({z}, {x}, {y}, margin => {POINT_BUFFER / EXTENT}), 4326)"
    properties = ", ".join(f"f.{name}" for name in POINT_PROPERTIES)
    dense_cells = _cells_sql(z=z, x=x, y=y, pixels=rules.dense_cell_pixels)
    # The first "id" column is taken as the feature id, the second written as a property.
    return f"""
        , dense AS MATERIALIZED (
            SELECT count(*) > {rules.max_points} AS yes FROM (
                SELECT 1 FROM filtered AS f WHERE f.location && {search} LIMIT {rules.max_points + 1}
            ) AS c
        ), points AS MATERIALIZED (
            SELECT ST_AsMVT(t, 'enterprises', {EXTENT}, 'geom', 'id') AS mvt FROM (
                SELECT f.id, f.id AS id, {properties},
                       ST_AsMVTGeom(ST_Transform(f.location, 3857), ST_TileEnvelope({z}, {x}, {y}),
                                    {EXTENT}, {POINT_BUFFER}, true) AS geom
                FROM filtered AS f
                WHERE f.location && {search} AND NOT (SELECT yes FROM dense)
                -- The same bytes every time (for ETags and caches): ST_AsMVT numbers the property
                -- values in the order it meets them, so the order of rows changes the tile's size.
                ORDER BY f.id
            ) AS t
            WHERE t.geom IS NOT NULL
        )
        SELECT CASE
            WHEN NOT (SELECT yes FROM dense) AND octet_length((SELECT mvt FROM points)) <= {rules.max_bytes}
            THEN coalesce((SELECT mvt FROM points), '')
            ELSE ({dense_cells})
        END
    """


def filtered_sql(queryset: QuerySet) -> tuple[str, tuple] | None:
    """The SELECT of the rows a tile is made from (the tile columns and the location); None if the filters
    can match nothing."""
    try:
        # No ORDER BY (the list's id or distance order): the planner then pulls the filters' query up into
        # the tile's and puts the tile's bounding box on the GiST index.
        values = enterprise_values(queryset.order_by(), columns=TILE_COLUMNS)
        return values.query.sql_with_params()
    except EmptyResultSet:
        return None


@functools.lru_cache(maxsize=FILTERS_KEPT)
def _filtered_sql_kept(query: tuple[tuple[str, tuple[str, ...]], ...], resolver) -> tuple[str, tuple] | None:
    # ``resolver`` is only part of the key: a new geography makes a new one (industries.resolver).
    params = QueryDict(mutable=True)
    for key, values in query:
        params.setlist(key, list(values))
    return filtered_sql(enterprise_list(params=params))


@receiver(setting_changed)
def _settings_changed(**kwargs):
    _filtered_sql_kept.cache_clear()  # a filter reads settings (the fuzzy word length, the radius cap)


def tile_filters_sql(params) -> tuple[str, tuple] | None:
    """``filtered_sql`` of the query string's filters, compiled once per query and geography: a map asks
    for 20-40 tiles of one query a view, and parsing the filters and compiling the ORM's SQL was a third
    of what the view adds to a district tile's SQL. A bad filter is the list's 400, every time (errors are
    not kept). ``survey`` names rounds that staff may add or rename at any time: compiled every time."""
    refuse_nul(params)  # in every parameter, as the filters check it, the ignored ones too
    if "survey" in params:
        return filtered_sql(enterprise_list(params=params))
    query = tuple((key, tuple(params.getlist(key))) for key in sorted(params) if key in TILE_PARAMETERS)
    return _filtered_sql_kept(query, get_resolver())


def tile_sql(filtered: tuple[str, tuple] | None, *, z: int, x: int, y: int, rules: TileRules):
    """The one statement (text, parameters) that returns tile z/x/y of the rows of ``filtered``
    (``filtered_sql``) as MVT bytes; None if they are none. z, x and y go into the text as integers (checked
    by the URL and ``tile_exists``)."""
    if filtered is None:
        return None
    z, x, y = int(z), int(x), int(y)
    inner, params = filtered
    head = f"WITH filtered AS NOT MATERIALIZED ({inner})"
    if z < rules.point_min_zoom:
        return f"{head} {_cells_sql(z=z, x=x, y=y, pixels=rules.cell_pixels)}", params
    return f"{head} {_points_sql(z=z, x=x, y=y, rules=rules)}", params


def tile_bytes(filtered: tuple[str, tuple] | None, *, z: int, x: int, y: int, rules: TileRules) -> bytes:
    statement = tile_sql(filtered, z=z, x=x, y=y, rules=rules)
    if statement is None:
        return b""
    # The router's database for enterprise reads: a replica in a ReplicaReads request (geodb.replicas).
    with connections[router.db_for_read(Enterprise)].cursor() as cursor:
        cursor.execute(*statement)
        return bytes(cursor.fetchone()[0])


# --- view ------------------------------------------------------------------------------------------------


class EnterpriseTile(ReplicaReads, APIView):
    permission_classes = [AllowAny]
    # The tile is the same for every caller: reading no session keeps ``Vary: Cookie`` off, so proxies
    # and CDNs can share it.
    authentication_classes: list = []
    throttle_classes = [TileAnonRateThrottle]
    renderer_classes = [JSONRenderer]  # for the errors; the tile is written as bytes
    content_negotiation_class = JSONWhateverAccepted  # clients ask for protobuf types DRF does not know
    schema = None

    def get(self, request, z: int, x: int, y: int):
        if not tile_exists(z, x, y):
            raise NotFound(f"No tile {z}/{x}/{y}: z is 0–{MAX_ZOOM}, x and y 0–2^z−1.")
        params = request.query_params
        filtered = tile_filters_sql(params)  # a bad filter is a 400 here, before any caching
        rules = TileRules.from_settings()
        version = data_version()
        etag = tile_etag(version=version, z=z, x=x, y=y, params=params, rules=rules)
        # ?v= the current data version (the map's URLs): this URL's tile never changes. Any other v (a
        # map opened before the data changed), or none: the tile of today's data, for a short while.
        if params.get("v") == version:
            cache_control = f"public, max-age={settings.TILE_VERSIONED_MAX_AGE}, immutable"
        else:
            cache_control = f"public, max-age={settings.TILE_MAX_AGE}"
        headers = {"ETag": etag, "Cache-Control": cache_control}
        if etag_matches(request.headers.get("If-None-Match", ""), etag):
            response = HttpResponseNotModified()
            for name, value in headers.items():
                response[name] = value
            return response
        cache_seconds = settings.TILE_CACHE_SECONDS
        body = cache.get(f"tiles:body:{etag}") if cache_seconds else None
        if body is None:
            body = tile_bytes(filtered, z=z, x=x, y=y, rules=rules)
            if cache_seconds:
                cache.set(f"tiles:body:{etag}", body, timeout=cache_seconds)
        return HttpResponse(body, content_type=MEDIA_TYPE, headers=headers)
