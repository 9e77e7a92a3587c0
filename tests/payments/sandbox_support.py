"""Start the SSLCommerz sandbox (``python -m payments.sandbox``) as a subprocess and drive it like a browser.

    with running_sandbox() as gateway:
        page = gateway.create_session(tran_id="T1", total_amount="100.00", ipn_url=...)["GatewayPageURL"]
        action, fields = redirect_form(gateway.pay(page))   # what the browser would post to success_url

Ports: PAYMENTS_SANDBOX_PORTS="18300-18399" picks a free port in that range; unset, the system picks one.
"""

import contextlib
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 15.0
READY_LINE = re.compile(r"SSLCommerz sandbox listening on (http://\S+)")


class _Forms(HTMLParser):
    """The forms of a page: action, method and the inputs' name → value (buttons excluded)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({"id": attrs.get("id"), "action": attrs.get("action") or "", "fields": {}})
        elif tag in ("input", "select") and self.forms and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def page_forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def redirect_form(response: httpx.Response) -> tuple[str, dict[str, str]]:
    """The auto-submitting form of the page after Pay/Fail/Cancel: (merchant URL, the signed fields)."""
    forms = [form for form in page_forms(response.text) if form["id"] == "redirect-form"]
    if not forms:
        raise AssertionError(f"no redirect form in the sandbox's answer (HTTP {response.status_code})")
    return forms[0]["action"], forms[0]["fields"]


def session_form(*, store_id: str, store_passwd: str, **fields) -> dict[str, str]:
    """A complete session request as a merchant would send it; keyword arguments override or add fields."""
    form = {
        "store_id": store_id,
        "store_passwd": store_passwd,
        "total_amount": "100.00",
        "currency": "BDT",
        "tran_id": f"T{time.time_ns()}{random.randrange(1000)}"[:30],
        "success_url": "http://127.0.0.1:9/success",
        "fail_url": "http://127.0.0.1:9/fail",
        "cancel_url": "http://127.0.0.1:9/cancel",
        "cus_name": "Rahima Khatun",
        "cus_email": "rahima@example.com",
        "cus_add1": "Sadar Road",
        "cus_city": "Bogura",
        "cus_country": "Bangladesh",
        "cus_phone": "01711000000",
        "shipping_method": "NO",
        "num_of_item": "1",
        "product_name": "Registration fee",
        "product_category": "Government fee",
        "product_profile": "non-physical-goods",
    }
    form.update({name: str(value) for name, value in fields.items()})
    return form


@dataclass
class RunningSandbox:
    url: str
    store_id: str
    store_passwd: str
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)  # the sandbox's log lines so far

    def __post_init__(self):
        self.client = httpx.Client(timeout=10.0, trust_env=False)

    def control(self, **delays: float) -> dict:
        """Server-wide delays in seconds: validation_delay, query_delay, api_delay (0 resets)."""
        response = self.client.post(f"{self.url}/sandbox/control", json=delays)
        response.raise_for_status()
        return response.json()

    def transaction(self, tran_id: str) -> dict:
        """The session of tran_id: amount, status, records, ipn_attempts (each with the body it posted)."""
        response = self.client.get(f"{self.url}/sandbox/transactions/{tran_id}")
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        self.client.post(f"{self.url}/sandbox/reset").raise_for_status()

    def create_session(self, **fields) -> dict:
        """POST a session request (a complete default form; keyword arguments override); the JSON answer."""
        form = session_form(store_id=self.store_id, store_passwd=self.store_passwd, **fields)
        response = self.client.post(f"{self.url}/gwprocess/v4/api.php", data=form)
        response.raise_for_status()
        return response.json()

    def pay(self, gateway_page_url: str, action: str = "pay", scenario: str = "normal") -> httpx.Response:
        """Open the payment page and press a button (pay | fail | cancel) as a browser would.

        Returns the answer to the button's POST (the auto-submit page to the merchant), or the payment page's
        own answer when that is not a page with the payment form (expired, unknown, already paid)."""
        page = self.client.get(gateway_page_url)
        forms = [form for form in page_forms(page.text) if form["id"] == "payment-form"]
        if page.status_code != 200 or not forms:
            return page
        data = dict(forms[0]["fields"], action=action, scenario=scenario)
        return self.client.post(httpx.URL(gateway_page_url).join(forms[0]["action"]), data=data)

    def wait_for_ipn_attempts(self, tran_id: str, count: int, timeout: float = 5.0) -> list[dict]:
        """The transaction's IPN attempts once there are at least `count` (AssertionError after `timeout`)."""
        deadline = time.monotonic() + timeout
        while True:
            attempts = self.transaction(tran_id)["ipn_attempts"]
            if len(attempts) >= count or time.monotonic() > deadline:
                if len(attempts) < count:
                    raise AssertionError(f"{len(attempts)} IPN attempt(s) for {tran_id}, expected {count}")
                return attempts
            time.sleep(0.05)


def _free_port() -> int:
    """0 (the sandbox binds any free port) unless PAYMENTS_SANDBOX_PORTS names a range such as 18300-18399."""
    spec = os.environ.get("PAYMENTS_SANDBOX_PORTS", "")
    if not spec:
        return 0
    low, _, high = spec.partition("-")
    ports = list(range(int(low), int(high or low) + 1))
    random.shuffle(ports)
    return free_port(ports)


def free_port(ports) -> int:
    """The first of ``ports`` that nothing has bound on 127.0.0.1."""
    for port in ports:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port among {min(ports)}-{max(ports)}")


@contextlib.contextmanager
def running_sandbox(
    *,
    store_id: str = "bscictest",
    store_passwd: str = "bscictest@ssl",
    port: int | None = None,
    ipn_delay: float = 0.0,
    session_ttl: float = 1800,
    extra_args: tuple[str, ...] | list[str] = (),
) -> Iterator[RunningSandbox]:
    command = [
        sys.executable, "-m", "payments.sandbox",
        "--host", "127.0.0.1",
        "--port", str(_free_port() if port is None else port),
        "--store-id", store_id,
        "--store-passwd", store_passwd,
        "--ipn-delay", str(ipn_delay),
        "--session-ttl", str(session_ttl),
        *extra_args,
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    output: list[str] = []
    ready = threading.Event()
    found: list[str] = []

    def drain() -> None:  # always read, so a chatty sandbox never blocks on a full pipe
        for line in process.stdout:
            output.append(line.rstrip("\n"))
            match = READY_LINE.search(line)
            if match and not found:
                found.append(match.group(1))
                ready.set()
        ready.set()  # the process ended

    threading.Thread(target=drain, name="sandbox-output", daemon=True).start()
    try:
        url = _wait_until_healthy(process, ready, found, output)
        sandbox = RunningSandbox(
            url=url, store_id=store_id, store_passwd=store_passwd, process=process, output=output
        )
        try:
            yield sandbox
        finally:
            sandbox.client.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(process, ready: threading.Event, found: list[str], output: list[str]) -> str:
    deadline = time.monotonic() + READY_TIMEOUT

    def died(reason: str) -> RuntimeError:
        log = "\n".join(output) or "(no output)"
        return RuntimeError(f"the SSLCommerz sandbox {reason}:\n{log}")

    if not ready.wait(READY_TIMEOUT) or not found:
        raise died(f"exited with code {process.poll()}" if process.poll() is not None else "did not start")
    url = found[0]
    with httpx.Client(timeout=1.0, trust_env=False) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise died(f"exited with code {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):
                if client.get(f"{url}/sandbox/health").json().get("ok"):
                    return url
            time.sleep(0.05)
    raise died(f"did not answer {url}/sandbox/health within {READY_TIMEOUT:.0f} s")
