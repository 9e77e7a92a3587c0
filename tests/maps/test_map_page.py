"""The map page as the server sends it: languages, no CDN, Leaflet from our own static files, nothing that
blocks the first paint, no basemap when none is configured, the state of a shared link in the controls,
and a link that names places sent on to their codes."""

import json
import re

import pytest
from django.test import override_settings

from industries.data_version import data_version
from tests.factories import EnterpriseFactory

CDN_HOSTS = ("unpkg", "cdnjs", "jsdelivr", "googleapis")


def map_config(html: str) -> dict:
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_the_map_page_is_english_and_serves_leaflet_itself(client, django_assert_max_num_queries):
    # The divisions, the districts and the data's freshness (three, then cached by data version).
    with django_assert_max_num_queries(6):
        response = client.get("/?lang=en")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "BSCIC industry GIS" in html and "বিসিক শিল্প জিআইএস" in html
    assert "Workers by sex" in html
    assert "/static/leaflet/leaflet.js" in html
    assert "/static/leaflet/leaflet.css" in html
    assert '<script type="module" src="/static/maps/js/main.js">' in html
    assert not [host for host in CDN_HOSTS if host in html]
    config = map_config(html)
    assert config["language"] == "en"
    assert config["urls"]["tiles"] == "/tiles/enterprises/{z}/{x}/{y}.pbf"
    assert config["tileVersion"] == data_version()  # sent as ?v= with every tile (api.tiles)
    assert config["urls"]["enterprise"] == "/api/v1/enterprises/{id}/"


@pytest.mark.django_db
def test_the_map_page_is_bangla_with_lang_bn(client):
    response = client.get("/?lang=bn")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="bn">' in html
    assert "লিঙ্গভেদে শ্রমিক" in html  # Workers by sex
    assert ">রাজশাহী</option>" in html
    assert map_config(html)["strings"]["loading"] == "লোড হচ্ছে…"
    assert response.cookies["django_language"].value == "bn"
    assert not [host for host in CDN_HOSTS if host in html]


@pytest.mark.django_db
@override_settings(BASEMAP_URL="")
def test_without_a_basemap_the_page_asks_for_no_tiles_from_outside(client):
    html = client.get("/").content.decode()

    assert "openstreetmap" not in html
    assert not re.search(r"https?://(?!127\.0\.0\.1|localhost|testserver)", re.sub(r"<a [^>]*>", "", html))
    config = map_config(html)
    assert config["basemap"] is None
    # The boundaries are credited on the map itself when no basemap attribution carries them.
    assert config["boundaryAttribution"].startswith("Boundaries: BBS / UN OCHA")


@pytest.mark.django_db
def test_a_shared_link_opens_with_its_filters_chosen_and_keeps_them_in_the_other_language(client):
    html = client.get("/?division=50&district=10&size=small&sector=C&q=tant&zoom=10&lang=en").content.decode()

    assert '<option value="50" selected>Rajshahi</option>' in html
    assert '<option value="small" selected>' in html
    assert '<option value="C" selected>' in html
    assert 'value="tant"' in html
    switch = re.search(r'id="language-switch"[^>]*href="([^"]+)"', html).group(1).replace("&amp;", "&")
    assert switch == "?division=50&district=10&size=small&sector=C&q=tant&zoom=10&lang=bn"


@pytest.mark.django_db
def test_the_synthetic_data_note_shows_only_when_there_is_synthetic_data(client):
    assert 'id="synthetic-note"' not in client.get("/").content.decode()

    EnterpriseFactory(is_synthetic=True)

    assert 'id="synthetic-note"' in client.get("/").content.decode()


@pytest.mark.django_db
def test_a_link_to_an_area_gives_the_script_its_box_to_open_on(client, django_assert_max_num_queries):
    # The three lists of areas, the box, and the data's freshness (three, then cached by data version).
    with django_assert_max_num_queries(8):
        bogura = map_config(client.get("/?division=50&district=10").content.decode())["bounds"]
    rajshahi = map_config(client.get("/?division=50").content.decode())["bounds"]

    (south, west), (north, east) = bogura
    assert 24.5 < south < 24.9 < 25.0 < north < 25.2 and 88.9 < west < 89.3 < 89.5 < east < 89.8
    (r_south, r_west), (r_north, r_east) = rajshahi
    assert r_south < south and r_west < west and north < r_north and east < r_east
    # Without an area the page opens on the country.
    assert map_config(client.get("/").content.decode())["bounds"] is None


def test_no_script_blocks_the_first_paint_and_leaflet_draw_is_not_loaded(client, db):
    """Lighthouse found render-blocking scripts in <head>, leaflet.draw's i18n file among them."""
    head = client.get("/").content.decode().split("</head>")[0]

    scripts = re.findall(r"<script\b[^>]*>", head)
    blocking = [tag for tag in scripts if "src=" in tag and "defer" not in tag and 'type="module"' not in tag]
    assert scripts and blocking == []
    assert "draw" not in head
    # The modules are preloaded, so the browser does not find them one import at a time.
    assert head.count('rel="modulepreload"') >= 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    "link, codes",
    [
        ("/?district=Bogura", "division=50&district=10"),
        ("/?district=বগুড়া&lang=bn", "division=50&district=10&lang=bn"),
        ("/?district=bogra&size=small", "division=50&district=10&size=small"),
        ("/?division=Rajshahi", "division=50"),
        ("/?district=10", "division=50&district=10"),
    ],
)
def test_a_link_that_names_a_place_is_sent_on_to_its_codes(client, link, codes):
    """A ministry writes /?district=Bogura by hand: the page must show Bogura chosen, so the link goes on
    to the codes the controls hold, with the division filled in."""
    response = client.get(link)

    assert response.status_code == 302
    assert response["Location"].removeprefix("http://testserver") == f"/?{codes}"


@pytest.mark.django_db
def test_a_link_to_a_district_and_upazila_comes_with_their_lists_chosen(client):
    html = client.get("/?division=50&district=10&upazila=50100088").content.decode()

    assert '<option value="10" selected>Bogura</option>' in html
    districts = html[html.index('id="f-district"') : html.index('id="f-upazila"')]
    assert districts.count("<option value=") == 1 + 8  # "All districts" and Rajshahi's 8
    assert '<option value="50100088" selected>Sherpur</option>' in html
    # An unknown place is not redirected: the API's 400 says what is wrong, on the page.
    assert client.get("/?district=Nowhere").status_code == 200


def test_sector_g_and_the_suppression_threshold_are_what_the_api_means(client, db, settings):
    settings.API_SUPPRESS_BELOW = 5
    config = map_config(client.get("/").content.decode())

    assert config["sectors"]["G"] == "Wholesale and retail trade; repair of motor vehicles"
    assert config["suppressBelow"] == 5
    assert "fewer than 5" in config["strings"]["hidden"]
    bangla = map_config(client.get("/?lang=bn").content.decode())
    assert "<৫" in bangla["strings"]["hiddenNote"] and "<5" not in bangla["strings"]["hiddenNote"]
