"""The national map as a researcher and a district official use it, in real Chromium against the live
server: each test is one of the things that misled users (issue 12), or one of the things data portals
have that the map lacked. Each failed against the map before its rewrite.
"""

import io
import struct
import time
from pathlib import Path
from urllib.parse import quote

from django.core.cache import cache
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from tests.a11y import assert_no_violations
from tests.browser import ARTIFACTS
from tests.factories import located_enterprises
from tests.maps.pages import Watched, api, query, wait_idle

DESKTOP = {"width": 1280, "height": 800}
PHONE_CONTEXT = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
RAJSHAHI, KHULNA, BOGURA, NATORE = "50", "40", "10", "69"
BOGURA_SADAR = "50100020"
BOGURA_TOWN = (89.3697, 24.8465)
SHERPUR_CENTRE = (24.6287, 89.4226)  # lat, lng: Bogura's Sherpur upazila, 25 km south of the town
MAP = "window.bscicMap.debug.map()"


def synthetic(count: int, seed: int) -> None:
    call_command("generate_enterprises", count=count, seed=seed, stdout=io.StringIO())


def total(live_server, filters: str = "") -> int:
    return api(live_server, f"/api/v1/stats/?{filters}")["total"]["count"]


def town(count: int, **fields):
    """Enterprises 1 km apart in Bogura town (Bogura Sadar upazila)."""
    lon, lat = BOGURA_TOWN
    return located_enterprises(
        [(lon + (i % 4) * 0.01, lat + (i // 4) * 0.01) for i in range(count)], **fields
    )


def expect_count(page, count: int):
    expect(page.locator("#total-count")).to_have_attribute("data-value", str(count), timeout=20_000)


def settle(page):
    """No request in flight and no zoom animation running (a new view asked for during one is dropped)."""
    page.wait_for_function("() => !window.bscicMap.debug.zooming()")
    wait_idle(page)


def zoom(page) -> int:
    return page.evaluate(f"() => {MAP}.getZoom()")


def boxes_overlap(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_a_link_that_names_a_place_shows_it_chosen_and_back_undoes_each_filter(live_server, browser):
    """Items 1 and 4: /?district=Bogura filtered the data while the panel said "Bangladesh", every list
    said "All" and the whole division was outlined; the back button left the map."""
    synthetic(1500, seed=3)
    town(4, size_class="small")
    bogura, rajshahi = total(live_server, "district=10"), total(live_server, "division=50")
    rajshahi_small = total(live_server, "division=50&size=small")
    national = total(live_server)
    watched = Watched(browser, live_server.url, viewport=DESKTOP)
    page = watched.page

    for link in ("/?district=Bogura", f"/?district={quote('বগুড়া')}", "/?district=bogra"):
        page.goto(f"{live_server.url}{link}")
        expect(page.locator("#f-division option:checked")).to_have_text("Rajshahi")
        expect(page.locator("#f-district option:checked")).to_have_text("Bogura")
        expect(page.locator("#selection-label")).to_have_text("Bogura · Rajshahi")
        expect_count(page, bogura)
        page.wait_for_function("() => window.bscicMap.debug.selectedArea() === '10'")
        assert query(page)["district"] == BOGURA
    page.goto(f"{live_server.url}/?division=Rajshahi")
    expect(page.locator("#f-division option:checked")).to_have_text("Rajshahi")
    expect(page.locator("#f-district option")).to_have_count(1 + 8)
    page.wait_for_function("() => window.bscicMap.debug.selectedArea() === '50'")
    expect_count(page, rajshahi)

    # Each choice is a step back: Rajshahi, then small ones; back, back; forward.
    page.goto(f"{live_server.url}/")
    expect_count(page, national)
    page.select_option("#f-division", RAJSHAHI)
    expect_count(page, rajshahi)
    page.select_option("#f-size", "small")
    expect_count(page, rajshahi_small)
    page.go_back()
    expect_count(page, rajshahi)
    expect(page.locator("#f-size")).to_have_value("")
    expect(page.locator("#f-division")).to_have_value(RAJSHAHI)
    page.go_back()
    expect_count(page, national)
    expect(page.locator("#f-division")).to_have_value("")
    assert page.url.startswith(f"{live_server.url}/")
    page.go_forward()
    expect_count(page, rajshahi)
    expect(page.locator("#f-division")).to_have_value(RAJSHAHI)
    wait_idle(page)
    assert watched.problems == []
    watched.close()


def test_the_panel_dims_while_loading_keeps_its_figures_on_failure_and_tells_busy_from_broken(
    live_server, browser
):
    """Item 3: figures of the old selection under the new label while a request was slow, the national
    figures under "Khulna" after an error, and a 429 or a 400 read as a failed connection."""
    synthetic(1200, seed=4)
    national, khulna = total(live_server), total(live_server, "division=40")
    watched = Watched(browser, live_server.url, viewport=DESKTOP)
    page = watched.page
    page.goto(f"{live_server.url}/")
    expect_count(page, national)
    wait_idle(page)

    # Slow: the requests for Khulna's figures are held. The old figures stay, dimmed, under "Loading…".
    held = []
    page.route("**/api/v1/stats/?division=40*", lambda route: held.append(route))
    page.select_option("#f-division", KHULNA)
    expect(page.locator("#panel")).to_have_attribute("aria-busy", "true")
    expect(page.locator("#selection-label")).to_contain_text("Loading")
    page.wait_for_function("() => getComputedStyle(document.querySelector('.figures')).opacity < 0.5")
    expect_count(page, national)

    # Broken: the connection fails. The old label comes back with its figures, and the reason.
    while len(held) < 2:
        page.wait_for_timeout(50)
    for route in held:
        route.abort("connectionfailed")
    expect(page.locator("#panel-error")).to_contain_text("Could not load the data")
    expect(page.locator("#selection-label")).to_have_text("Bangladesh")
    expect_count(page, national)
    page.unroute("**/api/v1/stats/?division=40*")

    # Busy: the server's own 429 (this address's bucket is full for another second). The map says it is
    # busy, not broken, waits as long as Retry-After says and asks again.
    cache.set("throttle_anon_127.0.0.1", [time.time() - 59] * 600, 60)
    page.select_option("#f-division", "")
    page.select_option("#f-division", KHULNA)
    expect(page.locator("#map-status")).to_contain_text("busy", timeout=5_000)
    expect_count(page, khulna)
    expect(page.locator("#panel-error")).to_be_hidden()
    expect(page.locator("#selection-label")).to_have_text("Khulna")

    # A bad link: the API's 400 says what is wrong, and the page says it, not "check the connection".
    page.goto(f"{live_server.url}/?district=Nowhere")
    expect(page.locator("#panel-error")).to_contain_text("Nowhere")
    expect(page.locator("#panel-error")).not_to_contain_text("connection")
    expect(page.locator("#map-status")).to_contain_text("This link has a filter the map cannot use")
    watched.close()


def test_an_upazila_is_zoomed_to_and_outlined_and_an_empty_view_or_selection_says_so(live_server, browser):
    """Items 2 and 9: choosing an upazila neither zoomed to it nor outlined it; at zoom 12 the map could be
    empty while the panel said 46 and "Click an enterprise"; with no matches the map was blank, the panel
    said "Not stated" and the downloads stayed active."""
    synthetic(800, seed=5)
    town(6, size_class="small")
    sadar = total(live_server, f"upazila={BOGURA_SADAR}")
    watched = Watched(browser, live_server.url, viewport=DESKTOP)
    page = watched.page
    page.goto(f"{live_server.url}/?division=50&district=10")
    wait_idle(page)
    before = zoom(page)

    page.select_option("#f-upazila", BOGURA_SADAR)
    expect_count(page, sadar)
    page.wait_for_function(f"() => window.bscicMap.debug.selectedArea() === '{BOGURA_SADAR}'")
    page.wait_for_function(f"() => {MAP}.getZoom() > {before}")
    centre = page.evaluate(f"() => {MAP}.getCenter()")
    assert 89.2 < centre["lng"] < 89.5 and 24.75 < centre["lat"] < 25.05

    # Somewhere in Bogura without any of Sadar's enterprises, close in.
    settle(page)
    page.evaluate(f"() => {MAP}.setView([{SHERPUR_CENTRE[0]}, {SHERPUR_CENTRE[1]}], 13, {{animate: false}})")
    message = page.locator("#map-message")
    expect(message).to_contain_text(f"None of the {sadar} matching enterprises is in this view")
    expect(page.locator("#map-hint")).not_to_have_text("Click an enterprise to see its details")
    page.click("#map-message-action")
    expect(message).to_be_hidden()
    page.wait_for_function("() => (window.bscicMap.debug.inView() || {count: 0}).count > 0")

    # Nothing matches: said on the map and in the panel, and there is nothing to download.
    page.fill("#f-q", "qqqq no such enterprise")
    expect(message).to_contain_text("No enterprises match these filters")
    expect(page.locator("#panel-empty")).to_be_visible()
    expect(page.locator("#workers-by-sex")).not_to_contain_text("Not stated")
    for link in ("#download-csv", "#download-geojson"):
        expect(page.locator(link)).to_have_attribute("aria-disabled", "true")
        assert page.get_attribute(link, "href") is None
    page.click("#map-message-action")  # "Clear the filters"
    expect(message).to_be_hidden()
    expect(page.locator("#download-csv")).to_have_attribute("href", "/api/v1/enterprises/export.csv")
    wait_idle(page)
    assert watched.problems == []
    watched.close()


def test_on_a_phone_the_filters_fold_away_the_data_notice_stays_and_the_scale_is_not_covered(
    live_server, browser
):
    """Items 5 and 6: on a phone the notice "Demonstration data: synthetic" and the boundary disclaimer were
    hidden behind the map, the header and the filters took 450 of 844 px; the attribution covered the
    scale bar."""
    synthetic(300, seed=6)
    for context, language in ((PHONE_CONTEXT, "bn"), (PHONE_CONTEXT, "en"), ({"viewport": DESKTOP}, "en")):
        watched = Watched(browser, live_server.url, **context)
        page = watched.page
        page.goto(f"{live_server.url}/?lang={language}&district=10")
        wait_idle(page)
        scale = page.locator(".leaflet-control-scale").bounding_box()
        sources = page.locator(".leaflet-control-attribution").bounding_box()
        assert not boxes_overlap(scale, sources), (language, context)
        if context is not PHONE_CONTEXT:
            watched.close()
            continue
        height = context["viewport"]["height"]
        notice = page.locator("#data-notice")
        expect(notice).to_contain_text("নমুনা তথ্য" if language == "bn" else "Demonstration data")
        expect(page.locator("#f-division")).to_be_hidden()
        assert page.locator("#map").bounding_box()["y"] < 0.25 * height
        # Scrolled down to the figures, the notice is still on screen.
        page.locator("#download-title").scroll_into_view_if_needed()
        box = notice.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height
        page.click("#filters-toggle")
        expect(page.locator("#f-division")).to_be_visible()
        expect(page.locator("#filters-toggle")).to_have_attribute("aria-expanded", "true")
        page.screenshot(path=ARTIFACTS / f"phone-drawer-{language}.png")
        watched.close()


def test_a_short_bangla_word_finds_only_itself_and_a_place_name_offers_to_go_there(live_server, browser):
    """Item 7: a short Bangla word found others by the fuzzy match ("তাঁত", handloom, found tent makers,
    "তাঁবু"; the issue saw "চাল", rice, find leather-shoe makers); "Bogura" found nothing."""
    town(3, name_bn="তাঁত ঘর", name_en="Loom house", product="Handloom")
    town(4, name_bn="তাঁবু ঘর", name_en="Tent house", product="Tents")
    watched = Watched(browser, live_server.url, viewport=DESKTOP)
    page = watched.page
    page.goto(f"{live_server.url}/")
    expect_count(page, 7)

    page.fill("#f-q", "তাঁত")
    expect_count(page, 3)

    page.fill("#f-q", "Bogura")
    place = page.locator("#place-suggestions .place", has_text="Bogura").first
    expect(place).to_contain_text("district")
    place.click()
    expect(page.locator("#f-district option:checked")).to_have_text("Bogura")
    expect(page.locator("#f-q")).to_have_value("")
    expect_count(page, 7)
    page.wait_for_function(f"() => {MAP}.getZoom() >= 9")
    wait_idle(page)
    assert watched.problems == []
    watched.close()


def white_share_inside(png: bytes, x: float, y: float, r: float) -> float:
    """The share of near-white pixels within r of (x, y): a cluster's number is white on dark blue."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    inside = white = 0
    for px in range(int(x - r), int(x + r) + 1):
        for py in range(int(y - r), int(y + r) + 1):
            if (px - x) ** 2 + (py - y) ** 2 <= r * r:
                inside += 1
                white += min(image.getpixel((px, py))) > 200
    return white / max(inside, 1)


def test_clusters_carry_their_numbers_and_the_legend_shows_only_what_is_drawn(live_server, browser):
    """Item 8: cluster circles had no numbers though the legend said "number of enterprises"; the legend
    showed size colours not on the map; "Map shows" did nothing with a district chosen or at points."""
    synthetic(1500, seed=7)
    town(8, size_class="small")
    watched = Watched(browser, live_server.url, viewport=DESKTOP)
    page = watched.page
    page.goto(f"{live_server.url}/?division=50&district=10&zoom=10&lat=24.85&lng=89.37")
    page.wait_for_function("() => (window.bscicMap.debug.inView() || {clusters: 0}).clusters > 0")
    wait_idle(page)
    clusters = page.evaluate("() => window.bscicMap.debug.onScreen().filter((f) => f.kind === 'cell')")
    size = page.evaluate(f"() => {MAP}.getSize()")
    big = max(
        (
            c
            for c in clusters
            if c["count"] >= 2 and 30 < c["x"] < size["x"] - 30 and 30 < c["y"] < size["y"] - 30
        ),
        key=lambda c: c["count"],
    )
    shot = page.locator("#map").screenshot()
    assert white_share_inside(shot, big["x"], big["y"], big["r"] - 3) > 0.05
    expect(page.locator("#legend")).to_contain_text("Circle with a number")
    expect(page.locator("#measure-field")).to_be_hidden()  # no choropleth at this zoom

    # Only small enterprises, close in: the legend names that one class.
    page.select_option("#f-size", "small")
    settle(page)
    page.evaluate(f"() => {MAP}.setView([24.85, 89.38], 14, {{animate: false}})")
    page.wait_for_function("() => (window.bscicMap.debug.inView() || {count: 0}).count >= 8")
    wait_idle(page)
    expect(page.locator("#legend li")).to_have_count(1)
    expect(page.locator("#legend")).to_contain_text("Small")

    # A district chosen, zoomed out: the choropleth is by upazila, and "Map shows" recolours it.
    page.select_option("#f-size", "")
    settle(page)
    page.evaluate(f"() => {MAP}.setView([24.85, 89.37], 8, {{animate: false}})")
    page.wait_for_function("() => window.bscicMap.debug.choroplethLevel() === 'upazila'")
    expect(page.locator("#measure-field")).to_be_visible()
    page.select_option("#f-measure", "workers_total")
    expect(page.locator("#legend .legend-title")).to_have_text("Workers by upazila")
    page.select_option("#f-measure", "per_km2")
    expect(page.locator("#legend .legend-title")).to_have_text("Enterprises per km² by upazila")
    wait_idle(page)
    assert watched.problems == []
    watched.close()


# The map's own number formatter, as the page's language has it.
FORMATTED = """async () => {
  const format = await import("/static/maps/js/format.js");
  return [format.fmt(236832), format.fmt(12345678)];
}"""


def test_bangla_uses_its_own_digits_words_and_grouping_and_english_groups_internationally(
    live_server, browser
):
    """Item 10: "<3" kept a Latin digit in Bangla; "প্রদর্শনীর তথ্য" read as "exhibition data"; the size
    class label was vague; the popup gave the English product in Bangla; sector G misread ISIC; English
    grouped figures the Indian way (2,36,832)."""
    located_enterprises([(89.0, 24.42), (89.01, 24.43)], is_synthetic=True)  # two in Natore: fewer than 3
    watched = Watched(browser, live_server.url, viewport=DESKTOP)
    page = watched.page
    page.goto(f"{live_server.url}/?lang=bn&division=50&district={NATORE}")
    expect(page.locator("#total-count")).to_have_text("<৩")
    expect(page.locator("#data-notice")).to_contain_text("নমুনা তথ্য")
    expect(page.locator("#data-notice")).not_to_contain_text("প্রদর্শনী")
    expect(page.locator("label[for=f-size]")).to_have_text("শিল্পের আকার")
    formatted = page.evaluate(FORMATTED)
    assert formatted == ["২,৩৬,৮৩২", "১,২৩,৪৫,৬৭৮"]

    # The popup in Bangla gives the Bangla product where the record has one.
    (saree,) = town(1, product="Handloom saree", product_bn="তাঁতের শাড়ি", is_synthetic=True)
    page.goto(
        f"{live_server.url}/?lang=bn&division=50&district=10&zoom=15&lat={BOGURA_TOWN[1]}&lng={BOGURA_TOWN[0]}"
    )
    wait_idle(page)  # the figures in: scrolled to before them, the list would be pushed off screen
    page.locator("#results-title").scroll_into_view_if_needed()
    page.locator(f"#results-list .result[data-enterprise='{saree.id}']").click()
    popup = page.locator(".leaflet-popup-content .popup")
    expect(popup).to_contain_text("তাঁতের শাড়ি")
    expect(popup).not_to_contain_text("Handloom saree")

    page.goto(f"{live_server.url}/?lang=en")
    expect(page.locator("#f-sector option[value=G]")).to_have_text(
        "G · Wholesale and retail trade; repair of motor vehicles"
    )
    formatted = page.evaluate(FORMATTED)
    assert formatted == ["236,832", "12,345,678"]
    wait_idle(page)
    assert watched.problems == []
    watched.close()


def test_the_keyboard_moves_through_divisions_without_reloading_and_reaches_the_enterprises(
    live_server, browser
):
    """Item 11: ArrowDown on the closed division list reloaded and re-zoomed at every press; enterprises
    could not be reached by keyboard (the results list does it)."""
    synthetic(600, seed=9)
    watched = Watched(browser, live_server.url, viewport=DESKTOP)
    page = watched.page
    page.goto(f"{live_server.url}/")
    wait_idle(page)
    options = page.eval_on_selector_all("#f-division option", "os => os.map((o) => o.value)")

    asked = []
    page.on("request", lambda r: "/api/v1/stats/?" in r.url and "by=size" in r.url and asked.append(r.url))
    page.focus("#f-division")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(120)
    page.wait_for_timeout(1500)
    wait_idle(page)
    assert len(asked) == 1 and f"division={options[3]}" in asked[0]
    assert query(page)["division"] == options[3]

    # The results list (loaded once it is on screen): the first enterprise of the view, by Tab and
    # Enter, flies there and opens.
    page.locator("#results-title").scroll_into_view_if_needed()
    first = page.locator("#results-list .result").first
    expect(first).to_be_visible()
    chosen = first.get_attribute("data-enterprise")
    first.focus()
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content .popup")
    expect(popup).to_have_attribute("data-enterprise", chosen, timeout=10_000)
    assert zoom(page) >= 15
    assert page.evaluate("() => document.activeElement.closest('.popup') !== null")
    wait_idle(page)
    assert watched.problems == []
    watched.close()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_the_view_can_be_linked_saved_printed_located_and_shown_full_screen(live_server, browser):
    """Portals have a permalink, a PNG or print of the view with its legend and title, locate-me and full
    screen; and say where the data comes from."""
    synthetic(400, seed=10)
    watched = Watched(
        browser,
        live_server.url,
        viewport=DESKTOP,
        geolocation={"latitude": BOGURA_TOWN[1], "longitude": BOGURA_TOWN[0]},
        permissions=["geolocation"],
        accept_downloads=True,
    )
    page = watched.page
    page.goto(f"{live_server.url}/?division=50")
    wait_idle(page)

    page.click("#tool-link")
    expect(page.locator("#permalink-url")).to_have_value(page.url)
    page.click("#permalink-close")
    expect(page.locator("#permalink")).to_be_hidden()

    with page.expect_download() as download:
        page.click("#tool-png")
    picture = Path(download.value.path()).read_bytes()
    width, height = png_size(picture)
    map_size = page.evaluate(f"() => {MAP}.getSize()")
    assert width == map_size["x"] and height > map_size["y"]  # the map, with a title and the legend

    page.emulate_media(media="print")
    expect(page.locator("#filters")).to_be_hidden()
    expect(page.locator("#legend")).to_be_visible()
    expect(page.locator("h1")).to_be_visible()
    page.emulate_media(media="screen")

    page.click("#tool-locate")
    page.wait_for_function(f"() => Math.abs({MAP}.getCenter().lng - {BOGURA_TOWN[0]}) < 0.01")

    page.click("#tool-fullscreen")
    page.wait_for_function(
        "() => document.fullscreenElement && document.fullscreenElement.id === 'map-frame'"
    )
    expect(page.locator("#tool-fullscreen")).to_have_attribute("aria-pressed", "true")

    about = page.locator("header a", has_text="About the data")
    assert page.request.get(f"{live_server.url}{about.get_attribute('href')}").status == 200
    wait_idle(page)
    assert watched.problems == []
    watched.close()


def test_axe_finds_nothing_in_either_language_on_a_desktop_or_a_phone(live_server, browser):
    """Done means: axe-core reports no violation of any impact, English and Bangla, desktop and phone: the
    national map, a district close in with an enterprise's popup open, the drawer open on the phone."""
    synthetic(400, seed=11)
    town(4, size_class="small")
    for context in ({"viewport": DESKTOP}, PHONE_CONTEXT):
        for language in ("en", "bn"):
            watched = Watched(browser, live_server.url, **context)
            page = watched.page
            label = f"{language} {context['viewport']['width']}px"
            page.goto(f"{live_server.url}/?lang={language}")
            wait_idle(page)
            assert_no_violations(page, f"national map, {label}")
            page.goto(
                f"{live_server.url}/?lang={language}&division=50&district=10&zoom=14&lat=24.8515&lng=89.3847"
            )
            wait_idle(page)
            page.locator("#results-title").scroll_into_view_if_needed()
            first = page.locator("#results-list .result").first
            first.click()
            expect(page.locator(".leaflet-popup-content .popup")).to_be_visible()
            # Leaflet fades the popup in: axe would measure the contrast of a half-transparent text.
            page.wait_for_function(
                "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
            )
            wait_idle(page)
            assert_no_violations(page, f"district with a popup, {label}")
            if context is PHONE_CONTEXT:
                page.click("#filters-toggle")
                assert_no_violations(page, f"filters drawer, {label}")
            watched.close()


def test_the_panels_bars_are_drawn_as_long_as_their_counts(live_server, browser):
    """The bars were inline spans: their width was ignored and every chart was an empty grey track."""
    town(6, size_class="micro", is_synthetic=True)
    town(3, size_class="small", is_synthetic=True)
    watched = Watched(browser, live_server.url, viewport=DESKTOP)
    page = watched.page
    page.goto(f"{live_server.url}/?lang=en&division={RAJSHAHI}&district={BOGURA}")
    expect_count(page, 9)
    wait_idle(page)
    widths = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("#by-size .bar-value")].map((value) => {
            const bar = value.previousElementSibling.querySelector(".bar");
            return [value.dataset.key, bar.getBoundingClientRect().width / value.previousElementSibling
                .getBoundingClientRect().width];
        }))"""
    )
    assert abs(widths["micro"] - 1.0) < 0.02 and abs(widths["small"] - 0.5) < 0.02, widths
    watched.close()
