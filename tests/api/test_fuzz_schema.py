"""The REST API against its own OpenAPI schema (/api/schema/), fuzzed by schemathesis's CLI in a real
subprocess against the live test server: no answer may be a 5xx, and every answer must be one the schema
describes (status, media type, body), every value it forbids refused and every value it allows answered
(tests/api/schemathesis_hooks.py says which 400s the schema documents instead). Bounded in examples per
operation, not in time: with --max-time, fuzzing repeats until the budget is spent, and a budget that ran out
inside the coverage phase (as it did under CI's load) is reported as a Runtime Error. About 45 seconds;
bench/fuzz.py runs thousands of cases, on /ogc/api too.

No module-level django_db mark: a live-server test is transactional (see tests/conftest.py)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from rest_framework.throttling import SimpleRateThrottle

from surveys.models import SurveyRound
from tests.factories import located_enterprises

ST = Path(sys.executable).with_name("st")
EXAMPLES_PER_OPERATION = 8
SEED = 8


@pytest.fixture
def enterprises(transactional_db):
    made = [
        *located_enterprises([(89.3697, 24.8465)], name_en="Karatoya Handloom"),
        *located_enterprises([(88.9318, 24.8090)], name_en="Naogaon Pottery"),
        *located_enterprises([(88.6, 24.37)], name_en="Barind Bakery", kind="service"),
    ]
    SurveyRound.objects.create(name="Rajshahi pilot 2016-17")
    return made


@pytest.fixture
def unthrottled(monkeypatch, settings):
    """Thousands of requests from one address: the rate limits would answer most with 429 (documented,
    but then nothing behind them is tested)."""
    rates = {scope: "100000/minute" for scope in django_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    for name in ("EXPORT_ANON_CONCURRENCY", "EXPORT_ANON_CONCURRENCY_PER_IP", "EXPORT_KEY_CONCURRENCY"):
        if hasattr(django_settings, name):
            setattr(settings, name, 8)


def test_the_api_answers_fuzzed_requests_as_its_schema_says(live_server, enterprises, unthrottled, tmp_path):
    command = [
        str(ST),
        "run",
        f"{live_server.url}/api/schema/?format=json",
        "--max-examples",
        str(EXAMPLES_PER_OPERATION),
        "--seed",
        str(SEED),
        # One worker: with two threads, hypothesis's ast.parse of a lambda raced in CPython 3.11
        # ("SystemError: AST constructor recursion depth mismatch", CI of stop 22), a Runtime Error.
        "--workers",
        "1",
        "--exclude-checks",
        "positive_data_acceptance",  # replaced by tests/api/schemathesis_hooks.py
        "--request-timeout",
        "60",
        "--report",
        "json",
        "--report-dir",
        str(tmp_path),
        "--no-color",
    ]
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks",
        "PYTHONPATH": str(django_settings.BASE_DIR),
    }
    finished = subprocess.run(
        # In tmp_path: schemathesis keeps a .schemathesis/ cache in its working directory.
        command,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,  # about 45 s alone; a hang fails here rather than at CI's limit
    )
    (report_file,) = tmp_path.glob("*.json")
    report = json.loads(report_file.read_text())
    output = finished.stdout[-20_000:]

    assert report["test_cases"]["generated"] >= 500, output  # a bounded run, not an empty one
    assert report["operations"]["tested"] == report["operations"]["selected"] >= 11, output
    assert report["failures"] == [] and report["errors"] == [], output
    assert finished.returncode == 0, output
