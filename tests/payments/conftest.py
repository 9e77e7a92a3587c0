"""Online payment's tests: a real sandbox gateway process (payments.sandbox) over HTTP, and the live server
it sends its notifications to."""

import pytest

from registrations.models import State
from tests.registrations.conftest import (  # noqa: F401  (fixtures)
    _private_documents,
    applicant,
    approving_officer,
    dhaka_office,
    extension_officer,
    gazipur_office,
    gazipur_officer,
    offices,
)
from tests.registrations.review_support import in_state

from .sandbox_support import running_sandbox

STORE_ID, STORE_PASSWORD = "bscictest", "bscictest@ssl"


@pytest.fixture(scope="session")
def sandbox():
    with running_sandbox(store_id=STORE_ID, store_passwd=STORE_PASSWORD) as running:
        yield running


@pytest.fixture(autouse=True)
def _gateway(request, settings):
    """Every payments test talks to the sandbox, if it asks for it; online payment is on."""
    settings.PAYMENT_ONLINE = True
    if "sandbox" not in request.fixturenames:
        yield
        return
    running = request.getfixturevalue("sandbox")
    settings.PAYMENT_GATEWAYS = {
        "sslcommerz": {
            **settings.PAYMENT_GATEWAYS["sslcommerz"],
            "STORE_ID": STORE_ID,
            "STORE_PASSWORD": STORE_PASSWORD,
            "BASE_URL": running.url + "/",
            "TIMEOUT": 3.0,
        }
    }
    yield
    running.control(validation_delay=0, query_delay=0, api_delay=0)


@pytest.fixture
def site(live_server, settings):
    """The live server, as the address the gateway is given for its notifications and the payer's return."""
    settings.PAYMENT_SITE_URL = live_server.url
    return live_server


@pytest.fixture
def awaiting_fee(applicant, dhaka_office):  # noqa: F811
    """An application of the Dhaka office, approved for payment, with its fee (172.50) fixed."""
    return in_state(applicant, State.APPROVED_FOR_PAYMENT)
