"""Two IPNs for one transaction at the same moment, in two OS processes (two web workers), on the same
database: the attempt's row lock lets one count the fee; the other finds it counted.

A transactional test: the rows are committed, so the other processes see them."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.db import connection

from payments.models import Attempt

from .attack_support import assert_paid_once, outcomes, pay, relayed, sent_ipn, start  # noqa: F401
from .conftest import STORE_ID, STORE_PASSWORD
from .sandbox_support import PROJECT_ROOT

# Each process: Django against the test database, ready, then waits for the go file, then one IPN.
RECEIVER = """
import json, os, sys, time
from pathlib import Path
import django
django.setup()
from django.db import connection
from payments.services import notification_receive
connection.ensure_connection()  # connected before the start, so both start as one
ready, go = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
deadline = time.monotonic() + 30
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("no go")
    time.sleep(0.001)
print(json.dumps({"outcome": notification_receive(form=json.loads(sys.argv[3]))}))
"""


def _environment(sandbox) -> dict[str, str]:
    db = connection.settings_dict
    address = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geodb.settings.test",
        "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{address}/{db['NAME']}",
        "GEODB_SSLCOMMERZ_STORE_ID": STORE_ID,
        "GEODB_SSLCOMMERZ_STORE_PASSWORD": STORE_PASSWORD,
        "GEODB_SSLCOMMERZ_BASE_URL": sandbox.url + "/",
        "GEODB_PAYMENTS_ONLINE": "1",
    }


def test_two_ipns_at_the_same_moment_in_two_processes_count_the_fee_once(
    transactional_db,
    relayed,  # noqa: F811
    sandbox,
    awaiting_fee,
    tmp_path: Path,
):
    assert connection.settings_dict["NAME"].startswith("test_")
    attempt = start(awaiting_fee)
    pay(sandbox, attempt)
    form = json.dumps(sent_ipn(sandbox, attempt))
    go = tmp_path / "go"
    ready = [tmp_path / f"ready-{n}" for n in (1, 2)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", RECEIVER, str(flag), str(go), form],
            cwd=PROJECT_ROOT,
            env=_environment(sandbox),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for flag in ready
    ]
    try:
        deadline = time.monotonic() + 60
        while not all(flag.exists() for flag in ready):
            assert time.monotonic() < deadline, "the receivers did not start"
            assert all(p.poll() is None for p in processes), [p.communicate() for p in processes]
            time.sleep(0.01)
        go.touch()
        results = [p.communicate(timeout=60) for p in processes]
    finally:
        for p in processes:
            if p.poll() is None:
                p.kill()

    assert [p.returncode for p in processes] == [0, 0], results
    said = sorted(json.loads(out.strip().splitlines()[-1])["outcome"] for out, _ in results)
    assert said == ["duplicate_ignored", "paid"]
    assert_paid_once(awaiting_fee, tran_id=attempt.tran_id)
    assert sorted(outcomes(attempt, "ipn")) == ["duplicate_ignored", "paid"]
    attempt = Attempt.objects.get(pk=attempt.pk)
    assert (attempt.state, attempt.checks) == (Attempt.State.PAID, 2)
