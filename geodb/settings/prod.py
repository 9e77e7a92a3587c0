"""Production: everything secret or host-specific comes from the environment, and is required."""

import os

from whitenoise.compress import Compressor

from .base import *  # noqa: F403

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
if not ALLOWED_HOSTS:  # noqa: F405
    raise RuntimeError("Set DJANGO_ALLOWED_HOSTS (comma-separated) for production.")
PRODUCTION = True


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "1" if default else "0")
    return value.strip().lower() not in ("0", "false", "no", "off", "")


# Static files under names with a hash of their content (ES modules' relative imports rewritten to them),
# compressed once by collectstatic and served by WhiteNoise with a year's Cache-Control, immutable, where
# no nginx serves /static/ (deploy/nginx/geodb-app.conf does, with the same lifetimes). Development and the
# tests keep plain storage: they have no collected manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "geodb.settings.static_storage.HashedStaticFiles"},
}
# Source maps are for developers' tools, not worth compressing: they are most of collectstatic's time.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")
# A file under its plain name may change with the next release: an hour, as nginx keeps it.
WHITENOISE_MAX_AGE = 3600
MIDDLEWARE = [*MIDDLEWARE]  # noqa: F405
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
    "whitenoise.middleware.WhiteNoiseMiddleware",
)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# HTTPS only. A TLS-terminating proxy that redirects plain HTTP itself sets GEODB_SECURE_SSL_REDIRECT=0
# (it sends X-Forwarded-Proto, so Django still knows a request was HTTPS); check --deploy's warning about
# the redirect is then silenced, as the proxy does it.
SECURE_SSL_REDIRECT = _flag("GEODB_SECURE_SSL_REDIRECT", True)
if not SECURE_SSL_REDIRECT:
    SILENCED_SYSTEM_CHECKS = ["security.W008"]
# HSTS: browsers that saw the site over HTTPS never use plain HTTP for it again. A year, subdomains too,
# and the preload flag (which only matters once the domain is submitted to the browsers' preload list).
# GEODB_HSTS_SECONDS=0 turns it off, e.g. while HTTPS is being set up.
SECURE_HSTS_SECONDS = int(os.environ.get("GEODB_HSTS_SECONDS", 365 * 24 * 3600))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("GEODB_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _flag("GEODB_HSTS_PRELOAD", True)

# A pool of database connections per process (psycopg_pool) instead of one kept per thread: a burst of
# requests waits for a free connection (up to POOL_TIMEOUT seconds, then a 503 with Retry-After from
# api.overload) instead of opening more than PostgreSQL's max_connections. Size it so that processes x
# max_size, plus the task worker and the admins' own sessions, stays below max_connections; more than a
# process's threads (GEODB_WEB_THREADS) is of no use. GEODB_DB_POOL_MAX_SIZE=0: no pool (behind
# pgBouncer, say), one connection per thread as in development.
DB_POOL_MAX_SIZE = int(os.environ.get("GEODB_DB_POOL_MAX_SIZE", os.environ.get("GEODB_WEB_THREADS", 4)))
if DB_POOL_MAX_SIZE:
    for _alias in ("default", *DATABASE_REPLICAS):  # noqa: F405  (a pool per replica too)
        DATABASES[_alias]["CONN_MAX_AGE"] = 0  # noqa: F405  (the pool keeps the connections)
        DATABASES[_alias]["OPTIONS"]["pool"] = {  # noqa: F405
            "min_size": min(int(os.environ.get("GEODB_DB_POOL_MIN_SIZE", 1)), DB_POOL_MAX_SIZE),
            "max_size": DB_POOL_MAX_SIZE,
            # A replica that does not answer is given up on in seconds (the primary answers instead).
            "timeout": float(os.environ.get("GEODB_DB_POOL_TIMEOUT", 10)) if _alias == "default" else 2.0,
        }

# e-Registration's SMS (sign-up codes, notifications). The file backend, the default for the demo and the
# tests, would send nothing and keep the codes in a file on the server: refused here, unless
# GEODB_SMS_ALLOW_FILE=1 says this is a local trial (scripts/serve_prod.sh, the tests' production servers).
if SMS_BACKEND == "sms.backends.file.FileBackend" and not _flag("GEODB_SMS_ALLOW_FILE", False):  # noqa: F405
    raise RuntimeError(
        "Set GEODB_SMS_BACKEND=sms.backends.http.HttpBackend with GEODB_SMS_URL, GEODB_SMS_API_KEY and "
        "GEODB_SMS_SENDER for production (GEODB_SMS_ALLOW_FILE=1 only for a local trial)."
    )
# E-mail to applicants: without an SMTP host none is sent. The console backend, development's default, would
# print applicants' addresses and messages into the server's log.
if not EMAIL_HOST and "GEODB_EMAIL_BACKEND" not in os.environ:  # noqa: F405
    EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

# Online payment: no default store here (none set: online payment is off, the office and A-Challan remain),
# live SSLCommerz by default, and never our local sandbox gateway, nor any gateway over plain HTTP, unless
# GEODB_PAYMENTS_ALLOW_LOCAL_SANDBOX=1 says this is a local trial (scripts/serve_prod.sh, the tests).
_sslcommerz = PAYMENT_GATEWAYS["sslcommerz"]  # noqa: F405
_sslcommerz["STORE_ID"] = os.environ.get("GEODB_SSLCOMMERZ_STORE_ID", "")
_sslcommerz["STORE_PASSWORD"] = os.environ.get("GEODB_SSLCOMMERZ_STORE_PASSWORD", "")
_sslcommerz["BASE_URL"] = os.environ.get("GEODB_SSLCOMMERZ_BASE_URL", "https://securepay.sslcommerz.com/")


def _local_host(host: str) -> bool:
    import ipaddress

    host = (host or "").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return address.is_loopback or address.is_unspecified


if not _flag("GEODB_PAYMENTS_ALLOW_LOCAL_SANDBOX", False):
    from urllib.parse import urlsplit

    _gateway_url = urlsplit(_sslcommerz["BASE_URL"])
    if _gateway_url.scheme != "https" or _local_host(_gateway_url.hostname):
        raise RuntimeError(
            f"GEODB_SSLCOMMERZ_BASE_URL={_sslcommerz['BASE_URL']!r}: production talks to SSLCommerz over "
            "HTTPS (https://securepay.sslcommerz.com/ live, https://sandbox.sslcommerz.com/ its sandbox), "
            "never to the local sandbox gateway (GEODB_PAYMENTS_ALLOW_LOCAL_SANDBOX=1 only for a local "
            "trial)."
        )
