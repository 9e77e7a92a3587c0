"""Production settings: `check --deploy` is clean (but for GDAL's gis.W001), the demo superuser is
refused, and guessing admin passwords locks the guesser out, with a message in English and Bangla."""

import os
import re
import subprocess
import sys
import urllib.parse
import uuid

import psycopg
import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.models import User

from .conftest import get, raw_url

pytestmark = pytest.mark.django_db  # the test database, see conftest.py

PROD = {
    "DJANGO_SETTINGS_MODULE": "geodb.settings.prod",
    "DJANGO_SECRET_KEY": "a-long-random-production-like-secret-key-for-the-tests-0123456789-xyz",
    "DJANGO_ALLOWED_HOSTS": "gis.bscic.example",
}


def manage(*args: str, env: dict[str, str], test_database: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": test_database, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def issues(output: str) -> list[str]:
    return re.findall(r"^\?: \((\S+)\)|^\S+: \((\S+)\)", output, flags=re.MULTILINE)


@pytest.mark.parametrize("proxy_redirects", [False, True])
def test_check_deploy_is_clean_with_production_settings(test_database, proxy_redirects):
    env = {**PROD, "GEODB_SECURE_SSL_REDIRECT": "0"} if proxy_redirects else PROD
    done = manage("check", "--deploy", env=env, test_database=test_database)
    assert done.returncode == 0, done.stderr
    found = {code for pair in issues(done.stdout + done.stderr) for code in pair if code}
    assert found <= {"gis.W001"}, done.stdout + done.stderr


def test_production_redirects_to_https_and_sends_hsts(start_server):
    server = start_server(settings_module="geodb.settings.prod", gunicorn=True, threads=2)
    plain = get(server.url + "/api/v1/divisions/?geometry=false")
    assert plain.status == 301
    assert plain.headers["location"].startswith("https://")
    secure = get(server.url + "/api/v1/divisions/?geometry=false", {"X-Forwarded-Proto": "https"})
    assert secure.status == 200
    assert "max-age=31536000" in secure.headers["strict-transport-security"]


def test_demo_superuser_refuses_to_run_with_production_settings(test_database):
    done = manage("demo_superuser", env=PROD, test_database=test_database)
    assert done.returncode != 0
    assert "production" in done.stderr and "প্রোডাকশনে" in done.stderr
    assert "bscic-demo" not in done.stdout + done.stderr
    assert not User.objects.filter(username="admin").exists()


class Browser:
    """Cookies and a CSRF token, as a browser keeps them for the admin's login form."""

    def __init__(self, url: str):
        self.url = url
        self.cookies: dict[str, str] = {}

    def _remember(self, answer) -> None:
        for name, value in re.findall(r"(?:^|, )(\w+)=([^;]*);", answer.headers.get("set-cookie", "")):
            self.cookies[name] = value

    def login(self, username: str, password: str):
        import http.client

        page = get(self.url + "/admin/login/", self._cookie_header())
        self._remember(page)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1).decode()
        form = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password, "next": "/admin/"}
        )
        conn = http.client.HTTPConnection(self.url[len("http://") :], timeout=30)
        try:
            conn.request(
                "POST",
                "/admin/login/",
                body=form,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Referer": self.url + "/admin/login/",
                    **self._cookie_header(),
                },
            )
            response = conn.getresponse()
            return response.status, response.read().decode()
        finally:
            conn.close()

    def _cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}


@pytest.fixture
def officer(test_database):
    """A staff user committed for the servers (on a connection of its own), and gone afterwards with
    the login attempts counted for it."""
    name = f"officer-{uuid.uuid4().hex[:8]}"
    # Hashed as the servers' settings hash (the test settings' MD5 is not among theirs).
    password = PBKDF2PasswordHasher().encode("the-right-password-1", PBKDF2PasswordHasher().salt())
    with psycopg.connect(raw_url(), autocommit=True) as db:
        db.execute(
            "INSERT INTO auth_user (username, password, is_staff, is_superuser, is_active, first_name,"
            " last_name, email, date_joined) VALUES (%s, %s, true, false, true, '', '', '', now())",
            [name, password],
        )
    yield name
    with psycopg.connect(raw_url(), autocommit=True) as db:
        for table in ("axes_accessattempt", "axes_accesslog", "axes_accessfailurelog"):
            db.execute(f"DELETE FROM {table} WHERE username = %s", [name])
        db.execute("DELETE FROM auth_user WHERE username = %s", [name])


def test_failed_admin_logins_lock_out_even_the_right_password(officer, start_server):
    servers = [start_server(), start_server()]  # attempts counted in the database, by every process
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        status, page = Browser(servers[attempt % 2].url).login(officer, f"guess-{attempt}")
        assert status == 200 and "correct username and password" in page
    # The failure that reaches the limit is answered with the lockout, and so is the right password.
    assert Browser(servers[1].url).login(officer, "the-last-guess")[0] == 429
    status, page = Browser(servers[0].url).login(officer, "the-right-password-1")
    assert status == 429
    assert "Too many failed logins" in page and "অনেকবার ভুল লগইন" in page
    # The API at the same address is not locked out.
    api = get(servers[1].url + "/api/v1/divisions/?geometry=false")
    assert api.status == 200


def test_a_right_password_logs_in_and_resets_the_count(officer, start_server):
    server = start_server()
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert Browser(server.url).login(officer, f"guess-{attempt}")[0] == 200
    assert Browser(server.url).login(officer, "the-right-password-1")[0] == 302
    assert Browser(server.url).login(officer, "one-more-typo")[0] == 200
    assert Browser(server.url).login(officer, "the-right-password-1")[0] == 302
