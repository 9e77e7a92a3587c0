"""e-Registration at scale: the office queue with 100,000 applications, and submits under 50 applicants.

1. The queue (GET /office/ as an extension officer of Dhaka, through Django's test client in this process:
   middleware, session, view, template; no socket) against the bare SQL of the same page: every query the
   page ran, captured with CaptureQueriesContext and run again raw, with psycopg, on a connection of its own.
   Target: at most 1.5x. Medians (and fastest) of --repeat rounds (page, bare SQL, queue SQL in turn each
   round); the first page, the overdue filter and a deep page.
2. Submits through the production stack (scripts/serve_prod.sh: nginx -> gunicorn, geodb.settings.prod, with
   the HTTP SMS backend talking to our sandbox gateway, so each submit sends its SMS as in production). 50
   applicants, each with its own session (logged in through /accounts/login/) and a complete draft per round,
   POST /apply/<id>/submit/ at the same moment, --rounds times after an untimed round that warms every
   server process. Baseline in the same run: one applicant submitting alone, one after another. Reported:
   p50/p95 and the ratio of the p95s; errors (target 0); and every application submitted, with its own
   tracking number and its SMS.

    .venv/bin/python bench/registration_bench.py --setup     # once: geodb_registration_bench, ~2 minutes
    .venv/bin/python bench/registration_bench.py             # both parts; --only queue|submit

--setup makes the database: migrated, real boundaries, the 64 offices (pilot open), 1,000 applicants and
100,000 applications by one INSERT ... SELECT (80 % in Dhaka, the rest in the other pilot offices; every
state, as a busy year leaves them: 45 % under review, due dates up to 28 days either side of today).
The drafts the submits use are made afresh by each run (registrations.demo.draft_create). No timed asserts:
the figures are printed, and RESULTS.md keeps them.
"""

import argparse
import logging
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchdb import dsn_of, migrated_with_boundaries
from tests.prod_stack import serve_prod

BENCH_DB = "geodb_registration_bench"
DSN = dsn_of(BENCH_DB, "REGISTRATION_BENCH_DATABASE_URL")
os.environ["DATABASE_URL"] = DSN
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")
os.environ.setdefault("GEODB_REGISTRATION_FILES_ROOT", str(ROOT / "var" / "registration_bench" / "files"))

import django

django.setup()

import httpx
import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from industries.models import Enterprise
from registrations.demo import SAMPLES, draft_create
from registrations.models import Applicant, Application, Office, Officer, State
from sms.sandbox import SmsSandbox

APPLICATIONS = 100_000
BENCH_PASSWORD = "bench-password"
QUEUE_OFFICER = "bench-dhaka-extension-0"
SUBMIT_PHONE = "+88017200{:05d}"  # the submitting applicants: +8801720000000, +8801720000001, ...
PILOT = {"26": 80, "67": 7, "33": 7, "15": 6}  # district code: percent of the applications

# The state of application g by g % 100, as a busy year leaves an office: drafts, 45 % under review,
# the rest decided.
STATE_BANDS = [
    (15, State.DRAFT),
    (25, State.SUBMITTED),
    (35, State.DOCUMENT_CHECK),
    (40, State.SHORTFALL),
    (48, State.INSPECTION),
    (53, State.RECOMMENDED),
    (58, State.APPROVED_FOR_PAYMENT),
    (60, State.PAID),
    (90, State.REGISTERED),
    (95, State.REJECTED),
    (100, State.WITHDRAWN),
]
REVIEW = [State.SUBMITTED, State.DOCUMENT_CHECK, State.SHORTFALL, State.INSPECTION, State.RECOMMENDED]
REVIEW += [State.APPROVED_FOR_PAYMENT, State.PAID]

# Raw SQL: the fast path for 100,000 rows (one statement instead of 100,000 saves).
GENERATE = """
WITH offices AS (
    SELECT o.id, d.division_id, d.id AS district_id, sum(p.pct) OVER (ORDER BY o.id) AS upto
    FROM registrations_office o JOIN industries_district d ON d.id = o.district_id
    JOIN unnest(%(codes)s::text[], %(pcts)s::int[]) AS p(code, pct) ON p.code = d.code
), rows AS (
    SELECT g,
           (SELECT s FROM unnest(%(bounds)s::int[], %(states)s::text[]) AS b(upto, s)
            WHERE g %% 100 < b.upto ORDER BY b.upto LIMIT 1) AS state,
           (SELECT o.id FROM offices o WHERE (g / 100) %% 100 < o.upto ORDER BY o.upto LIMIT 1) AS office_id,
           now() - ((g * 7919) %% 365) * interval '1 day' - (g %% 86400) * interval '1 second' AS submitted
    FROM generate_series(1, %(count)s) AS g
)
INSERT INTO registrations_application (
    state, form_step, application_type, name_bn, name_en, kind, isic_section, isic_division, products,
    trade_licence_no, trade_licence_authority, tin, bin, ownership, is_family_based, factory_address,
    district_mismatch, size_class, size_policy, fee_lines, created, updated, applicant_id, office_id,
    division_id, district_id, tracking_no, submitted_at, step_started, due_date, assigned_to_id,
    registration_no, registered_at, enterprise_id, enterprise_created)
SELECT state, 6, 'existing', 'বেঞ্চ শিল্প ' || g, 'Bench Industries ' || g, 'manufacturing', 'C', '13',
       'Bench products', 'TRAD/BENCH/' || g, 'city_corporation', '', '', 'proprietorship', false,
       'Holding ' || g || ', Bench Road', false, 'cottage', 'NIP2022', '[]', submitted, submitted,
       (%(applicants)s::bigint[])[1 + g %% cardinality(%(applicants)s::bigint[])], o.id,
       o.division_id, o.district_id,
       CASE WHEN state <> 'draft' THEN 'BR-BENCH-' || lpad(g::text, 6, '0') END,
       CASE WHEN state <> 'draft' THEN submitted END,
       CASE WHEN state <> 'draft' THEN submitted END,
       CASE WHEN state = ANY(%(review)s::text[]) THEN current_date + ((g * 31) %% 57 - 28) END,
       CASE WHEN state NOT IN ('draft', 'submitted') AND o.district_id = %(dhaka)s
            THEN (%(officers)s::bigint[])[1 + g %% cardinality(%(officers)s::bigint[])] END,
       CASE WHEN state = 'registered' THEN 'BSCIC-BENCH-' || g END,
       CASE WHEN state = 'registered' THEN submitted + interval '9 days' END,
       CASE WHEN state = 'registered' THEN %(enterprise)s::bigint END,
       CASE WHEN state = 'registered' THEN false END
FROM rows JOIN offices o ON o.id = rows.office_id
"""


def setup() -> None:
    migrated_with_boundaries(DSN, offices=True)

    User = get_user_model()
    password = make_password(BENCH_PASSWORD)  # hashed once: 1,000 hashes would take minutes
    users = User.objects.bulk_create(
        User(username=f"+88017100{i:05d}", password=password, first_name=f"Bench {i}") for i in range(1000)
    )
    applicants = Applicant.objects.bulk_create(
        Applicant(user=u, phone=u.username, name=u.first_name, phone_verified=u.date_joined) for u in users
    )
    dhaka = Office.objects.get(district__code="26")
    officers = []
    for role, n in ((Officer.Role.EXTENSION, 5), (Officer.Role.APPROVING, 1)):
        for i in range(n):
            user = User.objects.create(username=f"bench-dhaka-{role}-{i}", password=password)
            officers.append(Officer.objects.create(user=user, office=dhaka, role=role))
    # The registered ones all point at one enterprise: the queue never reads it.
    enterprise = Enterprise.objects.create(
        name_en="Bench registered enterprise", kind="manufacturing", location="SRID=4326;POINT(90.41 23.81)"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            GENERATE,
            {
                "codes": list(PILOT),
                "pcts": list(PILOT.values()),
                "bounds": [b for b, _ in STATE_BANDS],
                "states": [s.value for _, s in STATE_BANDS],
                "review": [s.value for s in REVIEW],
                "count": APPLICATIONS,
                "applicants": [a.pk for a in applicants],
                "officers": [o.pk for o in officers if o.role == Officer.Role.EXTENSION],
                "dhaka": dhaka.district_id,
                "enterprise": enterprise.pk,
            },
        )
        cursor.execute("VACUUM ANALYZE registrations_application")
    print(f"{APPLICATIONS:,} applications generated in {time.perf_counter() - started:.1f} s")


def paired_timings(runs: list, repeat: int) -> list[tuple[float, float]]:
    """(median, fastest) seconds of each of ``runs``, taken in turn round by round, so that a busy moment of
    the machine falls on all of them alike; the fastest is the run least disturbed by other processes."""
    for run in runs:
        run()  # warm the caches once
    times = [[] for _ in runs]
    for _ in range(repeat):
        for run, out in zip(runs, times, strict=True):
            started = time.perf_counter()
            run()
            out.append(time.perf_counter() - started)
    return [(statistics.median(t), min(t)) for t in times]


# --- 1. the queue --------------------------------------------------------------------------------------


def queue(repeat: int) -> None:
    settings.DEBUG = False  # as in production: no query log, no debug pages
    officer = Officer.objects.select_related("office").get(user__username=QUEUE_OFFICER)
    office = officer.office
    total = Application.objects.count()
    in_office = Application.objects.filter(office=office).count()
    open_in_office = Application.objects.filter(office=office).open().count()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(officer.user)
    url = reverse("registrations:office_queue")
    raw = psycopg.connect(DSN.replace("postgis://", "postgresql://"), autocommit=True)
    print(
        f"\n1. Office queue: {total:,} applications; {in_office:,} in {office.name_en}, "
        f"{open_in_office:,} of them under review"
    )
    print(
        f"   {'page':<26}{'queries':>8}{'page ms':>10}{'bare SQL ms':>13}{'ratio':>8}{'queue SQL ms':>14}"
        f"   {'fastest: page, bare, ratio':>28}"
    )
    for label, params in (
        ("first page", {}),
        ("overdue only", {"overdue": "1"}),
        ("page 100 (offset 4,950)", {"page": "100"}),
    ):
        response = client.get(url, params)
        if response.status_code != 200:
            sys.exit(f"GET {url} {params} answered {response.status_code}")
        with CaptureQueriesContext(connection) as captured:
            client.get(url, params)
        statements = [q["sql"] for q in captured.captured_queries]
        if any(not s.lstrip().upper().startswith("SELECT") for s in statements):
            sys.exit(f"the page wrote to the database: {statements}")
        queue_statements = [s for s in statements if "registrations_application" in s]

        def run_raw(sqls):
            def run():
                with raw.cursor() as cursor:
                    for sql in sqls:
                        cursor.execute(sql.encode())
                        cursor.fetchall()

            return run

        (page, page_min), (bare, bare_min), (queue_sql, _) = paired_timings(
            [lambda: client.get(url, params).content, run_raw(statements), run_raw(queue_statements)],  # noqa: B023
            repeat,
        )
        print(
            f"   {label:<26}{len(statements):>8}{page * 1000:>10.1f}{bare * 1000:>13.1f}"
            f"{page / bare:>7.2f}x{queue_sql * 1000:>14.1f}"
            f"   {page_min * 1000:>10.1f}{bare_min * 1000:>9.1f}{page_min / bare_min:>8.2f}x"
        )
    raw.close()
    # For scale, not for the ratio: a page of the same site with the same session, base template and
    # middleware, and no queue (the public tracking form).
    ((floor, _),) = paired_timings([lambda: client.get(reverse("registrations:track")).content], repeat)
    print(
        "   (bare SQL: all the page's queries, run raw; queue SQL: those on the application table alone. "
        "Target <= 1.5x.)\n"
        f"   The tracking form, same session and base template, no queue: {floor * 1000:.1f} ms"
    )


# --- 2. submits under 50 applicants ----------------------------------------------------------------------


def prepare_submitters(count: int, rounds: int) -> list[tuple[str, list[int]]]:
    """``count`` applicants (made once), each with ``rounds`` fresh complete drafts in Dhaka."""
    User = get_user_model()
    dhaka = Office.objects.select_related("district").get(district__code="26")
    password = make_password(BENCH_PASSWORD)
    out = []
    for i in range(count):
        phone = SUBMIT_PHONE.format(i)
        user, _ = User.objects.get_or_create(username=phone, defaults={"password": password})
        applicant, _ = Applicant.objects.get_or_create(
            user=user, defaults={"phone": phone, "name": f"Submitter {i}", "phone_verified": user.date_joined}
        )
        drafts = [
            draft_create(sample=SAMPLES[1], applicant=applicant, office=dhaka, index=i * rounds + r).pk
            for r in range(rounds)
        ]
        out.append((phone, drafts))
    return out


def serve(port: int, sandbox: SmsSandbox) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": DSN,
        "GEODB_PROD_RUN_DIR": str(ROOT / "var" / "registration_bench" / "prod"),
        "GEODB_SMS_BACKEND": "sms.backends.http.HttpBackend",
        "GEODB_SMS_URL": sandbox.url,
        "GEODB_SMS_API_KEY": sandbox.api_key,
        "GEODB_SMS_SENDER": "BSCIC",
    }
    try:
        return serve_prod(port, env)
    except RuntimeError as error:
        sys.exit(str(error))


CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    """One applicant's browser: its own cookies (kept by hand: the production cookies are Secure and this
    is plain HTTP on loopback, so a cookie jar would not send them back) and CSRF token."""

    def __init__(self, base: str, phone: str):
        self.http = httpx.Client(base_url=base, timeout=120, follow_redirects=False)
        self.cookies: dict[str, str] = {}
        self.phone = phone

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        response = self.http.request(method, path, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response

    def token(self, path: str) -> str:
        page = self.request("GET", path)
        match = CSRF_FIELD.search(page.text)
        if page.status_code != 200 or not match:
            raise RuntimeError(f"GET {path}: {page.status_code}, no form")
        return match.group(1)

    def log_in(self) -> None:
        login = reverse("registrations:login")
        data = {"csrfmiddlewaretoken": self.token(login), "username": "0" + self.phone[4:]}
        response = self.request("POST", login, data={**data, "password": BENCH_PASSWORD})
        if response.status_code != 302:
            raise RuntimeError(f"login of {self.phone}: {response.status_code}")

    def submit(self, pk: int, start: threading.Barrier | None = None) -> tuple[float, bool]:
        """POST the submit form of draft ``pk`` (its token from the review page), when every applicant of
        ``start`` has theirs; (seconds, submitted)."""
        try:
            token = self.token(reverse("registrations:form_step", args=[pk, 6]))
        except Exception:
            if start is not None:
                start.abort()  # the others stop waiting, and count the error
            raise
        if start is not None:
            start.wait(timeout=600)
        started = time.perf_counter()
        response = self.request(
            "POST", reverse("registrations:submit", args=[pk]), data={"csrfmiddlewaretoken": token}
        )
        elapsed = time.perf_counter() - started
        detail = reverse("registrations:application_detail", args=[pk])
        return elapsed, response.status_code == 302 and response.headers.get("location", "").endswith(detail)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def submits(port: int, users: int, rounds: int, baseline_runs: int) -> None:
    started_at = time.time()
    # Round 0 warms every gunicorn process (templates, the SMS connection, the pool) and is not timed.
    people = prepare_submitters(users, rounds + 1)
    # The baseline applicant is the first of the 50, with drafts of its own.
    first = Applicant.objects.get(phone=people[0][0])
    dhaka = Office.objects.select_related("district").get(district__code="26")
    alone = [
        draft_create(sample=SAMPLES[1], applicant=first, office=dhaka, index=10_000 + r).pk
        for r in range(baseline_runs)
    ]
    all_ids = [pk for _, drafts in people for pk in drafts] + alone
    connection.close()  # the server's processes take the connections from here

    sandbox = SmsSandbox(api_key="bench-key", port=0).start()
    server = serve(port, sandbox)
    base = f"http://127.0.0.1:{port}"
    try:
        browsers = [Browser(base, phone) for phone, _ in people]
        threads = [threading.Thread(target=b.log_in) for b in browsers]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

        concurrent: list[tuple[float, bool]] = []
        warm_up: list[tuple[float, bool]] = []
        errors: list[str] = []
        lock = threading.Lock()

        def all_at_once(r: int, out: list) -> None:
            start = threading.Barrier(len(browsers))

            def one(browser, pk):
                try:
                    result = browser.submit(pk, start)
                except Exception as error:  # counted, and the run goes on
                    with lock:
                        errors.append(repr(error))
                    return
                with lock:
                    out.append(result)

            threads = [
                threading.Thread(target=one, args=(b, drafts[r]))
                for b, (_, drafts) in zip(browsers, people, strict=True)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()

        all_at_once(0, warm_up)
        # Baseline: the first applicant alone, one submit after another.
        single = [browsers[0].submit(pk) for pk in alone]
        for r in range(1, rounds + 1):
            all_at_once(r, concurrent)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
        sandbox.stop()

    submitted = Application.objects.filter(pk__in=all_ids)
    states = set(submitted.values_list("state", flat=True))
    numbers = [n for n in submitted.values_list("tracking_no", flat=True) if n]
    failed = [ok for _, ok in warm_up + concurrent + single if not ok]
    sms_to_submitters = [
        m for m in sandbox.messages if m.get("number", "").endswith(tuple(p[-10:] for p, _ in people))
    ]
    times_1 = [t for t, _ in single]
    times_n = [t for t, _ in concurrent]
    p95_1, p95_n = percentile(times_1, 95), percentile(times_n, 95)
    print(f"\n2. Submits through nginx + gunicorn (geodb.settings.prod), port {port}")
    print(
        f"   1 applicant alone, {len(times_1)} submits:     p50 {statistics.median(times_1) * 1000:7.0f} ms"
        f"   p95 {p95_1 * 1000:7.0f} ms"
    )
    print(
        f"   {users} at once x {rounds} rounds = {len(times_n)}: "
        f"p50 {statistics.median(times_n) * 1000:7.0f} ms"
        f"   p95 {p95_n * 1000:7.0f} ms   = {p95_n / p95_1:.1f}x the single applicant's p95"
    )
    print(
        f"   errors: {len(errors) + len(failed)} (target 0){': ' + '; '.join(errors[:3]) if errors else ''}; "
        f"states after: {sorted(states)}; tracking numbers: {len(numbers)} for {len(all_ids)} applications, "
        f"{len(set(numbers))} distinct; SMS received by the gateway: {len(sms_to_submitters)}"
    )
    print(f"   ({time.time() - started_at:.0f} s)")


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--setup", action="store_true", help="(re)create the bench database, then run")
    parser.add_argument("--only", choices=["queue", "submit"])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--baseline-runs", type=int, default=20)
    parser.add_argument("--port", type=int, default=18520, help="the production stack's port")
    args = parser.parse_args()
    if args.setup:
        setup()
    if args.only in (None, "queue"):
        queue(args.repeat)
    if args.only in (None, "submit"):
        submits(args.port, args.users, args.rounds, args.baseline_runs)


if __name__ == "__main__":
    main()
