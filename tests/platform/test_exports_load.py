"""Exports cannot take the site down: slow readers (sockets that stop reading) hold export slots, and past
the caps others get a 429 or 503 with Retry-After instead of a connection each; statements run past their
timeout are cancelled with a 503 rather than hanging; exports have a longer timeout of their own."""

import socket
import threading
import time

import psycopg
import pytest

from .conftest import get, raw_url

pytestmark = pytest.mark.django_db  # the test database, see conftest.py

EXPORT = "/api/v1/enterprises/export.geojson"
LIST = "/api/v1/enterprises/?page_size=1"
CAPS = {
    "GEODB_NUM_PROXIES": "1",  # the test plays the proxy: X-Forwarded-For names the client
    "GEODB_EXPORT_ANON_CONCURRENCY": "2",
    "GEODB_EXPORT_ANON_CONCURRENCY_PER_IP": "1",
}


@pytest.fixture(scope="module")
def enterprises(committed_enterprises):
    # ~10 MB of GeoJSON: more than the socket buffers hold, so a reader that stops keeps the export open.
    committed_enterprises(10_000)


class SlowReader:
    """A client that asks for an export, reads the status line and a few kilobytes, then stops reading."""

    def __init__(self, port: int, path: str, client: str):
        self.socket = socket.socket()
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.socket.settimeout(30)
        self.socket.connect(("127.0.0.1", port))
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Forwarded-For: {client}\r\n"
            "X-Forwarded-Proto: https\r\n\r\n"
        )
        self.socket.sendall(request.encode())
        self.head = self.socket.recv(4096).decode("latin-1")

    @property
    def status(self) -> int:
        return int(self.head.split(" ", 2)[1])

    def close(self) -> None:
        self.socket.close()


def eventually_ok(url: str, headers: dict, seconds: float = 20) -> int:
    deadline = time.monotonic() + seconds
    while True:
        answer = get(url, headers)
        if answer.status == 200 or time.monotonic() > deadline:
            return answer.status
        time.sleep(0.5)


def test_slow_readers_fill_the_export_slots_and_the_next_export_is_refused(enterprises, start_server):
    server = start_server(CAPS, settings_module="geodb.settings.prod", gunicorn=True, threads=8)
    https = {"X-Forwarded-Proto": "https"}
    first = SlowReader(server.port, EXPORT, "198.51.100.1")
    assert first.status == 200, first.head
    try:
        # The same address again: its own slot is taken.
        same = get(server.url + EXPORT, {**https, "X-Forwarded-For": "198.51.100.1"})
        assert same.status == 429
        assert int(same.headers["retry-after"]) > 0
        assert "একসাথে" in same.body.decode() and "at once" in same.body.decode()
        second = SlowReader(server.port, EXPORT, "198.51.100.2")
        assert second.status == 200, second.head
        # Two anonymous exports run: a third address finds the server busy.
        third = get(server.url + EXPORT, {**https, "X-Forwarded-For": "198.51.100.3"})
        assert third.status == 503
        assert int(third.headers["retry-after"]) > 0
        assert "ব্যস্ত" in third.body.decode()
        # The rest of the site still answers while the exports hang.
        assert get(server.url + LIST, {**https, "X-Forwarded-For": "198.51.100.4"}).status == 200
        second.close()
    finally:
        first.close()
    # A reader that goes away gives its slot back. Asked with an export that selects nothing: it takes a
    # slot as any export does, and is not 10 MB to read on a busy machine (that read once timed out).
    empty = f"{EXPORT}?q=no-such-enterprise"
    assert eventually_ok(server.url + empty, {**https, "X-Forwarded-For": "198.51.100.3"}) == 200


def test_two_server_processes_share_the_export_slots(enterprises, start_server):
    servers = [start_server({**CAPS, "GEODB_EXPORT_ANON_CONCURRENCY": "1"}) for _ in range(2)]
    reader = SlowReader(servers[0].port, EXPORT, "198.51.100.10")
    try:
        assert reader.status == 200, reader.head
        other = get(servers[1].url + EXPORT, {"X-Forwarded-For": "198.51.100.11"})
        assert other.status == 503
    finally:
        reader.close()


@pytest.fixture
def enterprise_table_locked(enterprises):
    """Every statement on the enterprise table waits (as behind a long write) until ``release()``."""
    holder = psycopg.connect(raw_url())
    holder.execute("LOCK TABLE industries_enterprise IN ACCESS EXCLUSIVE MODE")
    lock = threading.Lock()

    def release():
        with lock:
            if not holder.closed:
                holder.rollback()
                holder.close()

    yield release
    release()


def test_a_statement_past_the_timeout_is_a_503_not_a_hang(enterprise_table_locked, start_server):
    server = start_server(
        {"GEODB_DB_STATEMENT_TIMEOUT": "500ms", "GEODB_EXPORT_STATEMENT_TIMEOUT": "3s"},
        settings_module="geodb.settings.prod",
        gunicorn=True,
    )
    https = {"X-Forwarded-Proto": "https"}
    started = time.monotonic()
    listed = get(server.url + LIST, https, timeout=20)
    waited = time.monotonic() - started
    assert listed.status == 503
    assert int(listed.headers["retry-after"]) > 0
    assert b"too long" in listed.body  # the statement timeout answered: a hang would end the 20 s wait
    assert waited < 15  # loose: the machine may be busy; the web timeout is 500 ms
    # An export has its own, longer timeout: it waits past the web's 500 ms, then is cancelled too,
    # before its response starts, so it is a 503 and not a file cut short.
    started = time.monotonic()
    exported = get(server.url + "/api/v1/enterprises/export.csv", https, timeout=20)
    waited = time.monotonic() - started
    assert exported.status == 503, exported.body[:300]
    assert 2.5 < waited < 18  # past the web's 500 ms: the export's own 3 s timeout


def test_an_export_outlasts_the_web_timeout_within_its_own(enterprise_table_locked, start_server):
    server = start_server(
        {"GEODB_DB_STATEMENT_TIMEOUT": "500ms", "GEODB_EXPORT_STATEMENT_TIMEOUT": "30s"},
        settings_module="geodb.settings.prod",
        gunicorn=True,
    )
    https = {"X-Forwarded-Proto": "https"}
    threading.Timer(2, enterprise_table_locked).start()
    started = time.monotonic()
    exported = get(server.url + "/api/v1/enterprises/export.csv", https, timeout=60)
    assert exported.status == 200
    assert time.monotonic() - started > 1.5
    assert exported.body.count(b"\n") == 10_001  # header and every row
