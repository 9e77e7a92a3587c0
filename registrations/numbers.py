"""Tracking numbers (BR-YYYYMMDD-NNNNNN) and registration numbers, from counters two requests cannot share.

Tracking numbers come from a PostgreSQL sequence (migration 0001); registration numbers from one
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on the office's counter of the year: the row lock it takes
makes two approvals at once wait for each other, and each gets its own number. Raw SQL because the ORM has
no atomic "increment and return".
"""

from datetime import date

from django.conf import settings
from django.db import connection

from .models import Office, RegistrationCounter

TRACKING_SEQUENCE = "registrations_tracking_no_seq"


def next_tracking_no(*, day: date) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [TRACKING_SEQUENCE])
        (number,) = cursor.fetchone()
    return settings.REGISTRATION_TRACKING_FORMAT.format(date=day, seq=number)


def next_registration_no(*, office: Office, year: int) -> str:
    table = RegistrationCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (office_id, year, last) VALUES (%s, %s, 1)"
            f" ON CONFLICT (office_id, year) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [office.pk, year],
        )
        (seq,) = cursor.fetchone()
    return office.registration_no_format.format(district_code=office.district.code, year=year, seq=seq)
