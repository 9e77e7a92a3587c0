"""The registrations API: who may read it, what it shows (nothing personal), its filters, keyset pages in
every ordering, counts by office and state, and a constant number of queries per page."""

import itertools
import json
from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from registrations.models import Application, State
from tests.factories import EnterpriseFactory, api_key_for

from .conftest import GAZIPUR_POINT, complete_application

pytestmark = pytest.mark.django_db

URL = "/api/v1/registrations/"
COUNTS_URL = "/api/v1/registrations/counts/"
NUMBERS = itertools.count(1)


def at(day: date, hour: int = 11) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def make(applicant, *, state: str, submitted: date | None, point=None, **fields) -> Application:
    """An application put straight into ``state`` (the moves are the workflow's tests)."""
    number = next(NUMBERS)
    extra = {"point": point} if point else {}
    application = complete_application(applicant, tracking_no=f"BR-20261201-{number:06d}", **extra)
    if state == State.REGISTERED:
        fields.setdefault("registration_no", f"BSCIC-26-2026-{number:05d}")
        fields.setdefault("enterprise", EnterpriseFactory(location=application.location))
    Application.objects.filter(pk=application.pk).update(
        state=state, submitted_at=at(submitted) if submitted else None, **fields
    )
    return Application.objects.get(pk=application.pk)


def reader(*, permitted: bool, staff: bool = False):
    user = get_user_model().objects.create_user(
        f"reader-{next(NUMBERS)}", password="x", is_staff=staff, first_name="Reader"
    )
    if permitted:
        user.user_permissions.add(
            Permission.objects.get(codename="view_application", content_type__app_label="registrations")
        )
    return user


def get_json(client, url=URL, *, key: str, status: int = 200, **params):
    response = client.get(url, params, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == status, response.content.decode()[:2000]
    return json.loads(response.content)


@pytest.fixture
def key(offices):
    return api_key_for(reader(permitted=True))


@pytest.fixture
def sample(applicant, offices):
    """Dhaka: one submitted, one in shortfall, one registered; Gazipur: one submitted; and a draft."""
    return {
        "dhaka_submitted": make(applicant, state=State.SUBMITTED, submitted=date(2026, 12, 1)),
        "dhaka_shortfall": make(
            applicant, state=State.SHORTFALL, submitted=date(2026, 12, 2), due_date=date(2026, 12, 20)
        ),
        "dhaka_registered": make(
            applicant,
            state=State.REGISTERED,
            submitted=date(2026, 11, 20),
            registered_at=at(date(2026, 12, 3)),
            registration_no="BSCIC-26-2026-00001",
        ),
        "gazipur_submitted": make(
            applicant, state=State.SUBMITTED, submitted=date(2026, 12, 5), point=GAZIPUR_POINT
        ),
        "draft": make(applicant, state=State.DRAFT, submitted=None),
    }


def tracking(data) -> list[str]:
    return [row["tracking_no"] for row in data["results"]]


def test_anonymous_callers_and_keys_without_the_permission_are_refused(client, sample):
    assert client.get(URL).status_code == 401
    assert client.get(COUNTS_URL).status_code == 401
    without = api_key_for(reader(permitted=False))
    refused = get_json(client, key=without, status=403)
    assert "view_application" in refused["detail"]
    get_json(client, COUNTS_URL, key=without, status=403)
    # Staff is not enough: the permission is.
    client.force_login(reader(permitted=False, staff=True))
    assert client.get(URL).status_code == 403
    client.force_login(reader(permitted=True))
    assert client.get(URL).status_code == 200


def test_rows_say_what_an_application_is_and_nothing_personal(client, sample, key, applicant):
    registered = Application.objects.select_related("office__district", "district").get(
        pk=sample["dhaka_registered"].pk
    )
    response = client.get(URL, HTTP_AUTHORIZATION=f"Token {key}")
    data = json.loads(response.content)
    assert data["numberMatched"] == 4 and data["numberReturned"] == 4  # no draft
    row = next(r for r in data["results"] if r["tracking_no"] == registered.tracking_no)
    assert row == {
        "id": registered.pk,
        "tracking_no": registered.tracking_no,
        "state": "registered",
        "office": "26",
        "district": "26",
        "size_class": "cottage",
        "kind": "manufacturing",
        "isic_section": "C",
        "isic_division": "13",
        "submitted_at": registered.submitted_at.isoformat(),
        "due_date": None,
        "registered_at": registered.registered_at.isoformat(),
        "registration_no": "BSCIC-26-2026-00001",
        "enterprise": registered.enterprise_id,
    }
    text = response.content.decode()
    owner = registered.owners.get()
    for personal in (owner.name_en, owner.name_bn, owner.nid, owner.phone, applicant.phone, "Mirpur"):
        assert personal not in text


def test_filters_by_office_state_and_submitted_days(client, sample, key):
    by_office = get_json(client, key=key, office="33")
    assert tracking(by_office) == [sample["gazipur_submitted"].tracking_no]
    assert get_json(client, key=key, office="Dhaka")["numberMatched"] == 3
    by_state = get_json(client, key=key, state="submitted,shortfall", office="26")
    assert set(tracking(by_state)) == {
        sample["dhaka_submitted"].tracking_no,
        sample["dhaka_shortfall"].tracking_no,
    }
    # Whole days, both ends included.
    days = get_json(client, key=key, submitted_from="2026-12-01", submitted_to="2026-12-02")
    assert set(tracking(days)) == {
        sample["dhaka_submitted"].tracking_no,
        sample["dhaka_shortfall"].tracking_no,
    }
    assert get_json(client, key=key, submitted_to="2026-11-20")["numberMatched"] == 1

    bad = get_json(client, key=key, status=400, office="Atlantis")
    assert "office" in bad and "Dhaka (26)" in json.dumps(bad, ensure_ascii=False)
    assert "state" in get_json(client, key=key, status=400, state="draft")
    assert "submitted_from" in get_json(client, key=key, status=400, submitted_from="yesterday")
    assert "ordering" in get_json(client, key=key, status=400, ordering="tracking_no")


@pytest.mark.parametrize(
    "ordering", ["-submitted_at", "submitted_at", "due_date", "-due_date", "registered_at"]
)
def test_pages_follow_the_ordering_forwards_and_back(client, applicant, offices, key, ordering):
    start = date(2026, 12, 1)
    for n in range(7):
        make(
            applicant,
            state=State.REGISTERED if n % 3 == 0 else State.SUBMITTED,
            submitted=start + timedelta(days=n % 4),  # ties on the date: id decides
            due_date=start + timedelta(days=10 - n % 3) if n % 2 else None,  # some without a due date
            registered_at=at(start + timedelta(days=20 - n)) if n % 3 == 0 else None,
        )
    everything = get_json(client, key=key, ordering=ordering, page_size=100)["results"]
    field = ordering.lstrip("-")
    dated = [row[field] for row in everything if row[field] is not None]
    assert dated == sorted(dated, reverse=ordering.startswith("-"))
    assert all(row[field] is None for row in everything[len(dated) :])  # rows without the date last

    pages, data = [], get_json(client, key=key, ordering=ordering, page_size=3)
    while True:
        pages.append(tracking(data))
        if not data["next"]:
            break
        data = json.loads(client.get(data["next"], HTTP_AUTHORIZATION=f"Token {key}").content)
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [t for page in pages for t in page] == tracking({"results": everything})
    backwards = []
    while data["prev"]:
        data = json.loads(client.get(data["prev"], HTTP_AUTHORIZATION=f"Token {key}").content)
        backwards.insert(0, tracking(data))
    assert backwards == pages[:-1]
    assert data["prev"] is None


def test_a_cursor_of_another_ordering_or_not_one_at_all_is_a_400(client, sample, key):
    first = get_json(client, key=key, page_size=1)
    cursor = first["next"].split("cursor=")[1]
    assert "cursor" in get_json(client, key=key, status=400, ordering="due_date", cursor=cursor)
    assert "cursor" in get_json(client, key=key, status=400, cursor="not-a-cursor")


def test_a_page_costs_the_same_queries_with_more_rows(client, applicant, offices, key):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            get_json(client, key=key, page_size=50)
        return len(captured)

    make(applicant, state=State.SUBMITTED, submitted=date(2026, 12, 1))
    few = queries()
    for n in range(12):
        make(
            applicant,
            state=State.REGISTERED,
            submitted=date(2026, 12, 2),
            point=GAZIPUR_POINT if n % 2 else None,
        )
    assert queries() == few


def test_counts_by_office_and_state(client, sample, key):
    data = get_json(client, COUNTS_URL, key=key)
    assert data["total"] == 4
    assert [(g["office"], g["state"], g["count"]) for g in data["groups"]] == [
        ("26", "registered", 1),
        ("26", "shortfall", 1),
        ("26", "submitted", 1),
        ("33", "submitted", 1),
    ]
    assert data["groups"][0]["office_name_bn"] == "বিসিক জেলা কার্যালয়, ঢাকা"
    assert get_json(client, COUNTS_URL, key=key, state="submitted")["total"] == 2
