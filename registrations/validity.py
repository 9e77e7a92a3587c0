"""How long a registration is valid, and when it may be renewed.

A registration is valid for CERTIFICATE_VALID_YEARS (⚠ 5) from the day it was registered, to the day before
that date; a renewal carries on from the day after the expiry it renews, whether paid early or late, so that
one registration's periods follow each other without gap or overlap. The applicant may renew from
REGISTRATION_RENEWAL_OPENS_MONTHS (⚠ 3) months before the expiry to REGISTRATION_RENEWAL_GRACE_DAYS (⚠) after
it; after that the registration has lapsed and the enterprise applies anew. The certificate prints these
dates (certificates.services); this module is the one place they are computed.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from .models import Application, State


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def valid_from(application: Application) -> date | None:
    """The first day of the period the registration (or renewal) covers; None before it is registered."""
    if application.state != State.REGISTERED or application.registered_at is None:
        return None
    if application.renews_id is not None:
        previous_until = valid_until(application.renews)
        if previous_until is not None:
            return previous_until + timedelta(days=1)
    return timezone.localdate(application.registered_at)


def valid_until(application: Application) -> date | None:
    start = valid_from(application)
    return None if start is None else _add_years(start, settings.CERTIFICATE_VALID_YEARS) - timedelta(days=1)


@dataclass(frozen=True)
class RenewalWindow:
    expires: date
    opens: date
    closes: date
    today: date

    @property
    def is_open(self) -> bool:
        return self.opens <= self.today <= self.closes

    @property
    def lapsed(self) -> bool:
        return self.today > self.closes


def current_registration(application: Application) -> Application:
    """The latest registered period of the registration ``application`` belongs to (itself, or the newest
    registered renewal that follows it)."""
    current = application
    while True:
        following = current.renewals.filter(state=State.REGISTERED).order_by("-registered_at").first()
        if following is None:
            return current
        current = following


def renewal_window(application: Application, *, today: date | None = None) -> RenewalWindow | None:
    """When the registered ``application`` (a current period) may be renewed; None if it is not registered."""
    expires = valid_until(application)
    if expires is None:
        return None
    return RenewalWindow(
        expires=expires,
        opens=_add_months(expires, -settings.REGISTRATION_RENEWAL_OPENS_MONTHS),
        closes=expires + timedelta(days=settings.REGISTRATION_RENEWAL_GRACE_DAYS),
        today=today or timezone.localdate(),
    )
