"""An extension officer records an inspection on a phone, in Bangla, in real Chromium: the point comes from
the phone's GPS, a photo is attached, and the page fits a 360-px screen. Screenshots:
tests/artifacts/review_queue_phone.png, review_inspection_phone.png."""

import pytest
from PIL import Image
from playwright.sync_api import expect

from registrations.models import Application, Inspection, State
from tests.browser import ARTIFACTS, PHONE, chromium, session_cookie

from .review_support import in_state


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


def test_inspection_on_a_phone_with_its_gps(live_server, browser, applicant, extension_officer, tmp_path):
    application = in_state(applicant, State.INSPECTION)
    Application.objects.filter(pk=application.pk).update(assigned_to=extension_officer)
    picture = tmp_path / "site.jpg"
    Image.new("RGB", (40, 30), (120, 90, 30)).save(picture, format="JPEG")

    context = browser.new_context(
        viewport=PHONE,
        is_mobile=True,
        has_touch=True,
        locale="bn-BD",
        geolocation={"latitude": 23.81035, "longitude": 90.41255, "accuracy": 12},
        permissions=["geolocation"],
    )
    context.add_cookies([session_cookie(extension_officer.user, live_server.url)])
    page = context.new_page()
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{live_server.url}/office/")
    expect(page.get_by_role("link", name=application.tracking_no)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "review_queue_phone.png"), full_page=True)
    page.get_by_role("link", name=application.tracking_no).click()

    button = page.get_by_role("button", name="এই ফোন থেকে অবস্থান নিন")
    expect(button).to_be_visible()
    button.click()
    expect(page.locator("#id_record_inspection-latitude")).to_have_value("23.810350")
    expect(page.locator("#id_record_inspection-longitude")).to_have_value("90.412550")
    expect(page.locator("#gps-status")).to_contain_text("12")
    page.locator("#id_record_inspection-findings").fill("সাতজন শ্রমিক, পাঁচটি যন্ত্র চালু।")
    page.locator("#id_record_inspection-photos").set_input_files(str(picture))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "review_inspection_phone.png"), full_page=True)
    page.get_by_role("button", name="লিপিবদ্ধ করে সুপারিশ করুন").click()

    expect(page.locator(".message").first).to_contain_text("পরিদর্শন লিপিবদ্ধ হয়েছে")
    expect(page.locator("[data-state]").first).to_have_attribute("data-state", "recommended")
    inspection = Inspection.objects.get(application=application)
    assert (round(inspection.location.y, 5), round(inspection.location.x, 5)) == (23.81035, 90.41255)
    assert inspection.photos.count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert not problems, problems
    context.close()
