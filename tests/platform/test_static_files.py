"""Static files as production serves them (geodb.settings.prod): collectstatic with the hashed, compressed
manifest storage, in a child process into a temporary STATIC_ROOT. Every relative import of the map's ES
modules must name a collected hashed file (a module's hash changes with its content, so an import left
on the plain name would load a stale copy for a year), and WhiteNoise must serve a hashed name as
immutable for at least a year, as does nginx (deploy/nginx/geodb-app.conf) where it serves them."""

import getpass
import grp
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

# Imports with a relative specifier, static and dynamic: `import x from "./a.js"`, `export … from`,
# `import "./a.js"`, `import("./a.js")`.
RELATIVE_IMPORT = re.compile(
    r"""(?:\bfrom\s*|\bimport\s*\(?\s*)["'](?P<url>\.{1,2}/[^"']+)["']""",
)
HASHED = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
YEAR = 365 * 24 * 3600
# Collected but not needed here: the API docs' bundles are most of collectstatic's time.
IGNORED = ("drf_spectacular_sidecar",)


def production_env() -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "geodb.settings.prod",
        "DJANGO_SECRET_KEY": "static-files-test",
        "DJANGO_ALLOWED_HOSTS": "localhost",
        "GEODB_SECURE_SSL_REDIRECT": "0",
        "GEODB_SMS_ALLOW_FILE": "1",
        "GEODB_SSLCOMMERZ_BASE_URL": "https://sandbox.sslcommerz.com/",
    }
    env.pop("DATABASE_URL", None)  # nothing here reaches the database
    return env


def in_production(static_root: Path, code: str, **run) -> subprocess.CompletedProcess:
    """``code`` in a child process under the production settings, with STATIC_ROOT at ``static_root``."""
    prelude = (
        "import django\n"
        "from django.conf import settings\n"
        f"settings.STATIC_ROOT = {str(static_root)!r}\n"
        "django.setup()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + code],
        cwd=settings.BASE_DIR,
        env=production_env(),
        check=True,
        timeout=600,
        **run,
    )


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("static")
    ignore = [arg for name in IGNORED for arg in ("-i", name)]
    in_production(
        root,
        "from django.core.management import call_command\n"
        f"call_command('collectstatic', '--noinput', '-v', '0', *{ignore!r})\n",
    )
    return root


def manifest(root: Path) -> dict[str, str]:
    return json.loads((root / "staticfiles.json").read_text())["paths"]


def test_every_relative_module_import_of_the_map_names_a_hashed_collected_file(collected):
    paths = manifest(collected)
    modules = [name for name in paths if name.startswith("maps/") and name.endswith(".js")]
    static = Path(settings.BASE_DIR, "maps", "static")
    assert sorted(modules) == sorted(path.relative_to(static).as_posix() for path in static.rglob("*.js"))
    checked = 0
    for name in modules:
        hashed = collected / paths[name]
        text = hashed.read_text(encoding="utf-8")
        for match in RELATIVE_IMPORT.finditer(text):
            url = match["url"]
            target = (hashed.parent / url).resolve()
            assert HASHED.search(url), f"{paths[name]} imports {url!r}, not a hashed name"
            assert target.is_file(), f"{paths[name]} imports {url!r}, which was not collected"
            assert target.relative_to(collected.resolve()).as_posix() in paths.values()
            checked += 1
    sources = [
        Path(settings.BASE_DIR, "maps", "static", name).read_text(encoding="utf-8") for name in modules
    ]
    assert checked == sum(len(RELATIVE_IMPORT.findall(text)) for text in sources)


def test_whitenoise_serves_a_hashed_file_immutable_for_a_year_and_compressed(collected):
    name = next(name for name in manifest(collected) if name.startswith("maps/") and name.endswith(".js"))
    url = f"{settings.STATIC_URL.rstrip('/')}/{manifest(collected)[name]}"
    url = url if url.startswith("/") else f"/{url}"
    plain = url.replace(manifest(collected)[name], name)
    # Through production's whole middleware stack, in a process of its own.
    script = f"""
import json
from django.test import Client
client = Client(HTTP_HOST="localhost")
answers = {{}}
for url in ({url!r}, {plain!r}):
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    headers = [response.get(name, "") for name in ("Cache-Control", "Content-Encoding")]
    answers[url] = [response.status_code, *headers]
print(json.dumps(answers))
"""
    run = in_production(collected, script, capture_output=True, text=True)
    answers = json.loads(run.stdout.strip().splitlines()[-1])
    status, cache_control, encoding = answers[url]
    assert status == 200 and encoding == "gzip"  # the one the request accepts
    max_age = int(re.search(r"max-age=(\d+)", cache_control)[1])
    assert max_age >= YEAR and "immutable" in cache_control
    status, cache_control, _ = answers[plain]
    assert status == 200 and cache_control == "max-age=3600, public"  # a plain name may change content


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONF = """
{user}
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    proxy_cache_path {run}/cache keys_zone=geodb_tiles:1m;
    upstream geodb_app {{ server 127.0.0.1:9; }}
    server {{
        listen 127.0.0.1:{port};
        set $geodb_root {root};
        include {app_conf};
    }}
}}
"""


# make test installs nginx; the skip is for a bare pytest on a machine without it. (On a fresh machine this
# test was skipped in CI until nginx joined make test's packages: serve_prod.sh installed it only later.)
@pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx is not installed (scripts/system.sh nginx)")
def test_nginx_serves_hashed_names_for_a_year_and_plain_names_an_hour(collected, tmp_path):
    root = tmp_path / "checkout"
    (root / "var").mkdir(parents=True)
    (root / "var" / "static").symlink_to(collected)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = tmp_path / "nginx.conf"
    app_conf = settings.BASE_DIR / "deploy" / "nginx" / "geodb-app.conf"
    # As root, nginx's workers would run as nobody, who cannot read the test's directories.
    user = f"user {getpass.getuser()} {grp.getgrgid(os.getgid()).gr_name};" if os.getuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(user=user, run=tmp_path, port=port, root=root, app_conf=app_conf))
    server = subprocess.Popen(
        [NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log"), "-g", "daemon off;"]
    )
    try:
        hashed = manifest(collected)["leaflet/leaflet.js"]
        answers = {}
        for name in (hashed, "leaflet/leaflet.js"):
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}/static/{name}", headers={"Accept-Encoding": "gzip"}
            )
            for _ in range(50):
                try:
                    with urllib.request.urlopen(request, timeout=5) as response:
                        answers[name] = dict(response.headers)
                    break
                except (ConnectionError, urllib.error.URLError):
                    time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=30)
    year = answers[hashed]
    assert "immutable" in year["Cache-Control"] and year["Content-Encoding"] == "gzip"
    assert int(re.search(r"max-age=(\d+)", year["Cache-Control"])[1]) >= YEAR
    assert answers["leaflet/leaflet.js"]["Cache-Control"] == "max-age=3600"


def test_without_collectstatic_pages_get_the_plain_names(tmp_path):
    """A server started before (or without) collectstatic still renders its pages."""
    run = in_production(
        tmp_path,
        "from django.templatetags.static import static\nprint(static('leaflet/leaflet.js'))\n",
        capture_output=True,
        text=True,
    )
    assert run.stdout.strip().splitlines()[-1] == f"/{settings.STATIC_URL.strip('/')}/leaflet/leaflet.js"
