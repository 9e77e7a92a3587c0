"""A database that cannot take a request now is a 503 with Retry-After, never a 500.

That is: no pooled connection came free in time (psycopg_pool's PoolTimeout), PostgreSQL has no
connection left ("too many clients"), a statement ran past ``statement_timeout``, or PostgreSQL is
restarting (the request's connection was terminated, or the server is starting up: the next request gets a
new connection). Each says "try again
later" rather than "the server is broken", and clients and proxies retry a 503 with Retry-After.
Exceptions raised by views only: the database is used there.
"""

import logging

import orjson
from django.db import OperationalError
from django.http import HttpResponse
from psycopg import errors
from psycopg_pool import PoolTimeout

log = logging.getLogger(__name__)

RETRY_AFTER = 5  # seconds: a burst passes in about that
# max_connections, or a role's CONNECTION LIMIT
TOO_MANY_CONNECTIONS = ("too many clients already", "too many connections for role")
# Said by psycopg, without a SQLSTATE, when the server went away under a connection.
CONNECTION_LOST = (
    "server closed the connection unexpectedly",
    "consuming input failed",
    "connection is lost",
)
MACHINE_PATHS = ("/api/", "/ogc", "/tiles/")  # answered in JSON, as their other errors are

MESSAGES = {
    "pool": (
        "The server is busy: every database connection is in use. Try again in a few seconds. "
        "সার্ভার ব্যস্ত: ডেটাবেসের সব সংযোগ ব্যবহৃত হচ্ছে। কয়েক সেকেন্ড পরে আবার চেষ্টা করুন।"
    ),
    "restart": (
        "The database is restarting. Try again in a few seconds. "
        "ডেটাবেস আবার চালু হচ্ছে। কয়েক সেকেন্ড পরে আবার চেষ্টা করুন।"
    ),
    "timeout": (
        "The query took too long and was stopped. Narrow the selection (an area, a size class) or try "
        "again later. প্রশ্নটি খুব বেশি সময় নিয়েছে, তাই থামানো হয়েছে। নির্বাচন ছোট করুন বা পরে চেষ্টা করুন।"
    ),
}


def busy_reason(exc: BaseException) -> str | None:
    """``pool``, ``timeout`` or ``restart`` when the exception says the database cannot take the request
    now, else None."""
    if not isinstance(exc, OperationalError):
        return None
    cause = exc.__cause__
    # A refused connection carries no SQLSTATE in psycopg, only PostgreSQL's message.
    if isinstance(cause, PoolTimeout | errors.TooManyConnections) or any(
        text in str(cause) for text in TOO_MANY_CONNECTIONS
    ):
        return "pool"
    if isinstance(cause, errors.QueryCanceled | errors.IdleInTransactionSessionTimeout):
        return "timeout"
    if isinstance(cause, errors.AdminShutdown | errors.CannotConnectNow | errors.CrashShutdown) or any(
        text in str(cause) for text in CONNECTION_LOST
    ):
        return "restart"
    return None


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        reason = busy_reason(exception)
        if reason is None:
            return None
        log.warning("503 for %s: %s", request.path, exception)
        message = MESSAGES[reason]
        if request.path.startswith(MACHINE_PATHS):
            response = HttpResponse(orjson.dumps({"detail": message}), content_type="application/json")
        else:
            response = HttpResponse(message, content_type="text/plain; charset=utf-8")
        response.status_code = 503
        response["Retry-After"] = str(RETRY_AFTER)
        return response
