"""The applicant is told by SMS (and e-mail when given) of each move that asks it of them or gives a result,
and a failing SMS gateway never undoes or breaks the move."""

from decimal import Decimal

import pytest

from registrations.models import State
from registrations.notifications import SMS_TEXTS
from registrations.workflow import MOVES, application_move
from sms.backends import sms_parts
from sms.backends.file import read_outbox
from sms.sandbox import SmsSandbox
from tests.factories import EnterpriseFactory

from .conftest import complete_application

pytestmark = pytest.mark.django_db

TRACKING_NO = "BR-20261201-000123"


@pytest.fixture(autouse=True)
def outbox(settings, tmp_path):
    settings.SMS_BACKEND = "sms.backends.file.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "outbox.jsonl"
    return settings.SMS_FILE_PATH


@pytest.fixture
def move(django_capture_on_commit_callbacks):
    """application_move, with what it runs on commit run (the test sits in one transaction)."""

    def run(application, action, user, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return application_move(application_id=application.pk, action=action, user=user, **kwargs)

    return run


def fix_fee(application, role):
    application.fee_total = Decimal("2300.00")


def issue_number(application, role):
    application.registration_no = "BSCIC-26-2026-00001"
    application.enterprise = EnterpriseFactory(location=application.location)


def test_each_event_the_applicant_must_hear_of_is_sent_with_the_tracking_number(
    applicant, extension_officer, approving_officer, move, mailoutbox
):
    applicant.email = "rahima@example.com"
    applicant.save()
    application = complete_application(applicant, tracking_no=TRACKING_NO)
    ext, apr = extension_officer.user, approving_officer.user
    move(application, "submit", applicant.user)
    move(application, "take_up", ext)
    move(application, "raise_shortfall", ext, note="The trade licence scan is unreadable.")
    move(application, "resubmit", applicant.user)
    move(application, "send_to_inspection", ext)
    move(application, "record_inspection", ext)
    move(application, "approve_for_payment", apr, apply=fix_fee)
    move(application, "record_payment", apr)
    moved = move(application, "register", apr, apply=issue_number)
    assert moved.state == State.REGISTERED

    other = complete_application(applicant, tracking_no="BR-20261201-000124", name_en="Second")
    move(other, "submit", applicant.user)
    move(other, "reject", apr, note="The factory is a shop, not an industry.")

    messages = read_outbox()
    second = "BR-20261201-000124"
    events = [
        ("submit", TRACKING_NO),
        ("raise_shortfall", TRACKING_NO),
        ("approve_for_payment", TRACKING_NO),
        ("record_payment", TRACKING_NO),
        ("register", TRACKING_NO),
        ("submit", second),
        ("reject", second),
    ]
    assert [m["to"] for m in messages] == [applicant.phone] * len(events)
    for message, (event, number) in zip(messages, events, strict=True):
        text = message["text"]
        assert number in text, (event, text)
        assert "বিসিক" in text and "BSCIC" in text
        assert sms_parts(text) <= 2, (event, len(text))
    assert "ঘাটতি" in messages[1]["text"] and "resubmit" in messages[1]["text"]
    assert "২৩০০" in messages[2]["text"] and "BDT 2300" in messages[2]["text"]
    assert "BSCIC-26-2026-00001" in messages[4]["text"]
    assert "নামঞ্জুর" in messages[6]["text"]

    assert len(mailoutbox) == len(events)
    assert all(m.to == ["rahima@example.com"] for m in mailoutbox)
    assert TRACKING_NO in mailoutbox[0].subject
    assert "The trade licence scan is unreadable." in mailoutbox[1].body
    assert "2300" in mailoutbox[2].body and "২৩০০" in mailoutbox[2].body
    assert "The factory is a shop, not an industry." in mailoutbox[6].body


def test_every_move_that_notifies_has_its_text():
    # A renewal is asked for outside the workflow's moves (registrations.services.renew), and notifies too.
    assert {action for action, m in MOVES.items() if m.notify} | {"request_renewal"} == set(SMS_TEXTS)


def test_no_e_mail_without_an_address(applicant, dhaka_office, move, mailoutbox):
    application = complete_application(applicant, tracking_no=TRACKING_NO)
    move(application, "submit", applicant.user)
    assert len(read_outbox()) == 1 and mailoutbox == []


@pytest.mark.parametrize("failure", ["status", "timeout"])
def test_a_failing_gateway_does_not_break_the_move(applicant, dhaka_office, move, settings, caplog, failure):
    gateway = SmsSandbox(api_key="k").start()
    if failure == "status":
        gateway.fail_status = 500
    else:
        gateway.delay_seconds = 2
    settings.SMS_BACKEND = "sms.backends.http.HttpBackend"
    settings.SMS_HTTP_URL, settings.SMS_HTTP_API_KEY, settings.SMS_HTTP_SENDER = gateway.url, "k", "BSCIC"
    settings.SMS_HTTP_TIMEOUT_SECONDS = 0.3
    application = complete_application(applicant, tracking_no=TRACKING_NO)
    try:
        moved = move(application, "submit", applicant.user)
    finally:
        gateway.stop()
    assert moved.state == State.SUBMITTED
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.transitions.count() == 1
    warnings = [r.getMessage() for r in caplog.records if r.name == "registrations.notifications"]
    assert (
        len(warnings) == 1
        and f"application {application.pk}" in warnings[0]
        and "SMS not sent" in warnings[0]
    )
    assert applicant.phone not in caplog.text and applicant.phone[4:] not in caplog.text
    assert gateway.messages == []


def test_the_gateway_gets_the_notification_over_http(applicant, dhaka_office, move, settings):
    with SmsSandbox(api_key="k") as gateway:
        settings.SMS_BACKEND = "sms.backends.http.HttpBackend"
        settings.SMS_HTTP_URL, settings.SMS_HTTP_API_KEY, settings.SMS_HTTP_SENDER = gateway.url, "k", "BSCIC"
        move(complete_application(applicant, tracking_no=TRACKING_NO), "submit", applicant.user)
    assert len(gateway.messages) == 1
    assert gateway.messages[0]["number"] == "8801711000001" and TRACKING_NO in gateway.messages[0]["message"]
