"""Writes through the API: the importer's parser reads the body, the model's rules (the admin's and
e-Registration's, industries.services.enterprise_save) decide. A value the parser cannot read is refused,
not emptied; a planned year of establishment is kept; every write moves the data version on."""

import json
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from industries.data_version import VERSION_KEY
from industries.models import Enterprise
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"
BOGURA = (89.3697, 24.8465)
NEXT_YEAR = date.today().year + 1


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            codename__in=["add_enterprise", "change_enterprise", "delete_enterprise", "view_personal"]
        )
    )
    client.force_login(user)
    return client


@pytest.fixture
def loom() -> Enterprise:
    (enterprise,) = located_enterprises([BOGURA], name_en="Karatoya Handloom", owner_phone="+8801711234567")
    return enterprise


def patch(client, enterprise: Enterprise, **properties):
    return client.patch(f"{URL}{enterprise.pk}/", properties, content_type="application/json")


def test_a_proposed_units_planned_year_is_kept_by_an_update(editor, loom):
    """e-Registration registers proposed units with the year they plan to start; the model takes it, so a
    later API update of anything else must keep it (a survey file's 'not after this year' is not the rule)."""
    Enterprise.objects.filter(pk=loom.pk).update(year_established=NEXT_YEAR)

    response = patch(editor, loom, product="Handloom saree")

    assert response.status_code == 200, response.content.decode()
    assert json.loads(response.content)["warnings"] == []
    loom.refresh_from_db()
    assert (loom.product, loom.year_established) == ("Handloom saree", NEXT_YEAR)


def test_a_mistyped_phone_is_refused_and_the_stored_one_kept(editor, loom):
    response = patch(editor, loom, owner_phone="02-9555")

    assert response.status_code == 400
    assert [r["code"] for r in json.loads(response.content)["rejected"]] == ["phone_invalid"]
    loom.refresh_from_db()
    assert loom.owner_phone == "+8801711234567"


@pytest.mark.parametrize(
    ("properties", "code"),
    [
        ({"district": "Atlantis"}, "district_unknown"),
        ({"kind": "spaceship"}, "kind_unknown"),
        ({"workers_total": "a dozen"}, "count_invalid"),
        ({"year_established": "1700"}, "date_invalid"),
    ],
)
def test_a_value_the_parser_cannot_read_is_refused(editor, loom, properties, code):
    response = patch(editor, loom, **properties)

    assert response.status_code == 400
    assert code in [r["code"] for r in json.loads(response.content)["rejected"]]


def test_a_create_without_a_kind_is_manufacturing_with_a_warning(editor):
    body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(BOGURA)}}
    body["properties"] = {"name_en": "Karatoya Handloom"}

    response = editor.post(URL, body, content_type="application/json")

    assert response.status_code == 201, response.content.decode()
    assert [w["code"] for w in json.loads(response.content)["warnings"]] == ["kind_unknown"]
    assert Enterprise.objects.get().kind == "manufacturing"


def test_every_api_write_moves_the_data_version_on(editor, loom, django_capture_on_commit_callbacks):
    body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(BOGURA)}}
    body["properties"] = {"name_en": "Barind Bakery", "kind": "manufacturing"}
    writes = [
        lambda: editor.post(URL, body, content_type="application/json"),
        lambda: patch(editor, loom, product="Bread"),
        lambda: editor.delete(f"{URL}{loom.pk}/"),
    ]
    for write in writes:
        cache.set(VERSION_KEY, 0, timeout=None)
        with django_capture_on_commit_callbacks(execute=True):
            assert write().status_code in (200, 201, 204)
        assert cache.get(VERSION_KEY) >= 1
