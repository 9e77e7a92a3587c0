"""The public "how long registration takes" table: per office, the median of the office's working days from
submission to registration (Friday–Saturday weekend, national and office holidays, the applicant's states
left out), and the share within the charter's promise, on a known set of transitions."""

import itertools
from datetime import date, datetime, time
from statistics import median

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations.calendar import working_days_between
from registrations.models import Application, Holiday, State, Step, Transition
from registrations.performance import office_performance, promised_working_days
from tests.factories import EnterpriseFactory

from .conftest import GAZIPUR_POINT, complete_application

pytestmark = pytest.mark.django_db

NUMBERS = itertools.count(1)
DEC = 12
# The moves of the review, in order (action, target).
FULL_REVIEW = [
    ("submit", State.SUBMITTED),
    ("take_up", State.DOCUMENT_CHECK),
    ("raise_shortfall", State.SHORTFALL),
    ("resubmit", State.DOCUMENT_CHECK),
    ("send_to_inspection", State.INSPECTION),
    ("record_inspection", State.RECOMMENDED),
    ("approve_for_payment", State.APPROVED_FOR_PAYMENT),
    ("record_payment", State.PAID),
    ("register", State.REGISTERED),
]
SHORT_REVIEW = [move for move in FULL_REVIEW if move[0] not in ("raise_shortfall", "resubmit")]


def local(day: int, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(date(2026, DEC, day), time(hour, minute)))


def history(applicant, *, moves, times, point=None, registered=True) -> Application:
    """An application with these transitions at these (Bangladesh) times, written as rows: the Transition
    table is append-only and stamps its own time, so a known history is inserted with its times."""
    number = next(NUMBERS)
    extra = {"point": point} if point else {}
    application = complete_application(applicant, tracking_no=f"BR-20261201-{number:06d}", **extra)
    moves = moves[: len(times)]
    state = moves[-1][1]
    fields = {"state": state, "submitted_at": times[0]}
    if registered:
        enterprise = EnterpriseFactory(location=application.location, registration_no=f"BSCIC-T-{number:05d}")
        fields.update(
            registration_no=enterprise.registration_no, enterprise=enterprise, registered_at=times[-1]
        )
    Application.objects.filter(pk=application.pk).update(**fields)
    source = State.DRAFT
    with connection.cursor() as cursor:
        for (action, target), created in zip(moves, times, strict=True):
            cursor.execute(
                f"INSERT INTO {Transition._meta.db_table} (application_id, action, source, target,"
                " actor_role, note, internal_note, created) VALUES (%s, %s, %s, %s, 'system', '', '', %s)",
                [application.pk, action, source, target, created],
            )
            source = target
    return application


def office_days_in_python(application: Application) -> int:
    """The same figure through registrations.calendar, span by span: the reference for the SQL."""
    applicant_states = set(Step.objects.filter(applicant_acts=True).values_list("state", flat=True))
    rows = list(application.transitions.order_by("created", "id"))
    total = 0
    for move, following in itertools.pairwise(rows):
        if move.target not in applicant_states:
            total += working_days_between(
                timezone.localdate(move.created),
                timezone.localdate(following.created),
                office=application.office,
            )
    return total


@pytest.fixture
def known(offices, applicant, settings):
    """Dhaka: three registered (6, 5 and 9 office working days) and one still unpaid; Gazipur: one (2).

    December 2026: Friday and Saturday off, Victory Day (16th, national, from the default holidays), and
    the 14th a holiday of the Dhaka office only, the 2nd of the Gazipur office only."""
    settings.REGISTRATION_PERFORMANCE_CACHE_SECONDS = 0
    Holiday.objects.create(
        date=date(2026, DEC, 14), name_en="Office closed", name_bn="অফিস বন্ধ", office=offices["26"]
    )
    Holiday.objects.create(
        date=date(2026, DEC, 2), name_en="Office closed", name_bn="অফিস বন্ধ", office=offices["33"]
    )
    return {
        # Office days: submitted 1→2: 1; document check 2→3: 1 (it left at 00:30 on the 3rd, which is the
        # 2nd in UTC); shortfall 3→8 left out; document check 8→9: 1; inspection 9→10: 1; recommended
        # 10→13: 1 (Fri, Sat); awaiting payment 13→17 left out; paid 17→20: 1. 6 in all, 11 counted whole.
        "a": history(
            applicant,
            moves=FULL_REVIEW,
            times=[
                local(1),
                local(2),
                local(3, 0, 30),
                local(8),
                local(9),
                local(10),
                local(13),
                local(17),
                local(20),
            ],
        ),
        # submitted 13→17: 15 and 17 (the 14th the office's, the 16th Victory Day): 2; inspection 17→21: 2;
        # paid 22→23: 1. 5 in all.
        "b": history(
            applicant,
            moves=SHORT_REVIEW,
            times=[local(13), local(17), local(17, 11), local(21), local(21, 11), local(22), local(23)],
        ),
        # submitted 1→15: 9 (the 14th the office's); the rest the same day. Over the promise of 8.
        "c": history(applicant, moves=SHORT_REVIEW, times=[local(1), *[local(15, h) for h in range(9, 15)]]),
        "unpaid": history(
            applicant, moves=SHORT_REVIEW, times=[local(1), local(2), local(3)], registered=False
        ),
        # Gazipur: submitted 1→3: 1 (the 2nd its own holiday); paid 3→6: 1. 2 in all.
        "d": history(
            applicant,
            moves=SHORT_REVIEW,
            times=[local(1), local(3), local(3, 11), local(3, 12), local(3, 13), local(3, 14), local(6)],
            point=GAZIPUR_POINT,
        ),
    }


def by_office(performance) -> dict[str, tuple]:
    return {
        row.office.district.code: (row.registered, row.median_days, row.within_promise)
        for row in performance.offices
        if row.registered
    }


def test_the_median_counts_the_offices_working_days(known):
    assert [office_days_in_python(known[k]) for k in ("a", "b", "c", "d")] == [6, 5, 9, 2]
    performance = office_performance()
    assert performance.promise_days == promised_working_days() == 8  # 1 + 2 + 3 + 1 + 1
    assert by_office(performance) == {"26": (3, 6.0, 2), "33": (1, 2.0, 1)}
    dhaka = next(row for row in performance.offices if row.office.district.code == "26")
    assert dhaka.share_within == pytest.approx(2 / 3)
    # Every open office is listed, with nothing registered yet where so.
    assert {row.office.district.code for row in performance.offices} == {"26", "67", "33", "15"}


def test_the_applicants_states_are_data(known):
    """Counting the shortfall as the office's time adds its three days to A (6 → 9), and its ten days to
    the promise (8 → 18)."""
    Step.objects.filter(state=State.SHORTFALL).update(applicant_acts=False)
    assert office_days_in_python(known["a"]) == 9
    performance = office_performance()
    assert performance.promise_days == 18
    assert by_office(performance)["26"] == (3, 9.0, 3)


def test_a_median_of_two_is_their_mean(known):
    Application.objects.filter(pk=known["c"].pk).update(state=State.PAID)
    assert by_office(office_performance())["26"] == (2, median([6, 5]), 2)


def test_the_figures_are_one_statement_and_cached(known, settings):
    with CaptureQueriesContext(connection) as captured:
        office_performance()
    assert len(captured) <= 4  # the promise, the applicant's states, the figures, the offices
    settings.REGISTRATION_PERFORMANCE_CACHE_SECONDS = 60
    first = office_performance()
    with CaptureQueriesContext(connection) as captured:
        assert office_performance() == first
    assert len(captured) == 0


def test_the_public_page_in_bangla_and_english(client, known):
    bangla = client.get("/registrations/")
    assert bangla.status_code == 200
    text = bangla.content.decode()
    assert '<html lang="bn">' in text
    assert '<th scope="row">ঢাকা</th>' in text
    assert "৬৭%" in text and "৮ দিনের মধ্যে" in text  # Dhaka: 2 of 3 within the promise of 8 days
    assert "নিবন্ধনে কত সময় লাগে" in text and "কার্যদিবসের মধ্যমা" in text and "সিটিজেন চার্টার" in text
    english = client.get("/registrations/?lang=en").content.decode()
    assert '<th scope="row">Dhaka</th>' in english and "67%" in english
    assert "How long registration takes" in english and "Within 8 days" in english
    assert 'name="viewport"' in english and "table-wrap" in english


def test_the_table_fits_a_phone_screen(live_server, known):
    """In Chromium at 360 px, in both languages, nothing runs off the side of the page."""
    from tests.browser import chromium

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 360, "height": 740})
        for language, dhaka, share in (("bn", "ঢাকা", "৬৭%"), ("en", "Dhaka", "67%")):
            page.goto(f"{live_server.url}/registrations/?lang={language}")
            row = page.locator("table.performance tbody tr", has=page.locator(f"th:text-is('{dhaka}')"))
            assert row.locator("td").all_inner_texts()[-1] == share, language
            table = page.locator("table.performance").bounding_box()
            assert table["x"] >= 0 and table["x"] + table["width"] <= 360, language
            assert page.evaluate("document.documentElement.scrollWidth") <= 360, language


def test_before_any_registration_every_open_office_shows_dashes(client, offices, settings):
    settings.REGISTRATION_PERFORMANCE_CACHE_SECONDS = 0
    performance = office_performance()
    assert [(row.registered, row.median_days, row.share_within) for row in performance.offices] == [
        (0, None, None)
    ] * 4
    text = client.get("/registrations/?lang=en").content.decode()
    assert text.count('<td class="number">—</td>') == 8
