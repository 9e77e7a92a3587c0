"""Two approvals registering at the same moment, each in its own thread and database connection: the
office's counter row makes the second wait for the first, and each gets its own number. A transactional test:
each thread's connection sees the other's committed rows."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from industries.models import Enterprise
from registrations.services.register import application_register

from .conftest import DHAKA_POINT
from .test_register import north_of, paid_application


@pytest.fixture(autouse=True)
def _sms_outbox(tmp_path, settings):
    settings.SMS_FILE_PATH = tmp_path / "sms" / "outbox.jsonl"


def _lock_waiters(application_name: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND wait_event_type = 'Lock'",
            [application_name],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_two_registrations_at_once_get_two_numbers(applicant, extension_officer, approving_officer):
    """The first approval holds the office's counter row until it commits; the second, on its own
    connection, waits for it (seen in pg_stat_activity) and then takes the next number."""
    first = paid_application(applicant, extension_officer, approving_officer)
    second = paid_application(
        applicant,
        extension_officer,
        approving_officer,
        name_en="Karim Metal Works",
        name_bn="করিম মেটাল ওয়ার্কস",
        point=north_of(DHAKA_POINT, 500),
    )
    first_registered = threading.Event()
    release = threading.Event()
    results, errors = {}, []

    def register(application, *, hold: bool):
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SET application_name = 'register-race'")
            with transaction.atomic():
                results[application.pk] = application_register(
                    application_id=application.pk, user=approving_officer.user
                ).registration_no
                if hold:
                    first_registered.set()
                    release.wait(timeout=30)
        except Exception as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connections["default"].close()

    one = threading.Thread(target=register, args=(first,), kwargs={"hold": True})
    one.start()
    assert first_registered.wait(timeout=30)
    two = threading.Thread(target=register, args=(second,), kwargs={"hold": False})
    two.start()
    deadline = time.monotonic() + 30
    while _lock_waiters("register-race") == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    waiting = _lock_waiters("register-race")
    release.set()
    one.join(timeout=30)
    two.join(timeout=30)

    assert errors == []
    assert waiting == 1  # the second approval waited for the first one's counter row
    year = timezone.localdate().year
    assert results == {first.pk: f"BSCIC-26-{year}-00001", second.pk: f"BSCIC-26-{year}-00002"}
    assert Enterprise.objects.filter(registration_no__in=results.values()).count() == 2
