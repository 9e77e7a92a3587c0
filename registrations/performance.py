"""How long registration takes, per office: the public answer to whether the citizen charter is kept.

For every registered application: the office's working days from submission to registration, that is the
sum, over the states it passed through, of the working days it spent in each (``working_days_between``:
days after entering up to and including leaving, less the Friday–Saturday weekend, national holidays and
the office's own), leaving out the states whose ``Step.applicant_acts`` is true (a shortfall to correct, the
fee to pay): the charter promises the office's days, and the applicant's are not the office's to keep. The
spans come from the Transition rows (append-only: each move's time and target). Per office: how many were
registered, the median of those days, and how many were within the promise, the sum of the working days of
the office's steps.

One SQL statement, because it runs over every registered application (100,000 in the benchmark): a
calendar of the days spanned, numbered by working day with a window function, so that the working days of a
span are the difference of two numbers; in Python it would be a loop over every day of every span. The
answer is kept in the cache for REGISTRATION_PERFORMANCE_CACHE_SECONDS.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from .models import FINAL_STATES, Application, Holiday, Office, State, Step, Transition

CACHE_KEY = "registrations:performance:1"

OFFICE_DAYS_SQL = """
WITH bounds AS (
    SELECT (min(created) AT TIME ZONE %(zone)s)::date AS first_day,
           (max(created) AT TIME ZONE %(zone)s)::date - (min(created) AT TIME ZONE %(zone)s)::date + 1 AS days
    FROM {transition}
),
offices AS (
    SELECT array_agg(DISTINCT office_id) AS ids FROM {application} WHERE state = %(registered)s
),
calendar AS (
    -- The working-day numbers of every office with registrations, one after the other in one array: for
    -- the office in slot s (1, 2…) and the i-th day of the range, the office's working days from the first
    -- day up to and including that one.
    SELECT array_agg(n ORDER BY slot, day) AS n
    FROM (
        SELECT o.slot, d AS day,
               count(*) FILTER (
                   WHERE NOT ((extract(isodow FROM d)::int - 1) = ANY(%(weekend)s))
                     AND NOT EXISTS (SELECT 1 FROM {holiday} AS h
                                     WHERE h.date = d::date AND (h.office_id IS NULL OR h.office_id = o.id))
               ) OVER (PARTITION BY o.slot ORDER BY d) AS n
        FROM offices, unnest(offices.ids) WITH ORDINALITY AS o (id, slot), bounds,
             generate_series(bounds.first_day, bounds.first_day + bounds.days - 1, interval '1 day') AS d
    ) AS numbered
),
moves AS (
    -- Each move of a registered application, with c: +1 where the office's time starts (it enters a state
    -- of the office's from one that is not, or from nothing), -1 where it stops, else 0.
    SELECT a.office_id, t.application_id, t.day,
           t.offices::int - coalesce(lag(t.offices::int) OVER (PARTITION BY t.application_id
                                                               ORDER BY t.created, t.id), 0) AS c
    FROM (SELECT id, application_id, created, (created AT TIME ZONE %(zone)s)::date AS day,
                 NOT (target = ANY(%(not_offices)s)) AS offices
          FROM {transition}) AS t
    JOIN {application} AS a ON a.id = t.application_id
    WHERE a.state = %(registered)s
),
per_application AS (
    -- The office's working days: the sum over its spans of n(left) - n(entered), that is -sum(c * n(day)).
    -- The calendar is a scalar subquery, evaluated once: a subscript per move, no join of every move.
    SELECT office_id, application_id,
           -sum(c * (SELECT n FROM calendar)[
               (array_position((SELECT ids FROM offices), office_id) - 1) * (SELECT days FROM bounds)
               + (day - (SELECT first_day FROM bounds)) + 1]) AS days
    FROM moves
    WHERE c <> 0
    GROUP BY office_id, application_id
)
SELECT office_id, count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY days),
       count(*) FILTER (WHERE days <= %(promise)s)
FROM per_application
GROUP BY office_id
"""


@dataclass(frozen=True)
class OfficePerformance:
    office: Office
    registered: int
    median_days: float | None  # None: nothing registered yet
    within_promise: int

    @property
    def share_within(self) -> float | None:
        return self.within_promise / self.registered if self.registered else None


@dataclass(frozen=True)
class Performance:
    promise_days: int  # the charter's working days of the office's steps
    offices: list[OfficePerformance]


def promised_working_days() -> int:
    """The sum of the working days of the steps the office acts in."""
    return Step.objects.filter(applicant_acts=False).aggregate(days=Sum("working_days"))["days"] or 0


def office_working_days(*, promise: int) -> dict[int, tuple[int, float, int]]:
    """office id -> (registered, median working days, within ``promise``), in one statement."""
    # The states whose days are not the office's: the applicant's, and the final ones (no time after).
    applicant_states = list(Step.objects.filter(applicant_acts=True).values_list("state", flat=True))
    sql = OFFICE_DAYS_SQL.format(
        transition=Transition._meta.db_table,
        application=Application._meta.db_table,
        holiday=Holiday._meta.db_table,
    )
    params = {
        "zone": timezone.get_current_timezone_name(),
        "registered": State.REGISTERED,
        "not_offices": [*applicant_states, *FINAL_STATES],
        "weekend": list(settings.REGISTRATION_WEEKEND),
        "promise": promise,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {office: (count, median, within) for office, count, median, within in cursor.fetchall()}


def office_performance() -> Performance:
    """Every open office and every office that has registered something, with its figures; cached."""
    seconds = settings.REGISTRATION_PERFORMANCE_CACHE_SECONDS
    cached = cache.get(CACHE_KEY) if seconds else None
    if cached is not None:
        return cached
    promise = promised_working_days()
    figures = office_working_days(promise=promise)
    offices = (
        Office.objects.filter(Q(is_open=True) | Q(pk__in=list(figures)))
        .select_related("district")
        .order_by("district__name_en")
    )
    performance = Performance(
        promise_days=promise,
        offices=[OfficePerformance(office, *figures.get(office.pk, (0, None, 0))) for office in offices],
    )
    if seconds:
        cache.set(CACHE_KEY, performance, timeout=seconds)
    return performance
