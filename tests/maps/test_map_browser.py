"""The national map in real Chromium against the live server: filters, the panel against the API, the
vector tiles, the language switch, a shared link, a popup, and not one failed request or console error.

Screenshots go to tests/artifacts/ (national.png, bogura.png, bangla.png, restored.png, popup.png,
phone.png) for a person to look at.
"""

import io
from urllib.parse import urlparse

from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser import ARTIFACTS
from tests.factories import located_enterprises
from tests.maps.pages import Watched, api, query, wait_idle, wait_rendered

RAJSHAHI, BOGURA = "50", "10"
BOGURA_BOX = (88.9, 24.5, 89.8, 25.2)  # lon/lat, around the district
KNOWN = 8

# The screen positions of the enterprises the map draws, as [id, x, y] in map pixels (the tile layer's own
# account of what it drew).
ENTERPRISES_ON_SCREEN = """() => window.bscicMap.debug.onScreen()
  .filter((f) => f.kind === "enterprise").map((f) => [f.id, f.x, f.y])"""


def known_enterprises() -> list:
    """Enterprises in Bogura town, 1 km apart, besides the synthetic ones."""
    return [
        located_enterprises(
            [(89.3697 + (i % 4) * 0.01, 24.8465 + (i // 4) * 0.01)],
            name_en=f"Karatoya Handloom {i}",
            name_bn=f"করতোয়া তাঁত {i}",
            size_class="small",
            isic_section="C",
            isic_division="13",
            product="Handloom saree",
            year_established=2015,
            owner_name="Secret Owner",
        )[0]
        for i in range(KNOWN)
    ]


def test_the_map_filters_counts_switches_language_restores_a_link_and_opens_a_popup(live_server, browser):
    call_command("generate_enterprises", count=3000, seed=1, stdout=io.StringIO())
    made = known_enterprises()
    national = api(live_server, "/api/v1/stats/")["total"]["count"]
    bogura = api(live_server, f"/api/v1/enterprises/?district={BOGURA}&page_size=1")["numberMatched"]
    bogura_stats = api(live_server, f"/api/v1/stats/?district={BOGURA}")["total"]
    assert bogura == bogura_stats["count"] >= KNOWN
    upazilas = api(live_server, f"/api/v1/upazilas/?geometry=false&district={BOGURA}")
    watched = Watched(browser, live_server.url, viewport={"width": 1280, "height": 800})
    page = watched.page

    # 1. The national map: a choropleth by division and the national total.
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("BSCIC industry GIS")
    expect(page.locator("#total-count")).to_have_attribute("data-value", str(national))
    expect(page.locator(".legend .legend-title")).to_have_text("Enterprises by division")
    expect(page.locator("#synthetic-note")).to_be_visible()
    wait_idle(page)
    page.screenshot(path=ARTIFACTS / "national.png")

    # 2. Rajshahi, then Bogura: the URL, the panel and the map agree with the API.
    page.select_option("#f-division", RAJSHAHI)
    expect(page.locator("#f-district option")).to_have_count(1 + 8)  # Rajshahi's 8 districts
    page.select_option("#f-district", BOGURA)
    expect(page.locator("#f-upazila")).to_be_enabled()
    expect(page.locator("#f-upazila option")).to_have_count(1 + len(upazilas))
    expect(page.locator("#total-count")).to_have_attribute("data-value", str(bogura))
    assert query(page) | {"zoom": "-", "lat": "-", "lng": "-"} == {
        "division": RAJSHAHI,
        "district": BOGURA,
        "zoom": "-",
        "lat": "-",
        "lng": "-",
        "lang": "en",
    }
    # Choosing a district zooms to it, where the enterprises are drawn (after the zoom animation).
    page.wait_for_function("() => window.bscicMap.debug.map().getZoom() >= 9")
    wait_rendered(page, bogura)
    workers = page.locator("#workers-by-sex").inner_text()
    assert f"{bogura_stats['workers_female']:,}" in workers
    # How complete Bogura's data is, as the API says (issue 15): a share for each public field.
    filled = bogura_stats["completeness"]
    expect(page.locator("#completeness dd")).to_have_count(len(filled))
    expect(page.locator('#completeness dd[data-field="address"]')).to_have_text(
        f"{round(100 * filled['address'], 1):g}%"
    )
    expect(page.locator("#download-csv")).to_have_attribute(
        "href", f"/api/v1/enterprises/export.csv?division={RAJSHAHI}&district={BOGURA}"
    )
    wait_idle(page)
    page.screenshot(path=ARTIFACTS / "bogura.png")
    bogura_url = page.url

    # 3. Bangla: the labels, the place names and the digits change; the filters stay.
    page.click("#language-switch")
    page.wait_for_url("**lang=bn**")
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    expect(page.locator("label[for=f-division]")).to_have_text("বিভাগ")
    expect(page.locator("#panel-title")).to_have_text("বর্তমান নির্বাচন")
    expect(page.locator("#f-division option:checked")).to_have_text("রাজশাহী")
    expect(page.locator("#f-district option:checked")).to_have_text("বগুড়া")
    bangla_digits = str(bogura).translate(str.maketrans("0123456789", "০১২৩৪৫৬৭৮৯"))
    expect(page.locator("#total-count")).to_have_text(bangla_digits)
    expect(page.locator("#language-switch")).to_have_text("English")
    wait_rendered(page, bogura)
    wait_idle(page)
    page.screenshot(path=ARTIFACTS / "bangla.png")

    # 4. The link of step 2, opened afresh, is the same view.
    fresh = Watched(browser, live_server.url, viewport={"width": 1280, "height": 800})
    fresh.page.goto(bogura_url)
    expect(fresh.page.locator("#f-division option:checked")).to_have_text("Rajshahi")
    expect(fresh.page.locator("#f-district option:checked")).to_have_text("Bogura")
    expect(fresh.page.locator("#total-count")).to_have_attribute("data-value", str(bogura))
    view = fresh.page.evaluate(
        "() => { const m = window.bscicMap.debug.map(), c = m.getCenter();"
        " return {zoom: m.getZoom(), lat: c.lat, lng: c.lng}; }"
    )
    shared = query(fresh.page)
    assert view["zoom"] == int(query(page)["zoom"]) == int(shared["zoom"])
    assert BOGURA_BOX[0] < view["lng"] < BOGURA_BOX[2] and BOGURA_BOX[1] < view["lat"] < BOGURA_BOX[3]
    assert abs(view["lat"] - float(shared["lat"])) < 1e-3 and abs(view["lng"] - float(shared["lng"])) < 1e-3
    wait_rendered(fresh.page, bogura)
    wait_idle(fresh.page)
    fresh.page.screenshot(path=ARTIFACTS / "restored.png")

    # 5. A link with a district and no view opens on the district straight away: no choropleth (it would
    # not be shown at that zoom) and no tiles of a national first frame.
    direct = Watched(browser, live_server.url, viewport={"width": 1280, "height": 800})
    direct.page.goto(f"{live_server.url}/?division={RAJSHAHI}&district={BOGURA}")
    expect(direct.page.locator("#f-district option:checked")).to_have_text("Bogura")
    wait_rendered(direct.page, bogura)
    wait_idle(direct.page)
    view = direct.page.evaluate(
        "() => { const m = window.bscicMap.debug.map(), c = m.getCenter();"
        " return {zoom: m.getZoom(), lat: c.lat, lng: c.lng}; }"
    )
    assert view["zoom"] >= settings.MAP_POINTS_MIN_ZOOM
    assert BOGURA_BOX[0] < view["lng"] < BOGURA_BOX[2] and BOGURA_BOX[1] < view["lat"] < BOGURA_BOX[3]
    assert not [url for url in direct.requests if "format=geojson" in url]
    tile_zooms = {int(urlparse(url).path.split("/")[3]) for url in direct.requests if "/tiles/" in url}
    assert tile_zooms and min(tile_zooms) >= settings.MAP_POINTS_MIN_ZOOM

    # 6. Close in on the known enterprises and click one that no other point touches.
    fresh.page.evaluate("() => window.bscicMap.debug.map().setView([24.8515, 89.3847], 14, {animate: false})")
    fresh.page.wait_for_function(f"() => ({ENTERPRISES_ON_SCREEN})().length > 0")
    fresh.page.wait_for_timeout(500)  # the last tiles of the view
    on_screen = fresh.page.evaluate(ENTERPRISES_ON_SCREEN)
    size = fresh.page.evaluate("() => window.bscicMap.debug.map().getSize()")
    ids = {e.id for e in made}

    def alone(point):
        _, x, y = point
        inside = 40 < x < size["x"] - 40 and 120 < y < size["y"] - 40
        others = [(ox, oy) for oid, ox, oy in on_screen if oid != point[0]]
        return inside and all((x - ox) ** 2 + (y - oy) ** 2 > 14**2 for ox, oy in others)

    target = next(p for p in on_screen if p[0] in ids and alone(p))
    box = fresh.page.locator("#map").bounding_box()
    fresh.page.mouse.click(box["x"] + target[1], box["y"] + target[2])
    popup = fresh.page.locator(".leaflet-popup-content .popup")
    expect(popup).to_have_attribute("data-enterprise", str(target[0]))
    enterprise = next(e for e in made if e.id == target[0])
    expect(popup.locator("h2")).to_have_text(enterprise.name_en)
    for text in ("Small", "C · Manufacturing", "Handloom saree", "2015", "Bogura Sadar", "Bogura"):
        expect(popup).to_contain_text(text)
    assert "Secret Owner" not in popup.inner_text()
    expect(popup.locator("a").last).to_have_attribute("href", f"/api/v1/enterprises/{enterprise.id}/")
    fresh.page.wait_for_function(  # the popup's fade-in, for the screenshot
        "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
    )
    fresh.page.screenshot(path=ARTIFACTS / "popup.png")

    # 7. Nothing failed, nothing was logged as an error, nothing was fetched from elsewhere.
    for one in (watched, fresh, direct):
        assert one.problems == []
        assert one.foreign == []
        one.close()


def test_on_a_phone_the_panel_comes_below_the_map_and_the_controls_take_the_keyboard(live_server, browser):
    call_command("generate_enterprises", count=500, seed=2, stdout=io.StringIO())
    watched = Watched(
        browser, live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = watched.page

    page.goto(f"{live_server.url}/?lang=bn")
    expect(page.locator("#total-count")).to_have_attribute("data-value", "500")
    map_box = page.locator("#map").bounding_box()
    panel_box = page.locator("#panel").bounding_box()
    assert panel_box["y"] >= map_box["y"] + map_box["height"] - 1
    assert panel_box["width"] > 300 and map_box["width"] > 300
    # The filters wait in a drawer; opened, they take the keyboard in order.
    expect(page.locator("#f-division")).to_be_hidden()
    page.click("#filters-toggle")
    page.focus("#f-division")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "f-district"
    wait_idle(page)
    page.screenshot(path=ARTIFACTS / "phone.png", full_page=True)

    assert watched.problems == []
    assert watched.foreign == []
    watched.close()
