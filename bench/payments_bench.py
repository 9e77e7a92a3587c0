"""Online payment end to end under concurrency: 200 applicants pay their fee through the production stack
and the local SSLCommerz sandbox, and every payment is counted once.

Each of --workers concurrent "browsers" (httpx, cookies by hand, a session made in the database) opens its
application's page, presses "Pay online" (POST /payments/applications/<pk>/pay/, 303 to the sandbox's page),
presses Pay there (10 % duplicate_ipn, 5 % delayed_ipn, the rest normal), follows the auto-submit POST to our
success return URL and its 303 to the payment's page. The sandbox (python -m payments.sandbox, its own
process) posts the IPN to the stack (scripts/serve_prod.sh: nginx -> gunicorn, geodb.settings.prod), which
asks the sandbox's validation API and settles. Once every attempt is settled (or --timeout), the database is
checked: every application paid, one online registrations.Payment and one pay_online move each, no attempt
pending, each duplicate's second IPN ignored (0 lost, 0 double).

Reported: IPN handling p50/p95 (gunicorn's access-log time of POST /payments/sslcommerz/ipn/: receive ->
validation call -> settle -> answer, whole milliseconds; and the sandbox's own timing of its IPN POST if it
records elapsed_ms), against baselines measured in the same run: the bare validation round trip (GET
validator/api/validationserverAPI.php on the sandbox from a client on this machine), as many samples as IPNs
at the same concurrency, both during the load (each worker, after each payment) and after it on a quiet
machine. Payments per second end to end, errors. No timed asserts: the figures are printed, RESULTS.md
keeps them.

    .venv/bin/python bench/payments_bench.py --setup     # once: geodb_bench_payments (~1 minute), then a run
    .venv/bin/python bench/payments_bench.py             # a run: 200 fresh applications, 16 workers
"""

import argparse
import logging
import os
import re
import secrets
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.benchdb import dsn_of, migrated_with_boundaries
from tests.payments.sandbox_support import page_forms, redirect_form, running_sandbox
from tests.prod_stack import serve_prod

BENCH_DB = "geodb_bench_payments"
DSN = dsn_of(BENCH_DB, "PAYMENTS_BENCH_DATABASE_URL")
RUN_DIR = ROOT / "var" / "payments_bench"
os.environ["DATABASE_URL"] = DSN
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "geodb.settings.dev")
os.environ.setdefault("GEODB_REGISTRATION_FILES_ROOT", str(RUN_DIR / "files"))

import django

django.setup()

import httpx
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.models import Count
from django.urls import reverse

from payments.models import Attempt, GatewayEvent
from registrations.demo import SAMPLES, draft_create
from registrations.models import Applicant, Application, Office, Payment, State, Transition

STORE_ID, STORE_PASSWORD = "bscicbench", "bscicbench@ssl"
PHONE = "+88017300{:05d}"  # the paying applicants: +8801730000000, ...
FEE = "172.50"
IPN_LINE = re.compile(r'"POST /payments/sslcommerz/ipn/ HTTP/1\.[01]" (\d{3}) \S+ (\d+)ms')
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def scenario_of(i: int) -> str:
    """10 % duplicate IPNs (two copies at the same moment), 5 % delayed IPNs, the rest normal."""
    return {0: "duplicate_ipn", 1: "duplicate_ipn", 2: "delayed_ipn"}.get(i % 20, "normal")


def setup() -> None:
    migrated_with_boundaries(DSN, offices=True)


def applicants_ensure(count: int) -> list[Applicant]:
    """The first ``count`` paying applicants, made when missing."""
    have = Applicant.objects.filter(phone__startswith=PHONE[:9]).count()
    if have < count:
        User = get_user_model()
        password = make_password(secrets.token_urlsafe())  # never typed: the bench's sessions are made here
        users = User.objects.bulk_create(
            User(username=PHONE.format(i), password=password, first_name=f"Payer {i}")
            for i in range(have, count)
        )
        Applicant.objects.bulk_create(
            Applicant(user=u, phone=u.username, name=u.first_name, phone_verified=u.date_joined)
            for u in users
        )
    return list(
        Applicant.objects.filter(phone__startswith=PHONE[:9]).select_related("user").order_by("phone")[:count]
    )


def secret_key() -> str:
    """The stack's secret key (serve_prod.sh keeps the one it finds in the run directory), so that the
    sessions made here are the stack's."""
    path = RUN_DIR / "prod" / "secret_key"
    if not path.exists() or not path.read_text().strip():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50) + "\n")
        path.chmod(0o600)
    return path.read_text().strip()


def prepare(count: int) -> list[tuple[int, str, str]]:
    """``count`` fresh applications approved for payment (fee 172.50), one per applicant, each with a
    logged-in session: (application pk, session key, scenario)."""
    settings.SECRET_KEY = secret_key()
    dhaka = Office.objects.select_related("district").get(district__code="26")
    applicants = applicants_ensure(count)
    run = f"{int(time.time()) % 10**6:06d}"
    out = []
    for i, applicant in enumerate(applicants):
        application = draft_create(
            sample=SAMPLES[i % len(SAMPLES)], applicant=applicant, office=dhaka, index=i
        )
        # Straight to "approved for payment" (set-up only: the review moves are not what is measured).
        Application.objects.filter(pk=application.pk).update(
            state=State.APPROVED_FOR_PAYMENT, fee_total=FEE, tracking_no=f"BR-PAYBENCH-{run}-{i:04d}"
        )
        session = SessionStore()
        session[SESSION_KEY] = str(applicant.user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = applicant.user.get_session_auth_hash()
        session.create()
        out.append((application.pk, session.session_key, scenario_of(i)))
    return out


class Browser:
    """One applicant's browser: its cookies kept by hand (the production cookies are Secure and this is plain
    HTTP on loopback, so a cookie jar would not send them back)."""

    def __init__(self, base: str, session_key: str):
        self.http = httpx.Client(base_url=base, timeout=60, follow_redirects=False, trust_env=False)
        self.cookies = {"sessionid": session_key}

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        response = self.http.request(method, url, headers=headers, **kwargs)
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response


def pay_one(base: str, gateway: httpx.Client, pk: int, session_key: str, scenario: str) -> tuple[float, str]:
    """One applicant pays, as a browser does: (seconds, tran_id). RuntimeError at an unexpected answer."""
    browser = Browser(base, session_key)
    started = time.perf_counter()
    detail = browser.request("GET", reverse("registrations:application_detail", args=[pk]))
    pay_url = reverse("payments:pay", args=[pk])
    form = re.search(rf'action="{re.escape(pay_url)}">\s*<input[^>]*?value="([^"]+)"', detail.text)
    token = form.group(1) if form else None
    if detail.status_code != 200 or token is None:
        raise RuntimeError(f"application page {pk}: HTTP {detail.status_code}, no pay form")
    to_gateway = browser.request("POST", pay_url, data={"csrfmiddlewaretoken": token})
    if to_gateway.status_code != 303:
        raise RuntimeError(f"pay {pk}: HTTP {to_gateway.status_code} {to_gateway.text[:200]!r}")
    page_url = to_gateway.headers["location"]
    page = gateway.get(page_url)
    forms = [f for f in page_forms(page.text) if f["id"] == "payment-form"]
    if page.status_code != 200 or not forms:
        raise RuntimeError(f"sandbox page for {pk}: HTTP {page.status_code}")
    data = dict(forms[0]["fields"], action="pay", scenario=scenario)
    pressed = gateway.post(httpx.URL(page_url).join(forms[0]["action"]), data=data)
    action, fields = redirect_form(pressed)
    # The auto-submit form posts to our success URL from the gateway's site: no cookie of ours goes with it.
    back = browser.http.post(action, data=fields)
    if back.status_code != 303:
        raise RuntimeError(f"success return of {pk}: HTTP {back.status_code}")
    # Only the path: nginx passes $host, which has no port, and the redirect is made absolute from it.
    status_page = browser.request("GET", httpx.URL(back.headers["location"]).raw_path.decode())
    if status_page.status_code != 200:
        raise RuntimeError(f"payment page of {pk}: HTTP {status_page.status_code}")
    return time.perf_counter() - started, fields["tran_id"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


def serve(port: int, sandbox_url: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": DSN,
        "GEODB_PROD_RUN_DIR": str(RUN_DIR / "prod"),
        "GEODB_REGISTRATION_FILES_ROOT": str(RUN_DIR / "files"),
        "GEODB_PAYMENTS_ALLOW_LOCAL_SANDBOX": "1",
        "GEODB_SSLCOMMERZ_BASE_URL": sandbox_url + "/",
        "GEODB_SSLCOMMERZ_STORE_ID": STORE_ID,
        "GEODB_SSLCOMMERZ_STORE_PASSWORD": STORE_PASSWORD,
        "GEODB_PAYMENT_SITE_URL": f"http://127.0.0.1:{port}",
        "GEODB_SMS_ALLOW_FILE": "1",
        "GEODB_SMS_FILE_PATH": str(RUN_DIR / "sms" / "outbox.jsonl"),
    }
    try:
        return serve_prod(port, env)
    except RuntimeError as error:
        sys.exit(str(error))


def wait_settled(gateway, tran_ids: dict[str, str], timeout: float) -> tuple[dict[str, dict], bool]:
    """Until no attempt is pending in our database and the sandbox has sent every IPN (two for a duplicate):
    (the sandbox's transaction of each tran_id, settled in time)."""
    deadline = time.monotonic() + timeout
    while True:
        pending = Attempt.objects.filter(tran_id__in=tran_ids, state=Attempt.State.PENDING).count()
        seen = {t: gateway.get(f"/sandbox/transactions/{t}").json() for t in tran_ids}
        sent = all(
            len(seen[t]["ipn_attempts"]) >= (2 if s == "duplicate_ipn" else 1) for t, s in tran_ids.items()
        )
        if (not pending and sent) or time.monotonic() > deadline:
            return seen, not pending and sent
        time.sleep(0.5)


def spare_val_ids(sandbox, count: int) -> list[str]:
    """Payments made on the sandbox alone (no IPN URL: nothing reaches our stack), whose val_ids the load's
    baseline validates."""
    out = []
    for i in range(count):
        page = sandbox.create_session(tran_id=f"BENCHSPARE{time.time_ns()}{i}"[:30])["GatewayPageURL"]
        out.append(redirect_form(sandbox.pay(page))[1]["val_id"])
    return out


def validate_once(client: httpx.Client, sandbox_url: str, val_id: str) -> float:
    """Seconds of one bare validation round trip: what our server's call to the validation API costs."""
    query = {
        "val_id": val_id,
        "store_id": STORE_ID,
        "store_passwd": STORE_PASSWORD,
        "format": "json",
        "v": "1",
    }
    started = time.perf_counter()
    answer = client.get(f"{sandbox_url}/validator/api/validationserverAPI.php", params=query)
    elapsed = time.perf_counter() - started
    if answer.status_code != 200 or answer.json().get("status") not in ("VALID", "VALIDATED"):
        raise RuntimeError(f"validation baseline: HTTP {answer.status_code} {answer.text[:200]!r}")
    return elapsed


def validation_baseline(sandbox_url: str, val_ids: list[str], samples: int, workers: int) -> list[float]:
    """The bare validation round trip on a quiet machine, ``samples`` times from ``workers`` threads."""
    local = threading.local()

    def one(i: int) -> float:
        if not hasattr(local, "client"):
            local.client = httpx.Client(timeout=30, trust_env=False)
        return validate_once(local.client, sandbox_url, val_ids[i % len(val_ids)])

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(min(workers, samples))))  # warm: threads and their clients
        return list(pool.map(one, range(samples)))


def run(count: int, warm_count: int, workers: int, port: int, sandbox_port: int, timeout: float) -> None:
    started_at = time.time()
    everyone = prepare(warm_count + count)
    # The warm-up payments (normal, not timed) go first: every gunicorn process's first IPN pays for its
    # gateway client and first settlement, as the first submit does in registration_bench.
    warm_people = [(pk, key, "normal") for pk, key, _ in everyone[:warm_count]]
    people = [(pk, key, scenario_of(i)) for i, (pk, key, _) in enumerate(everyone[warm_count:])]
    connection.close()  # the stack's processes take the connections from here
    log_path = RUN_DIR / "prod" / "logs" / "gunicorn.log"
    with running_sandbox(
        store_id=STORE_ID, store_passwd=STORE_PASSWORD, port=sandbox_port, ipn_delay=2.0
    ) as sandbox:
        server = serve(port, sandbox.url)
        base = f"http://127.0.0.1:{port}"
        try:
            spares = spare_val_ids(sandbox, workers)
            clients = threading.local()
            errors: list[str] = []
            results: dict[int, tuple[float, str]] = {}
            under_load: list[float] = []  # the validation round trip, from the same workers, during the load

            def one(person, results=results, errors=errors, under_load=under_load):
                if not hasattr(clients, "gateway"):
                    clients.gateway = httpx.Client(timeout=60, trust_env=False)
                pk, session_key, scenario = person
                try:
                    results[pk] = pay_one(base, clients.gateway, pk, session_key, scenario)
                except httpx.HTTPError as error:  # counted, and the run goes on
                    errors.append(f"{pk}: {error!r} ({error.request.method} {error.request.url})")
                except RuntimeError as error:
                    errors.append(f"{pk}: {error}")
                # As many bare validations as this payment has IPNs, while the others pay.
                for _ in range(2 if scenario == "duplicate_ipn" else 1):
                    under_load.append(validate_once(clients.gateway, sandbox.url, spares[pk % len(spares)]))

            gateway = httpx.Client(base_url=sandbox.url, timeout=30, trust_env=False)
            warm_results, warm_errors = {}, []
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(lambda p: one(p, warm_results, warm_errors, []), warm_people))
            wait_settled(gateway, {tran_id: "normal" for _, tran_id in warm_results.values()}, timeout)
            log_offset = log_path.stat().st_size

            load_started = time.time()
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(one, people))
            browsers_done = time.time()
            if errors:
                print(f"{len(errors)} browser flows failed, the first: {errors[0]}", flush=True)
            scenarios = {tran_id: s for (pk, _, s) in people if pk in results for tran_id in [results[pk][1]]}
            seen, settled = wait_settled(gateway, scenarios, timeout)
            ipn_attempts = [a for s in seen.values() for a in s["ipn_attempts"]]
            baseline = validation_baseline(sandbox.url, spares, len(ipn_attempts), workers)
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=60)

    # --- what our side did ----------------------------------------------------------------------------
    with log_path.open() as log:
        log.seek(log_offset)
        ipn_log = [(int(m.group(1)), int(m.group(2))) for m in map(IPN_LINE.search, log) if m]
    pks = [pk for pk, _, _ in people]
    applications = Application.objects.filter(pk__in=pks)
    paid = applications.filter(state=State.PAID).count()
    payments = Payment.objects.filter(application__in=pks)
    online = payments.filter(method=Payment.Method.ONLINE).count()
    doubled = payments.values("application").annotate(n=Count("pk")).filter(n__gt=1).count()
    moves = Transition.objects.filter(application__in=pks, action="pay_online")
    moved_twice = moves.values("application").annotate(n=Count("pk")).filter(n__gt=1).count()
    attempts = Attempt.objects.filter(application__in=pks)
    states = Counter(attempts.values_list("state", flat=True))
    # Lost: the gateway took the money (a VALID record) and the application is not paid.
    taken = {t for t, s in seen.items() if any(r["status"] == "VALID" for r in s["records"])}
    paid_tran_ids = set(attempts.filter(state=Attempt.State.PAID).values_list("tran_id", flat=True))
    lost = len(taken - paid_tran_ids)
    duplicates = [t for t, s in scenarios.items() if s == "duplicate_ipn"]
    ipn_outcomes = Counter(
        GatewayEvent.objects.filter(tran_id__in=duplicates, kind=GatewayEvent.Kind.IPN).values_list(
            "outcome", flat=True
        )
    )
    ipn_status = Counter(a["http_status"] for a in ipn_attempts)
    settled_last = max(attempts.exclude(settled_at=None).values_list("settled_at", flat=True), default=None)

    # --- figures ---------------------------------------------------------------------------------------
    e2e = [t for t, _ in results.values()]
    wall = (settled_last.timestamp() if settled_last else browsers_done) - load_started
    print(
        f"\nOnline payment end to end: {count} applicants, {workers} workers, nginx + gunicorn (port {port}),"
    )
    print(f"   sandbox gateway {sandbox.url}; scenarios {dict(Counter(s for _, _, s in people))}")
    if e2e:
        print(
            f"   browser flow (page, pay, sandbox page, Pay, return, payment page): "
            f"p50 {statistics.median(e2e):.3f} s   p95 {percentile(e2e, 95):.3f} s"
        )
    print(
        f"   {len(results) / wall:.1f} payments/s end to end ({len(results)} in {wall:.1f} s, from the first "
        f"click to the last settlement)"
    )
    sandbox_ms = [a["elapsed_ms"] for a in ipn_attempts if a.get("elapsed_ms") is not None]
    rows = [
        (f"IPN handling (gunicorn's log, {len(ipn_log)})", [ms for _, ms in ipn_log]),
        (f"IPN POST as the sandbox timed it ({len(sandbox_ms)})", sandbox_ms),
        (f"validation round trip under the load ({len(under_load)})", [t * 1000 for t in under_load]),
        (f"validation round trip after it, quiet ({len(baseline)})", [t * 1000 for t in baseline]),
    ]
    figures = {label: (statistics.median(v), percentile(v, 95)) for label, v in rows if v}
    print(f"   {'':<50}{'p50 ms':>9}{'p95 ms':>9}")
    for label, (p50, p95) in figures.items():
        print(f"   {label:<50}{p50:>9.1f}{p95:>9.1f}")
    for ipn_label in [k for k in figures if k.startswith("IPN")]:
        i50, i95 = figures[ipn_label]
        for label in [k for k in figures if k.startswith("validation")]:
            b50, b95 = figures[label]
            print(
                f"   ratio {ipn_label.split(' (')[0]} / {label.split(' (')[0].removeprefix('validation ')}: "
                f"p50 {i50 / b50:.1f}x   p95 {i95 / b95:.1f}x"
            )
    print(f"   IPN answers in gunicorn's log: {dict(Counter(s for s, _ in ipn_log))}")
    print(
        f"   settled in time: {settled}; applications paid: {paid}/{count}; online payments: {online}; "
        f"applications with two: {doubled}; pay_online moves twice: {moved_twice}; "
        f"attempts: {dict(states)}"
    )
    print(
        f"   lost: {lost}   double: {doubled + moved_twice}   errors: {len(errors)}"
        f"{': ' + '; '.join(errors[:3]) if errors else ''}"
    )
    print(
        f"   IPNs sent by the sandbox: {len(ipn_attempts)} (HTTP {dict(ipn_status)}); "
        f"the {len(duplicates)} duplicates' IPN outcomes: {dict(ipn_outcomes)}"
    )
    warm_pks = [pk for pk, _, _ in warm_people]
    warm_paid = Application.objects.filter(pk__in=warm_pks, state=State.PAID).count()
    warm_online = Payment.objects.filter(application__in=warm_pks, method=Payment.Method.ONLINE).count()
    print(
        f"   warm-up (untimed, before): {warm_paid}/{len(warm_pks)} paid, {warm_online} online payments, "
        f"{len(warm_errors)} errors"
    )
    print(f"   ({time.time() - started_at:.0f} s)")


def main() -> None:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--setup", action="store_true", help="(re)create the bench database, then run")
    parser.add_argument("--count", type=int, default=200, help="payments (and applicants)")
    parser.add_argument("--warm", type=int, default=32, help="untimed payments first, to warm the stack")
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--port", type=int, default=18710, help="the production stack's port")
    parser.add_argument("--sandbox-port", type=int, default=18711)
    parser.add_argument("--timeout", type=float, default=120, help="seconds to wait for every settlement")
    args = parser.parse_args()
    if args.setup:
        setup()
    run(args.count, args.warm, args.workers, args.port, args.sandbox_port, args.timeout)


if __name__ == "__main__":
    main()
