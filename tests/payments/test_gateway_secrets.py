"""The store password is the key to the merchant's account: it goes to the gateway and nowhere else. Not into
any log line (every logger at DEBUG, as someone chasing a gateway problem would set them), nor into what is
stored of the gateway's answers and errors."""

import logging
from urllib.parse import quote, quote_plus

from payments.models import Attempt, GatewayEvent
from payments.services import attempts_reconcile

from .attack_support import assert_paid_once, pay, post_ipn, relay_ipn, relayed, sent_ipn, start  # noqa: F401
from .conftest import STORE_PASSWORD

FORMS = {STORE_PASSWORD, quote(STORE_PASSWORD), quote_plus(STORE_PASSWORD), quote(STORE_PASSWORD, safe="")}


def _every_logger_at_debug(caplog):
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    for name in ("httpx", "httpcore", "payments"):
        caplog.set_level(logging.DEBUG, logger=name)


def _stored_text(attempt: Attempt) -> str:
    events = GatewayEvent.objects.filter(tran_id=attempt.tran_id).values_list("detail", flat=True)
    attempt.refresh_from_db()
    return repr(list(events)) + attempt.last_error


def test_the_store_password_is_never_logged_nor_stored(relayed, sandbox, awaiting_fee, settings, caplog):  # noqa: F811
    _every_logger_at_debug(caplog)
    attempt = start(awaiting_fee)
    pay(sandbox, attempt)
    ipn = sent_ipn(sandbox, attempt)
    # The gateway answering an error page: its URL (which holds the password) must not come back with it.
    working = settings.PAYMENT_GATEWAYS["sslcommerz"]
    settings.PAYMENT_GATEWAYS = {"sslcommerz": {**working, "BASE_URL": sandbox.url + "/gone/"}}
    assert post_ipn(ipn).status_code == 503
    assert attempts_reconcile(now=attempt.created.replace(year=attempt.created.year + 1)) == {
        "gateway_error": 1
    }
    settings.PAYMENT_GATEWAYS = {"sslcommerz": working}
    assert relay_ipn(sandbox, attempt).json() == {"outcome": "paid"}
    assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)

    assert "validationserverAPI" in caplog.text  # the gateway calls were logged (at DEBUG), and
    assert "404" in _stored_text(attempt)  # the gateway's error is kept, but
    for form in FORMS:
        assert form not in caplog.text
        assert form not in _stored_text(attempt)
