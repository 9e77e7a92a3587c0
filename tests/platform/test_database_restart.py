"""A request whose database connection PostgreSQL terminates (as a restart does) is a 503 with
Retry-After, like a busy pool; the next request gets a fresh connection."""

import pytest
from django.db import OperationalError, connections

from api.overload import busy_reason

pytestmark = pytest.mark.django_db(databases=["default"])


def test_a_terminated_connection_is_a_restart_not_a_500():
    # A second connection of our own, terminated by PostgreSQL the way a restart ends every session.
    victim = connections.create_connection("default")
    try:
        with victim.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        with pytest.raises(OperationalError) as raised, victim.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        victim.close()
    assert busy_reason(raised.value) == "restart"


def test_other_database_errors_stay_errors():
    with pytest.raises(OperationalError) as raised, connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_read_file('/nonexistent/geodb')")  # an OperationalError of another kind
    assert busy_reason(raised.value) is None
