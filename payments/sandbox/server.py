"""A local gateway that speaks SSLCommerz API v4 (session, payment page, IPN, validation, transaction query).

Standard library only, so it starts in a blink and needs no Django. State lives in memory; ``/sandbox/...`` is
a control API of ours (delays, a transaction's records and IPN attempts, reset) that SSLCommerz does not have.
"""

import hmac
import json
import re
import secrets
import string
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from . import templates
from .signing import sign

DHAKA = timezone(timedelta(hours=6), "Asia/Dhaka")  # no daylight saving in Bangladesh
CENT = Decimal("0.01")
MIN_AMOUNT, MAX_AMOUNT = Decimal("10.00"), Decimal("500000.00")
AMOUNT_PATTERN = re.compile(r"^\d{1,9}(\.\d{1,2})?$")
FEE_RATE = Decimal("0.025")
MISMATCH = Decimal("1.00")
# ⚠ Demo conversion rates: SSLCommerz converts a foreign-currency payment to BDT at its own daily rate.
RATES = {
    "BDT": Decimal("1"),
    "USD": Decimal("122.0000"),
    "EUR": Decimal("132.0000"),
    "GBP": Decimal("155.0000"),
}
REQUIRED = (
    "total_amount", "currency", "tran_id", "success_url", "fail_url", "cancel_url", "cus_name", "cus_email",
    "cus_add1", "cus_city", "cus_country", "cus_phone", "shipping_method", "product_name", "product_category",
    "product_profile",
)  # fmt: skip
REQUIRED_FOR_SHIPPING = (
    "num_of_item",
    "ship_name",
    "ship_add1",
    "ship_city",
    "ship_postcode",
    "ship_country",
)
URL_FIELDS = ("success_url", "fail_url", "cancel_url", "ipn_url")
PASSTHROUGH = ("value_a", "value_b", "value_c", "value_d")
CARD = {
    "card_type": "VISA-Dutch Bangla",
    "card_no": "432149XXXXXX0667",
    "card_issuer": "DUTCH-BANGLA BANK LIMITED",
    "card_brand": "VISA",
    "card_issuer_country": "Bangladesh",
    "card_issuer_country_code": "BD",
}
STATUS_BY_ACTION = {"pay": "VALID", "fail": "FAILED", "cancel": "CANCELLED"}
CREDENTIAL_ERROR = "Store Credential Error Or Store is De-active"
DEFAULT_DELAYED_IPN = 3.0


def dhaka_now() -> str:
    return datetime.now(DHAKA).strftime("%Y-%m-%d %H:%M:%S")


def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


@dataclass
class Config:
    store_id: str
    store_passwd: str
    host: str = "127.0.0.1"
    port: int = 8001
    public_url: str = ""  # "" → http://host:port of the bound socket
    session_ttl: float = 1800.0
    ipn_delay: float = 0.0  # for the delayed_ipn scenario (0 → DEFAULT_DELAYED_IPN)
    ipn_retry_delay: float = 5.0
    ipn_timeout: float = 10.0
    quiet: bool = False


@dataclass
class Record:
    """One payment attempt on a session: what the gateway decided, as IPN, redirect and validation tell it."""

    val_id: str
    bank_tran_id: str
    status: str  # VALID | FAILED | CANCELLED
    tran_date: str
    scenario: str
    amount: Decimal  # in BDT, what the gateway took
    store_amount: Decimal
    currency_amount: Decimal
    risk_level: str
    risk_title: str
    validated_on: str = ""  # set by the first validation call of a VALID record

    def as_dict(self) -> dict:
        return {
            "val_id": self.val_id,
            "bank_tran_id": self.bank_tran_id,
            "status": self.status,
            "tran_date": self.tran_date,
            "scenario": self.scenario,
            "amount": money(self.amount),
            "store_amount": money(self.store_amount),
            "currency_amount": money(self.currency_amount),
            "risk_level": self.risk_level,
            "risk_title": self.risk_title,
            "validated_on": self.validated_on,
        }


@dataclass
class Session:
    key: str
    tran_id: str
    amount: Decimal  # total_amount as the merchant sent it, in `currency`
    currency: str
    form: dict  # what the merchant posted, without store_passwd
    created: float  # time.monotonic()
    created_at: str
    records: list[Record] = field(default_factory=list)
    ipn_attempts: list[dict] = field(default_factory=list)
    done: bool = False  # after VALID or CANCELLED, no more attempts

    @property
    def status(self) -> str:
        return self.records[-1].status if self.records else "PENDING"


class Gateway:
    """The sandbox's state and its answers; the HTTP handler only parses and writes."""

    def __init__(self, config: Config):
        self.config = config
        self.public_url = config.public_url.rstrip("/")
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.sessions: dict[str, Session] = {}  # by session key
            self.by_tran_id: dict[str, Session] = {}
            self.by_val_id: dict[str, tuple[Session, Record]] = {}
            self.delays = {"validation_delay": 0.0, "query_delay": 0.0, "api_delay": 0.0}

    def log(self, line: str) -> None:
        if not self.config.quiet:
            print(f"[sslcommerz-sandbox {dhaka_now()}] {line}", flush=True)

    def _credentials_ok(self, store_id: str, store_passwd: str) -> bool:
        return hmac.compare_digest(store_id.encode(), self.config.store_id.encode()) and hmac.compare_digest(
            store_passwd.encode(), self.config.store_passwd.encode()
        )

    # --- 1. session ---------------------------------------------------------------------------------------

    def create_session(self, form: dict[str, str]) -> dict:
        answer = self._create_session(form)
        self.log(
            f"session tran_id={form.get('tran_id', '')!r} amount={form.get('total_amount', '')!r} "
            f"{form.get('currency', '')} -> {answer['status']} {answer.get('failedreason', '')}".rstrip()
        )
        return answer

    def _create_session(self, form: dict[str, str]) -> dict:
        def failed(reason: str) -> dict:
            return {"status": "FAILED", "failedreason": reason}

        if not self._credentials_ok(form.get("store_id", ""), form.get("store_passwd", "")):
            return failed(CREDENTIAL_ERROR)
        required = REQUIRED + (
            REQUIRED_FOR_SHIPPING if form.get("shipping_method", "").upper() == "YES" else ()
        )
        missing = [name for name in required if not form.get(name, "").strip()]
        if missing:
            return failed(f"Invalid Information: '{missing[0]}' is missing")
        raw_amount = form["total_amount"].strip()
        if not AMOUNT_PATTERN.match(raw_amount):
            return failed("Invalid Information: 'total_amount' must be a decimal number with up to 2 places")
        amount = Decimal(raw_amount)
        if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            return failed(
                f"Invalid Information: 'total_amount' must be between {MIN_AMOUNT} and {MAX_AMOUNT}"
            )
        currency = form["currency"].strip().upper()
        if currency not in RATES:
            return failed(f"Invalid Information: currency {form['currency']!r} is not supported")
        for name in URL_FIELDS:
            value = form.get(name, "")
            if value and urlsplit(value).scheme not in ("http", "https"):
                return failed(f"Invalid Information: '{name}' is not an http(s) URL")
        tran_id = form["tran_id"].strip()
        if len(tran_id) > 30:
            return failed("Invalid Information: 'tran_id' is longer than 30 characters")
        with self._lock:
            if tran_id in self.by_tran_id:
                return failed("Duplicate tran_id")
            key = secrets.token_hex(16).upper()
            stored = {name: value for name, value in form.items() if name != "store_passwd"}
            session = Session(
                key=key,
                tran_id=tran_id,
                amount=amount.quantize(CENT),
                currency=currency,
                form=stored,
                created=time.monotonic(),
                created_at=dhaka_now(),
            )
            self.sessions[key] = session
            self.by_tran_id[tran_id] = session
        page = f"{self.public_url}/gwprocess/v4/gw.php?Q=pay&SESSIONKEY={key}"
        return {
            "status": "SUCCESS",
            "failedreason": "",
            "sessionkey": key,
            "gw": {},
            "redirectGatewayURL": page,
            "directPaymentURLBank": "",
            "directPaymentURLCard": "",
            "directPaymentURL": "",
            "redirectGatewayURLFailed": "",
            "GatewayPageURL": page,
            "storeBanner": "",
            "storeLogo": "",
            "store_name": self.config.store_id,
            "desc": [],
            "is_direct_pay_enable": "0",
        }

    # --- 2. payment page and the attempt -----------------------------------------------------------------

    def _open_session(self, key: str) -> tuple[Session | None, int, str]:
        """The session for `key` if a payer may still act on it, else (None, HTTP status, reason)."""
        session = self.sessions.get(key)
        if session is None:
            return None, 404, "Unknown session: this payment link is not valid."
        if time.monotonic() - session.created > self.config.session_ttl:
            return None, 410, "This payment session has expired. Please start the payment again."
        if session.done:
            return None, 410, f"This transaction is already {session.status}."
        return session, 200, ""

    def payment_page(self, key: str) -> tuple[int, str]:
        with self._lock:
            session, status, reason = self._open_session(key)
            if session is None:
                return status, templates.error_page(title="Payment not possible", message=reason)
            return 200, templates.payment_page(
                session_key=session.key,
                store_id=self.config.store_id,
                tran_id=session.tran_id,
                amount=money(session.amount),
                currency=session.currency,
                product_name=session.form.get("product_name", ""),
                attempts_failed=sum(record.status == "FAILED" for record in session.records),
            )

    def attempt(self, key: str, action: str, scenario: str) -> tuple[int, str]:
        if action not in STATUS_BY_ACTION or scenario not in templates.SCENARIOS:
            return 400, templates.error_page(title="Bad request", message="Unknown action or scenario.")
        with self._lock:
            session, status, reason = self._open_session(key)
            if session is None:
                return (409 if status == 410 and key in self.sessions else status), templates.error_page(
                    title="Payment not possible", message=reason
                )
            record = self._new_record(session, STATUS_BY_ACTION[action], scenario)
            session.records.append(record)
            self.by_val_id[record.val_id] = (session, record)
            if record.status != "FAILED":  # a failed card may be tried again on the same page
                session.done = True
            fields = self.payment_fields(session, record)
        self.log(
            f"attempt tran_id={session.tran_id!r} action={action} scenario={scenario} -> {record.status}"
        )
        self._schedule_ipn(session, record, fields)
        target = {"VALID": "success_url", "FAILED": "fail_url", "CANCELLED": "cancel_url"}[record.status]
        retry_url = None
        if record.status == "FAILED":
            retry_url = f"{self.public_url}/gwprocess/v4/gw.php?Q=pay&SESSIONKEY={session.key}"
        return 200, templates.redirect_page(
            action_url=session.form[target], fields=fields, status=record.status, retry_url=retry_url
        )

    def _new_record(self, session: Session, status: str, scenario: str) -> Record:
        rate = RATES[session.currency]
        amount = (session.amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
        currency_amount = session.amount
        if scenario == "amount_mismatch":
            amount -= MISMATCH
            if session.currency == "BDT":
                currency_amount = amount
        risky = scenario == "risky"
        return Record(
            val_id=self._fresh_val_id(),
            bank_tran_id=self._fresh_bank_tran_id(),
            status=status,
            tran_date=dhaka_now(),
            scenario=scenario,
            amount=amount,
            store_amount=(amount * (1 - FEE_RATE)).quantize(CENT, rounding=ROUND_HALF_UP),
            currency_amount=currency_amount,
            risk_level="1" if risky else "0",
            risk_title="Not Safe" if risky else "Safe",
        )

    def _fresh_val_id(self) -> str:
        while True:  # like "2612011234567abcdefg": date, 7 digits, 7 letters
            val_id = (
                datetime.now(DHAKA).strftime("%y%m%d")
                + "".join(secrets.choice(string.digits) for _ in range(7))
                + "".join(secrets.choice(string.ascii_lowercase) for _ in range(7))
            )
            if val_id not in self.by_val_id:
                return val_id

    @staticmethod
    def _fresh_bank_tran_id() -> str:
        alphabet = string.ascii_letters + string.digits
        return datetime.now(DHAKA).strftime("%y%m%d%H%M%S") + "".join(
            secrets.choice(alphabet) for _ in range(12)
        )

    def _common_fields(self, session: Session, record: Record) -> dict[str, str]:
        card = CARD if record.status != "CANCELLED" else dict.fromkeys(CARD, "")
        return {
            "status": record.status,
            "tran_date": record.tran_date,
            "tran_id": session.tran_id,
            "val_id": record.val_id,
            "amount": money(record.amount),
            "store_amount": money(record.store_amount),
            "currency": "BDT",
            "bank_tran_id": record.bank_tran_id,
            **card,
            "store_id": self.config.store_id,
            "currency_type": session.currency,
            "currency_amount": money(record.currency_amount),
            "currency_rate": f"{RATES[session.currency]:.4f}",
            "base_fair": "0.00",
            **{name: session.form.get(name, "") for name in PASSTHROUGH},
            "risk_level": record.risk_level,
            "risk_title": record.risk_title,
        }

    def payment_fields(self, session: Session, record: Record) -> dict[str, str]:
        """The IPN body, which the browser also posts to the merchant: signed, in SSLCommerz's order."""
        unsigned = self._common_fields(session, record)
        verify_key, verify_sign, verify_sign_sha2 = sign(unsigned, self.config.store_passwd)
        fields = {}
        for name, value in unsigned.items():
            fields[name] = value
            if name == "store_id":
                fields.update(
                    verify_sign=verify_sign, verify_sign_sha2=verify_sign_sha2, verify_key=verify_key
                )
        return fields

    # --- IPN ----------------------------------------------------------------------------------------------

    def _schedule_ipn(self, session: Session, record: Record, fields: dict[str, str]) -> None:
        url = session.form.get("ipn_url", "")
        if record.scenario == "no_ipn":
            self.log(f"IPN tran_id={session.tran_id!r} val_id={record.val_id} not sent (scenario no_ipn)")
            return
        if not url:
            self.log(f"IPN tran_id={session.tran_id!r} val_id={record.val_id} not sent (no ipn_url)")
            return
        delay = 0.0
        if record.scenario == "delayed_ipn":
            delay = self.config.ipn_delay or DEFAULT_DELAYED_IPN
        copies = 2 if record.scenario == "duplicate_ipn" else 1
        # The two copies of a duplicate IPN leave together, so the merchant's handler races itself.
        barrier = threading.Barrier(copies)

        def run(copy: int) -> None:
            if delay:
                time.sleep(delay)
            barrier.wait()
            self._deliver_ipn(session, record, url, fields, copy)

        for copy in range(1, copies + 1):
            threading.Thread(
                target=run, args=(copy,), name=f"ipn-{record.val_id}-{copy}", daemon=True
            ).start()

    def _deliver_ipn(
        self, session: Session, record: Record, url: str, fields: dict[str, str], copy: int
    ) -> None:
        """POST once; once more after ipn_retry_delay on a connection error or an HTTP 5xx."""
        for attempt in (1, 2):
            started = time.perf_counter()
            status, error = self._post_form(url, fields)
            elapsed_ms = round((time.perf_counter() - started) * 1000, 2)
            with self._lock:
                session.ipn_attempts.append(
                    {
                        "val_id": record.val_id,
                        "copy": copy,
                        "attempt": attempt,
                        "url": url,
                        "body": dict(fields),
                        "http_status": status,
                        "error": error,
                        "sent_at": dhaka_now(),
                        "elapsed_ms": elapsed_ms,  # the POST until its answer was read (payments_bench)
                    }
                )
            outcome = f"HTTP {status}" if status is not None else f"error {error}"
            self.log(
                f"IPN tran_id={session.tran_id!r} val_id={record.val_id} status={record.status} copy={copy} "
                f"attempt={attempt} -> {url} {outcome}"
            )
            if status is not None and status < 500:
                return
            if attempt == 1:
                time.sleep(self.config.ipn_retry_delay)

    def _post_form(self, url: str, fields: dict[str, str]) -> tuple[int | None, str]:
        request = urllib.request.Request(
            url,
            data=urlencode(fields).encode(),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": "SSLCommerz-Sandbox/v4",
            },
        )
        try:
            with _OPENER.open(request, timeout=self.config.ipn_timeout) as response:
                response.read()
                return response.status, ""
        except (
            urllib.error.HTTPError
        ) as exc:  # includes 3xx: the sandbox, like a gateway, follows no redirect
            return exc.code, ""
        except (urllib.error.URLError, OSError) as exc:
            return None, str(getattr(exc, "reason", exc))

    # --- 3. validation, 4. transaction query -------------------------------------------------------------

    def validate(self, query: dict[str, str]) -> dict:
        val_id = query.get("val_id", "")
        if not self._credentials_ok(query.get("store_id", ""), query.get("store_passwd", "")):
            answer = {
                "status": "INVALID_TRANSACTION",
                "error": CREDENTIAL_ERROR,
                "APIConnect": "INVALID_REQUEST",
            }
        else:
            with self._lock:
                found = self.by_val_id.get(val_id)
                if found is None or found[1].status != "VALID":
                    # ⚠ SSLCommerz reports FAILED / CANCELLED records as INVALID_TRANSACTION too.
                    answer = {"status": "INVALID_TRANSACTION", "APIConnect": "DONE"}
                else:
                    session, record = found
                    first = not record.validated_on
                    if first:
                        record.validated_on = dhaka_now()
                    answer = self._common_fields(session, record)
                    answer["status"] = "VALID" if first else "VALIDATED"
                    answer.update(
                        APIConnect="DONE",
                        validated_on=record.validated_on,
                        gw_version="v4",
                        emi_instalment="0",
                        emi_amount="0.00",
                        discount_amount="0.00",
                        discount_percentage="0",
                        discount_remarks="",
                    )
        self.log(f"validate val_id={val_id!r} -> {answer['status']}")
        return answer

    def transaction_query(self, query: dict[str, str]) -> dict:
        tran_id = query.get("tran_id", "")
        if not self._credentials_ok(query.get("store_id", ""), query.get("store_passwd", "")):
            answer = {"APIConnect": "INVALID_REQUEST", "error": CREDENTIAL_ERROR}
        else:
            with self._lock:
                session = self.by_tran_id.get(tran_id)
                # ⚠ A session with no payment attempt yet has no element (SSLCommerz finds 0 transactions).
                elements = [self._element(session, record) for record in session.records] if session else []
            answer = {"APIConnect": "DONE", "no_of_trans_found": len(elements), "element": elements}
        self.log(f"query tran_id={tran_id!r} -> {answer.get('no_of_trans_found', answer['APIConnect'])}")
        return answer

    def _element(self, session: Session, record: Record) -> dict:
        element = self._common_fields(session, record)
        if record.status == "VALID" and record.validated_on:
            element["status"] = "VALIDATED"
        element.update(validated_on=record.validated_on, gw_version="v4", error="")
        if record.status == "FAILED":
            element["error"] = "Declined by the sandbox (Fail button)"
        return element

    # --- 5. the sandbox's own control API ----------------------------------------------------------------

    def control(self, settings: dict) -> dict:
        unknown = set(settings) - set(self.delays)
        if unknown:
            raise ValueError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        values = {}
        for name, value in settings.items():
            try:
                values[name] = max(0.0, float(value or 0))
            except (TypeError, ValueError):
                raise ValueError(f"{name} must be a number of seconds") from None
        with self._lock:
            self.delays.update(values)
            current = dict(self.delays)
        self.log(f"control {current}")
        return current

    def delay(self, name: str) -> float:
        with self._lock:
            return self.delays[name]

    def transaction(self, tran_id: str) -> dict | None:
        with self._lock:
            session = self.by_tran_id.get(tran_id)
            if session is None:
                return None
            expired = time.monotonic() - session.created > self.config.session_ttl
            return {
                "tran_id": session.tran_id,
                "sessionkey": session.key,
                "amount": money(session.amount),
                "currency": session.currency,
                "status": session.status,
                "done": session.done,
                "expired": expired,
                "created_at": session.created_at,
                "form": dict(session.form),
                "records": [record.as_dict() for record in session.records],
                "ipn_attempts": [
                    dict(attempt, body=dict(attempt["body"])) for attempt in session.ipn_attempts
                ],
            }


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


# No proxies from the environment (the IPN goes to the merchant directly) and no redirects followed.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect)


class Handler(BaseHTTPRequestHandler):
    server_version = "SSLCommerzSandbox/4"
    gateway: Gateway  # set on the subclass made by make_server

    def do_GET(self):
        path, _, raw_query = self.path.partition("?")
        query = _first_values(raw_query)
        if path == "/gwprocess/v4/gw.php":
            self._html(*self.gateway.payment_page(query.get("SESSIONKEY", "")))
        elif path == "/validator/api/validationserverAPI.php":
            answer = self.gateway.validate(query)
            self._sleep("validation_delay")
            self._json(200, answer)
        elif path == "/validator/api/merchantTransIDvalidationAPI.php":
            answer = self.gateway.transaction_query(query)
            self._sleep("query_delay")
            self._json(200, answer)
        elif path == "/sandbox/health":
            self._json(200, {"ok": True})
        elif path.startswith("/sandbox/transactions/"):
            tran_id = unquote(path.removeprefix("/sandbox/transactions/"))
            found = self.gateway.transaction(tran_id)
            self._json(200, found) if found else self._json(404, {"error": "unknown tran_id"})
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self):
        path = self.path.partition("?")[0]
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        if path == "/gwprocess/v4/api.php":
            self._sleep("api_delay")
            self._json(200, self.gateway.create_session(_first_values(body)))
        elif path == "/gwprocess/v4/pay":
            form = _first_values(body)
            self._html(
                *self.gateway.attempt(
                    form.get("SESSIONKEY", ""), form.get("action", ""), form.get("scenario", "normal")
                )
            )
        elif path == "/sandbox/control":
            try:
                settings = json.loads(body or "{}")
                if not isinstance(settings, dict):
                    raise ValueError("a JSON object is expected")
                self._json(200, self.gateway.control(settings))
            except ValueError as exc:
                self._json(400, {"error": str(exc)})
        elif path == "/sandbox/reset":
            self.gateway.reset()
            self.gateway.log("reset")
            self._json(200, {"ok": True})
        else:
            self._json(404, {"error": "not found"})

    def log_message(self, format, *args):
        pass  # the gateway logs each call itself, without the query string (it holds the store password)

    def _sleep(self, name: str) -> None:
        seconds = self.gateway.delay(name)
        if seconds:
            time.sleep(seconds)

    def _json(self, status: int, answer: dict) -> None:
        self._send(status, "application/json", json.dumps(answer).encode())

    def _html(self, status: int, page: str) -> None:
        self._send(status, "text/html; charset=utf-8", page.encode())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped waiting (a timeout test)


def _first_values(encoded: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(encoded, keep_blank_values=True).items()}


def make_server(config: Config) -> tuple[ThreadingHTTPServer, Gateway]:
    """Bind the socket (port 0: a free one) and return the server and its gateway; the caller serves."""
    server = ThreadingHTTPServer((config.host, config.port), type("BoundHandler", (Handler,), {}))
    server.daemon_threads = True
    host, port = server.server_address[:2]
    if not config.public_url:
        config.public_url = f"http://{host}:{port}"
    gateway = Gateway(config)
    server.RequestHandlerClass.gateway = gateway
    return server, gateway
