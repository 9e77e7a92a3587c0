"""Faults under load, on the production stack (scripts/serve_prod.sh) and a PostgreSQL cluster of its own.

    .venv/bin/python bench/faults.py [--port 5440] [--seconds 40]

It makes (once) and starts a separate PostgreSQL 15 cluster "faults" on 127.0.0.1:5440, so restarting it
disturbs no other database on this machine, with a geodb role, the boundaries and 5,000 enterprises; then
serves the stack against it and, while readers (lists, stats, tiles) and a writer (POST of new enterprises
with an API key) run:
  1. restarts that cluster (pg_ctlcluster 15 faults restart) a third of the way in: counts the errors, how
     long until requests succeed again, and checks that every write the API acknowledged (201) is there;
  2. kills the task worker (kill -9) in the middle of an import of 20,000 rows: the restarted worker takes
     the batch back (scripts/worker.py), it completes, and no enterprise is written twice.
Needs root (pg_createcluster, pg_ctlcluster), as `make demo` does on this machine.
"""

import argparse
import csv
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.error import HTTPError, URLError

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.prod_stack import serve_prod

CLUSTER = ("15", "faults")
RUN = f"{int(time.time())}"  # in registration numbers: each run writes new enterprises


def sh(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs)


def psql(port: int, sql: str, db: str = "postgres") -> str:
    return sh(
        "runuser", "-u", "postgres", "--", "psql", "-X", "-At", "-p", str(port), "-d", db, "-c", sql
    ).stdout


def cluster_up(port: int) -> str:
    """The faults cluster running, with role geodb and database geodb_faults loaded; its DATABASE_URL."""
    clusters = sh("pg_lsclusters", "-h").stdout
    if not any(line.split()[:2] == list(CLUSTER) for line in clusters.splitlines()):
        sh("pg_createcluster", *CLUSTER, "-p", str(port))
    if "online" not in sh("pg_lsclusters", "-h", *CLUSTER).stdout:
        sh("pg_ctlcluster", *CLUSTER, "start")
    psql(port, "SELECT 1")
    if not psql(port, "SELECT 1 FROM pg_roles WHERE rolname = 'geodb'").strip():
        psql(port, "CREATE ROLE geodb LOGIN SUPERUSER PASSWORD 'geodb'")
    if not psql(port, "SELECT 1 FROM pg_database WHERE datname = 'geodb_faults'").strip():
        psql(port, "CREATE DATABASE geodb_faults OWNER geodb")
        psql(port, "CREATE EXTENSION postgis; CREATE EXTENSION pg_trgm", db="geodb_faults")
    url = f"postgis://geodb:geodb@127.0.0.1:{port}/geodb_faults"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "geodb.settings.dev"}
    py = [sys.executable, "manage.py"]
    sh(*py, "migrate", "--noinput", env=env, cwd=ROOT)
    sh(*py, "load_admin_geography", "--if-needed", env=env, cwd=ROOT)
    sh(*py, "generate_enterprises", "--count", "5000", "--seed", "7", "--if-empty", env=env, cwd=ROOT)
    return url


def django_shell(url: str, code: str) -> str:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "geodb.settings.dev"}
    out = sh(sys.executable, "manage.py", "shell", "-c", code, env=env, cwd=ROOT).stdout
    return out.strip().splitlines()[-1]


def writer_key(url: str) -> str:
    return django_shell(
        url,
        """
from django.contrib.auth.models import User
from industries.models import ApiKey
admin = {"is_superuser": True, "is_staff": True}
user, _ = User.objects.get_or_create(username="faults-writer", defaults=admin)
print(ApiKey.objects.create_key(name="faults", user=user)[1])
""",
    )


def serve(url: str, run_dir: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "GEODB_PROD_RUN_DIR": str(run_dir),
        "GEODB_TILES_ANON_RATE": "1000000/minute",
        "GEODB_API_ANON_RATE": "1000000/minute",
    }
    try:
        return serve_prod(port, env), f"http://127.0.0.1:{port}"
    except RuntimeError as error:
        sys.exit(str(error))


def request(method: str, url: str, body: dict | None = None, key: str | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    if data:
        req.add_header("Content-Type", "application/json")
    if key:
        req.add_header("Authorization", f"Token {key}")
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            response.read()
            return response.status
    except HTTPError as error:
        return error.code
    except (URLError, OSError):
        return 0  # no answer at all


def db_restart_under_load(base: str, url: str, port: int, key: str, seconds: int) -> dict:
    stop = threading.Event()
    log: list[tuple[float, str, int]] = []  # (time, kind, status)
    acked: list[str] = []
    start = time.monotonic()
    reads = [
        "/api/v1/districts/?geometry=false&division=Rajshahi",
        "/api/v1/stats/?by=district",
        "/api/v1/enterprises/?district=Bogura&page_size=50",
    ]

    def reader():
        while not stop.is_set():
            if random.random() < 0.4:  # tiles nginx has not seen: each goes to Django and PostGIS
                z = random.randint(9, 12)
                path = f"/tiles/enterprises/{z}/{random.randint(0, 2**z)}/{random.randint(0, 2**z)}.pbf"
                path += f"?year_min={random.randint(1000, 1800)}"
            else:
                path = random.choice(reads)
            log.append((time.monotonic() - start, "read", request("GET", base + path)))
            time.sleep(0.02)

    def writer():
        i = 0
        while not stop.is_set():
            reg = f"FAULT-{RUN}-{i}"
            body = {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [89.30 + i * 1e-4, 24.80]},
                "properties": {
                    "name_en": f"Fault Works {reg}",
                    "kind": "manufacturing",
                    "workers_total": "8",
                    "registration_no": reg,
                },
            }
            status = request("POST", f"{base}/api/v1/enterprises/", body, key)
            log.append((time.monotonic() - start, "write", status))
            if status == 201:
                acked.append(reg)
            i += 1
            time.sleep(0.05)

    threads = [threading.Thread(target=reader) for _ in range(6)] + [threading.Thread(target=writer)]
    for thread in threads:
        thread.start()
    time.sleep(seconds / 3)
    restarted_at = time.monotonic() - start
    sh("pg_ctlcluster", *CLUSTER, "restart")
    back_at = time.monotonic() - start
    time.sleep(seconds * 2 / 3)
    stop.set()
    for thread in threads:
        thread.join()

    bad = [(t, kind, s) for t, kind, s in log if s == 0 or s >= 500]
    last_bad = max((t for t, _, _ in bad), default=restarted_at)
    after = [s for t, _, s in log if t > last_bad]
    stored = set(
        psql(
            port,
            f"SELECT registration_no FROM industries_enterprise WHERE registration_no LIKE 'FAULT-{RUN}-%'",
            db="geodb_faults",
        ).split()
    )
    lost = [reg for reg in acked if reg not in stored]
    return {
        "requests": len(log),
        "statuses": dict(Counter(s for _, _, s in log)),
        "restart_s": [round(restarted_at, 1), round(back_at, 1)],
        "errors (5xx or no answer)": len(bad),
        "error statuses": dict(Counter(s for _, _, s in bad)),
        "errors from/to s": [round(min((t for t, _, _ in bad), default=0), 1), round(last_bad, 1)],
        "recovered after restart s": round(max(0.0, last_bad - back_at), 1),
        "requests after the last error": len(after),
        "writes acknowledged": len(acked),
        "acknowledged writes missing": len(lost),
        "stored writes not acknowledged": len(stored - set(acked)),
    }


def worker_killed_mid_import(url: str, server: subprocess.Popen, run_dir: Path, rows: int) -> dict:
    path = run_dir / "faults-import.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(
            [
                "Name of Enterprise",
                "District",
                "Latitude",
                "Longitude",
                "Total workers",
                "Type",
                "Registration No",
            ]
        )
        for i in range(rows):
            lat = 24.60 + (i % 200) * 0.002
            lon = 88.95 + (i // 200) * 0.002
            out.writerow(
                [
                    f"Kill Test Mill {i}",
                    "Naogaon",
                    f"{lat:.5f}",
                    f"{lon:.5f}",
                    "6",
                    "manufacturing",
                    f"KILL-{RUN}-{i}",
                ]
            )
    before = int(
        django_shell(url, "from industries.models import Enterprise; print(Enterprise.objects.count())")
    )
    batch_id = int(
        django_shell(
            url,
            f"""
from django.core.files import File
from django.db import transaction
from surveys.models import SurveyRound
from surveys.services import import_batch_create
from surveys.tasks import run_import_batch
survey, _ = SurveyRound.objects.get_or_create(name="Faults run {time.time():.0f}")
with open({str(path)!r}, "rb") as handle:
    batch = import_batch_create(survey_round=survey, file=File(handle, name="faults-import.csv"))
run_import_batch.enqueue(batch.pk)
print(batch.pk)
""",
        )
    )
    port = url.rsplit(":", 1)[1].split("/")[0]
    step = ""
    deadline = time.monotonic() + 300
    while step != "writing" and time.monotonic() < deadline:
        step = psql(
            int(port), f"SELECT step FROM surveys_importbatch WHERE id = {batch_id}", "geodb_faults"
        ).strip()
        time.sleep(0.05)
    time.sleep(0.5)  # inside the write transaction
    session = os.getsid(server.pid)
    workers = [
        int(line.split()[0])
        for line in sh("ps", "-eo", "pid,sid,args").stdout.splitlines()[1:]
        if int(line.split()[1]) == session and "scripts/worker.py" in line
    ]
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    status = ""
    while status not in ("succeeded", "failed") and time.monotonic() < killed_at + 600:
        status = psql(
            int(port), f"SELECT status FROM surveys_importbatch WHERE id = {batch_id}", "geodb_faults"
        )
        status = status.strip()
        time.sleep(0.5)
    counts = (
        psql(
            int(port),
            f"SELECT (SELECT count(*) FROM industries_enterprise), "
            f"(SELECT count(*) FROM industries_enterprise WHERE registration_no LIKE 'KILL-{RUN}-%'), "
            f"(SELECT count(*) FROM surveys_enterprisechange WHERE batch_id = {batch_id}), "
            f"(SELECT created_count FROM surveys_importbatch WHERE id = {batch_id}), "
            f"(SELECT worker_ids::text FROM django_tasks_database_dbtaskresult "
            f" WHERE args_kwargs::text LIKE '%[{batch_id}]%' ORDER BY enqueued_at DESC LIMIT 1)",
            "geodb_faults",
        )
        .strip()
        .split("|")
    )
    return {
        "rows": rows,
        "killed at step": step,
        "workers killed": workers,
        "batch status": status,
        "completed s after the kill": round(time.monotonic() - killed_at, 1),
        "enterprises before/after": [before, int(counts[0])],
        "enterprises of the file": int(counts[1]),
        "provenance rows of the batch": int(counts[2]),
        "batch created_count": int(counts[3] or 0),
        "task worker_ids": counts[4],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--port", type=int, default=5440)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--import-rows", type=int, default=20_000)
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/faults.py needs root (pg_createcluster / pg_ctlcluster).")
    url = cluster_up(args.port)
    run_dir = ROOT / "var" / "faults"
    run_dir.mkdir(parents=True, exist_ok=True)
    key = writer_key(url)
    server, base = serve(url, run_dir / "prod")
    try:
        restart = db_restart_under_load(base, url, args.port, key, args.seconds)
        print("database restarted under load:", json.dumps(restart, indent=1), flush=True)
        kill = worker_killed_mid_import(url, server, run_dir, args.import_rows)
        print("worker killed mid-import:", json.dumps(kill, indent=1), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    (run_dir / "results.json").write_text(json.dumps({"db_restart": restart, "worker_kill": kill}, indent=1))


if __name__ == "__main__":
    main()
