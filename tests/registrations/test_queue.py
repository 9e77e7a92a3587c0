"""The office queue: due soonest first, overdue flagged by the working-day calendar, only the office's own
applications under review, and a page whose number of queries does not grow with its rows."""

import re
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registrations.calendar import add_working_days
from registrations.models import Application, Holiday, Officer, State, Step
from registrations.selectors import office_queue
from registrations.services import review

from .conftest import GAZIPUR_POINT, make_applicant, make_officer
from .review_support import in_state, submitted

pytestmark = pytest.mark.django_db


def set_dates(application, *, due, submitted_days_ago):
    Application.objects.filter(pk=application.pk).update(
        due_date=due, submitted_at=timezone.now() - timedelta(days=submitted_days_ago)
    )


def test_queue_order_and_overdue(applicant, dhaka_office):
    today = timezone.localdate()
    late_second = in_state(applicant, State.DOCUMENT_CHECK)
    late_first = in_state(applicant, State.INSPECTION)
    due_today = in_state(applicant, State.SUBMITTED)
    due_later = in_state(applicant, State.RECOMMENDED)
    undated = in_state(applicant, State.PAID)
    set_dates(late_second, due=today - timedelta(days=3), submitted_days_ago=5)
    set_dates(late_first, due=today - timedelta(days=3), submitted_days_ago=9)
    set_dates(due_today, due=today, submitted_days_ago=1)
    set_dates(due_later, due=today + timedelta(days=2), submitted_days_ago=20)
    set_dates(undated, due=None, submitted_days_ago=30)
    # Not in the queue: a draft, a finished one, and another office's.
    in_state(applicant, State.DRAFT)
    registered = in_state(applicant, State.REGISTERED)
    in_state(applicant, State.SUBMITTED, point=GAZIPUR_POINT)

    rows = list(office_queue(office=dhaka_office))
    assert [r.pk for r in rows] == [late_first.pk, late_second.pk, due_today.pk, due_later.pk, undated.pk]
    assert [r.overdue for r in rows] == [True, True, False, False, False]
    assert [r.pk for r in office_queue(office=dhaka_office, overdue_only=True)] == [
        late_first.pk,
        late_second.pk,
    ]
    assert [r.pk for r in office_queue(office=dhaka_office, state=State.REGISTERED)] == [registered.pk]
    assert [r.pk for r in office_queue(office=dhaka_office, state=State.PAID)] == [undated.pk]


def reference_due(start: date, days: int, holidays: set[date]) -> date:
    """Working days counted by hand: Friday and Saturday off, and the holidays."""

    def working(day):
        return day.weekday() not in (4, 5) and day not in holidays

    day = start
    while not working(day):
        day += timedelta(days=1)
    for _ in range(days):
        day += timedelta(days=1)
        while not working(day):
            day += timedelta(days=1)
    return day


def test_due_dates_skip_the_weekend_and_holidays(applicant, extension_officer, dhaka_office):
    # A Thursday: + 2 working days skips Friday, Saturday and a holiday on the Sunday.
    Holiday.objects.create(
        date=date(2026, 12, 13), name_en="Office closed", name_bn="অফিস বন্ধ", office=dhaka_office
    )
    assert add_working_days(date(2026, 12, 10), 2, office=dhaka_office) == date(2026, 12, 15)
    # + 3: Victory Day (16 December, a default holiday row) is skipped too.
    assert add_working_days(date(2026, 12, 10), 3, office=dhaka_office) == date(2026, 12, 17)
    # Another office keeps its Sunday.
    assert add_working_days(date(2026, 12, 10), 2, office=None) == date(2026, 12, 14)

    # A move today: its due date is the step's working days on, the next working day a holiday.
    today = timezone.localdate()
    next_working = reference_due(today + timedelta(days=1), 0, set())
    Holiday.objects.create(date=next_working, name_en="Test holiday", name_bn="পরীক্ষার ছুটি")
    holidays = set(Holiday.objects.filter(office__isnull=True).values_list("date", flat=True)) | {
        date(2026, 12, 13)
    }
    application = submitted(applicant)
    application = review.application_take_up(application_id=application.pk, user=extension_officer.user)
    days = Step.objects.get(state=State.DOCUMENT_CHECK).working_days
    assert application.due_date == reference_due(today, days, holidays)
    assert application.due_date > next_working
    row = office_queue(office=dhaka_office).get(pk=application.pk)
    assert row.overdue is False


def rows(html: str) -> int:
    return len(re.findall(r'href="/office/\d+/"', html))


def queue_queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_queue_page_queries_do_not_grow_with_rows(client, applicant, extension_officer, approving_officer):
    colleague = make_officer(extension_officer.office, Officer.Role.EXTENSION, "dhaka-extension-2")
    url = reverse("registrations:office_queue")
    client.force_login(approving_officer.user)
    for n in range(3):
        application = in_state(make_applicant(f"+880191100{n:04d}"), State.DOCUMENT_CHECK)
        Application.objects.filter(pk=application.pk).update(assigned_to=extension_officer)
    few, _ = queue_queries(client, url)
    for n in range(3, 30):
        application = in_state(make_applicant(f"+880191100{n:04d}"), State.DOCUMENT_CHECK)
        Application.objects.filter(pk=application.pk).update(
            assigned_to=colleague if n % 2 else extension_officer
        )
    many, html = queue_queries(client, url)
    assert many == few, f"{few} queries with 3 rows, {many} with 30"
    assert rows(html) == 30
    assert "Dhaka-Extension-2" in html and "Dhaka-Extension" in html


def test_queue_page_shows_and_filters(client, applicant, extension_officer, gazipur_officer):
    today = timezone.localdate()
    late = in_state(applicant, State.DOCUMENT_CHECK, name_bn="দেরির কারখানা", name_en="Late Works")
    set_dates(late, due=today - timedelta(days=1), submitted_days_ago=4)
    fresh = submitted(applicant, name_bn="নতুন কারখানা", name_en="Fresh Works")
    review.application_take_up(application_id=fresh.pk, user=extension_officer.user)
    other = in_state(applicant, State.SUBMITTED, point=GAZIPUR_POINT, name_bn="গাজীপুরের কারখানা")

    client.force_login(extension_officer.user)
    html = client.get(reverse("registrations:office_queue")).content.decode()
    assert "দেরির কারখানা" in html and "নতুন কারখানা" in html and "গাজীপুরের কারখানা" not in html
    assert html.index(late.tracking_no) < html.index(fresh.tracking_no)
    assert 'class="overdue-row"' in html
    html = client.get(reverse("registrations:office_queue") + "?overdue=1&lang=en").content.decode()
    assert late.tracking_no in html and fresh.tracking_no not in html and "Late Works" in html
    html = client.get(reverse("registrations:office_queue") + "?mine=1").content.decode()
    assert fresh.tracking_no in html and late.tracking_no not in html
    html = client.get(reverse("registrations:office_queue") + "?state=submitted").content.decode()
    assert late.tracking_no not in html and fresh.tracking_no not in html

    client.force_login(gazipur_officer.user)
    html = client.get(reverse("registrations:office_queue")).content.decode()
    assert other.tracking_no in html and late.tracking_no not in html


def test_queue_pages(client, approving_officer, dhaka_office):
    for n in range(55):
        in_state(make_applicant(f"+880181100{n:04d}"), State.SUBMITTED)
    client.force_login(approving_officer.user)
    first = client.get(reverse("registrations:office_queue") + "?state=submitted").content.decode()
    second = client.get(reverse("registrations:office_queue") + "?state=submitted&page=2").content.decode()
    assert rows(first) == 50 and rows(second) == 5
    assert "state=submitted&amp;page=2" in first
