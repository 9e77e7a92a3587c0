"""pytest: the same PostGIS as dev (pytest-django creates test_<name>), fast password hashing."""

import os
import tempfile

from .base import *  # noqa: F403

SECRET_KEY = "test-only-insecure-key"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests never reach the internet; an empty basemap proves the map works without one.
BASEMAP_URL = ""
LEAFLET_CONFIG = {**LEAFLET_CONFIG, "TILES": []}  # noqa: F405
# The test process sits in a transaction for a whole test (pytest-django's db fixture), however long a
# browser or a subprocess takes: no timeouts here. tests/platform/ runs servers with them.
DATABASES["default"]["OPTIONS"]["options"] = postgres_options(  # noqa: F405
    statement_timeout="0", idle_in_transaction_timeout="0"
)
# The cache of each test process is its own (tests/conftest.py clears it before every test, also in tests
# without a database); tests/platform/ runs servers on the shared database and Redis caches.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tests' SMS go to an outbox of this process, not the demo's (var/sms); tests that read it set their own.
SMS_FILE_PATH = Path(tempfile.gettempdir()) / f"geodb-test-sms-{os.getpid()}.jsonl"  # noqa: F405
# The address certificates' QR codes print (the test client opens it as it would a path).
CERTIFICATE_SITE_URL = "http://testserver"
