"""Public reads from PostgreSQL streaming replicas (issue 14): the database router, and the choice of a
replica for one request.

Replicas are named by ``GEODB_DATABASE_REPLICAS`` (geodb.settings.base puts them in ``DATABASES`` as
replica1, replica2…). Only the public read endpoints use them: the views that mix in ``ReplicaReads`` (the
list, OGC API – Features, tiles, statistics, exports, places) on a GET or HEAD, and only for the models of
``REPLICA_APPS``. Everything else reads and writes the primary: the admin, imports, e-Registration, the
cache and sessions, rate limits, and every write. A request by someone who may write enterprises (staff,
or an account or API key with the add/change permission) reads the primary too, so that what they have
just saved is what they see.

A replica is used for a request only when it is streaming from the primary and has replayed
- the WAL position the primary had when the current data version was made (``data_version_bump`` records
  it when replicas are configured): tiles and statistics are cached by that version, so what a replica
  renders under a version always holds the writes the version stands for;
- and everything it received, or what it has not yet replayed is at most ``REPLICA_MAX_LAG_SECONDS`` old.
Otherwise, or when it does not answer (``REPLICA_RETRY_SECONDS`` before it is tried again), the request
reads the primary: a replica that lags costs the primary load, never a stale or failed answer.

Raw SQL in the read paths runs on ``connections[queryset.db]``, the alias the router gave the queryset.
"""

import contextvars
import logging
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, connections
from rest_framework.permissions import SAFE_METHODS

logger = logging.getLogger(__name__)

PRIMARY = "default"
# The apps whose tables public reads query; another app's model always reads the primary.
REPLICA_APPS = {"industries"}

# One replica's state as this process last saw it.
_seen: dict[str, "ReplicaState"] = {}


@dataclass
class ReplicaState:
    checked: float  # time.monotonic() of the check
    usable: bool  # answering, streaming, within the lag
    replayed: int = 0  # WAL bytes replayed (pg_last_wal_replay_lsn() - '0/0')


STATE_SQL = """
    SELECT pg_is_in_recovery(),
           EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming'),
           (pg_last_wal_replay_lsn() - '0/0')::bigint,
           CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END
"""


def replica_state(alias: str) -> ReplicaState:
    """The replica's state, read again when what this process saw is older than REPLICA_CHECK_SECONDS (or,
    for one that did not answer, REPLICA_RETRY_SECONDS)."""
    now = time.monotonic()
    seen = _seen.get(alias)
    wait = settings.REPLICA_CHECK_SECONDS if seen is None or seen.usable else settings.REPLICA_RETRY_SECONDS
    if seen is not None and now - seen.checked < wait:
        return seen
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute(STATE_SQL)
            recovering, streaming, replayed, lag = cursor.fetchone()
    except DatabaseError as error:
        logger.warning("Replica %s does not answer, reading the primary: %s", alias, error)
        connections[alias].close()
        state = ReplicaState(checked=now, usable=False)
    else:
        lag_ok = lag is not None and float(lag) <= settings.REPLICA_MAX_LAG_SECONDS
        state = ReplicaState(
            checked=now, usable=bool(recovering and streaming and lag_ok), replayed=replayed or 0
        )
    _seen[alias] = state
    return state


def replica_for_reads() -> str:
    """A usable replica for the current data version (in random order, to share the load), else the
    primary."""
    from industries.data_version import data_version_lsn  # industries imports this module's settings

    replicas = list(settings.DATABASE_REPLICAS)
    if not replicas:
        return PRIMARY
    needed = data_version_lsn()
    random.shuffle(replicas)
    for alias in replicas:
        state = replica_state(alias)
        if state.usable and (needed is None or state.replayed >= needed):
            return alias
    return PRIMARY


def may_write_enterprises(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (
            user.is_staff
            or user.has_perm("industries.add_enterprise")
            or user.has_perm("industries.change_enterprise")
        )
    )


@dataclass
class Reads:
    """The database of one request's public reads, chosen when the first query asks for it."""

    alias: str | None = None

    def database(self) -> str:
        if self.alias is None:
            self.alias = replica_for_reads()
        return self.alias


_reads: contextvars.ContextVar[Reads | None] = contextvars.ContextVar("geodb_replica_reads", default=None)


class ReplicaReads:
    """A DRF view whose GET and HEAD may read a replica. The choice is made after authentication, so that
    who is asking is known, and ends with the request; a streaming response pins its queryset's database
    with ``.using()`` before it is returned (api.exports)."""

    def dispatch(self, request, *args, **kwargs):
        token = _reads.set(None)
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            _reads.reset(token)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if (
            settings.DATABASE_REPLICAS
            and request.method in SAFE_METHODS
            and not may_write_enterprises(request.user)
        ):
            _reads.set(Reads())


class ReplicaRouter:
    """Writes, migrations and every read outside a ``ReplicaReads`` request: the primary."""

    def db_for_read(self, model, **hints):
        reads = _reads.get()
        if reads is None or model._meta.app_label not in REPLICA_APPS:
            return PRIMARY
        return reads.database()

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database: a replica holds the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY
