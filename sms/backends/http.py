"""A real SMS gateway over HTTPS: one form POST of ``api_key``, ``senderid``, ``number``, ``message``.

That is the request of BulkSMSBD (bulksmsbd.net/api/smsapi), a Bangladeshi bulk-SMS gateway; its answer
is JSON whose ``response_code`` is 202 when the message was accepted, and other codes (1002 wrong sender
id, 1007 balance insufficient, …) come with HTTP 200. A gateway with other field names is a subclass that
overrides ``payload`` and ``check``. URL, key and sender id come from the environment (GEODB_SMS_URL,
GEODB_SMS_API_KEY, GEODB_SMS_SENDER) through settings.
"""

import logging

import httpx
from django.conf import settings

from . import SmsBackend, SmsError, masked, sms_parts

logger = logging.getLogger(__name__)

ACCEPTED = 202


class HttpBackend(SmsBackend):
    def __init__(self):
        self.url = settings.SMS_HTTP_URL
        self.api_key = settings.SMS_HTTP_API_KEY
        self.sender = settings.SMS_HTTP_SENDER
        if not (self.url and self.api_key and self.sender):
            raise SmsError(
                "The SMS gateway is not configured: set GEODB_SMS_URL, GEODB_SMS_API_KEY, GEODB_SMS_SENDER."
            )
        url = httpx.URL(self.url)
        if url.scheme != "https" and url.host not in ("127.0.0.1", "localhost", "::1"):
            logger.warning("The SMS gateway URL is not HTTPS: the API key and the messages travel in clear")
        seconds = settings.SMS_HTTP_TIMEOUT_SECONDS
        # A slow gateway must not hold a sign-up or an officer's move for long: connect quickly or fail.
        self.timeout = httpx.Timeout(seconds, connect=min(seconds, 5.0))

    def payload(self, *, to: str, text: str) -> dict:
        # BulkSMSBD wants 8801XXXXXXXXX, without the plus.
        return {"api_key": self.api_key, "senderid": self.sender, "number": to.lstrip("+"), "message": text}

    def check(self, response: httpx.Response) -> None:
        if not response.is_success:
            raise SmsError(f"The SMS gateway answered HTTP {response.status_code}.")
        try:
            answer = response.json()
        except ValueError:
            return  # a gateway that answers 2xx with plain text accepted it
        code = answer.get("response_code") if isinstance(answer, dict) else None
        if code is not None and str(code) != str(ACCEPTED):
            raise SmsError(f"The SMS gateway refused the message (response_code {code}).")

    def send(self, *, to: str, text: str) -> None:
        try:
            response = httpx.post(
                self.url, data=self.payload(to=to, text=text), timeout=self.timeout, verify=True
            )
        except httpx.TimeoutException as error:
            raise SmsError(f"The SMS gateway did not answer in time ({type(error).__name__}).") from error
        except httpx.HTTPError as error:
            raise SmsError(f"The SMS gateway could not be reached ({type(error).__name__}).") from error
        self.check(response)
        logger.info("SMS to %s (%d part(s)) accepted by the gateway", masked(to), sms_parts(text))
