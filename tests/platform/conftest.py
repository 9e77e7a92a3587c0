"""Servers in their own processes against the test database, as production runs them: runserver, or
gunicorn with threaded workers. What these tests check (limits shared by processes, connections, slow
clients) only shows across processes and real sockets.

Every module here is marked ``django_db``, so that pytest-django makes the test database even when only
these tests run; what the servers must see is committed on connections of its own (psycopg, or the
subprocesses), outside the test's transaction."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

VENV_BIN = Path(sys.executable).parent


def database_url() -> str:
    db = connection.settings_dict
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgis://{db['USER']}:{db['PASSWORD']}@{host}:{port}/{db['NAME']}"


def raw_url() -> str:
    return database_url().replace("postgis://", "postgresql://")


@pytest.fixture(scope="session")
def test_database(django_db_setup) -> str:
    """The test database's URL, once pytest-django has made it (with the boundaries, committed)."""
    assert connection.settings_dict["NAME"].startswith("test_"), "not the test database: mark django_db"
    return database_url()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@pytest.fixture
def start_server(test_database, tmp_path):
    """``start_server(env={...}, settings=..., gunicorn=False)``: a server on a free loopback port, stopped
    when the test ends. Every server of one test shares one cache key prefix (and so one set of limits),
    apart from other tests'."""
    servers: list[Server] = []
    prefix = f"test-{uuid.uuid4().hex[:12]}"

    def start(
        env: dict[str, str] | None = None,
        *,
        settings_module: str = "geodb.settings.dev",
        gunicorn: bool = False,
        workers: int = 1,
        threads: int = 8,
    ) -> Server:
        port = free_port()
        if gunicorn:
            argv = [
                str(VENV_BIN / "gunicorn"),
                "geodb.wsgi:application",
                f"--bind=127.0.0.1:{port}",
                "--worker-class=gthread",
                f"--workers={workers}",
                f"--threads={threads}",
                "--timeout=120",
            ]
        else:
            argv = [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
        full_env = {
            **os.environ,
            "DATABASE_URL": test_database,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "GEODB_CACHE_KEY_PREFIX": prefix,
            "DJANGO_SECRET_KEY": "platform-tests-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            **(env or {}),
        }
        log = tmp_path / f"server-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv,
                cwd=settings.BASE_DIR,
                env=full_env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(process, port, log)
        servers.append(server)
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"server exited ({process.returncode}):\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return server
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"server did not start:\n{log.read_text()}")
                time.sleep(0.2)

    yield start
    for server in servers:
        server.stop()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def get(url: str, headers: dict[str, str] | None = None, *, timeout: float = 60) -> Answer:
    """One GET on a new connection (http.client: the test sees every status as it is)."""
    assert url.startswith("http://")
    host, _, path = url[len("http://") :].partition("/")
    conn = http.client.HTTPConnection(host, timeout=timeout)
    try:
        conn.request("GET", "/" + path, headers=headers or {})
        response = conn.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        conn.close()


@pytest.fixture(scope="module")
def committed_enterprises(test_database, django_db_blocker):
    """Synthetic enterprises committed in the test database for the servers of a module; afterwards the
    database is emptied as a transactional test leaves it (the boundaries are put back, tests/conftest.py)."""
    from tests.conftest import manage_py

    def make(count: int) -> None:
        argv, env = manage_py("generate_enterprises", f"--count={count}", "--seed=8", media_root="/tmp")
        subprocess.run(argv, env=env, check=True, capture_output=True, timeout=300)

    yield make
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)
