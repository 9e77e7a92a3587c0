"""Helpers of the attack and fault tests: start a real attempt against the sandbox, pay on its page, wait for
what the sandbox does by itself, sign a form as SSLCommerz would, and the two endings every test checks:
paid exactly once, or not paid at all."""

import time
from collections.abc import Callable

import httpx
import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from payments import services, views
from payments.models import Attempt, GatewayEvent
from payments.sandbox.signing import sign
from registrations.models import Application, Payment, State, Transition

from .sandbox_support import redirect_form


def gateway_urls() -> dict[str, str]:
    """The success/fail/cancel/IPN URLs as the pay view gives them (from PAYMENT_SITE_URL: the `site`
    fixture's live server)."""
    return views._urls(RequestFactory().get("/"))


def start(application: Application) -> Attempt:
    """A fresh attempt opened on the sandbox by the application's own applicant."""
    return services.attempt_start(
        application_id=application.pk, user=application.applicant.user, urls=gateway_urls()
    )


def pay(sandbox, attempt: Attempt, *, scenario: str = "normal", action: str = "pay") -> tuple[str, dict]:
    """Press a button on the attempt's sandbox page; the (merchant URL, signed fields) the browser would post
    back. The sandbox sends its IPN (if the scenario does) by itself."""
    return redirect_form(sandbox.pay(attempt.gateway_page_url, action=action, scenario=scenario))


def resign(fields: dict, store_passwd: str) -> dict:
    """``fields`` (changed or made up) signed correctly with the store password, as only the gateway could."""
    unsigned = {k: v for k, v in fields.items() if k not in ("verify_sign", "verify_sign_sha2", "verify_key")}
    verify_key, verify_sign, verify_sign_sha2 = sign(unsigned, store_passwd)
    return {
        **unsigned,
        "verify_key": verify_key,
        "verify_sign": verify_sign,
        "verify_sign_sha2": verify_sign_sha2,
    }


# Nothing listens here (the top of this suite's port range): the sandbox's own IPN to it fails at once, and
# is kept by the sandbox (GET /sandbox/transactions/<tran_id>) for the test to deliver.
NOWHERE = "http://127.0.0.1:18599"


@pytest.fixture
def relayed(settings):
    """Tests without a live server (so without a flush of the database after each): the gateway is given
    an address where nothing listens, and the test hands the sandbox's IPN to the listener itself."""
    settings.PAYMENT_SITE_URL = NOWHERE


def post_ipn(form: dict):
    """POST a form to the IPN listener in this process, as the gateway would: no cookie, no CSRF token."""
    return Client(enforce_csrf_checks=True).post(reverse("payments:ipn", args=["sslcommerz"]), form)


def post_ipn_live(form: dict) -> httpx.Response:
    """POST a form to the live server's IPN listener (the `site` fixture), as the gateway does."""
    return httpx.post(gateway_urls()["ipn"], data=form, timeout=15.0, trust_env=False)


def sent_ipn(sandbox, attempt: Attempt, number: int = 1) -> dict:
    """The body of the sandbox's ``number``-th IPN for the attempt (as it posted it, or tried to)."""
    return sandbox.wait_for_ipn_attempts(attempt.tran_id, number)[number - 1]["body"]


def relay_ipn(sandbox, attempt: Attempt, number: int = 1):
    """Deliver the sandbox's IPN for the attempt to the listener; the listener's response."""
    return post_ipn(sent_ipn(sandbox, attempt, number))


def wait_until(predicate: Callable[[], object], *, timeout: float = 15.0, what: str = "the condition"):
    """Poll until ``predicate()`` is truthy; its value. AssertionError after ``timeout`` (never a claim
    about speed: only a bound on waiting for something that should happen)."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def attempt_state(attempt: Attempt) -> str:
    return Attempt.objects.values_list("state", flat=True).get(pk=attempt.pk)


def wait_for_state(attempt: Attempt, state: str, *, timeout: float = 15.0) -> Attempt:
    wait_until(lambda: attempt_state(attempt) == state, timeout=timeout, what=f"{attempt.tran_id} {state}")
    return Attempt.objects.get(pk=attempt.pk)


def outcomes(attempt: Attempt, kind: str | None = None) -> list[str]:
    events = GatewayEvent.objects.filter(attempt=attempt).order_by("created", "id")
    if kind:
        events = events.filter(kind=kind)
    return list(events.values_list("outcome", flat=True))


def assert_paid_once(application: Application, *, tran_id: str) -> Payment:
    """The application is paid, by exactly one online Payment (the attempt's), through one pay_online move."""
    application.refresh_from_db()
    assert application.state == State.PAID
    payments = list(Payment.objects.filter(application=application))
    assert len(payments) == 1, payments
    assert payments[0].method == Payment.Method.ONLINE and payments[0].receipt_no == tran_id
    assert payments[0].amount == application.fee_total
    moves = Transition.objects.filter(application=application, target=State.PAID)
    assert list(moves.values_list("action", flat=True)) == ["pay_online"]
    assert Attempt.objects.filter(application=application, state=Attempt.State.PAID).count() == 1
    return payments[0]


def assert_not_paid(application: Application) -> None:
    """Still waiting for the fee: no Payment, no move to paid, no attempt paid."""
    application.refresh_from_db()
    assert application.state == State.APPROVED_FOR_PAYMENT
    assert not Payment.objects.filter(application=application).exists()
    assert not Transition.objects.filter(application=application, target=State.PAID).exists()
    assert not Attempt.objects.filter(application=application, state=Attempt.State.PAID).exists()
