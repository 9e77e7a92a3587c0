"""Fuzz a running server against its own OpenAPI schemas with schemathesis, and print what it found.

    .venv/bin/python bench/fuzz.py http://127.0.0.1:8000 [--cases 2000] [--seed 1] [--no-ogc]

Runs ``st run`` (the schemathesis CLI, pinned in pyproject.toml) on /api/schema/ and, unless --no-ogc,
on /ogc/api, with every check but positive_data_acceptance, which tests/api/schemathesis_hooks.py
replaces (see there why). Examples per operation are chosen so that the runs generate at least --cases
test cases between them. Prints the cases generated and the failures by kind; exits 1 if there are any.

Against a server of your own only (loopback): it sends thousands of requests. The server's rate limits
would answer most of them 429; start it with higher ones, e.g.
GEODB_API_ANON_RATE=100000/minute GEODB_OGC_ANON_RATE=100000/minute GEODB_EXPORT_ANON_RATE=100000/hour.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
ST = Path(sys.executable).with_name("st")
HOOKS = "tests.api.schemathesis_hooks"


def operations(schema_url: str) -> int:
    paths = requests.get(schema_url, timeout=60).json()["paths"]
    methods = ("get", "post", "put", "patch", "delete")
    return sum(1 for item in paths.values() for method in item if method in methods)


def run(schema_url: str, *, per_operation: int, seed: int, workers: int) -> dict:
    """One ``st run``; its JSON report."""
    with tempfile.TemporaryDirectory(prefix="geodb-fuzz-") as directory:
        command = [
            str(ST),
            "run",
            schema_url,
            "--max-examples",
            str(per_operation),
            "--seed",
            str(seed),
            "--workers",
            str(workers),
            "--exclude-checks",
            "positive_data_acceptance",
            "--request-timeout",
            "60",
            "--report",
            "json",
            "--report-dir",
            directory,
            "--no-color",
        ]
        env = {**os.environ, "SCHEMATHESIS_HOOKS": HOOKS, "PYTHONPATH": str(ROOT)}
        started = time.monotonic()
        # Run in the temporary directory: schemathesis keeps a .schemathesis/ cache in its working directory.
        finished = subprocess.run(
            command, env=env, cwd=directory, capture_output=True, text=True, check=False
        )
        seconds = time.monotonic() - started
        reports = list(Path(directory).glob("*.json"))
        if not reports:
            sys.exit(f"schemathesis wrote no report:\n{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}")
        report = json.loads(reports[0].read_text())
    report["_seconds"] = seconds
    report["_output"] = finished.stdout
    report["_command"] = " ".join(command)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url", help="e.g. http://127.0.0.1:8000")
    parser.add_argument("--cases", type=int, default=2000, help="at least this many test cases in all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-ogc", action="store_true", help="only the REST API's schema")
    args = parser.parse_args()
    base = args.base_url.rstrip("/")
    schemas = [f"{base}/api/schema/?format=json"] + ([] if args.no_ogc else [f"{base}/ogc/api"])

    total_operations = sum(operations(url) for url in schemas)
    # A run generates about twice its examples per operation (the coverage phase adds its own cases).
    per_operation = max(10, args.cases // (2 * total_operations) + 1)
    cases, kinds, failed_runs = 0, Counter(), []
    for url in schemas:
        report = run(url, per_operation=per_operation, seed=args.seed, workers=args.workers)
        generated = report["test_cases"]["generated"]
        cases += generated
        for failure in report["failures"]:
            kinds[f"{failure['code']} {failure['title']}"] += failure["count"]
        for error in report["errors"]:
            kinds[f"error {error.get('title') or error.get('type')}"] += 1
        print(
            f"{url}: {generated:,} cases, {report['operations']['tested']} operations, "
            f"{report['_seconds']:.0f} s, exit {report['exit_code']}"
        )
        print(f"  command: {report['_command']}")
        if report["exit_code"]:
            failed_runs.append(report)
    print(f"\ncases: {cases:,}")
    print(f"failures: {sum(kinds.values())}")
    for kind, count in kinds.most_common():
        print(f"  {kind}: {count}")
    for report in failed_runs:
        with tempfile.NamedTemporaryFile("w", prefix="geodb-fuzz-", suffix=".txt", delete=False) as out:
            out.write(report["_output"])
        print(f"\nschemathesis's output of {report['_command'].split()[2]}: {out.name}")
    sys.exit(1 if kinds or failed_runs else 0)


if __name__ == "__main__":
    main()
