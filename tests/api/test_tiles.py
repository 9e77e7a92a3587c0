"""Vector tiles of enterprises: points at the point zoom, counted cells below it and in dense tiles, the
list's filters, HTTP caching, and every tile under 500 KB. Tiles are decoded with mapbox-vector-tile."""

import math
import uuid

import mapbox_vector_tile
import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCacheClient
from django.db import connection

from api import tiles as tiles_module
from api.throttling import TileAnonRateThrottle, window_count
from api.tiles import MEDIA_TYPE, tiles_invalidate
from industries.models import Enterprise
from surveys.models import SurveyRound
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN, redis_reachable
from tests.factories import EnterpriseFactory, located_enterprises
from tests.maps.test_map_page import map_config

pytestmark = pytest.mark.django_db

POINT_ZOOM = 11  # TILE_POINT_MIN_ZOOM's default
MAX_TILE_BYTES = 500 * 1000
PERSONAL = {"owner_name": "Abdul Karim", "owner_phone": "+8801712345678", "owner_nid": "1234567890"}


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The slippy-map tile holding lon/lat at zoom z."""
    n = 2**z
    x = math.floor((lon + 180) / 360 * n)
    y = math.floor((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def url(z: int, x: int, y: int) -> str:
    return f"/tiles/enterprises/{z}/{x}/{y}.pbf"


def fetch(client, tile: tuple[int, int, int], **params):
    return client.get(url(*tile), params)


def layers(client, tile: tuple[int, int, int], **params) -> dict:
    response = fetch(client, tile, **params)
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"] == MEDIA_TYPE
    return mapbox_vector_tile.decode(response.content)


def cell_total(decoded: dict) -> int:
    return sum(feature["properties"]["count"] for feature in decoded["cells"]["features"])


def insert_many(count: int, *, lon: float, lat: float, spread: float, name_length: int = 30) -> None:
    """``count`` enterprises at random within ``spread`` degrees of lon/lat, in one statement: the factory
    would take minutes. Names are padded to ``name_length`` characters: 30 is a typical name."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO industries_enterprise (
                name_en, name_bn, name_en_key, name_bn_key, owner_name, owner_phone, owner_nid, address,
                location, district_mismatch, isic_section, isic_division, product, kind, is_family_based,
                is_labour_intensive, size_class, size_policy, status, is_synthetic, created, updated)
            SELECT rpad('Dense Works ' || i, %(length)s, 'x'), rpad('ঘন শিল্প ' || i, %(length)s, 'ক'), '', '',
                   'Abdul Karim', '', '', '',
                   ST_SetSRID(ST_MakePoint(%(lon)s + (random() - 0.5) * 2 * %(spread)s,
                                           %(lat)s + (random() - 0.5) * 2 * %(spread)s), 4326),
                   false, 'C', '13', '', 'manufacturing', false, false,
                   (ARRAY['cottage', 'micro', 'small'])[1 + i %% 3], 'NIP2016', 'active', true, now(), now()
            FROM generate_series(1, %(count)s) AS i
            """,
            {"count": count, "lon": lon, "lat": lat, "spread": spread, "length": name_length},
        )


# --- what a tile holds -----------------------------------------------------------------------------------


def test_points_layer_at_the_point_zoom_has_the_enterprise_and_no_personal_data(client):
    (enterprise,) = located_enterprises([BOGURA_TOWN], size_class="small", **PERSONAL)

    decoded = layers(client, tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, POINT_ZOOM))

    assert set(decoded) == {"enterprises"}
    (feature,) = decoded["enterprises"]["features"]
    assert feature["id"] == enterprise.pk
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"] == {
        "id": enterprise.pk,
        "size_class": "small",
        "name_en": enterprise.name_en,
        "name_bn": enterprise.name_bn,
        "kind": "manufacturing",
    }


def test_no_personal_data_in_any_tile_even_for_staff(client, django_user_model):
    located_enterprises([BOGURA_TOWN] * 3, **PERSONAL)
    client.force_login(django_user_model.objects.create_superuser("admin"))

    for z in (6, POINT_ZOOM, 16):
        body = fetch(client, tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, z)).content
        assert body
        assert not any(value.encode() in body for value in PERSONAL.values())


def test_cells_below_the_point_zoom_count_the_enterprises_of_the_tile(client):
    located_enterprises([BOGURA_TOWN] * 3, size_class="small")
    located_enterprises([BOGURA_TOWN], size_class="cottage")
    located_enterprises([NAOGAON_TOWN] * 2, size_class="cottage")
    tile = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, 7)
    assert tile == tile_of(NAOGAON_TOWN.x, NAOGAON_TOWN.y, 7)

    decoded = layers(client, tile)

    assert set(decoded) == {"cells"}
    assert cell_total(decoded) == 6
    cells = sorted(decoded["cells"]["features"], key=lambda feature: -feature["properties"]["count"])
    assert [feature["geometry"]["type"] for feature in cells] == ["Point", "Point"]
    assert cells[0]["properties"] == {"count": 4, "small_or_larger": 3, "size_class": "small"}
    assert cells[1]["properties"] == {"count": 2, "small_or_larger": 0, "size_class": "cottage"}


def test_an_enterprise_on_a_tile_edge_is_counted_in_one_tile_only(client):
    # x = 191 at zoom 8 starts exactly at 88.59375°E.
    EnterpriseFactory(location=Point(88.59375, 24.5, srid=4326))
    z, x, y = tile_of(88.59375, 24.5, 8)
    assert x == 191

    assert cell_total(layers(client, (z, x, y))) == 1
    assert "cells" not in layers(client, (z, x - 1, y))


def test_a_tile_with_too_many_points_carries_finer_cells(client, settings):
    settings.TILE_MAX_POINTS = 5
    located_enterprises([BOGURA_TOWN] * 6)
    located_enterprises([(89.3797, 24.8465)] * 2)  # 1 km east: another 8-pixel cell at zoom 11
    tile = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, POINT_ZOOM)

    decoded = layers(client, tile)

    assert set(decoded) == {"cells"}
    assert sorted(feature["properties"]["count"] for feature in decoded["cells"]["features"]) == [2, 6]
    settings.TILE_MAX_POINTS = 8
    assert len(layers(client, tile)["enterprises"]["features"]) == 8


def test_a_tile_of_too_many_bytes_carries_cells(client):
    insert_many(2_000, lon=89.3697, lat=24.8465, spread=0.005, name_length=255)

    response = fetch(client, tile_of(89.3697, 24.8465, 13))

    assert set(mapbox_vector_tile.decode(response.content)) == {"cells"}
    assert len(response.content) < MAX_TILE_BYTES


def test_every_tile_stays_under_500_kb_with_20000_enterprises_in_one_town(client):
    insert_many(20_000, lon=89.3697, lat=24.8465, spread=0.03)

    sizes, counted = {}, {}
    for z in range(4, 19):
        # The tiles over the town; up to the point zoom (a tile wider than the town) they hold all of it.
        offsets = (-0.03, 0, 0.03)
        for tile in {tile_of(89.3697 + dx, 24.8465 + dy, z) for dx in offsets for dy in offsets}:
            response = fetch(client, tile)
            assert response.status_code == 200
            sizes[tile] = len(response.content)
            decoded = mapbox_vector_tile.decode(response.content)
            counted[z] = counted.get(z, 0) + (cell_total(decoded) if "cells" in decoded else 0)

    assert max(sizes.values()) < MAX_TILE_BYTES, max(sizes.items(), key=lambda item: item[1])
    # Too dense for points at the point zoom: cells, which count every enterprise once.
    assert counted[4] == counted[POINT_ZOOM - 1] == counted[POINT_ZOOM] == 20_000


def test_empty_tile_is_an_empty_200(client):
    located_enterprises([BOGURA_TOWN])

    response = fetch(client, (5, 0, 0))

    assert response.status_code == 200
    assert response["Content-Type"] == MEDIA_TYPE
    assert response.content == b""


# --- filters ---------------------------------------------------------------------------------------------


def test_the_lists_filters_apply(client):
    (in_bogura,) = located_enterprises([BOGURA_TOWN], size_class="small")
    located_enterprises([BOGURA_TOWN], size_class="cottage")
    located_enterprises([NAOGAON_TOWN] * 2, size_class="small")
    national = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, 7)
    town = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, 14)

    assert cell_total(layers(client, national)) == 4
    assert cell_total(layers(client, national, district="Bogura")) == 2
    assert cell_total(layers(client, national, district="বগুড়া", size="small")) == 1
    features = layers(client, town, size="small")["enterprises"]["features"]
    assert [feature["id"] for feature in features] == [in_bogura.pk]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "handloom"},
        {"near": "89.37,24.85", "radius": "2000"},
        {"bbox": "89.3,24.8,89.4,24.9"},
        {"within": "POLYGON((89.3 24.8, 89.4 24.8, 89.4 24.9, 89.3 24.9, 89.3 24.8))"},
        {"registered": "false", "year_min": "2000", "workers_max": "10", "sector": "C"},
        {"survey": "2024 census", "kind": "manufacturing"},
    ],
)
def test_every_filter_of_the_list_works_in_tiles(client, params):
    (enterprise,) = located_enterprises([BOGURA_TOWN], year_established=2010, isic_section="C")
    if "survey" in params:
        SurveyRound.objects.create(name=params["survey"])  # one that exists; an unknown one is a 400
    expected = [] if "survey" in params else [enterprise.pk]

    for z in (7, 14):
        decoded = layers(client, tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, z), **params)
        if z == 7:
            assert (cell_total(decoded) if decoded else 0) == len(expected)
        else:
            assert [f["id"] for f in decoded.get("enterprises", {}).get("features", [])] == expected


def test_unknown_district_is_a_400_in_json(client):
    response = fetch(client, (7, 95, 54), district="Atlantis")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "district" in response.json()


def test_bad_filter_value_is_a_400_not_a_500(client):
    assert fetch(client, (7, 95, 54), size="huge").status_code == 400
    assert fetch(client, (7, 95, 54), near="89.37,24.85").status_code == 400


def test_a_bad_filter_is_a_400_every_time_and_a_good_one_after_it_a_200(client):
    # The filters' SQL is kept per query (api.tiles.tile_filters_sql); a refusal must not be.
    for _ in range(2):
        assert fetch(client, (7, 95, 54), district="Atlantis").status_code == 400
    assert fetch(client, (7, 95, 54), district="Bogura").status_code == 200
    assert (
        fetch(client, (7, 95, 54), district="Bogura", v="\x00").status_code == 400
    )  # no filter, still refused


def test_one_query_is_compiled_once_for_all_its_tiles_whatever_the_order_of_its_parameters(client):
    located_enterprises([BOGURA_TOWN], size_class="small")
    kept = tiles_module._filtered_sql_kept
    kept.cache_clear()

    national = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, 7)
    assert cell_total(layers(client, national, district="Bogura", size="small")) == 1
    assert cell_total(layers(client, national, size="small", district="Bogura", v="7")) == 1
    assert (
        cell_total(layers(client, tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, 8), size="small", district="10")) == 1
    )

    assert (kept.cache_info().misses, kept.cache_info().hits) == (2, 1)  # "Bogura" and "10" are two queries


def test_a_filter_that_reads_a_setting_is_compiled_again_when_it_changes(client, settings):
    located_enterprises([BOGURA_TOWN], name_en="Karim Handloom")
    town = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, 14)

    def found(**params):
        return len(layers(client, town, **params).get("enterprises", {}).get("features", []))

    assert found(q="Handlom") == 1  # a word close in spelling, from API_FUZZY_MIN_LENGTH (5) letters
    settings.API_FUZZY_MIN_LENGTH = 8
    assert found(q="Handlom") == 0  # a substring only


def test_a_survey_round_renamed_is_followed_by_the_tiles(client):
    located_enterprises([BOGURA_TOWN])
    survey = SurveyRound.objects.create(name="2024 census")
    town = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, 14)
    assert fetch(client, town, survey="2024 census").status_code == 200

    survey.name = "2024 economic census"
    survey.save()

    assert fetch(client, town, survey="2024 census").status_code == 400
    assert fetch(client, town, survey="2024 economic census").status_code == 200


@pytest.mark.parametrize("z,x,y", [(23, 0, 0), (3, 8, 0), (3, 0, 8), (0, 1, 0)])
def test_a_tile_outside_the_grid_is_a_404(client, z, x, y):
    response = client.get(url(z, x, y))

    assert response.status_code == 404


# --- HTTP caching ----------------------------------------------------------------------------------------


def test_etag_and_if_none_match_give_a_304(client):
    located_enterprises([BOGURA_TOWN])
    tile = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, POINT_ZOOM)

    first = fetch(client, tile)
    etag = first["ETag"]
    again = client.get(url(*tile), HTTP_IF_NONE_MATCH=etag)
    weak = client.get(url(*tile), HTTP_IF_NONE_MATCH=f'"other", W/{etag}')
    stale = client.get(url(*tile), HTTP_IF_NONE_MATCH='"other"')

    assert etag.startswith('"') and etag.endswith('"')
    assert (again.status_code, again.content, again["ETag"]) == (304, b"", etag)
    assert "max-age=" in again["Cache-Control"]
    assert weak.status_code == 304
    assert (stale.status_code, stale.content) == (200, first.content)


def test_cache_control_is_public_with_the_configured_max_age(client, settings):
    assert fetch(client, (7, 95, 54))["Cache-Control"] == "public, max-age=300"
    settings.TILE_MAX_AGE = 60
    response = fetch(client, (7, 95, 54))
    assert response["Cache-Control"] == "public, max-age=60"
    assert "Cookie" not in response.get("Vary", "")


def test_a_tile_of_the_current_data_version_is_kept_long_and_an_older_versions_briefly(client, settings):
    """The map's tile URLs carry the data version (?v=): that URL's tile never changes, so caches may keep
    it a day; after a change of data the map asks under the new version, and a tile asked for under the
    old one (a map opened before) is today's, for TILE_MAX_AGE only."""
    tile = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, POINT_ZOOM)
    version = map_config(client.get("/").content.decode())["tileVersion"]
    current = fetch(client, tile, v=version)
    assert current["Cache-Control"] == f"public, max-age={settings.TILE_VERSIONED_MAX_AGE}, immutable"

    located_enterprises([BOGURA_TOWN])
    tiles_invalidate()
    newer = map_config(client.get("/").content.decode())["tileVersion"]
    assert newer != version
    old = fetch(client, tile, v=version)
    assert old["Cache-Control"] == "public, max-age=300"
    assert old.content == fetch(client, tile, v=newer).content != current.content
    assert fetch(client, tile)["Cache-Control"] == "public, max-age=300"


def test_etag_follows_tile_query_and_data(client):
    located_enterprises([BOGURA_TOWN])
    tile = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, POINT_ZOOM)
    etag = fetch(client, tile)["ETag"]

    assert fetch(client, tile)["ETag"] == etag
    assert fetch(client, (tile[0], tile[1] + 1, tile[2]))["ETag"] != etag
    assert fetch(client, tile, district="Bogura")["ETag"] != etag
    assert (
        fetch(client, tile, size="small", district="10")["ETag"]
        == fetch(client, tile, district="10", size="small")["ETag"]
    )
    tiles_invalidate()
    after_invalidate = fetch(client, tile)["ETag"]
    assert after_invalidate != etag
    located_enterprises([BOGURA_TOWN])  # a new row moves max(id), even without tiles_invalidate()
    assert fetch(client, tile)["ETag"] != after_invalidate


def test_server_side_cache_serves_the_tile_until_the_data_changes(
    client, settings, django_assert_num_queries
):
    settings.TILE_CACHE_SECONDS = 60
    (enterprise,) = located_enterprises([BOGURA_TOWN], size_class="micro")
    tile = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, POINT_ZOOM)
    first = fetch(client, tile).content

    with django_assert_num_queries(1):  # the data version; no tile query
        assert fetch(client, tile).content == first
    Enterprise.objects.filter(pk=enterprise.pk).update(size_class="small")
    tiles_invalidate()

    (feature,) = layers(client, tile)["enterprises"]["features"]
    assert feature["properties"]["size_class"] == "small"


def test_parameters_that_are_no_filter_change_neither_etag_nor_cache_key(
    client, settings, django_assert_num_queries
):
    settings.TILE_CACHE_SECONDS = 60
    located_enterprises([BOGURA_TOWN])
    tile = tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, POINT_ZOOM)
    first = fetch(client, tile, district="Bogura")

    busted = fetch(client, tile, district="Bogura", x="3f1c9a", _="1733100000")
    assert busted["ETag"] == first["ETag"] and busted.content == first.content
    with django_assert_num_queries(1):  # the data version; the tile comes from the cache
        fetch(client, tile, district="Bogura", x="another")


# --- rate limit ------------------------------------------------------------------------------------------

WINDOW_START = 60 * 29_000_000  # a minute's start on the clock


def tiles_at(client, monkeypatch, *, count: int, now: float) -> list[int]:
    monkeypatch.setattr(TileAnonRateThrottle, "THROTTLE_RATES", {"tiles_anon": "3/minute"})
    monkeypatch.setattr(TileAnonRateThrottle, "timer", staticmethod(lambda: now))
    return [fetch(client, (7, 95, 54)) for _ in range(count)]


@pytest.fixture(params=["locmem", "redis"])
def tile_throttle_cache(request, settings):
    """The cache the tile limit counts in: the tests' LocMemCache, or Redis (its one-round-trip count)."""
    if request.param == "redis":
        if not redis_reachable():
            pytest.skip("no Redis on 127.0.0.1:6379")
        prefix = f"test-{uuid.uuid4().hex[:12]}"
        settings.CACHES = {
            "default": {
                "BACKEND": "geodb.cache.RedisCache",
                "LOCATION": "redis://127.0.0.1:6379/0",
                "KEY_PREFIX": prefix,
            }
        }
        yield request.param
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/0")
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)
    else:
        yield request.param


def test_tiles_over_the_rate_in_a_window_are_429_with_the_rest_of_the_window_to_wait(
    client, monkeypatch, tile_throttle_cache
):
    """Tiles count per address in windows of the rate's period (api.throttling.WindowRateThrottle): here
    the 4th tile in the minute is a 429, told to come back when the minute is over (41.5 s after 18.5 s);
    the next minute counts afresh."""
    answers = tiles_at(client, monkeypatch, count=5, now=WINDOW_START + 18.5)
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert int(answers[-1]["Retry-After"]) == 42  # DRF rounds the wait up
    assert tiles_at(client, monkeypatch, count=1, now=WINDOW_START + 60.5)[0].status_code == 200
    assert tiles_at(client, monkeypatch, count=1, now=WINDOW_START + 59.9)[0].status_code == 429


def test_a_windows_count_is_kept_no_longer_than_the_window(tile_throttle_cache, monkeypatch):
    backend = caches["default"]
    with monkeypatch.context() as patched:
        if tile_throttle_cache == "redis":  # one round trip (a pipeline), none of the cache's own calls

            def refused(*args, **kwargs):
                raise AssertionError("counted with more than one round trip")

            for name in ("add", "incr", "get", "set"):
                patched.setattr(RedisCacheClient, name, refused)
        counts = [window_count(backend, "tiles-window-test", timeout=60) for _ in range(3)]
    assert counts == [1, 2, 3]
    assert cache.get("tiles-window-test") == 3
    if tile_throttle_cache == "redis":
        key = cache.make_and_validate_key("tiles-window-test")
        assert 0 < backend._cache.get_client(key).ttl(key) <= 60
