"""Online payment's pages: the applicant's box and status page, the office's box and decisions, the admin.

Django's test client against the real sandbox gateway (a process of its own, over HTTP) and PostGIS."""

import re
import socket
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from payments.models import Attempt, GatewayEvent
from payments.services import new_tran_id
from registrations.models import Application, Payment, State
from tests.factories import located_enterprises
from tests.registrations.conftest import make_applicant
from tests.registrations.review_support import in_state

GATEWAY_DOWN_BN = "পেমেন্ট গেটওয়েতে এখন যোগাযোগ করা যাচ্ছে না"


def detail_url(application) -> str:
    return reverse("registrations:application_detail", args=[application.pk])


def office_url(application) -> str:
    return reverse("registrations:office_application", args=[application.pk])


def pay_url(application) -> str:
    return reverse("payments:pay", args=[application.pk])


def status_url(attempt) -> str:
    return reverse("payments:attempt", args=[attempt.tran_id])


def text(response) -> str:
    """The page's visible text, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def attempt_in(application, state: str, **fields) -> Attempt:
    """An attempt put straight into ``state`` (set-up only: the services' own tests reach these states)."""
    values = dict(
        application=application,
        gateway="sslcommerz",
        tran_id=new_tran_id(),
        amount=application.fee_total,
        store_id="bscictest",
        started_by=application.applicant.user,
        expires_at=timezone.now() + timedelta(minutes=30),
        gateway_page_url="http://127.0.0.1:9/gwprocess/v4/gw.php?Q=pay",
        state=state,
    )
    if state in Attempt.MONEY_STATES:
        values.update(
            val_id=f"VAL{values['tran_id']}", gateway_amount=application.fee_total, bank_tran_id="BNK1"
        )
    values.update(fields)
    return Attempt.objects.create(**values)


@pytest.fixture
def gateway_down(settings):
    """The gateway's address is a port that refuses connections (bound, never listening)."""
    with socket.socket() as refusing:
        refusing.bind(("127.0.0.1", 0))
        port = refusing.getsockname()[1]
        settings.PAYMENT_GATEWAYS = {
            "sslcommerz": {
                **settings.PAYMENT_GATEWAYS["sslcommerz"],
                "BASE_URL": f"http://127.0.0.1:{port}/",
                "TIMEOUT": 2.0,
            }
        }
        yield


# --- the applicant's box and the pay button


def test_pay_button_on_an_application_approved_for_payment(awaiting_fee, sandbox):
    page = logged_in(awaiting_fee.applicant.user).get(detail_url(awaiting_fee))

    assert page.status_code == 200
    assert b'id="pay-online"' in page.content
    assert "১৭২.৫০ টাকা" in text(page)  # the fee, as taka with Bangla digits
    assert b'id="how-to-pay"' in page.content  # paying at the office or by A-Challan is still told


def test_no_pay_button_before_approval_or_after_payment(applicant, dhaka_office, sandbox):
    client = logged_in(applicant.user)
    submitted = in_state(applicant, State.SUBMITTED)
    paid = in_state(applicant, State.APPROVED_FOR_PAYMENT)
    attempt_in(paid, Attempt.State.HELD, problem=Attempt.Problem.RISKY)

    assert b'id="pay-online"' not in client.get(detail_url(submitted)).content
    held_page = client.get(detail_url(paid))
    assert b'id="pay-online"' not in held_page.content
    assert b'id="payment-held"' in held_page.content
    assert "Do not pay again." in text(client.get(detail_url(paid) + "?lang=en"))


def test_no_pay_button_with_online_payment_off(awaiting_fee, settings):
    settings.PAYMENT_ONLINE = False
    page = logged_in(awaiting_fee.applicant.user).get(detail_url(awaiting_fee))

    assert page.status_code == 200
    assert b'id="pay-online"' not in page.content
    assert b'id="online-payment"' not in page.content
    assert b'id="how-to-pay"' in page.content


def test_pay_sends_the_browser_to_the_gateway_page(awaiting_fee, sandbox):
    response = logged_in(awaiting_fee.applicant.user).post(pay_url(awaiting_fee))

    attempt = Attempt.objects.get(application=awaiting_fee)
    assert response.status_code == 303
    assert response["Location"] == attempt.gateway_page_url
    assert attempt.gateway_page_url.startswith(sandbox.url)
    assert attempt.state == Attempt.State.PENDING
    assert attempt.amount == Decimal("172.50")
    assert sandbox.transaction(attempt.tran_id)["amount"] == "172.50"


def test_pay_with_the_gateway_down_returns_to_the_application_with_the_reason(awaiting_fee, gateway_down):
    client = logged_in(awaiting_fee.applicant.user)
    response = client.post(pay_url(awaiting_fee), follow=True)

    assert response.redirect_chain == [("http://testserver" + detail_url(awaiting_fee), 302)]
    page = text(response)
    assert GATEWAY_DOWN_BN in page
    assert "কোনো টাকা কাটা হয়নি" in page  # no money was taken
    # The service keeps the attempt for reconciliation (the gateway may have opened a session we did not hear
    # of), but the payer never saw a gateway page: it is "not started", and paying again is offered.
    attempt = Attempt.objects.get(application=awaiting_fee)
    assert attempt.state == Attempt.State.PENDING and attempt.gateway_page_url == ""
    assert b'data-status="not_started"' in response.content
    assert b'id="pay-online"' in response.content
    assert b'id="payment-unsettled"' not in response.content  # no "if money was taken, do not pay again"
    awaiting_fee.refresh_from_db()
    assert awaiting_fee.state == State.APPROVED_FOR_PAYMENT


def test_pay_with_the_gateway_down_in_english(awaiting_fee, gateway_down):
    client = logged_in(awaiting_fee.applicant.user)
    client.get(detail_url(awaiting_fee) + "?lang=en")  # chooses English (the language cookie)

    response = client.post(pay_url(awaiting_fee), follow=True)
    assert "The payment gateway cannot be reached just now. No money was taken" in text(response)


def test_pay_for_another_applicants_application_is_404(awaiting_fee, sandbox):
    other = make_applicant(phone="+8801711000099", name="Karim")
    response = logged_in(other.user).post(pay_url(awaiting_fee))

    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_pay_when_already_held_says_do_not_pay_again(awaiting_fee, sandbox):
    held = attempt_in(awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY)
    response = logged_in(awaiting_fee.applicant.user).post(pay_url(awaiting_fee), follow=True)

    assert response.redirect_chain[-1][0].endswith(detail_url(awaiting_fee))
    assert f"আপনার একটি পেমেন্ট (লেনদেন {held.tran_id}) অফিস যাচাই করছে" in text(response)
    assert Attempt.objects.filter(application=awaiting_fee).count() == 1


# --- while an online payment is held or being confirmed: never "pay at the counter", never a second Pay


COUNTER_BN = "ক্যাশ কাউন্টারে"  # "at the cash counter": the how-to-pay paragraph
COUNTER_EN = "Pay the fee at the cash counter"


def returned(attempt, result: str = "success") -> None:
    """The payer's browser back from the gateway's page, through the real return URL (changes nothing)."""
    url = reverse("payments:return", kwargs={"gateway_name": "sslcommerz", "result": result})
    assert Client(enforce_csrf_checks=True).post(url, {"tran_id": attempt.tran_id}).status_code == 303


def aged(attempt, minutes: int) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(created=timezone.now() - timedelta(minutes=minutes))


def assert_no_second_payment_offered(page, *, english: bool) -> None:
    assert page.status_code == 200
    assert b'id="pay-online"' not in page.content
    assert b'id="how-to-pay"' not in page.content
    assert b'id="payment-in-progress"' in page.content
    shown = text(page)
    assert (COUNTER_EN if english else COUNTER_BN) not in shown
    assert ("A-Challan" if english else "এ-চালান") not in shown
    assert (
        "Do not pay again, online or at the office." if english else "অনলাইনে বা অফিসে আবার ফি দেবেন না।"
    ) in shown


@pytest.mark.parametrize("lang", ["bn", "en"])
def test_a_held_payment_leaves_no_counter_instructions_and_no_pay_button(awaiting_fee, sandbox, lang):
    held = attempt_in(awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY, risk_title="Not Safe")
    page = logged_in(awaiting_fee.applicant.user).get(f"{detail_url(awaiting_fee)}?lang={lang}")

    assert_no_second_payment_offered(page, english=lang == "en")
    assert b'data-status="held"' in page.content and held.tran_id in text(page)
    assert "Not Safe" not in text(page)  # the gateway's risk words are for the office


@pytest.mark.parametrize("minutes", [0, 20], ids=["just-back", "long-unconfirmed"])
def test_a_pending_payment_after_a_success_return_is_being_confirmed(awaiting_fee, sandbox, minutes):
    attempt = attempt_in(awaiting_fee, Attempt.State.PENDING)
    returned(attempt)
    aged(attempt, minutes)
    client = logged_in(awaiting_fee.applicant.user)

    for lang in ("bn", "en"):
        detail = client.get(f"{detail_url(awaiting_fee)}?lang={lang}")
        assert_no_second_payment_offered(detail, english=lang == "en")
        assert b'id="payment-confirming"' in detail.content

    status = client.get(status_url(attempt) + "?lang=en")
    shown = text(status)
    assert b'data-reported="success"' in status.content
    assert "Came back without paying?" not in shown and b'id="gateway-page"' not in status.content
    assert (
        "The gateway's page reported this payment as made. We are waiting for the gateway to confirm" in shown
    )
    assert "Do not pay again." in shown
    assert b'id="pay-again"' not in status.content
    assert b'http-equiv="refresh"' in status.content  # it still looks again until the gateway answers
    bangla = text(client.get(status_url(attempt) + "?lang=bn"))
    assert "গেটওয়ের নিশ্চিতকরণের অপেক্ষায় আছি" in bangla and "টাকা না দিয়েই ফিরে এসেছেন?" not in bangla


def test_a_failed_return_is_not_taken_for_a_payment(awaiting_fee, sandbox):
    attempt = attempt_in(awaiting_fee, Attempt.State.PENDING)
    returned(attempt, "fail")
    aged(attempt, 3)
    page = logged_in(awaiting_fee.applicant.user).get(detail_url(awaiting_fee))

    # Not being confirmed: paying again is offered, with the warning "if money was taken, do not".
    assert b'id="pay-online"' in page.content and b'id="payment-unsettled"' in page.content
    assert b'id="how-to-pay"' in page.content and b'id="payment-in-progress"' not in page.content


def test_a_gateway_page_opened_a_moment_ago_blocks_a_second_payment_until_patience_runs_out(
    awaiting_fee, sandbox
):
    attempt = attempt_in(awaiting_fee, Attempt.State.PENDING)
    client = logged_in(awaiting_fee.applicant.user)

    fresh = client.get(detail_url(awaiting_fee) + "?lang=en")
    assert_no_second_payment_offered(fresh, english=True)
    assert b'id="payment-confirming"' in fresh.content

    aged(attempt, 3)  # past PATIENCE, with no word from the gateway and no "success" return
    late = client.get(detail_url(awaiting_fee) + "?lang=en")
    assert b'id="pay-online"' in late.content and b'id="payment-unsettled"' in late.content
    assert COUNTER_EN in text(late)


def test_another_attempt_being_confirmed_hides_try_again_on_a_failed_one(awaiting_fee, sandbox):
    failed = attempt_in(awaiting_fee, Attempt.State.FAILED)
    newer = attempt_in(awaiting_fee, Attempt.State.PENDING)
    returned(newer)
    page = logged_in(awaiting_fee.applicant.user).get(status_url(failed))

    assert b'id="pay-again"' not in page.content


def test_refund_due_is_explained_to_the_applicant(awaiting_fee, sandbox):
    attempt_in(awaiting_fee, Attempt.State.REFUND_DUE, problem=Attempt.Problem.MISMATCH)
    page = logged_in(awaiting_fee.applicant.user).get(detail_url(awaiting_fee) + "?lang=en")

    shown = text(page)
    assert (
        "This money was not accepted as the application's fee. "
        "Reason: The gateway's figures differ from the invoice." in shown
    )
    assert "The office will refund it to you" in shown
    # Nothing is paid or held: the fee is still due, and may be paid again at once.
    assert "The fee is still due: you can pay it again now, online or at the office" in shown
    assert b'id="pay-online"' in page.content and b'id="how-to-pay"' in page.content


def test_after_a_decline_the_applicant_is_told_the_fee_is_still_due(awaiting_fee, sandbox):
    declined = attempt_in(
        awaiting_fee, Attempt.State.REFUND_DUE, problem=Attempt.Problem.DECLINED, risk_title="Not Safe"
    )
    client = logged_in(awaiting_fee.applicant.user)

    status = client.get(status_url(declined))
    shown = text(status)
    assert "কারণ: যাচাইয়ের অপেক্ষায় থাকা পেমেন্টটি একজন কর্মকর্তা নাকচ করেছেন।" in shown
    assert "ফি এখনো পরিশোধ করা বাকি" in shown
    assert b'id="pay-again"' in status.content  # the service refuses only while one is paid or held
    detail = client.get(detail_url(declined.application))
    assert b'id="pay-online"' in detail.content
    # The gateway's risk words are the office's, never put before the applicant.
    for page in (status, detail, client.get(status_url(declined) + "?lang=en")):
        assert "Not Safe" not in text(page)


# --- the browser's return from the gateway


def test_a_forged_valid_return_changes_nothing(awaiting_fee, sandbox):
    logged_in(awaiting_fee.applicant.user).post(pay_url(awaiting_fee))
    attempt = Attempt.objects.get(application=awaiting_fee)
    forged = {
        "tran_id": attempt.tran_id,
        "status": "VALID",
        "val_id": "FORGED123",
        "amount": "172.50",
        "currency": "BDT",
        "store_id": "bscictest",
    }
    # From the gateway's site: no session cookie, no CSRF token.
    url = reverse("payments:return", kwargs={"gateway_name": "sslcommerz", "result": "success"})
    response = Client(enforce_csrf_checks=True).post(url, forged)

    assert response.status_code == 303
    assert response["Location"] == "http://testserver" + status_url(attempt)
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.PENDING and attempt.val_id is None
    assert Application.objects.get(pk=awaiting_fee.pk).state == State.APPROVED_FOR_PAYMENT
    assert not Payment.objects.filter(application=awaiting_fee).exists()
    assert GatewayEvent.objects.filter(attempt=attempt, kind="return", outcome="success").exists()


def test_a_return_for_an_unknown_transaction_is_404(db):
    url = reverse("payments:return", kwargs={"gateway_name": "sslcommerz", "result": "success"})
    assert Client().post(url, {"tran_id": "BSCIC000000NOSUCH", "status": "VALID"}).status_code == 404


# --- the status page


def test_status_page_is_for_the_applicant_and_the_office_only(
    awaiting_fee, extension_officer, gazipur_officer
):
    attempt = attempt_in(awaiting_fee, Attempt.State.PENDING)
    other = make_applicant(phone="+8801711000099", name="Karim")

    assert logged_in(awaiting_fee.applicant.user).get(status_url(attempt)).status_code == 200
    assert logged_in(extension_officer.user).get(status_url(attempt)).status_code == 200
    assert logged_in(other.user).get(status_url(attempt)).status_code == 404
    assert logged_in(gazipur_officer.user).get(status_url(attempt)).status_code == 404
    anonymous = Client().get(status_url(attempt))
    assert anonymous.status_code == 302 and reverse("registrations:login") in anonymous["Location"]


def test_status_page_refreshes_while_pending_then_says_reconciliation_will_settle(awaiting_fee):
    attempt = attempt_in(awaiting_fee, Attempt.State.PENDING)
    client = logged_in(awaiting_fee.applicant.user)

    fresh = client.get(status_url(attempt) + "?lang=en")
    assert b'<meta http-equiv="refresh" content="3">' in fresh.content
    assert b'data-status="waiting"' in fresh.content
    assert "If money was taken from you, do not pay again" in text(fresh)
    assert b'id="pay-again"' not in fresh.content
    assert b'id="gateway-page"' in fresh.content  # back to the gateway's page, still usable

    Attempt.objects.filter(pk=attempt.pk).update(created=timezone.now() - timedelta(minutes=3))
    late = client.get(status_url(attempt) + "?lang=en")
    page = text(late)
    assert b'data-status="unconfirmed"' in late.content
    assert "has not confirmed this payment to us yet" in page
    assert "within 15 minutes" in page  # PAYMENT_RECONCILE_AFTER_MINUTES + PAYMENT_RECONCILE_EVERY_MINUTES
    assert "Do not pay again." in page
    assert b'<meta http-equiv="refresh" content="30">' in late.content
    assert b'id="pay-again"' not in late.content


def test_status_page_of_a_failed_attempt_offers_to_pay_again(awaiting_fee, sandbox):
    attempt = attempt_in(awaiting_fee, Attempt.State.FAILED)
    page = logged_in(awaiting_fee.applicant.user).get(status_url(attempt) + "?lang=en")

    assert b'id="pay-again"' in page.content
    assert b'http-equiv="refresh"' not in page.content
    assert "The payment did not go through. No money was taken." in text(page)


def paid_online(application) -> Attempt:
    """The application's fee paid through the gateway, as the gateway's confirmation leaves it."""
    payment = Payment.objects.create(
        application=application,
        method=Payment.Method.ONLINE,
        amount=application.fee_total,
        receipt_no="R1",
        paid_on=timezone.localdate(),
    )
    return attempt_in(application, Attempt.State.PAID, payment=payment, settled_at=timezone.now())


def test_status_page_of_a_paid_attempt_links_the_receipt(awaiting_fee):
    attempt = paid_online(awaiting_fee)

    client = logged_in(awaiting_fee.applicant.user)
    english = client.get(f"{status_url(attempt)}?lang=en")
    assert english.status_code == 200
    assert reverse("payments:receipt_pdf", args=[attempt.tran_id]).encode() in english.content
    assert "The fee has been received and accepted" in text(english)
    assert b'http-equiv="refresh"' not in english.content
    detail = client.get(detail_url(awaiting_fee))
    assert b'id="payment-paid"' in detail.content
    assert reverse("payments:receipt_pdf", args=[attempt.tran_id]).encode() in detail.content
    bangla = logged_in(awaiting_fee.applicant.user).get(f"{status_url(attempt)}?lang=bn")
    assert "১৭২.৫০ টাকা" in text(bangla)
    english = logged_in(awaiting_fee.applicant.user).get(f"{status_url(attempt)}?lang=en")
    assert "Tk 172.50" in text(english)


# --- the office's box and the approving officer's decisions


def test_office_box_shows_the_decision_only_to_the_approving_officer(
    awaiting_fee, approving_officer, extension_officer
):
    held = attempt_in(
        awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY, risk_title="Card from abroad"
    )

    approving = logged_in(approving_officer.user).get(office_url(awaiting_fee) + "?lang=en")
    assert approving.status_code == 200
    assert reverse("payments:decide", args=[held.pk]).encode() in approving.content
    page = text(approving)
    assert held.tran_id in page and "BNK1" in page and "Card from abroad" in page

    extension = logged_in(extension_officer.user).get(office_url(awaiting_fee))
    assert extension.status_code == 200
    assert held.tran_id.encode() in extension.content
    assert reverse("payments:decide", args=[held.pk]).encode() not in extension.content
    assert b'class="refund"' not in extension.content


def test_decide_by_an_extension_officer_changes_nothing(awaiting_fee, extension_officer):
    held = attempt_in(awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY)
    client = logged_in(extension_officer.user)

    response = client.post(reverse("payments:decide", args=[held.pk]), {"decision": "accept"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(office_url(awaiting_fee) + "#online-payments")
    assert "আপনি এটি করতে পারেন না" in text(response)
    refund = client.post(reverse("payments:refund", args=[held.pk]), {"reason": "x", "reference": "y"})
    assert refund.status_code == 302
    held.refresh_from_db()
    assert held.state == Attempt.State.HELD and held.decided_by is None
    assert Application.objects.get(pk=awaiting_fee.pk).state == State.APPROVED_FOR_PAYMENT


def test_decide_by_another_office_or_the_applicant_is_404(awaiting_fee, gazipur_officer):
    held = attempt_in(awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY)
    decide, refund = reverse("payments:decide", args=[held.pk]), reverse("payments:refund", args=[held.pk])
    for user in (gazipur_officer.user, awaiting_fee.applicant.user):
        client = logged_in(user)
        assert client.post(decide, {"decision": "accept"}).status_code == 404
        assert client.post(refund, {"reason": "r", "reference": "f"}).status_code == 404
    held.refresh_from_db()
    assert held.state == Attempt.State.HELD


def test_approving_officer_counts_a_held_payment(awaiting_fee, approving_officer):
    held = attempt_in(
        awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY, settled_at=timezone.now()
    )
    client = logged_in(approving_officer.user)

    missing = client.post(reverse("payments:decide", args=[held.pk]), {"note": "?"}, follow=True)
    assert "গ্রহণ করবেন, নাকি নাকচ করবেন" in text(missing)
    held.refresh_from_db()
    assert held.state == Attempt.State.HELD

    response = client.post(
        reverse("payments:decide", args=[held.pk]) + "?lang=en",
        {"decision": "accept", "note": "Payer confirmed by phone"},
        follow=True,
    )
    assert f"Payment {held.tran_id} accepted: the fee is paid." in text(response)
    held.refresh_from_db()
    assert held.state == Attempt.State.PAID and held.decided_by == approving_officer.user
    assert Application.objects.get(pk=awaiting_fee.pk).state == State.PAID


def test_approving_officer_declines_then_records_the_refund(awaiting_fee, approving_officer):
    held = attempt_in(awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY)
    client = logged_in(approving_officer.user)
    client.get(office_url(awaiting_fee) + "?lang=en")  # English from here on

    declined = client.post(
        reverse("payments:decide", args=[held.pk]), {"decision": "decline", "confirm": "yes"}, follow=True
    )
    assert f"Payment {held.tran_id} declined: a refund is due." in text(declined)
    assert reverse("payments:refund", args=[held.pk]).encode() in declined.content  # the refund form, now

    no_reference = client.post(
        reverse("payments:refund", args=[held.pk]), {"reason": "Declined"}, follow=True
    )
    assert "give the refund's reference" in text(no_reference)
    held.refresh_from_db()
    assert held.state == Attempt.State.REFUND_DUE

    done = client.post(
        reverse("payments:refund", args=[held.pk]),
        {"reason": "Declined as risky", "reference": "SSLREF-7781"},
        follow=True,
    )
    assert f"Refund of payment {held.tran_id} recorded." in text(done)
    held.refresh_from_db()
    assert held.state == Attempt.State.REFUNDED and held.refund_reference == "SSLREF-7781"
    assert "SSLREF-7781" in text(done)
    assert Application.objects.get(pk=awaiting_fee.pk).state == State.APPROVED_FOR_PAYMENT


def test_decline_without_the_confirmation_box_declines_nothing(awaiting_fee, approving_officer):
    held = attempt_in(awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY)
    client = logged_in(approving_officer.user)

    page = client.get(office_url(awaiting_fee)).content.decode()
    # Declining is a form of its own, whose box must be ticked; accepting's form cannot decline.
    accept_form = re.search(r'<form[^>]*class="held-accept".*?</form>', page, re.S).group(0)
    decline_form = re.search(r'<form[^>]*class="held-decline".*?</form>', page, re.S).group(0)
    assert 'value="decline"' not in accept_form and 'value="accept"' in accept_form
    assert re.search(r'<input type="checkbox" name="confirm" value="yes" required>', decline_form)
    assert 'value="decline"' in decline_form

    for unticked in ({"decision": "decline"}, {"decision": "decline", "confirm": "no"}):
        response = client.post(reverse("payments:decide", args=[held.pk]) + "?lang=en", unticked, follow=True)
        assert "Nothing was declined: tick the box" in text(response)
        held.refresh_from_db()
        assert held.state == Attempt.State.HELD and held.decided_by is None
    assert not GatewayEvent.objects.filter(attempt=held, kind="officer").exists()


def test_office_page_warns_of_an_online_payment_above_the_actions(
    awaiting_fee, approving_officer, extension_officer
):
    held = attempt_in(awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY)

    page = logged_in(extension_officer.user).get(office_url(awaiting_fee) + "?lang=en")
    html = page.content.decode()
    assert 'id="online-payment-warning"' in html and 'id="actions"' in html
    assert html.index('id="online-payment-warning"') < html.index('id="actions"')  # above "record payment"
    assert "record_payment" in html
    warning = re.search(r'<div[^>]*id="online-payment-warning".*?</div>', html, re.S).group(0)
    assert held.tran_id in warning and "before recording a payment at the office" in warning

    Attempt.objects.filter(pk=held.pk).update(state=Attempt.State.FAILED, problem="")
    assert (
        b'id="online-payment-warning"'
        not in logged_in(extension_officer.user).get(office_url(awaiting_fee)).content
    )

    pending = attempt_in(awaiting_fee, Attempt.State.PENDING)
    aged(pending, 20)  # long unconfirmed, and no "success" return: still money perhaps on its way
    page = logged_in(approving_officer.user).get(office_url(awaiting_fee) + "?lang=en")
    assert b'id="online-payment-warning"' in page.content
    assert "is being confirmed with the gateway" in text(page)
    bangla = logged_in(approving_officer.user).get(office_url(awaiting_fee) + "?lang=bn")
    assert "অফিসে পেমেন্ট লিপিবদ্ধ করার আগে এটি দেখে নিন" in text(bangla)


def test_no_warning_for_a_payment_that_never_reached_the_gateway(awaiting_fee, extension_officer):
    attempt_in(awaiting_fee, Attempt.State.PENDING, gateway_page_url="")
    page = logged_in(extension_officer.user).get(office_url(awaiting_fee))
    assert b'id="online-payment-warning"' not in page.content


def test_office_box_tells_held_from_confirmed_with_the_gateways_time_paid_and_the_note(
    awaiting_fee, approving_officer
):
    heard = timezone.now()
    paid_at = heard - timedelta(hours=2, minutes=7)
    held = attempt_in(
        awaiting_fee,
        Attempt.State.HELD,
        problem=Attempt.Problem.RISKY,
        risk_title="Not Safe",
        settled_at=heard,
        paid_at=paid_at,
    )
    other = attempt_in(
        awaiting_fee,
        Attempt.State.REFUND_DUE,
        problem=Attempt.Problem.ALREADY_PAID,
        risk_title="Safe",
        settled_at=heard,
        decided_by=approving_officer.user,
        decision_note="Phoned the payer: card is theirs",
    )
    client = logged_in(approving_officer.user)
    page = client.get(office_url(awaiting_fee) + "?lang=en")
    html = page.content.decode()
    box = {
        a.tran_id: re.search(rf'data-tran-id="{a.tran_id}".*?</dl>', html, re.S).group(0)
        for a in (held, other)
    }

    assert (
        "Validated by the gateway" in box[held.tran_id]
        and "Confirmed by the gateway" not in box[held.tran_id]
    )
    assert "Not Safe" in box[held.tran_id]
    assert "Safe" not in box[other.tran_id]  # a risk title only where the problem is the risk
    local = timezone.localtime(paid_at)
    assert f'Time paid</dt><dd class="paid-at">{local:%-d %b %Y, %H:%M}</dd>' in box[held.tran_id]
    assert "Phoned the payer: card is theirs" in box[other.tran_id]  # the officer's note, for the office
    assert "The gateway flagged this payment as risky. Check with the payer" in text(page)
    # Amounts in one format (the taka filter): the fee table too.
    assert re.search(r'<th class="amount">Tk 172.50</th>', html)
    assert "3450.00" not in html and ">172.50<" not in html

    # The applicant sees neither the note nor the gateway's risk words.
    applicant = logged_in(awaiting_fee.applicant.user)
    for attempt in (held, other):
        shown = text(applicant.get(status_url(attempt) + "?lang=en"))
        assert "Phoned the payer" not in shown and "Safe" not in shown


def test_office_box_links_the_receipt_of_a_paid_payment(awaiting_fee, extension_officer):
    payment = Payment.objects.create(
        application=awaiting_fee,
        method=Payment.Method.ONLINE,
        amount=awaiting_fee.fee_total,
        receipt_no="R1",
        paid_on=timezone.localdate(),
    )
    paid = attempt_in(awaiting_fee, Attempt.State.PAID, payment=payment, settled_at=timezone.now())
    client = logged_in(extension_officer.user)

    page = client.get(office_url(awaiting_fee) + "?lang=en")
    receipt = reverse("payments:receipt", args=[paid.tran_id])
    assert f'href="{receipt}"'.encode() in page.content
    assert "Confirmed by the gateway" in text(page)
    assert b'id="online-payment-warning"' not in page.content
    assert client.get(receipt).status_code == 200  # officers of the office may see it


# --- the pages in both languages


@pytest.mark.parametrize(
    ("lang", "box_title"), [("bn", None), ("en", "Pay the fee online")], ids=["bangla", "english"]
)
def test_applicant_pages_in_both_languages(awaiting_fee, sandbox, lang, box_title):
    attempt = attempt_in(awaiting_fee, Attempt.State.PENDING)
    client = logged_in(awaiting_fee.applicant.user)

    detail = client.get(f"{detail_url(awaiting_fee)}?lang={lang}")
    status = client.get(f"{status_url(attempt)}?lang={lang}")
    for page in (detail, status):
        assert page.status_code == 200
        assert f'<html lang="{lang}">'.encode() in page.content
    if box_title:
        assert box_title in text(detail)
        assert "Tk 172.50" in text(detail) and "Tk 172.50" in text(status)
    else:
        assert "১৭২.৫০ টাকা" in text(detail) and "১৭২.৫০ টাকা" in text(status)


def test_status_page_is_bangla_without_a_language_cookie(awaiting_fee):
    attempt = attempt_in(awaiting_fee, Attempt.State.PENDING)
    page = logged_in(awaiting_fee.applicant.user).get(status_url(attempt), HTTP_ACCEPT_LANGUAGE="en-US")

    assert b'<html lang="bn">' in page.content
    assert "১৭২.৫০ টাকা" in text(page)


# --- the admin


def _staff(*codenames: str):
    user = get_user_model().objects.create_user("payments-staff", password="x", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="payments", codename__in=codenames)
    )
    return user


def test_admin_shows_attempts_and_events_read_only(awaiting_fee):
    attempt = attempt_in(awaiting_fee, Attempt.State.HELD, problem=Attempt.Problem.RISKY)
    GatewayEvent.objects.create(attempt=attempt, tran_id=attempt.tran_id, kind="ipn", outcome="held")
    client = logged_in(_staff("view_attempt", "view_gatewayevent"))

    listing = client.get(reverse("admin:payments_attempt_changelist"), {"q": awaiting_fee.tracking_no})
    assert listing.status_code == 200 and attempt.tran_id.encode() in listing.content
    filtered = client.get(reverse("admin:payments_attempt_changelist"), {"state__exact": "paid"})
    assert attempt.tran_id.encode() not in filtered.content
    by_tran_id = client.get(reverse("admin:payments_attempt_changelist"), {"q": attempt.tran_id})
    assert attempt.tran_id.encode() in by_tran_id.content

    change = client.get(reverse("admin:payments_attempt_change", args=[attempt.pk]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content and b'name="state"' not in change.content
    assert client.get(reverse("admin:payments_attempt_add")).status_code == 403
    assert (
        client.post(reverse("admin:payments_attempt_delete", args=[attempt.pk]), {"post": "yes"}).status_code
        == 403
    )
    posted = client.post(reverse("admin:payments_attempt_change", args=[attempt.pk]), {"state": "paid"})
    assert posted.status_code == 403
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.HELD

    events = client.get(reverse("admin:payments_gatewayevent_changelist"))
    assert events.status_code == 200 and attempt.tran_id.encode() in events.content
    assert client.get(reverse("admin:payments_gatewayevent_add")).status_code == 403


def test_admin_needs_the_view_permission(awaiting_fee):
    attempt_in(awaiting_fee, Attempt.State.PENDING)
    client = logged_in(_staff())

    assert client.get(reverse("admin:payments_attempt_changelist")).status_code == 403
    assert client.get(reverse("admin:payments_gatewayevent_changelist")).status_code == 403
    index = client.get(reverse("admin:index"))
    assert reverse("admin:payments_attempt_changelist").encode() not in index.content


def test_once_registered_the_payment_box_says_what_was_paid_not_what_comes_next(awaiting_fee):
    paid_online(awaiting_fee)
    client = logged_in(awaiting_fee.applicant.user)
    assert "the office registers the application next" in text(
        client.get(f"{detail_url(awaiting_fee)}?lang=en")
    )

    (enterprise,) = located_enterprises([awaiting_fee.location], registration_no="BSCIC-DHK-1")
    type(awaiting_fee).objects.filter(pk=awaiting_fee.pk).update(
        state="registered", registration_no="BSCIC-DHK-1", enterprise=enterprise
    )

    for lang, said, gone in (
        ("en", "The fee was paid online", "registers the application next"),
        ("bn", "অনলাইনে দেওয়া ফি", "এরপর অফিস আবেদনটি নিবন্ধন করবে"),
    ):
        page = text(client.get(f"{detail_url(awaiting_fee)}?lang={lang}"))
        assert said in page and gone not in page
