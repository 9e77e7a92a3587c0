"""Working days: Monday to Thursday and Sunday, less public holidays and an office's own closed days.

The weekend is a setting (REGISTRATION_WEEKEND, Python weekday numbers; Bangladesh: Friday 4 and Saturday 5);
holidays are rows (registrations.Holiday) that head office edits in the admin, never dates in code.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q

from .models import Holiday, Office


def _holidays(office: Office | None, start: date, end: date) -> set[date]:
    rows = Holiday.objects.filter(date__range=(start, end))
    rows = (
        rows.filter(Q(office__isnull=True) | Q(office=office)) if office else rows.filter(office__isnull=True)
    )
    return set(rows.values_list("date", flat=True))


def is_working_day(day: date, holidays: set[date]) -> bool:
    return day.weekday() not in settings.REGISTRATION_WEEKEND and day not in holidays


def add_working_days(start: date, days: int, *, office: Office | None) -> date:
    """The date ``days`` working days after ``start`` (0: start itself, or the next working day if it is
    not one)."""
    # Holidays are fetched once for a window wide enough for any limit a charter sets.
    holidays = _holidays(office, start, start + timedelta(days=days * 3 + 60))
    day = start
    while not is_working_day(day, holidays):
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while not is_working_day(day, holidays):
            day += timedelta(days=1)
    return day


def working_days_between(start: date, end: date, *, office: Office | None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when the same day)."""
    if end <= start:
        return 0
    holidays = _holidays(office, start, end)
    return sum(
        1 for n in range(1, (end - start).days + 1) if is_working_day(start + timedelta(days=n), holidays)
    )
