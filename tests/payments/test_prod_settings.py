"""Production settings refuse to send payments to our local sandbox gateway, or to any gateway over plain
HTTP, unless GEODB_PAYMENTS_ALLOW_LOCAL_SANDBOX=1 says this is a local trial. Each case imports
geodb.settings.prod in a fresh process with a production environment."""

import os
import subprocess
import sys

import pytest

from .sandbox_support import PROJECT_ROOT

PRINT_GATEWAY = "import geodb.settings.prod as s; print(s.PAYMENT_GATEWAYS['sslcommerz']['BASE_URL'])"
REFUSED = [
    "http://127.0.0.1:8001/",  # the local sandbox, as base.py's default has it
    "http://localhost:8001/",
    "https://127.0.0.1:8001/",
    "https://localhost/",
    "http://[::1]:8001/",
    # Loopback and "any" addresses by other spellings.
    "https://127.0.0.2/",
    "https://0.0.0.0/",
    "https://localhost./",
    "https://[::ffff:127.0.0.1]/",
    "http://sandbox.sslcommerz.com/",  # the real one, but over plain HTTP
    "ftp://securepay.sslcommerz.com/",
]
ACCEPTED = ["https://sandbox.sslcommerz.com/", "https://securepay.sslcommerz.com/"]


def _production(**env) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("GEODB_", "DJANGO_"))}
    return {
        **base,
        "DJANGO_SECRET_KEY": "prod-settings-test-" + "x" * 40,
        "DJANGO_ALLOWED_HOSTS": "bscic.example.gov.bd",
        "GEODB_SMS_ALLOW_FILE": "1",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgis://geodb:geodb@127.0.0.1:5432/geodb"),
        **env,
    }


@pytest.fixture(scope="module")
def imported():
    """Every case at once, each in its own process: (returncode, stdout, stderr) by (base URL, allowed)."""
    cases = [(url, False) for url in REFUSED + ACCEPTED + [None]] + [(REFUSED[0], True)]
    processes = {}
    for url, allowed in cases:
        env = _production(
            **({"GEODB_SSLCOMMERZ_BASE_URL": url} if url else {}),
            **({"GEODB_PAYMENTS_ALLOW_LOCAL_SANDBOX": "1"} if allowed else {}),
        )
        processes[(url, allowed)] = subprocess.Popen(
            [sys.executable, "-c", PRINT_GATEWAY],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    return {case: (p.wait(timeout=120), *p.communicate()) for case, p in processes.items()}


@pytest.mark.parametrize("url", REFUSED)
def test_production_refuses_a_local_or_plain_http_gateway(imported, url):
    returncode, _, stderr = imported[(url, False)]
    assert returncode != 0
    assert "RuntimeError" in stderr and "GEODB_SSLCOMMERZ_BASE_URL" in stderr


@pytest.mark.parametrize("url", ACCEPTED)
def test_production_loads_with_sslcommerz_over_https(imported, url):
    assert imported[(url, False)][:2] == (0, url + "\n")


def test_production_defaults_to_live_sslcommerz(imported):
    assert imported[(None, False)][:2] == (0, "https://securepay.sslcommerz.com/\n")


def test_a_local_trial_may_use_the_sandbox_when_it_says_so(imported):
    assert imported[(REFUSED[0], True)][:2] == (0, REFUSED[0] + "\n")
