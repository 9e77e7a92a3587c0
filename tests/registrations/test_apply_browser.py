"""The applicant's form in real Chromium on a 360 × 740 phone screen, in Bangla: the district check, the
enterprise and owners steps, the cascading places, the phone's GPS and a tap on the map, and the size class
changing as the figures are typed, the documents (a scan over the limit stopped in the phone) and the
submission; no failed request, no console error, no request off the site, and no
page wider than the screen.

Screenshots go to tests/artifacts/apply-*.png for a person to look at.
"""

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from industries.models import District, Upazila
from registrations.models import Application
from tests.browser import ARTIFACTS, PHONE, chromium
from tests.maps.test_map_browser import Watched

from .apply_support import fill_steps, new_draft, png_bytes, step_url
from .conftest import DHAKA_POINT, make_applicant


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


def logged_in(browser, live_server, user) -> Watched:
    """A phone's browser with the applicant's session (as after logging in), its location at the factory."""
    client = Client()
    client.force_login(user)
    watched = Watched(
        browser,
        live_server.url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="bn-BD",
        geolocation={"latitude": DHAKA_POINT.y, "longitude": DHAKA_POINT.x, "accuracy": 12},
        permissions=["geolocation"],
    )
    host = live_server.url.split("//", 1)[1].split(":")[0]
    watched.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
    )
    return watched


def fits_the_screen(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px screen"


def wait_for_option(page, select: str, value) -> None:
    page.wait_for_function(
        "([s, v]) => [...document.querySelector(s).options].some((o) => o.value === String(v))",
        arg=[select, value],
    )


def test_an_applicant_fills_the_form_in_bangla_on_a_phone(live_server, browser, offices):
    applicant = make_applicant()
    dhaka = District.objects.get(code="26")
    chattogram = District.objects.get(code="15")
    upazila = Upazila.objects.filter(pieces__geom__intersects=DHAKA_POINT).first()
    watched = logged_in(browser, live_server, applicant.user)
    page = watched.page

    # Before anything: where is the factory? Rajshahi is not open yet, Dhaka is.
    page.goto(f"{live_server.url}/apply/")
    expect(page.locator("h1")).to_contain_text("অনলাইনে নিবন্ধন")
    fits_the_screen(page)
    page.select_option("#where-district", str(District.objects.get(code="81").pk))
    page.click("#where button[type=submit]")
    expect(page.locator("#district-not-open")).to_contain_text("রাজশাহী জেলার কারখানার জন্য")
    expect(page.locator("#district-not-open")).to_contain_text("not open yet for factories in Rajshahi")
    page.select_option("#where-district", str(dhaka.pk))
    page.click("#where button[type=submit]")
    expect(page.locator("#district-open")).to_contain_text("ঢাকা")
    page.screenshot(path=str(ARTIFACTS / "apply-home.png"), full_page=True)
    page.click("#where form[action='/apply/start/'] button")

    # 1 The enterprise, in Bangla, with a Bangla-digit year.
    expect(page.locator("h1")).to_contain_text("ধাপ ১/৬")
    application = Application.objects.get(applicant=applicant)
    page.fill("#id_name_bn", "রহিমা হস্তশিল্প")
    page.fill("#id_name_en", "Rahima Handicrafts")
    page.check("input[name=application_type][value=existing]")
    page.check("input[name=kind][value=manufacturing]")
    page.select_option("#id_sector", "13")
    page.fill("#id_products", "নকশি কাঁথা")
    page.fill("#id_year_started", "২০১৯")
    page.fill("#id_trade_licence_no", "TRAD/DNCC/012345/2024")
    page.select_option("#id_trade_licence_authority", "city_corporation")
    fits_the_screen(page)
    page.click("button[name=save]")

    # 2 The owner, with a wrong NID first: the error is in Bangla and what was typed stays.
    expect(page.locator("h1")).to_contain_text("ধাপ ২/৬")
    page.check("input[name=ownership][value=proprietorship]")
    page.check("#id_is_family_based")
    page.fill("#id_owners-0-name_bn", "রহিমা বেগম")
    page.fill("#id_owners-0-name_en", "Rahima Begum")
    page.fill("#id_owners-0-nid", "১২৩৪")
    page.fill("#id_owners-0-date_of_birth", "1985-04-12")
    page.fill("#id_owners-0-phone", "০১৭১১-০০০০০১")
    page.fill("#id_owners-0-address", "বাড়ি ১২, সড়ক ৩, মিরপুর, ঢাকা")
    page.click("button[name=save]")
    expect(page.locator("#field-owners-0-nid .errorlist")).to_contain_text("জাতীয় পরিচয়পত্র নম্বর নয়")
    expect(page.locator("#id_owners-0-name_bn")).to_have_value("রহিমা বেগম")
    page.fill("#id_owners-0-nid", "১২৩৪৫৬৭৮৯০")
    page.click("button[name=save]")

    # 3 The location: the cascade fills the selects, the GPS gives a point, a tap on the map moves it.
    expect(page.locator("h1")).to_contain_text("ধাপ ৩/৬")
    expect(page.locator(".no-js button")).to_be_hidden()  # the script does the server's job
    page.fill("#id_factory_address", "বাড়ি ১২, সড়ক ৩, মিরপুর, ঢাকা")
    page.select_option("#id_stated_division", str(chattogram.division_id))
    wait_for_option(page, "#id_stated_district", chattogram.pk)
    page.select_option("#id_stated_division", str(dhaka.division_id))
    wait_for_option(page, "#id_stated_district", dhaka.pk)
    page.select_option("#id_stated_district", str(dhaka.pk))
    wait_for_option(page, "#id_stated_upazila", upazila.pk)
    page.select_option("#id_stated_upazila", str(upazila.pk))
    # At rest at the district (Leaflet sets the zoom when its animation starts). A fix that comes during
    # the animation is tested below.
    page.wait_for_function(
        "() => window.bscicApply && window.bscicApply.map.getZoom() >= 9"
        " && !window.bscicApply.map._animatingZoom"
    )

    page.click("#use-gps")
    expect(page.locator("#id_latitude")).to_have_value(f"{DHAKA_POINT.y:.6f}")
    expect(page.locator("#map-status")).to_contain_text("ফোনের অবস্থান")

    page.wait_for_timeout(700)  # let the zoom to the district finish before aiming at it
    target = page.evaluate(
        "([lat, lng]) => { const p = window.bscicApply.map.latLngToContainerPoint([lat, lng]);"
        " return [p.x, p.y]; }",
        [DHAKA_POINT.y + 0.002, DHAKA_POINT.x + 0.002],
    )
    box = page.locator("#locate-map").bounding_box()
    page.mouse.click(box["x"] + target[0], box["y"] + target[1])
    latitude = float(page.input_value("#id_latitude"))
    longitude = float(page.input_value("#id_longitude"))
    assert (
        abs(latitude - (DHAKA_POINT.y + 0.002)) < 0.003 and abs(longitude - (DHAKA_POINT.x + 0.002)) < 0.003
    )
    assert page.evaluate("() => window.bscicApply.marker() !== null")
    fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "apply-location.png"), full_page=True)
    page.click("button[name=save]")

    # 4 The investment: the size class and its rule change as the figures are typed.
    expect(page.locator("h1")).to_contain_text("ধাপ ৪/৬")
    for name, value in [
        ("land_bdt", "০"),
        ("building_bdt", "০"),
        ("machinery_bdt", "৩,০০,০০০"),
        ("other_fixed_bdt", "৫০,০০০"),
        ("working_capital_bdt", "১,০০,০০০"),
        ("workers_male", "২"),
        ("workers_female", "৫"),
        ("workers_foreign", "০"),
    ]:
        page.locator(f"#id_{name}").press_sequentially(value, delay=15)
    expect(page.locator("#size-class-label")).to_have_text("কুটির")
    expect(page.locator("#size-class-rule")).to_contain_text("৩.৫ লাখ টাকা")
    expect(page.locator("#size-class-rule")).to_contain_text("যেটি বড়, সেটিই প্রযোজ্য")
    page.fill("#id_workers_male", "")
    page.locator("#id_workers_male").press_sequentially("২০", delay=15)
    expect(page.locator("#size-class-label")).to_have_text("মাইক্রো")
    expect(page.locator("#size-class-rule")).to_contain_text("২৫ জন শ্রমিক")
    fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "apply-investment.png"), full_page=True)
    page.click("button[name=save]")
    expect(page.locator("h1")).to_contain_text("ধাপ ৫/৬")

    # 5 Documents: a 3 MB scan is stopped in the phone (the limit comes from the settings); then all five.
    big = {"name": "deed.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n" + b"0" * (3 << 20)}
    page.set_input_files("#id_land_deed", big)
    expect(page.locator("#field-land_deed .upload-too-large")).to_contain_text("৩.০ মেগাবাইট")
    expect(page.locator("#field-land_deed .upload-too-large")).to_contain_text("সর্বোচ্চ ২ মেগাবাইট")
    assert page.input_value("#id_land_deed") == ""
    for kind in ("photo", "nid", "trade_licence", "land_deed", "machinery_list"):
        page.set_input_files(
            f"#id_{kind}", {"name": f"{kind}.png", "mimeType": "image/png", "buffer": png_bytes()}
        )
    fits_the_screen(page)
    page.click("button[name=save]")

    # 6 Review and submit: the tracking number is shown.
    expect(page.locator("h1")).to_contain_text("ধাপ ৬/৬")
    fits_the_screen(page)
    page.click("#submit-application")
    expect(page.locator("#tracking-no")).to_have_text(re.compile(r"BR-\d{8}-\d{6}"))
    expect(page.locator("#state")).to_contain_text("জমা")
    fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "apply-submitted.png"), full_page=True)

    application.refresh_from_db()
    assert application.state == "submitted" and application.documents.count() == 5
    assert application.office.district == dhaka and application.district_mismatch is False
    assert application.size_class == "micro" and application.workers_total == 25
    assert application.owners.get().nid == "1234567890"
    assert application.form_step == 6
    assert watched.problems == [], watched.problems
    assert watched.foreign == [], watched.foreign
    watched.close()


def test_a_gps_fix_that_comes_while_the_map_zooms_still_centres_the_map_on_it(live_server, browser, offices):
    """Leaflet drops a setView made during a zoom animation: the fix of a quick GPS, while the map zooms to
    the district just chosen, left the map where it was, the factory's point off to one side."""
    applicant = make_applicant()
    application = new_draft(applicant)
    client = Client()
    client.force_login(applicant.user)
    fill_steps(client, application, upto=2)
    page = logged_in(browser, live_server, applicant.user).page
    page.goto(f"{live_server.url}{step_url(application, 3)}")
    page.wait_for_function("() => window.bscicApply && !window.bscicApply.map._animatingZoom")

    # The GPS asked for as a zoom animation begins: its answer comes a few milliseconds later, in it.
    page.evaluate(
        """() => {
            const map = window.bscicApply.map;
            map.once("zoomanim", () => document.getElementById("use-gps").click());
            map.setZoom(map.getZoom() + 1);
        }"""
    )
    expect(page.locator("#id_latitude")).to_have_value(f"{DHAKA_POINT.y:.6f}")

    page.wait_for_function(
        "() => window.bscicApply.map.getZoom() === 16 && !window.bscicApply.map._animatingZoom", timeout=5000
    )
    lat, lng = page.evaluate("() => { const c = window.bscicApply.map.getCenter(); return [c.lat, c.lng]; }")
    assert abs(lat - DHAKA_POINT.y) < 1e-4 and abs(lng - DHAKA_POINT.x) < 1e-4
