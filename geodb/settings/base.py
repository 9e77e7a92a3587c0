"""Settings shared by every environment. dev.py, test.py and prod.py import this and change what differs."""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
# prod.py sets it; demo-only commands (demo_superuser) refuse to run there.
PRODUCTION = False
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework_api_key",
    "rest_framework_gis",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django_filters",
    "leaflet",
    "django_tasks",
    "django_tasks_db",
    "pgtrigger",
    "pghistory",
    "industries",
    "surveys",
    "api",
    "maps",
    "registrations",
    "payments",
    "certificates",
    "storefronts",
    "quality",
    "ekshop",
    "axes",
]

MIDDLEWARE = [
    "geodb.middleware.AbsoluteRedirectMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Compresses what the views write (GeoJSON, choropleths, tiles, streamed CSV) for clients that accept
    # gzip; outside every middleware that reads or writes the body. Django's adds random bytes to each
    # answer against BREACH. prod.py puts WhiteNoise just above it: static files come compressed already.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "registrations.middleware.BanglaFirstMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Who, and through which request, changed an enterprise: the context of its history versions.
    "industries.history.HistoryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A database that is full (no pooled connection free, a statement over its timeout) is a 503 with
    # Retry-After, not a 500.
    "api.overload.DatabaseBusyMiddleware",
    # Admin login guessing (django-axes): last, as its documentation asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "geodb.urls"
WSGI_APPLICATION = "geodb.wsgi.application"
ASGI_APPLICATION = "geodb.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# One database, PostGIS. DATABASE_URL (postgis://user:pass@host:port/name) wins; the default is the
# local cluster that `make demo` / `make test` set up (scripts/db.sh).
DEFAULT_DATABASE_URL = "postgis://geodb:geodb@127.0.0.1:5432/geodb"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL, conn_max_age=60, conn_health_checks=True
    )
}
# PostgreSQL JIT-compiles statements it thinks are expensive (imports, tiles, stats at 1M rows); the
# compilation costs more than it saves on them (a 1M-row district tile: ~120 ms with JIT, ~70 ms without).
#
# Web requests get a statement timeout and an idle-in-transaction timeout, so that neither a runaway query
# nor a client that stops reading can hold a connection for ever (exports set longer ones of their own in
# their transaction, api/exports/base.py). Management commands (migrate, generate_enterprises, the import
# worker) run long statements on purpose and get none unless the environment says so; runserver is a web
# server. "0" turns a timeout off; values are PostgreSQL's ("30s", "500ms").
_ARGV = sys.argv or [""]
_MANAGEMENT_COMMAND = Path(_ARGV[0]).name in ("manage.py", "django-admin") and _ARGV[1:2] != ["runserver"]
DB_STATEMENT_TIMEOUT = os.environ.get("GEODB_DB_STATEMENT_TIMEOUT", "0" if _MANAGEMENT_COMMAND else "30s")
DB_IDLE_IN_TRANSACTION_TIMEOUT = os.environ.get(
    "GEODB_DB_IDLE_IN_TRANSACTION_TIMEOUT", "0" if _MANAGEMENT_COMMAND else "60s"
)


def postgres_options(*, statement_timeout: str, idle_in_transaction_timeout: str) -> str:
    """The ``options`` connection parameter: settings PostgreSQL applies to every new connection."""
    return (
        f"-c jit=off -c statement_timeout={statement_timeout}"
        f" -c idle_in_transaction_session_timeout={idle_in_transaction_timeout}"
    )


DATABASES["default"].setdefault("OPTIONS", {})["options"] = postgres_options(
    statement_timeout=DB_STATEMENT_TIMEOUT, idle_in_transaction_timeout=DB_IDLE_IN_TRANSACTION_TIMEOUT
)

# Read replicas: PostgreSQL streaming replicas of the database above, as URLs separated by commas. The
# public reads (list, OGC, tiles, statistics, exports) go to one that has caught up, everything else to
# the primary (geodb.replicas, docs/scaling.md). A replica that lags more than REPLICA_MAX_LAG_SECONDS
# behind what it received, or is not streaming, is left out; one that does not answer is tried again after
# REPLICA_RETRY_SECONDS. connect_timeout keeps a dead one from holding a request.
DATABASE_REPLICAS = []
for _number, _url in enumerate(filter(None, os.environ.get("GEODB_DATABASE_REPLICAS", "").split(",")), 1):
    _replica = dj_database_url.parse(_url.strip(), conn_max_age=60, conn_health_checks=True)
    _replica["OPTIONS"] = {
        **_replica.get("OPTIONS", {}),
        **DATABASES["default"]["OPTIONS"],
        "connect_timeout": 2,
    }
    _replica["TEST"] = {"MIRROR": "default"}  # a test run has no replica unless a test starts one
    DATABASES[f"replica{_number}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_number}")
DATABASE_ROUTERS = ["geodb.replicas.ReplicaRouter"]
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("GEODB_REPLICA_MAX_LAG_SECONDS", 5))
REPLICA_CHECK_SECONDS = float(os.environ.get("GEODB_REPLICA_CHECK_SECONDS", 1))
REPLICA_RETRY_SECONDS = float(os.environ.get("GEODB_REPLICA_RETRY_SECONDS", 10))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AxesStandaloneBackend refuses a login while its user name and address are locked out; it must come first.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# One cache shared by every process: rate limits, the tiles' data version and rendered tiles (api/tiles.py)
# must be the same in every gunicorn worker, or limits multiply by the number of workers and one worker's
# invalidation is not seen by the others. PostgreSQL by default (Django's DatabaseCache, an unlogged table
# made by api/migrations/0001_cache_table.py), so there is nothing new to run; Redis when GEODB_REDIS_URL
# is set (redis://127.0.0.1:6379/0). The database cache counts its rows on every write and, past
# MAX_ENTRIES, deletes a third of them, so the limit is large enough for a minute's rate-limit keys.
CACHE_KEY_PREFIX = os.environ.get("GEODB_CACHE_KEY_PREFIX", "geodb")
# 1: the data version (industries.data_version) also reads the enterprise table's fingerprint on every
# request, for a deployment where something writes enterprises outside the services. It always does with a
# per-process cache.
DATA_VERSION_FINGERPRINT = os.environ.get("GEODB_DATA_VERSION_FINGERPRINT") == "1"
if os.environ.get("GEODB_REDIS_URL"):
    CACHES = {
        "default": {
            # Django's, with one redis client for all calls rather than a new one for each (geodb/cache.py).
            "BACKEND": "geodb.cache.RedisCache",
            "LOCATION": os.environ["GEODB_REDIS_URL"],
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "geodb_cache",
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("GEODB_CACHE_MAX_ENTRIES", 10_000))},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("bn", _("Bangla"))]
# The project's catalogue; registrations/locale is found as that app's own.
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Dhaka"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
# Static files of the site itself (the about pages' style sheet), not of an app.
STATICFILES_DIRS = [BASE_DIR / "geodb" / "static"]

# The basemap is a setting because government intranets and these machines are offline. The map draws
# the admin boundaries from the database, so it stays usable when the tiles cannot load.
BASEMAP_URL = os.environ.get("GEODB_BASEMAP_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
BASEMAP_ATTRIBUTION = os.environ.get("GEODB_BASEMAP_ATTRIBUTION", "&copy; OpenStreetMap contributors")
BOUNDARY_ATTRIBUTION = (
    "Boundaries: BBS / UN OCHA COD-AB v03 (CC BY 3.0 IGO), modified; "
    "Bangla names: bangladesh-geocode &copy; 2014 Nuhil Mehdy (MIT)"
)
LEAFLET_CONFIG = {
    "DEFAULT_CENTER": (23.7, 90.35),
    "DEFAULT_ZOOM": 7,
    "MIN_ZOOM": 6,
    "MAX_ZOOM": 18,
    "SPATIAL_EXTENT": (87.5, 20.3, 93.2, 26.9),
    "TILES": [("Basemap", BASEMAP_URL, {"attribution": f"{BASEMAP_ATTRIBUTION} | {BOUNDARY_ATTRIBUTION}"})]
    if BASEMAP_URL
    else [],
    "RESET_VIEW": False,
}

# Size classes (see industries/size_class.py). The National Industrial Policy in force is NIP 2022, but its
# gazette table was not seen (⚠ in the domain facts), so which policy new rows are classified under is a
# setting; every row records the policy it was classified under.
SIZE_CLASS_POLICY = os.environ.get("GEODB_SIZE_CLASS_POLICY", "NIP2022")

MEDIA_ROOT = Path(os.environ.get("GEODB_MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Uploaded survey files and import reports (personal data): never under a path a web server maps, served
# only through the admin's permission-checking view. Default: "private" beside MEDIA_ROOT.
IMPORT_FILES_ROOT = (
    Path(os.environ["GEODB_IMPORT_FILES_ROOT"]) if os.environ.get("GEODB_IMPORT_FILES_ROOT") else None
)
MEDIA_URL = "media/"

# Imports run in the background on a PostgreSQL-backed task queue (django-tasks with its database
# backend); `manage.py db_worker` runs them. No thread in the web process.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Survey imports: files above this size are refused before reading; archives (zip, xlsx) whose contents
# would unpack to more than IMPORT_MAX_UNPACKED_BYTES are refused as zip bombs.
IMPORT_MAX_FILE_BYTES = int(os.environ.get("GEODB_IMPORT_MAX_FILE_BYTES", 500 * 1024 * 1024))
IMPORT_MAX_UNPACKED_BYTES = int(os.environ.get("GEODB_IMPORT_MAX_UNPACKED_BYTES", 2 * 1024 * 1024 * 1024))
# Two rows are the same enterprise when they share a registration number, or a normalised name within
# this many metres.
IMPORT_SAME_PLACE_METRES = 50
# The importer's set-based SQL (one transaction) sorts and hash-joins whole files: its work_mem, and the
# maintenance_work_mem of the indexes it rebuilds.
IMPORT_WORK_MEM = os.environ.get("GEODB_IMPORT_WORK_MEM", "256MB")
# A batch that creates at least this many enterprises, and at least half as many as are stored, drops the
# trigram (name and product search) indexes and builds them again after its INSERT, several times faster
# than adding a million rows to them one by one. While it does, the enterprise table is locked against
# reading too, until the import commits: for a first national load, not for the usual batch. If the lock
# cannot be had within IMPORT_REBUILD_LOCK_TIMEOUT (a long report is reading), the rows go in one by one.
# Such a batch also checks its provenance rows' key to the enterprises in one join, locking the provenance
# table (surveys_enterprisechange) the same way from its INSERT on, if it can within the same timeout.
IMPORT_REBUILD_INDEXES_ROWS = int(os.environ.get("GEODB_IMPORT_REBUILD_INDEXES_ROWS", 50_000))
IMPORT_REBUILD_LOCK_TIMEOUT = os.environ.get("GEODB_IMPORT_REBUILD_LOCK_TIMEOUT", "5s")

# Data quality (quality.checks): the thresholds of each check. ⚠ Every one is our choice, not BSCIC's: an
# office that finds a check too eager or too lax sets it here (GEODB_QUALITY_…) and the next run uses it.
# A run starts by itself after every change of data (at most one queued at a time), unless AUTO_RUN is 0.
QUALITY_AUTO_RUN = os.environ.get("GEODB_QUALITY_AUTO_RUN", "1") == "1"
# "A GPS that never moved": at least this many live enterprises at exactly one point.
QUALITY_SHARED_POINT_MIN = int(os.environ.get("GEODB_QUALITY_SHARED_POINT_MIN", 3))
# "On the boundary line": closer than this to another district than its own.
QUALITY_BOUNDARY_METRES = float(os.environ.get("GEODB_QUALITY_BOUNDARY_METRES", 10))
# Suspected duplicates: names this alike (pg_trgm similarity, 0–1) within this distance.
QUALITY_DUPLICATE_METRES = float(os.environ.get("GEODB_QUALITY_DUPLICATE_METRES", 200))
QUALITY_DUPLICATE_SIMILARITY = float(os.environ.get("GEODB_QUALITY_DUPLICATE_SIMILARITY", 0.5))
# An owner phone or NID on more enterprises than this is one finding per enterprise ("on 57 enterprises",
# an enumerator's own phone typed for everyone), not a pair for every two of them.
QUALITY_SAME_OWNER_MAX_PAIRS = int(os.environ.get("GEODB_QUALITY_SAME_OWNER_MAX_PAIRS", 5))
# Implausible figures: a robust z-score (log scale, median and MAD of the enterprises of the same sector and
# size class) beyond this, in groups of at least MIN_GROUP figures. 3.5 is Iglewicz and Hoaglin's rule.
QUALITY_OUTLIER_Z = float(os.environ.get("GEODB_QUALITY_OUTLIER_Z", 3.5))
QUALITY_OUTLIER_MIN_GROUP = int(os.environ.get("GEODB_QUALITY_OUTLIER_MIN_GROUP", 30))
QUALITY_MIN_YEAR = int(os.environ.get("GEODB_QUALITY_MIN_YEAR", 1900))
# Stale: the newest survey or registration of an enterprise is older than this many years.
QUALITY_STALE_YEARS = int(os.environ.get("GEODB_QUALITY_STALE_YEARS", 5))

# The REST API. Ministries authenticate with API keys (industries.ApiKey: hashed, expiring, revocable)
# that admins create under "Industries > API keys"; a key carries its user's permissions, and
# industries.view_personal lets it read owners' names, phones and NIDs. Anonymous callers read public
# fields only.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ApiKeyAuthentication",
        "api.authentication.KeyAsBasicPassword",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.DjangoModelPermissionsOrAnonReadOnly"],
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.AddressRateThrottle",
        "api.throttling.KeyRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        # One visit of the map makes about six API requests and each change of filter four more.
        "anon": os.environ.get("GEODB_API_ANON_RATE", "600/minute"),
        "user": os.environ.get("GEODB_API_KEY_RATE", "1200/minute"),
        # GIS clients page through whole layers; GDAL 3.6's OAPIF client asks for 10 features a request.
        "ogc_anon": os.environ.get("GEODB_OGC_ANON_RATE", "1200/minute"),
        # A map pan loads a screenful of vector tiles at once.
        "tiles_anon": os.environ.get("GEODB_TILES_ANON_RATE", "3000/minute"),
        # An export holds a database connection and a transaction for as long as the client reads.
        "exports_anon": os.environ.get("GEODB_EXPORT_ANON_RATE", "30/hour"),
        "exports_key": os.environ.get("GEODB_EXPORT_KEY_RATE", "600/hour"),
    },
    # How many proxies in front of the server append to X-Forwarded-For (nginx: 1). 0 trusts no header
    # and counts each client by its address: a header the client sets itself must not pick its bucket.
    "NUM_PROXIES": int(os.environ.get("GEODB_NUM_PROXIES", 0)),
    # drf-spectacular's, plus the errors, media types and anonymous reads each operation really has.
    "DEFAULT_SCHEMA_CLASS": "api.docs.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "BSCIC industry GIS API · বিসিক শিল্প জিআইএস এপিআই",
    "DESCRIPTION": (
        "Cottage, micro, small and medium enterprises of Bangladesh with their location, as GeoJSON. "
        "Owner names, phones and NIDs are returned only to API keys with the view_personal permission. "
        "বাংলাদেশের কুটির, মাইক্রো, ক্ষুদ্র ও মাঝারি শিল্পপ্রতিষ্ঠান, অবস্থানসহ।"
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the project's own static files (drf-spectacular-sidecar): no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 10_000
# OGC items pages: GIS clients (QGIS, GDAL) take the default of the API definition, and a page of 1,000
# makes a download of a national layer 10x fewer requests than the REST API's 100.
OGC_PAGE_SIZE = int(os.environ.get("GEODB_OGC_PAGE_SIZE", 1_000))
# The first page of OGC items carries numberMatched, exact: QGIS shows it as the layer's feature count
# (without one it counts the first page's 1,000). Up to API_EXACT_COUNT_LIMIT it is counted in the
# request; a larger layer's is counted by the task worker up to this many and kept in the cache for the
# query and the data version, so that the request never waits for it: the layer's next first page has it
# (api.ogc.providers.layer_count). Until then, above it, and on later pages, it is left out, as the
# standard allows.
OGC_EXACT_COUNT_LIMIT = int(os.environ.get("GEODB_OGC_EXACT_COUNT_LIMIT", 2_000_000))
# The REST list counts numberMatched exactly up to this many (the count reads at most this many rows plus
# one, so it never costs much more than a page); above, it is the planner's estimate and
# numberMatchedExact is false. A first page that holds every match needs no count at all.
API_EXACT_COUNT_LIMIT = int(os.environ.get("GEODB_API_EXACT_COUNT_LIMIT", 10_000))
# Statistics: groups with fewer enterprises than this are null for anonymous callers (re-identification).
API_SUPPRESS_BELOW = 3
# Exports running at once (api/throttling.py, PostgreSQL advisory locks, so across every process and
# freed when a worker dies): anonymous ones in all and per address, and per API key. Beyond them an
# export is a 503 (all slots taken) or a 429 (this caller's), with Retry-After.
EXPORT_ANON_CONCURRENCY = int(os.environ.get("GEODB_EXPORT_ANON_CONCURRENCY", 4))
EXPORT_ANON_CONCURRENCY_PER_IP = int(os.environ.get("GEODB_EXPORT_ANON_CONCURRENCY_PER_IP", 1))
EXPORT_KEY_CONCURRENCY = int(os.environ.get("GEODB_EXPORT_KEY_CONCURRENCY", 4))
# An export's own timeouts, set inside its transaction: its first fetch sorts a whole selection, and a
# client may pause between chunks. Past them it is cancelled and its connection freed.
EXPORT_STATEMENT_TIMEOUT = os.environ.get("GEODB_EXPORT_STATEMENT_TIMEOUT", "10min")
EXPORT_IDLE_TIMEOUT = os.environ.get("GEODB_EXPORT_IDLE_TIMEOUT", "5min")
# Bounds on what one anonymous request may make the database do: near= circles up to this radius, q= text
# up to this many characters (its cost grows with its length); beyond either, a 400.
API_MAX_RADIUS_METRES = float(os.environ.get("GEODB_API_MAX_RADIUS_METRES", 50_000))
API_MAX_QUERY_LENGTH = int(os.environ.get("GEODB_API_MAX_QUERY_LENGTH", 100))
# q= words shorter than this many characters (after Unicode normalisation; a Bangla vowel sign counts as one)
# match as substrings only: spelling similarity of so few trigrams finds unrelated words (rice / Rich).
API_FUZZY_MIN_LENGTH = 5
# Statistics answers kept in the Django cache under the data version (api.tiles.data_version), so a new
# version is never served an old figure; 0: off.
API_STATS_CACHE_SECONDS = int(os.environ.get("GEODB_API_STATS_CACHE_SECONDS", 24 * 3600))
# A new API key expires after this many days unless the admin sets another date; every key expires.
API_KEY_DAYS = int(os.environ.get("GEODB_API_KEY_DAYS", 365))

# The map (maps/) and its vector tiles (api/tiles.py). Below MAP_POINTS_MIN_ZOOM the map shows a
# choropleth; from there tiles. Below TILE_POINT_MIN_ZOOM a tile holds cells of TILE_CELL_PIXELS with
# counts, from there points, unless it would hold more than TILE_MAX_POINTS or TILE_MAX_BYTES: then finer
# cells of TILE_DENSE_CELL_PIXELS, so that no tile reaches 500 KB.
MAP_POINTS_MIN_ZOOM = 9
TILE_POINT_MIN_ZOOM = 11
TILE_MAX_POINTS = 3_000
TILE_MAX_BYTES = 480_000
TILE_CELL_PIXELS = 32
TILE_DENSE_CELL_PIXELS = 8
TILE_MAX_AGE = int(os.environ.get("GEODB_TILE_MAX_AGE", 300))  # Cache-Control max-age, seconds
# The map asks for tiles with the data version in the URL (?v=): a tile of the current version is kept that
# long (and "immutable") by browsers and nginx, as new data comes under a new URL. A tile asked for with an
# older version (a map opened before an import) gets TILE_MAX_AGE.
TILE_VERSIONED_MAX_AGE = int(os.environ.get("GEODB_TILE_VERSIONED_MAX_AGE", 24 * 3600))
# Rendered tiles kept in the Django cache under their ETag (0: off). Set high in production: a change of
# data changes the ETag, so nothing stale is served.
TILE_CACHE_SECONDS = int(os.environ.get("GEODB_TILE_CACHE_SECONDS", 0))

# Ministries' web apps that may call the API from a browser (comma-separated origins).
CORS_ALLOWED_ORIGINS = [o for o in os.environ.get("GEODB_CORS_ALLOWED_ORIGINS", "").split(",") if o]
CORS_URLS_REGEX = r"^/(api|ogc|tiles)/.*$"

# Admin login guessing (django-axes): after AXES_FAILURE_LIMIT failed logins of one user name from one
# address, that pair is locked out for the cool-off time, even with the right password. The pair rather
# than the address alone, so that one officer's typos do not lock out a whole district office behind one
# address. Attempts are rows in the database, so every process sees them; the address is the one the
# rate limits use (api.throttling.client_ip, GEODB_NUM_PROXIES). API keys never pass through it.
AXES_FAILURE_LIMIT = int(os.environ.get("GEODB_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("GEODB_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "api.throttling.client_ip"
AXES_COOLOFF_MESSAGE = (
    "Too many failed logins: this account is locked for a while from this address. Try again later. "
    "অনেকবার ভুল লগইন: এই ঠিকানা থেকে অ্যাকাউন্টটি কিছুক্ষণের জন্য বন্ধ। পরে আবার চেষ্টা করুন।"
)

# --- e-Registration (registrations/) -----------------------------------------------------------------------
# Working days: the weekend as Python weekday numbers (Bangladesh: Friday 4, Saturday 5); public holidays and
# per-step limits are rows edited in the admin (registrations.Holiday, registrations.Step).
REGISTRATION_WEEKEND = tuple(int(d) for d in os.environ.get("GEODB_REGISTRATION_WEEKEND", "4,5").split(","))
# BR-20261201-000123: the date of submission and a sequence shared by every office.
REGISTRATION_TRACKING_FORMAT = "BR-{date:%Y%m%d}-{seq:06d}"
# Uploads: BSCIC's own online services take at most 2 MB per file.
REGISTRATION_MAX_UPLOAD_BYTES = int(os.environ.get("GEODB_REGISTRATION_MAX_UPLOAD_BYTES", 2 * 1024 * 1024))
# Applicants' documents (personal data): a private directory, by default private/registrations beside
# MEDIA_ROOT; served only by views that check who asks.
REGISTRATION_FILES_ROOT = (
    Path(os.environ["GEODB_REGISTRATION_FILES_ROOT"])
    if os.environ.get("GEODB_REGISTRATION_FILES_ROOT")
    else None
)

# --- applicant accounts, one-time codes and SMS ---
# SMS go through one backend (sms/backends/): the file backend by default, for the demo and the tests (one
# JSON line a message in SMS_FILE_PATH, where the demo reads its codes); a real gateway with
# GEODB_SMS_BACKEND=sms.backends.http.HttpBackend and its URL, key and sender id. prod.py must refuse the file
# backend (it delivers nothing).
SMS_BACKEND = os.environ.get("GEODB_SMS_BACKEND", "sms.backends.file.FileBackend")
SMS_FILE_PATH = Path(os.environ.get("GEODB_SMS_FILE_PATH", BASE_DIR / "var" / "sms" / "outbox.jsonl"))
SMS_HTTP_URL = os.environ.get("GEODB_SMS_URL", "")
SMS_HTTP_API_KEY = os.environ.get("GEODB_SMS_API_KEY", "")
SMS_HTTP_SENDER = os.environ.get("GEODB_SMS_SENDER", "")
# A sign-up waits for its code, and an officer's move for its notification: a gateway slower than this fails.
SMS_HTTP_TIMEOUT_SECONDS = float(os.environ.get("GEODB_SMS_TIMEOUT_SECONDS", 10))
# One-time codes: 6 digits, valid 5 minutes, 5 wrong tries each. Sending costs money and can be used to
# flood a number, so it is limited per number and per address (counted from PhoneCode rows, which every
# process sees); wrong codes are limited per address in the shared cache. (count, seconds). A Union Digital
# Centre signs up many entrepreneurs from one address: raise the per-address limits there if needed.
OTP_TTL_SECONDS = int(os.environ.get("GEODB_OTP_TTL_SECONDS", 300))
OTP_MAX_ATTEMPTS = int(os.environ.get("GEODB_OTP_MAX_ATTEMPTS", 5))
OTP_SEND_LIMIT_PER_PHONE = (int(os.environ.get("GEODB_OTP_SENDS_PER_PHONE", 3)), 15 * 60)
OTP_SEND_LIMIT_PER_IP = (int(os.environ.get("GEODB_OTP_SENDS_PER_IP", 10)), 3600)
OTP_WRONG_LIMIT_PER_IP = (int(os.environ.get("GEODB_OTP_WRONG_PER_IP", 20)), 3600)
LOGIN_URL = "registrations:login"
# E-mail to applicants who gave an address: SMTP when GEODB_EMAIL_HOST is set, else printed to the console
# (development). pytest-django replaces it with its in-memory outbox.
EMAIL_HOST = os.environ.get("GEODB_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "GEODB_EMAIL_BACKEND",
    f"django.core.mail.backends.{'smtp' if EMAIL_HOST else 'console'}.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("GEODB_EMAIL_PORT", 587))
EMAIL_HOST_USER = os.environ.get("GEODB_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("GEODB_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("GEODB_EMAIL_USE_TLS", "1") not in ("0", "false", "no", "off")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("GEODB_EMAIL_FROM", "BSCIC e-Registration <no-reply@localhost>")
# Where the applicant's SMS and e-mail point to (the public tracking page), e.g. https://ereg.bscic.gov.bd;
# empty: no link.
REGISTRATION_SITE_URL = os.environ.get("GEODB_SITE_URL", "").rstrip("/")

# --- documents ---
# Uploaded pictures are decoded to be re-encoded (registrations.uploads); a small file can claim a huge
# picture (a decompression bomb). 40 megapixels is more than any phone camera takes.
REGISTRATION_MAX_IMAGE_PIXELS = int(os.environ.get("GEODB_REGISTRATION_MAX_IMAGE_PIXELS", 40_000_000))

# --- review and notifications ---
# Public tracking asks for the tracking number and the last four digits of the applicant's mobile: 10,000
# guesses per number, so wrong tries are counted per address in the cache and refused beyond this many in
# the window (registrations.views.track).
REGISTRATION_TRACK_FAILURES = int(os.environ.get("GEODB_REGISTRATION_TRACK_FAILURES", 10))
REGISTRATION_TRACK_WINDOW_SECONDS = int(os.environ.get("GEODB_REGISTRATION_TRACK_WINDOW_SECONDS", 15 * 60))

# --- registering, fees and the registrations API ---
# The public "how long registration takes" table (registrations.performance) is one statement over every
# registered application: its answer is kept this many seconds in the cache (0: computed on every request).
REGISTRATION_PERFORMANCE_CACHE_SECONDS = int(os.environ.get("GEODB_REGISTRATION_PERFORMANCE_SECONDS", 300))

# --- online payment of the fee (payments/) ---
# One gateway now, SSLCommerz API v4 (payments/gateways/). Outside production the default is our own local
# sandbox gateway (python -m payments.sandbox; `make demo` and the tests start it), which speaks the same
# protocol: these machines cannot reach SSLCommerz. SSLCommerz's own sandbox is
# https://sandbox.sslcommerz.com/ and live is https://securepay.sslcommerz.com/ (README, "Online payment").
# Without a store id, online payment is off and the fee is paid at the office or by A-Challan, as before.
PAYMENT_ONLINE = os.environ.get("GEODB_PAYMENTS_ONLINE", "1") not in ("0", "false", "no", "off")
PAYMENT_SANDBOX_PORT = int(os.environ.get("GEODB_PAYMENT_SANDBOX_PORT", 8001))
PAYMENT_GATEWAY = "sslcommerz"
PAYMENT_GATEWAYS = {
    "sslcommerz": {
        "CLASS": "payments.gateways.sslcommerz.SSLCommerz",
        "STORE_ID": os.environ.get("GEODB_SSLCOMMERZ_STORE_ID", "bscicdemo"),
        "STORE_PASSWORD": os.environ.get("GEODB_SSLCOMMERZ_STORE_PASSWORD", "bscicdemo@ssl"),
        "BASE_URL": os.environ.get("GEODB_SSLCOMMERZ_BASE_URL", f"http://127.0.0.1:{PAYMENT_SANDBOX_PORT}/"),
        # Every call has a timeout; TLS is always verified (a CA bundle file may be given, never "off").
        "TIMEOUT": float(os.environ.get("GEODB_SSLCOMMERZ_TIMEOUT_SECONDS", 10)),
        "CA_BUNDLE": os.environ.get("GEODB_SSLCOMMERZ_CA_BUNDLE", ""),
    }
}
# The gateway must reach our IPN listener: the site's public address (GEODB_SITE_URL) when set, else the
# address the applicant's browser used.
PAYMENT_SITE_URL = os.environ.get("GEODB_PAYMENT_SITE_URL", REGISTRATION_SITE_URL).rstrip("/")
# ⚠ How long a payment page may be used (SSLCommerz's own session lifetime is not published), and how long
# after it began reconciliation asks the gateway about an attempt still without a word (N). The
# reconciliation task runs every PAYMENT_RECONCILE_EVERY_MINUTES in the task worker.
PAYMENT_SESSION_MINUTES = int(os.environ.get("GEODB_PAYMENT_SESSION_MINUTES", 30))
PAYMENT_RECONCILE_AFTER_MINUTES = int(os.environ.get("GEODB_PAYMENT_RECONCILE_AFTER_MINUTES", 10))
PAYMENT_RECONCILE_EVERY_MINUTES = int(os.environ.get("GEODB_PAYMENT_RECONCILE_EVERY_MINUTES", 5))
# An attempt past its page lifetime by our clock is still asked about for this long: the gateway's page may
# have outlived ours, and money taken on it is counted when found.
PAYMENT_RECONCILE_EXPIRED_HOURS = int(os.environ.get("GEODB_PAYMENT_RECONCILE_EXPIRED_HOURS", 24))
# Notifications that are not the gateway's (unknown transaction, bad signature) from one address: beyond this
# many in an hour, that address gets a 429 and nothing is written (the event log cannot be flooded).
PAYMENT_IPN_FAILURES_PER_HOUR = int(os.environ.get("GEODB_PAYMENT_IPN_FAILURES_PER_HOUR", 100))
# SSLCommerz asks for the payer's e-mail; an applicant who gave none is sent as this.
PAYMENT_CUSTOMER_EMAIL_FALLBACK = os.environ.get("GEODB_PAYMENT_EMAIL_FALLBACK", "no-email@bscic.gov.bd")

# --- registration certificates (certificates/) ---
# The QR's token is signed by HMAC under a key id: rotate by adding a key and making it current; old keys
# stay to verify what they signed. GEODB_CERTIFICATE_KEYS="k2:secret2,k1:secret1" (the first signs).
_certificate_keys = [
    item.split(":", 1) for item in os.environ.get("GEODB_CERTIFICATE_KEYS", "").split(",") if ":" in item
]
# Unset: one key derived from SECRET_KEY at first use (certificates.signing), key id "s1"; a deployment sets
# its own, so that the secret key and the certificates' keys can be rotated apart.
CERTIFICATE_SIGNING_KEYS = dict(_certificate_keys)
CERTIFICATE_SIGNING_KEY_ID = _certificate_keys[0][0] if _certificate_keys else "s1"
# ⚠ A registration is valid for 5 years.
CERTIFICATE_VALID_YEARS = int(os.environ.get("GEODB_CERTIFICATE_VALID_YEARS", 5))
# The public address printed in each certificate's QR code (the file never changes: it must be the address
# people will open). Empty: development prints http://127.0.0.1:8000; production refuses to issue.
CERTIFICATE_SITE_URL = os.environ.get("GEODB_CERTIFICATE_SITE_URL", REGISTRATION_SITE_URL).rstrip("/")
# ⚠ Renewal: from 3 months before the expiry; and, unconfirmed, up to GRACE days after it (then the
# registration has lapsed and the enterprise applies anew). registrations.validity computes the dates.
REGISTRATION_RENEWAL_OPENS_MONTHS = int(os.environ.get("GEODB_RENEWAL_OPENS_MONTHS", 3))
REGISTRATION_RENEWAL_GRACE_DAYS = int(os.environ.get("GEODB_RENEWAL_GRACE_DAYS", 90))
# Verification lookups per address per hour (a bank's office behind one address checks many: raise it there).
CERTIFICATE_VERIFY_PER_HOUR = int(os.environ.get("GEODB_CERTIFICATE_VERIFY_PER_HOUR", 300))

# --- Enterprise pages (storefronts/) ---------------------------------------------------------------------
# Owners' photos (logos, products) are public once the page is, but only through storefronts' view, which
# refuses those of hidden pages: a directory no web server maps, by default "storefront-photos" beside
# MEDIA_ROOT.
_photos_root = os.environ.get("GEODB_STOREFRONT_PHOTOS_ROOT")
STOREFRONT_PHOTOS_ROOT = Path(_photos_root) if _photos_root else None
# An uploaded photo: at most this many bytes as uploaded, decoded only up to this many pixels (decompression
# bombs), then re-encoded as JPEG no larger than this many pixels on its longer side, without its metadata.
STOREFRONT_PHOTO_MAX_BYTES = int(os.environ.get("GEODB_STOREFRONT_PHOTO_MAX_BYTES", 5 * 1024 * 1024))
STOREFRONT_PHOTO_MAX_PIXELS = int(os.environ.get("GEODB_STOREFRONT_PHOTO_MAX_PIXELS", 40_000_000))
STOREFRONT_PHOTO_MAX_SIDE = int(os.environ.get("GEODB_STOREFRONT_PHOTO_MAX_SIDE", 1600))
# Browsers and proxies may keep a photo this long: a photo's name changes when the owner replaces it.
STOREFRONT_PHOTO_MAX_AGE_SECONDS = int(os.environ.get("GEODB_STOREFRONT_PHOTO_MAX_AGE_SECONDS", 24 * 3600))
# Products one page may list.
STOREFRONT_MAX_PRODUCTS = int(os.environ.get("GEODB_STOREFRONT_MAX_PRODUCTS", 50))

# --- ekShop and the product feeds (ekshop/) --------------------------------------------------------------
# Which name and description go to ekShop and to the product feeds: "bn" (Bangla, the English one when a
# product has no Bangla name) or "en". ⚠ ekShop is Bangla-first; Google asks for one language per feed, and
# whether it takes Bangla for Bangladesh is not confirmed (the other language: ?lang=en or ?lang=bn).
EKSHOP_LANGUAGE = os.environ.get("GEODB_EKSHOP_LANGUAGE", "bn")
MERCHANT_FEED_LANGUAGE = os.environ.get("GEODB_MERCHANT_FEED_LANGUAGE", "bn")
# The public files (/ekshop/products.xlsx, /feeds/products.*) are built on each request; a proxy or a
# marketplace's fetcher may keep them this long.
EKSHOP_FEED_MAX_AGE_SECONDS = int(os.environ.get("GEODB_EKSHOP_FEED_MAX_AGE_SECONDS", 900))
# ekShop offers no public seller API that we know of: no push client is configured. When it offers one, a
# class implementing ekshop.client.ProductPush goes here (a dotted path), with its options.
EKSHOP_PUSH_CLASS = os.environ.get("GEODB_EKSHOP_PUSH_CLASS", "")
EKSHOP_PUSH_OPTIONS: dict = {}


LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO"},
    # pyogrio logs a line per GeoPackage chunk written by the exports; httpx and httpcore log every URL
    # they fetch, and the payment gateway's validation API takes the store password in its query string.
    "loggers": {
        name: {"level": "WARNING"} for name in ("pyogrio", "httpx", "httpcore", "weasyprint", "fontTools")
    },
}
