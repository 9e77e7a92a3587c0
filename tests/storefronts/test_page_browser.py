"""The public page in real Chromium on a phone (360 px), in Bangla and in English: the map draws without a
basemap, nothing overflows sideways, no request fails; and the national map's popup links to the page.

Screenshots: tests/artifacts/storefront-bn.png, storefront-en.png, storefront-popup.png."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import expect

from storefronts.services import product_save, storefront_logo_set, storefront_update
from tests.browser import ARTIFACTS, chromium
from tests.maps.test_map_browser import ENTERPRISES_ON_SCREEN, Watched, wait_idle

PHONE = {"viewport": {"width": 360, "height": 780}, "device_scale_factor": 2, "is_mobile": True}


def _photo(colour) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("p.jpg", buffer.getvalue(), "image/jpeg")


@pytest.fixture
def dressed(storefront):
    storefront_update(
        storefront=storefront,
        description_en="Hand-stitched nakshi kantha quilts, made by twelve women in Mirpur.",
        description_bn="মিরপুরের বারোজন নারীর হাতে সেলাই করা নকশি কাঁথা।",
        contact_phone="01812345678",
        contact_email="sales@rahima.example",
    )
    storefront_logo_set(storefront=storefront, upload=_photo((0, 106, 78)))
    first = storefront.products.get()
    product_save(
        storefront=storefront,
        product=first,
        photo=_photo((180, 60, 40)),
        price_bdt=Decimal("1250"),
        unit="piece",
        name_bn="নকশি কাঁথা",
    )
    product_save(
        storefront=storefront,
        name_en="Cushion cover",
        name_bn="কুশন কভার",
        price_bdt=Decimal("350"),
        unit="pair",
        photo=_photo((40, 90, 160)),
    )
    return storefront


def test_the_page_on_a_phone_in_both_languages_and_the_map_popup_links_to_it(live_server, dressed):
    with chromium() as browser:
        for language, heading, badge in (
            ("bn", "রহিমা হস্তশিল্প", "বিসিক"),
            ("en", "Rahima Handicrafts", "Registered with BSCIC"),
        ):
            watched = Watched(browser, live_server.url, **PHONE)
            page = watched.page
            page.goto(f"{live_server.url}/e/{dressed.slug}/?lang={language}")
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("h1")).to_have_text(heading)
            expect(page.locator("#bscic-badge")).to_contain_text(badge)
            expect(page.locator(".product")).to_have_count(2)
            expect(page.locator("#storefront-map")).to_have_attribute("data-ready", "1")
            expect(page.locator("#storefront-map path.leaflet-interactive")).to_have_count(1)  # the point
            page.wait_for_function(
                "() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)"
            )
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
            page.screenshot(path=ARTIFACTS / f"storefront-{language}.png", full_page=True)
            assert watched.problems == [] and watched.foreign == []
            watched.close()

        # The national map: the enterprise's popup has a link to its page.
        watched = Watched(browser, live_server.url, viewport={"width": 1280, "height": 800})
        page = watched.page
        location = dressed.enterprise.location
        page.goto(f"{live_server.url}/?lang=en")
        wait_idle(page)
        page.evaluate(
            "([lat, lng]) => window.bscicMap.debug.map().setView([lat, lng], 14, {animate: false})",
            [location.y, location.x],
        )
        page.wait_for_function(f"() => ({ENTERPRISES_ON_SCREEN})().length > 0")
        page.wait_for_timeout(500)
        target = next(p for p in page.evaluate(ENTERPRISES_ON_SCREEN) if p[0] == dressed.enterprise_id)
        box = page.locator("#map").bounding_box()
        page.mouse.click(box["x"] + target[1], box["y"] + target[2])
        link = page.locator(".leaflet-popup-content .popup a.popup-page")
        expect(link).to_have_attribute("href", f"/e/{dressed.slug}/?lang=en")
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
        )
        page.screenshot(path=ARTIFACTS / "storefront-popup.png")
        link.click()
        page.wait_for_url(f"**/e/{dressed.slug}/?lang=en")
        expect(page.locator("h1")).to_have_text("Rahima Handicrafts")
        assert watched.problems == [] and watched.foreign == []
        watched.close()
