"""SSLCommerz, API v4: the session API, the IPN, the validation API and the transaction query API.

Spoken over httpx with timeouts and TLS verification (never turned off: a CA bundle can be given instead),
not the vendor's unmaintained SDK. Nothing is taken from the pass-through fields value_a…value_d: we send
none, and read none. The IPN's signature is checked, in constant time, but a payment is believed only from
the validation API's answer.
"""

import hashlib
import hmac
import logging
import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import httpx
from django.utils import timezone

from . import Gateway, GatewayError, Invoice, Notification, Session, SessionRefused, Verdict

SESSION_PATH = "gwprocess/v4/api.php"
VALIDATION_PATH = "validator/api/validationserverAPI.php"
QUERY_PATH = "validator/api/merchantTransIDvalidationAPI.php"

# The transaction fields kept in our log; the payer's card number, name, phone and address are not.
LOGGED_FIELDS = (
    "status",
    "tran_date",
    "tran_id",
    "val_id",
    "amount",
    "store_amount",
    "currency",
    "currency_type",
    "currency_amount",
    "bank_tran_id",
    "card_type",
    "card_brand",
    "risk_level",
    "risk_title",
    "store_id",
    "validated_on",
    "APIConnect",
    "error",
)
# A signature that does not cover these would let the rest be changed.
MUST_BE_SIGNED = {"tran_id", "val_id", "status", "amount"}
STATUS = {
    "VALID": Verdict.PAID,
    "VALIDATED": Verdict.PAID,  # valid, and validated before: as good
    "FAILED": Verdict.FAILED,
    "CANCELLED": Verdict.CANCELLED,
    "INVALID_TRANSACTION": Verdict.INVALID,
}


# The validation and query APIs take the store password in the query string (SSLCommerz's protocol), and httpx
# logs every URL it fetches (at INFO): settings keep httpx at WARNING, and this hides it whatever the level.
PASSWORD_IN_QUERY = re.compile(r"(store_passwd=)[^&\s\"']*")


class _PasswordHidden(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "store_passwd=" in message:
            record.msg, record.args = PASSWORD_IN_QUERY.sub(r"\1***", message), ()
        return True


_httpx_logger = logging.getLogger("httpx")
if not any(isinstance(f, _PasswordHidden) for f in _httpx_logger.filters):
    _httpx_logger.addFilter(_PasswordHidden())


@cache
def _client(timeout: float, verify) -> httpx.Client:
    # One pool of connections per process (httpx.Client is thread-safe): each gateway call need not
    # shake hands again.
    return httpx.Client(timeout=httpx.Timeout(timeout), verify=verify, follow_redirects=False)


def _md5(text: str) -> str:
    return hashlib.md5(text.encode("utf-8")).hexdigest()


def signature_base(form: dict, store_password: str) -> str | None:
    """The string SSLCommerz signs: the fields named in verify_key and md5(store password), sorted by
    name, as name=value joined by '&'. None if verify_key does not cover the fields that matter."""
    keys = [key for key in (form.get("verify_key") or "").split(",") if key]
    if not set(keys) >= MUST_BE_SIGNED:
        return None
    signed = {key: form.get(key, "") for key in keys if key in form}
    signed["store_passwd"] = _md5(store_password)
    return "&".join(f"{key}={signed[key]}" for key in sorted(signed))


def _decimal(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return amount if amount.is_finite() else None


def _tran_date(value) -> datetime | None:
    # "2026-12-02 11:43:57", in Bangladesh time (⚠ SSLCommerz does not say; its panel shows Dhaka time).
    try:
        naive = datetime.strptime(str(value or ""), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    return timezone.make_aware(naive, ZoneInfo("Asia/Dhaka"))


class SSLCommerz(Gateway):
    def __init__(self, *, name: str, store_id: str, store_password: str, base_url: str, timeout: float,
                 ca_bundle: str = ""):  # fmt: skip
        self.name = name
        self.store_id = store_id
        self._password = store_password
        self.base_url = base_url.rstrip("/") + "/"
        self._http = _client(float(timeout), ca_bundle or True)

    def _failure(self, what: str, error: Exception) -> GatewayError:
        # Never the URL (httpx puts it in an HTTPStatusError's message): it holds the store password. This
        # message is logged and kept in the attempt's last_error and the event log.
        if isinstance(error, httpx.HTTPStatusError):
            text = f"HTTP {error.response.status_code}"
        else:
            text = PASSWORD_IN_QUERY.sub(r"\1***", str(error)).replace(self._password, "***")
        return GatewayError(f"{what}: {type(error).__name__}: {text}"[:300])

    def _get_json(self, path: str, params: dict) -> dict:
        try:
            response = self._http.get(urljoin(self.base_url, path), params=params)
            response.raise_for_status()
            answer = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise self._failure(path, error) from error
        if not isinstance(answer, dict):
            raise GatewayError(f"{path}: the answer is not an object")
        return answer

    def open_session(self, invoice: Invoice) -> Session:
        form = {
            "store_id": self.store_id,
            "store_passwd": self._password,
            "total_amount": f"{invoice.amount:.2f}",
            "currency": invoice.currency,
            "tran_id": invoice.tran_id,
            "success_url": invoice.success_url,
            "fail_url": invoice.fail_url,
            "cancel_url": invoice.cancel_url,
            "ipn_url": invoice.ipn_url,
            "cus_name": invoice.customer_name,
            "cus_email": invoice.customer_email,
            "cus_phone": invoice.customer_phone,
            "cus_add1": invoice.customer_address,
            "cus_city": invoice.customer_city,
            "cus_country": "Bangladesh",
            "shipping_method": "NO",
            "num_of_item": "1",
            "product_name": invoice.description,
            "product_category": "Government fee",
            "product_profile": "non-physical-goods",
        }
        try:
            response = self._http.post(urljoin(self.base_url, SESSION_PATH), data=form)
            response.raise_for_status()
            answer = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise self._failure("session", error) from error
        if not isinstance(answer, dict) or answer.get("status") != "SUCCESS":
            reason = answer.get("failedreason") if isinstance(answer, dict) else None
            raise SessionRefused(reason or "the gateway refused the session")
        page = answer.get("GatewayPageURL") or ""
        if not page.startswith(("https://", "http://")):
            raise GatewayError("session: no gateway page in the answer")
        return Session(key=str(answer.get("sessionkey") or ""), page_url=page)

    def read_notification(self, form: dict) -> Notification:
        # SHA-256 when the gateway sends it, else the older MD5 (⚠: the SHA-256 variant is taken to sign the
        # same string as the MD5 one; a wrong guess holds every payment for reconciliation, it loses none).
        base = signature_base(form, self._password)
        ok = False
        if base is not None:
            if form.get("verify_sign_sha2"):
                expected = hashlib.sha256(base.encode("utf-8")).hexdigest()
                ok = hmac.compare_digest(expected, str(form["verify_sign_sha2"]).lower())
            elif form.get("verify_sign"):
                ok = hmac.compare_digest(_md5(base), str(form["verify_sign"]).lower())
        return Notification(
            tran_id=str(form.get("tran_id") or ""),
            val_id=str(form.get("val_id") or ""),
            status=str(form.get("status") or ""),
            signature_ok=ok,
            claim=STATUS.get(str(form.get("status") or ""), Verdict.INVALID),
        )

    def validate(self, notification: Notification) -> Verdict:
        return self._validate(notification.val_id)

    def _validate(self, val_id: str) -> Verdict:
        if not val_id:
            return Verdict(Verdict.INVALID)
        answer = self._get_json(
            VALIDATION_PATH,
            {
                "val_id": val_id,
                "store_id": self.store_id,
                "store_passwd": self._password,
                "v": "1",
                "format": "json",
            },
        )
        status = str(answer.get("status") or "")
        if status not in STATUS:
            raise GatewayError(f"validation: unexpected status {status[:40]!r}")
        return self._verdict(answer, STATUS[status])

    def look_up(self, tran_id: str) -> Verdict:
        answer = self._get_json(
            QUERY_PATH,
            {"tran_id": tran_id, "store_id": self.store_id, "store_passwd": self._password, "format": "json"},
        )
        if answer.get("APIConnect") != "DONE":
            raise GatewayError(f"transaction query: APIConnect {str(answer.get('APIConnect'))[:40]!r}")
        elements = [e for e in answer.get("element") or [] if isinstance(e, dict)]
        outcomes = [STATUS.get(str(e.get("status") or "")) for e in elements]
        for element, outcome in zip(elements, outcomes, strict=True):
            if outcome == Verdict.PAID:
                # The query says it was paid: believed, as any payment, from the validation API.
                return self._validate(str(element.get("val_id") or ""))
        for outcome in (Verdict.FAILED, Verdict.CANCELLED):
            if outcome in outcomes:
                element = elements[outcomes.index(outcome)]
                return Verdict(outcome, tran_id=tran_id, fields=self._logged(element))
        return Verdict(Verdict.NOTHING, tran_id=tran_id)

    @staticmethod
    def _logged(answer: dict) -> dict:
        return {key: str(answer[key])[:100] for key in LOGGED_FIELDS if answer.get(key) not in (None, "")}

    def _verdict(self, answer: dict, outcome: str) -> Verdict:
        amount = _decimal(answer.get("amount"))
        # currency_type/currency_amount: what the payer was charged in; for a BDT invoice, BDT and the same
        # amount. Any difference makes the amount untrustworthy.
        currency = str(answer.get("currency_type") or answer.get("currency") or "")
        if answer.get("currency_amount") not in (None, "") and _decimal(answer["currency_amount"]) != amount:
            amount = None
        try:
            risk = int(answer.get("risk_level") or 0)
        except (TypeError, ValueError):
            risk = 1  # an unreadable risk flag is treated as a risk
        return Verdict(
            outcome,
            tran_id=str(answer.get("tran_id") or ""),
            val_id=str(answer.get("val_id") or ""),
            amount=amount,
            currency=currency,
            store_id=str(answer.get("store_id") or ""),
            bank_tran_id=str(answer.get("bank_tran_id") or "")[:80],
            card_type=str(answer.get("card_type") or "")[:60],
            risk_level=risk,
            risk_title=str(answer.get("risk_title") or "")[:100],
            paid_at=_tran_date(answer.get("tran_date")),
            fields=self._logged(answer),
        )
