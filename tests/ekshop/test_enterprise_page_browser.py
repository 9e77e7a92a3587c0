"""The owner's ekShop page on a phone, in real Chromium, in Bangla and English: it fits 360 px, says what
was left out, and its button downloads the file. Screenshot: tests/artifacts/ekshop_owner_phone_bn.png."""

import io

import openpyxl
import pytest

from tests.browser import ARTIFACTS, PHONE, chromium, session_cookie


@pytest.fixture
def browser():
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize(
    ("locale", "count_text", "left_out_text"),
    [
        ("bn-BD", "৩টি পণ্য আপনার ইকশপ ফাইলে আছে।", "এর দাম নেই।"),
        ("en-GB", "3 products are in your ekShop file.", "It has no price."),
    ],
    ids=["bn", "en"],
)
def test_the_owner_downloads_on_a_phone(
    live_server, browser, pages, owner, locale, count_text, left_out_text
):
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale=locale, accept_downloads=True
    )
    context.add_cookies([session_cookie(owner.user, live_server.url)])
    page = context.new_page()
    # The e-Registration pages open in Bangla whatever the phone says; the switch chooses English.
    page.goto(f"{live_server.url}/e/rahima-tant/ekshop/?lang={locale[:2]}")
    assert page.locator("#ekshop-count").inner_text() == count_text
    assert left_out_text in page.locator("#ekshop-left-out").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    if locale.startswith("bn"):
        page.screenshot(path=str(ARTIFACTS / "ekshop_owner_phone_bn.png"), full_page=True)
    with page.expect_download() as download:
        page.locator("#ekshop-download").click()
    assert download.value.suggested_filename == "ekshop-rahima-tant.xlsx"
    # Playwright keeps the download under a name without .xlsx, which openpyxl refuses.
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "জামদানি শাড়ি",
        "Gamchha",
        "শীতল পাটি",
    ]
    context.close()
