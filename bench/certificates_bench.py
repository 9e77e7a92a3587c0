"""Registration certificates: what a PDF costs to make, and what the public verification page costs over the
bare SQL lookup of the same row.

1. Render. For each of --count registered applications, in turn: the floor of any WeasyPrint PDF (a one-line
   Bangla A4 page with the certificate's four @font-face fonts, through the same font fetcher), the whole
   certificates.services.certificate_issue (lock, number, QR, template, PDF, SHA-256, the row) and
   certificate_pdf again on the issued row (the PDF alone). p50/p95/mean and the ratios to the floor; peak
   RSS of this process. The first --warm of each are untimed (WeasyPrint loads Pango and the fonts once).
2. Verification, GET /verify/<token>/ of the issued certificates, in turn with the bare SQL that the view
   runs (captured from the view with CaptureQueriesContext, run raw with psycopg on a connection of its own)
   and the bare SQL of only the public fields the page shows:
   a. in this process: Django's test Client (middleware, view, template; no socket), the view function alone
      (RequestFactory), and its parts (the per-address counter, verdict_for); queries counted. Once with the
      project's default cache (PostgreSQL, Django's DatabaseCache) and once with Redis (a redis-server of
      our own on --redis-port), as the rate limiter's counter lives in the cache;
   b. through the production stack (scripts/serve_prod.sh: nginx -> gunicorn, geodb.settings.prod, default
      cache), one client with keep-alive, beside a static file through the same nginx (the HTTP floor).
   Target (issue 11): the page at most 1.5x the bare SQL. The rate limit is raised out of the way
   (GEODB_CERTIFICATE_VERIFY_PER_HOUR).
3. pdftotext and pdffonts on a certificate with Bangla names ("রহিমা হস্তশিল্প", owner "শ্রাবন্তী ক্ষেত্রী"):
   whether the names come back intact, compared exactly.

    .venv/bin/python bench/certificates_bench.py --setup   # once: geodb_bench_certificates, then a run
    .venv/bin/python bench/certificates_bench.py           # a run: 200 certificates afresh, 1,000 checks

No timed asserts: the figures are printed, RESULTS.md keeps them.
"""

import argparse
import logging
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchdb import dsn_of, migrated_with_boundaries
from tests.prod_stack import serve_prod

BENCH_DB = "geodb_bench_certificates"
DSN = dsn_of(BENCH_DB, "CERTIFICATES_BENCH_DATABASE_URL")
RUN_DIR = ROOT / "var" / "certificates_bench"
PORT = 8230  # the stack; serve_prod.sh puts its sandbox gateway on 8231
REDIS_PORT = 8232
os.environ["DATABASE_URL"] = DSN
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")
os.environ.setdefault("GEODB_REGISTRATION_FILES_ROOT", str(RUN_DIR / "files"))
os.environ["GEODB_SMS_FILE_PATH"] = str(
    RUN_DIR / "sms" / "outbox.jsonl"
)  # the registrations' SMS, not the demo's
# The same signing key in this process (which issues) and in the stack (which verifies); the address the QR
# prints; no rate limit in the way of the measurement.
os.environ.setdefault("GEODB_CERTIFICATE_KEYS", "bench1:certificates-bench-key-not-a-secret")
os.environ.setdefault("GEODB_SITE_URL", f"http://127.0.0.1:{PORT}")
os.environ["GEODB_CERTIFICATE_VERIFY_PER_HOUR"] = str(10**9)

import django

django.setup()

import httpx
import psycopg
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext

from certificates import views
from certificates.models import Certificate
from certificates.services import certificate_issue, certificate_pdf, verdict_for, verification_path
from payments.receipts import font_fetcher, font_urls
from registrations.demo import SAMPLES, draft_create
from registrations.models import Applicant, Application, Office, Officer, Owner, State
from registrations.services.register import application_register
from registrations.signals import application_registered

TRACKING = "BR-CERTBENCH-{:04d}"
BENCH_PHONE = "+8801790000000"
SIGNER = "bench-certificates-approving"
# Application 0 carries the names whose shaping pdftotext is asked about.
BANGLA_NAME = "রহিমা হস্তশিল্প"
BANGLA_OWNER = "শ্রাবন্তী ক্ষেত্রী"

FLOOR_HTML = """<!DOCTYPE html><html lang="bn"><head><meta charset="utf-8"><style>
@font-face {{ font-family: "Noto Sans Bengali"; src: url("{bengali_regular}"); }}
@font-face {{ font-family: "Noto Sans Bengali"; font-weight: bold; src: url("{bengali_bold}"); }}
@font-face {{ font-family: "Noto Sans"; src: url("{latin_regular}"); }}
@font-face {{ font-family: "Noto Sans"; font-weight: bold; src: url("{latin_bold}"); }}
@page {{ size: A4; margin: 16mm; }}
body {{ font-family: "Noto Sans Bengali", "Noto Sans"; }}
</style></head><body><p>শিল্প নিবন্ধন সনদ</p></body></html>"""


def setup(count: int) -> None:
    migrated_with_boundaries(DSN, offices=True)
    registered_create(count)


def registered_create(count: int) -> None:
    """``count`` registered applications of Dhaka, registered through the real service by an approving
    officer. Set-up only: the drafts go straight to "paid" (the review moves are not what is measured), and
    no certificate task is queued (the run issues them itself)."""
    dhaka = Office.objects.select_related("district").get(district__code="26")
    User = get_user_model()
    officer_user = User.objects.create(username=SIGNER, first_name="Shirin", last_name="Akter")
    Officer.objects.create(
        user=officer_user,
        office=dhaka,
        role=Officer.Role.APPROVING,
        designation_en="Deputy General Manager",
        designation_bn="উপমহাব্যবস্থাপক",
    )
    applicant_user = User.objects.create(username=BENCH_PHONE, first_name="Bench")
    applicant = Applicant.objects.create(
        user=applicant_user,
        phone=BENCH_PHONE,
        name="Bench Applicant",
        phone_verified=applicant_user.date_joined,
    )
    application_registered.disconnect(dispatch_uid="certificates.issue")
    started = time.perf_counter()
    for i in range(count):
        application = draft_create(
            sample=SAMPLES[i % len(SAMPLES)], applicant=applicant, office=dhaka, index=i
        )
        if i == 0:
            Application.objects.filter(pk=application.pk).update(name_bn=BANGLA_NAME)
            Owner.objects.filter(application=application, order=0).update(name_bn=BANGLA_OWNER)
        Application.objects.filter(pk=application.pk).update(
            state=State.PAID, fee_total="172.50", tracking_no=TRACKING.format(i)
        )
        application_register(application_id=application.pk, user=officer_user)
    print(f"set-up: {count} registered applications in {time.perf_counter() - started:.0f} s", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def line(label: str, values_s: list[float], floor_ms: float | None = None) -> str:
    ms = [v * 1000 for v in values_s]
    p50, p95, mean = statistics.median(ms), percentile(ms, 95), statistics.fmean(ms)
    ratio = f"{p50 / floor_ms:>8.2f}x" if floor_ms else ""
    return f"   {label:<46}{p50:>9.1f}{p95:>9.1f}{mean:>9.1f}{ratio}"


def bench_applications(count: int) -> list[Application]:
    applications = list(
        Application.objects.filter(tracking_no__startswith="BR-CERTBENCH-", state=State.REGISTERED)
        .select_related("office__district")
        .order_by("tracking_no")[:count]
    )
    if len(applications) < count:
        sys.exit(f"{len(applications)} registered bench applications, {count} asked: run with --setup")
    return applications


# --- 1. render ------------------------------------------------------------------------------------------


def render(applications: list[Application], warm: int) -> list[Certificate]:
    from weasyprint import HTML

    Certificate.objects.filter(application__in=applications).delete()  # each run issues version 1 afresh
    floor_html = FLOOR_HTML.format(**font_urls(pdf=True))

    def floor() -> bytes:
        return HTML(string=floor_html, url_fetcher=font_fetcher()).write_pdf()

    for _ in range(warm):  # untimed: Pango, fontconfig, the fonts, the templates
        floor()
        certificate_pdf(
            Certificate(
                public_id="warmwarmwarm",
                key_id=settings.CERTIFICATE_SIGNING_KEY_ID,
                registration_no="WARM",
                issued_at=applications[0].registered_at,
                valid_from=applications[0].registered_at.date(),
                valid_until=applications[0].registered_at.date(),
            ),
            applications[0],
        )
    floors, issues, pdfs, sizes, same = [], [], [], [], 0
    certificates = []
    started = time.perf_counter()
    for application in applications:
        t0 = time.perf_counter()
        floor_size = len(floor())
        t1 = time.perf_counter()
        certificate = certificate_issue(application_id=application.pk)
        t2 = time.perf_counter()
        again = certificate_pdf(certificate, application)
        t3 = time.perf_counter()
        floors.append(t1 - t0)
        issues.append(t2 - t1)
        pdfs.append(t3 - t2)
        sizes.append(len(certificate.pdf))
        same += bytes(certificate.pdf) == again
        certificates.append(certificate)
    wall = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor_ms = statistics.median(floors) * 1000
    print(
        f"\n1. Render: {len(applications)} certificates (WeasyPrint {__import__('weasyprint').__version__}), "
        f"{warm} untimed first, {wall:.0f} s in all"
    )
    print(f"   {'':<46}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'/ floor':>9}")
    print(line(f"floor: one-line Bangla page, same fonts ({floor_size:,} B)", floors))
    print(line("certificate_pdf (template, QR, PDF)", pdfs, floor_ms))
    print(line("certificate_issue (all of it, with the row)", issues, floor_ms))
    print(
        f"   PDF size: median {statistics.median(sizes) / 1024:.0f} KB; peak RSS {peak_mb:.0f} MB; "
        f"re-rendered PDF byte-identical to the issued one: {same}/{len(applications)}"
    )
    return certificates


# --- 2. verification ------------------------------------------------------------------------------------


def captured_sql(client: Client, path: str) -> tuple[list[str], str]:
    connection.queries_log.clear()  # a full log (9,000 queries) would capture nothing
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(path)
    if answer.status_code != 200 or b'data-verdict="valid"' not in answer.content:
        sys.exit(f"GET {path}: HTTP {answer.status_code}, not a valid verdict")
    statements = [q["sql"] for q in captured.captured_queries]
    lookup = [s for s in statements if s.lstrip().startswith("SELECT") and "certificates_certificate" in s]
    if len(lookup) != 1:
        sys.exit(f"expected one certificate SELECT, got {lookup}")
    return statements, lookup[0]


PUBLIC_SQL = """
SELECT c.registration_no, c.status, c.issued_at, c.valid_until, a.name_bn, a.name_en, o.name_bn, o.name_en
FROM certificates_certificate c
JOIN registrations_application a ON a.id = c.application_id
JOIN registrations_office o ON o.id = a.office_id
WHERE c.public_id = %s"""


def timed(fn, *args) -> float:
    started = time.perf_counter()
    fn(*args)
    return time.perf_counter() - started


def fetch(cursor, sql: str, public_id: str) -> list:
    return cursor.execute(sql, (public_id,)).fetchall()


def in_process(
    certificates: list[Certificate], rounds: int, raw: psycopg.Connection, cache_label: str
) -> None:
    client = Client(SERVER_NAME="127.0.0.1")
    factory = RequestFactory(SERVER_NAME="127.0.0.1")
    tokens = [verification_path(c).split("/")[-2] for c in certificates]
    public_ids = [c.public_id for c in certificates]
    statements, lookup = captured_sql(client, verification_path(certificates[0]))
    view_sql = lookup.replace(f"'{public_ids[0]}'", "%s")
    if "%s" not in view_sql:
        sys.exit(f"the public id is not a literal in the captured SQL: {view_sql}")
    for _ in range(20):  # untimed
        client.get(verification_path(certificates[0]))
    page, func, counter, verdict, bare, public = [], [], [], [], [], []
    with raw.cursor() as cursor:
        for i in range(rounds):
            k = i % len(certificates)
            path, token, public_id = f"/verify/{tokens[k]}/", tokens[k], public_ids[k]
            page.append(timed(client.get, path))
            func.append(timed(views.verify, factory.get(path), token))
            counter.append(timed(views.LOOKUPS.count, factory.get(path)))
            verdict.append(timed(verdict_for, token))
            bare.append(timed(fetch, cursor, view_sql, public_id))
            public.append(timed(fetch, cursor, PUBLIC_SQL, public_id))
    bare_ms = statistics.median(bare) * 1000
    print(
        f"\n2a. GET /verify/<token>/ in this process, cache: {cache_label}; {rounds} rounds over "
        f"{len(certificates)} certificates"
    )
    print(f"   the page ran {len(statements)} queries:")
    for statement in statements:
        print(f"     {statement[:150]}{'…' if len(statement) > 150 else ''}")
    print(f"   {'':<46}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'/ bare':>9}")
    print(line("test Client: middleware, view, template", page, bare_ms))
    print(line("the view function (RequestFactory)", func, bare_ms))
    print(line("  its per-address counter (LOOKUPS.count)", counter, bare_ms))
    print(line("  its verdict_for(token) (HMAC + ORM query)", verdict, bare_ms))
    print(line("bare SQL: the view's query, psycopg", bare))
    print(line("bare SQL: public fields only, psycopg", public, bare_ms))


def through_stack(
    certificates: list[Certificate], rounds: int, raw: psycopg.Connection, view_sql: str
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": DSN,
        "GEODB_PROD_RUN_DIR": str(RUN_DIR / "prod"),
        "GEODB_SMS_ALLOW_FILE": "1",
        "GEODB_SMS_FILE_PATH": str(RUN_DIR / "sms" / "outbox.jsonl"),
    }
    try:
        server = serve_prod(PORT, env)
    except RuntimeError as error:
        sys.exit(str(error))
    base = f"http://127.0.0.1:{PORT}"
    paths = [verification_path(c) for c in certificates]
    public_ids = [c.public_id for c in certificates]
    static = "/static/registrations/site.css"
    try:
        http = httpx.Client(base_url=base, timeout=30, trust_env=False)
        for path in paths[:50] + [static] * 20:  # untimed: every gunicorn worker's first requests
            http.get(path)
        first = http.get(paths[0])
        if first.status_code != 200 or 'data-verdict="valid"' not in first.text:
            sys.exit(f"the stack's GET {paths[0]}: HTTP {first.status_code}, not valid (signing key?)")
        page, floor, bare = [], [], []
        statuses: dict[int, int] = {}
        with raw.cursor() as cursor:
            for i in range(rounds):
                k = i % len(paths)
                started = time.perf_counter()
                answer = http.get(paths[k])
                page.append(time.perf_counter() - started)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                floor.append(timed(http.get, static))
                bare.append(timed(fetch, cursor, view_sql, public_ids[k]))
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
    bare_ms = statistics.median(bare) * 1000
    floor_ms = statistics.median(floor) * 1000
    print(
        f"\n2b. GET /verify/<token>/ through nginx -> gunicorn (geodb.settings.prod, port {PORT}), 1 client, "
        f"{rounds} requests; answers {statuses}"
    )
    print(f"   {'':<46}{'p50 ms':>9}{'p95 ms':>9}{'mean ms':>9}{'/ bare':>9}")
    print(line("GET /verify/<token>/ over HTTP", page, bare_ms))
    print(line("GET a static file, nginx only (HTTP floor)", floor, bare_ms))
    print(line("bare SQL: the view's query, psycopg", bare))
    print(
        f"   page minus the HTTP floor: {statistics.median(page) * 1000 - floor_ms:.1f} ms "
        f"= {(statistics.median(page) * 1000 - floor_ms) / bare_ms:.1f}x the bare SQL"
    )


def redis_server() -> subprocess.Popen | None:
    if not shutil.which("redis-server"):
        return None
    server = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(REDIS_PORT),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            import redis

            redis.Redis(port=REDIS_PORT).ping()
            return server
        except Exception:  # not up yet
            time.sleep(0.1)
    server.terminate()
    return None


def verification(certificates: list[Certificate], rounds: int, http_rounds: int) -> None:
    raw = psycopg.connect(DSN.replace("postgis://", "postgresql://"), autocommit=True)
    in_process(certificates, rounds, raw, "PostgreSQL (DatabaseCache, the default)")
    server = redis_server()
    if server is None:
        print("\n   (no redis-server: the Redis variant is not run)")
    else:
        try:
            redis_cache = {
                "default": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": f"redis://127.0.0.1:{REDIS_PORT}/0",
                }
            }
            with override_settings(CACHES=redis_cache):
                in_process(certificates, rounds, raw, f"Redis (redis-server on {REDIS_PORT})")
        finally:
            server.terminate()
            server.wait(timeout=30)
    _, lookup = captured_sql(Client(SERVER_NAME="127.0.0.1"), verification_path(certificates[0]))
    through_stack(certificates, http_rounds, raw, lookup.replace(f"'{certificates[0].public_id}'", "%s"))


# --- 3. pdftotext ---------------------------------------------------------------------------------------


def codepoints(text: str) -> str:
    return " ".join(f"{ord(ch):04X}" for ch in text)


def text_check(certificate: Certificate) -> None:
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    path = RUN_DIR / "certificate-bangla.pdf"
    path.write_bytes(bytes(certificate.pdf))
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    print(f"\n3. pdftotext (poppler) on {path.relative_to(ROOT)}:")
    for wanted in (BANGLA_NAME, BANGLA_OWNER):
        exact = wanted in text
        nfc = unicodedata.normalize("NFC", wanted) in unicodedata.normalize("NFC", text)
        print(f"   {wanted!r}: exact {'yes' if exact else 'NO'}; after NFC on both {'yes' if nfc else 'NO'}")
    lines = [ln for ln in text.splitlines() if ln.strip()]
    for label in ("/ Enterprise", "/ Owner"):  # the English half of each label comes back whole
        at = next((i for i, ln in enumerate(lines) if ln.endswith(label)), None)
        print(
            f"   {label[2:]}: {lines[at : at + 2]!r}" if at is not None else f"   no line ends with {label!r}"
        )
    heading = next((ln for ln in lines if "Certificate of industrial registration" in ln), "")
    print(f"   the heading, printed 'শিল্প নিবন্ধন সনদ · Certificate…': {heading!r}")
    owner_line = next((ln for ln in text.splitlines() if "ক্ষ" in ln or "শ্র" in ln), "")
    print(f"   code points of the first line with শ্র or ক্ষ: {codepoints(owner_line[:24])}")
    print(f"   wanted, code points: {codepoints(BANGLA_OWNER)}")
    print("   pdffonts:")
    for font_line in fonts.splitlines():
        print(f"     {font_line}")


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--setup", action="store_true", help="(re)create the bench database, then run")
    parser.add_argument("--count", type=int, default=200, help="certificates")
    parser.add_argument("--warm", type=int, default=3, help="untimed renders first")
    parser.add_argument("--rounds", type=int, default=1000, help="verification rounds in this process")
    parser.add_argument("--http-rounds", type=int, default=1000, help="verification requests over HTTP")
    args = parser.parse_args()
    started = time.time()
    if args.setup:
        setup(args.count)
    settings.DEBUG = False  # as in production: no query log kept (outside CaptureQueriesContext)
    applications = bench_applications(args.count)
    certificates = render(applications, args.warm)
    text_check(certificates[0])
    verification(certificates, args.rounds, args.http_rounds)
    print(f"\n({time.time() - started:.0f} s; load average {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
