"""The SMS backends: the file backend the demo and the tests read, and the HTTP backend against our own
sandbox gateway (sms/sandbox.py) over real HTTP, failures and timeouts included."""

import json
import logging
import socket
import stat
import time

import pytest

from sms.backends import SmsError, get_backend, masked, send_sms, sms_parts
from sms.backends.file import FileBackend, read_outbox
from sms.backends.http import HttpBackend
from sms.sandbox import SmsSandbox

NUMBER = "+8801711000001"
TEXT = "বিসিক কোড 123456। BSCIC code"


@pytest.fixture
def outbox(settings, tmp_path):
    settings.SMS_BACKEND = "sms.backends.file.FileBackend"
    settings.SMS_FILE_PATH = tmp_path / "sms" / "outbox.jsonl"
    return settings.SMS_FILE_PATH


@pytest.fixture
def sandbox(settings):
    gateway = SmsSandbox(api_key="test-key").start()
    settings.SMS_BACKEND = "sms.backends.http.HttpBackend"
    settings.SMS_HTTP_URL = gateway.url
    settings.SMS_HTTP_API_KEY = "test-key"
    settings.SMS_HTTP_SENDER = "8809601234567"
    settings.SMS_HTTP_TIMEOUT_SECONDS = 2
    yield gateway
    gateway.stop()


def test_file_backend_appends_one_json_line_per_message_and_logs_no_text(outbox, caplog):
    caplog.set_level(logging.INFO, logger="sms")
    assert isinstance(get_backend(), FileBackend)
    send_sms(to=NUMBER, text=TEXT)
    send_sms(to="+8801911000002", text="second")
    lines = outbox.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert first["to"] == NUMBER and first["text"] == TEXT and first["at"]
    assert "বিসিক" in lines[0]  # readable with tail, not \u escapes
    assert [m["text"] for m in read_outbox()] == [TEXT, "second"]
    assert stat.S_IMODE(outbox.stat().st_mode) == 0o600  # it holds codes
    logged = caplog.text
    assert "+88017XXXXXXXX" in logged
    assert "123456" not in logged and NUMBER not in logged


def test_file_backend_in_production_says_nothing_was_sent(outbox, settings, caplog):
    settings.PRODUCTION = True
    send_sms(to=NUMBER, text=TEXT)
    assert any(r.levelno == logging.ERROR and "NOT SENT" in r.getMessage() for r in caplog.records)


def test_masked_keeps_only_the_operator_prefix():
    assert masked(NUMBER) == "+88017XXXXXXXX"


def test_sms_parts_counts_gsm_and_ucs2():
    assert sms_parts("a" * 160) == 1
    assert sms_parts("a" * 161) == 2
    assert sms_parts("[" * 80) == 1 and sms_parts("[" * 81) == 2  # extension characters count twice
    assert sms_parts("ক" * 70) == 1
    assert sms_parts("ক" * 71) == 2
    assert sms_parts("ক" * 134) == 2 and sms_parts("ক" * 135) == 3


def test_http_backend_posts_the_gateway_form(sandbox):
    assert isinstance(get_backend(), HttpBackend)
    send_sms(to=NUMBER, text=TEXT)
    assert sandbox.messages == [
        {"api_key": "test-key", "senderid": "8809601234567", "number": "8801711000001", "message": TEXT}
    ]


def test_http_backend_raises_on_a_gateway_500(sandbox):
    sandbox.fail_status = 500
    with pytest.raises(SmsError, match="HTTP 500"):
        send_sms(to=NUMBER, text=TEXT)
    assert sandbox.messages == []


def test_http_backend_raises_when_the_gateway_refuses_with_http_200(sandbox):
    sandbox.fail_code = 1007  # BulkSMSBD: balance insufficient
    with pytest.raises(SmsError, match="response_code 1007"):
        send_sms(to=NUMBER, text=TEXT)


def test_http_backend_raises_on_a_wrong_key(sandbox, settings):
    settings.SMS_HTTP_API_KEY = "wrong"
    with pytest.raises(SmsError, match="response_code 1011") as raised:
        send_sms(to=NUMBER, text=TEXT)
    assert "wrong" not in str(raised.value)


def test_http_backend_gives_up_after_its_timeout(sandbox, settings):
    settings.SMS_HTTP_TIMEOUT_SECONDS = 0.3
    sandbox.delay_seconds = 2
    started = time.monotonic()
    with pytest.raises(SmsError, match="did not answer in time"):
        send_sms(to=NUMBER, text=TEXT)
    assert time.monotonic() - started < 1.5


def test_http_backend_raises_when_the_gateway_is_down(settings):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed when the block ends: nothing listens there
    settings.SMS_HTTP_URL = f"http://127.0.0.1:{port}/api/smsapi"
    settings.SMS_HTTP_API_KEY = "k"
    settings.SMS_HTTP_SENDER = "s"
    with pytest.raises(SmsError, match="could not be reached"):
        HttpBackend().send(to=NUMBER, text=TEXT)


def test_http_backend_needs_its_configuration(settings):
    settings.SMS_HTTP_URL = ""
    with pytest.raises(SmsError, match="GEODB_SMS_URL"):
        HttpBackend()


def test_http_backend_warns_of_a_gateway_in_clear(settings, caplog):
    settings.SMS_HTTP_URL = "http://bulksmsbd.net/api/smsapi"
    settings.SMS_HTTP_API_KEY, settings.SMS_HTTP_SENDER = "k", "s"
    HttpBackend()
    assert "not HTTPS" in caplog.text
    caplog.clear()
    settings.SMS_HTTP_URL = "https://bulksmsbd.net/api/smsapi"
    HttpBackend()
    assert "not HTTPS" not in caplog.text
