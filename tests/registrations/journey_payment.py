"""The journey's online payment: the SSLCommerz sandbox (``python -m payments.sandbox``) as a real process,
the site pointed at it, and the applicant paying on its page in Chromium."""

import pytest
from playwright.sync_api import expect

from tests.payments.sandbox_support import free_port, running_sandbox

STORE_ID, STORE_PASSWORD = "bscictest", "bscictest@ssl"
SANDBOX_PORTS = range(18801, 18900)  # this test's own range (18800 and up)
# The IPN goes from the sandbox to the live server, which then asks the sandbox's validation API; the status
# page looks again every 3 s. On a loaded machine that can take a while.
PAID_TIMEOUT_MS = 60_000


@pytest.fixture(name="sandbox_gateway")
def _sandbox_gateway(live_server, settings):
    """The sandbox gateway process, with the site's gateway settings pointed at it and the live server as
    the address the gateway is given for the IPN and the payer's return."""
    with running_sandbox(
        store_id=STORE_ID, store_passwd=STORE_PASSWORD, port=free_port(SANDBOX_PORTS)
    ) as sandbox:
        settings.PAYMENT_ONLINE = True
        settings.PAYMENT_GATEWAYS = {
            "sslcommerz": {
                **settings.PAYMENT_GATEWAYS["sslcommerz"],
                "STORE_ID": STORE_ID,
                "STORE_PASSWORD": STORE_PASSWORD,
                "BASE_URL": sandbox.url + "/",
                "TIMEOUT": 5.0,
            }
        }
        settings.PAYMENT_SITE_URL = live_server.url
        yield sandbox


def pay_on_the_sandbox(phone, application, sandbox) -> str:
    """The applicant presses "Pay online" on their application page, pays on the gateway's page and is sent
    back to the payment's own page; it waits there until that says paid. The transaction id."""
    page = phone.go(f"/apply/{application.pk}/")
    page.locator("#pay-online").click()
    page.wait_for_url(f"{sandbox.url}/**")
    expect(page.locator("#pay")).to_be_visible()
    expect(page.locator("#amount")).to_contain_text(f"{application.fee_total:.2f} BDT")
    tran_id = page.locator("#tran-id").inner_text().strip()
    phone.fits()
    phone.shot("7_sandbox")
    page.locator("#pay").click()  # the answer auto-submits its signed form to our return URL (→ 303)
    page.wait_for_url(f"{phone.base_url}/payments/{tran_id}/", timeout=PAID_TIMEOUT_MS)
    expect(page.locator("#tran-id")).to_have_text(tran_id)
    expect(page.locator('#payment-state[data-state="paid"]')).to_be_visible(timeout=PAID_TIMEOUT_MS)
    expect(page.locator("html")).to_have_attribute("lang", "bn")
    phone.fits()
    phone.shot("8_paid")
    return tran_id


def _downloaded(page, link, path) -> bytes:
    with page.expect_download() as download:
        link.click()
    download.value.save_as(path)
    return path.read_bytes()


def download_the_receipt(phone, tran_id: str, tmp_path) -> list[bytes]:
    """From the paid payment's page: the money receipt's PDF (#receipt-link), and the printable receipt
    with its own PDF link (#receipt-pdf). The two downloads' bytes."""
    page = phone.go(f"/payments/{tran_id}/")
    from_status_page = _downloaded(page, page.locator("#receipt-link"), tmp_path / "receipt-1.pdf")
    page.locator(f"a[href$='/payments/{tran_id}/receipt/']").first.click()
    page.wait_for_url(f"**/payments/{tran_id}/receipt/")
    expect(page.get_by_text(tran_id).first).to_be_visible()
    phone.fits()
    phone.shot("9_receipt")
    from_receipt_page = _downloaded(page, page.locator("#receipt-pdf"), tmp_path / "receipt-2.pdf")
    return [from_status_page, from_receipt_page]
