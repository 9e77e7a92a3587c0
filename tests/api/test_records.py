"""Records through the API (issue 8): hashed, expiring, revocable keys that carry their user's permissions;
a key that cannot see owners' data cannot erase or change it; soft delete everywhere enterprises are read;
the history of an enterprise for keys allowed to read it."""

import base64
import csv
import io
import json
from datetime import timedelta

import mapbox_vector_tile
import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.utils import timezone

from industries.models import ApiKey, EnterpriseEvent
from tests.api.test_tiles import tile_of
from tests.conftest import BOGURA_TOWN
from tests.factories import api_key_for, located_enterprises

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"
OWNER = {"owner_name": "Rahima Begum", "owner_phone": "+8801711234567", "owner_nid": "1234567890"}


def user_with(django_user_model, name: str, *codenames: str):
    user = django_user_model.objects.create_user(name)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def auth(key: str, scheme: str = "Token") -> dict:
    if scheme == "Basic":
        return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(f"qgis:{key}".encode()).decode()}
    return {"HTTP_AUTHORIZATION": f"{scheme} {key}"}


WRITER = ("add_enterprise", "change_enterprise", "delete_enterprise")


# --- keys -------------------------------------------------------------------------------------------------


def test_a_key_is_stored_hashed_and_works_in_every_accepted_header(client, django_user_model):
    located_enterprises([BOGURA_TOWN], name_en="Karatoya Handloom", **OWNER)
    ministry = user_with(django_user_model, "ministry", "view_personal")
    key = api_key_for(ministry)

    stored = ApiKey.objects.get(user=ministry)
    assert key.startswith(stored.prefix + ".") and stored.hashed_key.startswith("sha512$$")
    with connection.cursor() as cursor:  # the key itself is nowhere in the table
        cursor.execute(
            "SELECT count(*) FROM industries_apikey WHERE row_to_json(industries_apikey)::text LIKE %s",
            [f"%{key.partition('.')[2]}%"],
        )
        assert cursor.fetchone()[0] == 0
    for scheme in ("Token", "Api-Key", "Basic"):
        response = client.get(URL, **auth(key, scheme))
        assert response.status_code == 200 and "+8801711234567" in response.content.decode(), scheme
    assert client.get(URL, **auth(key[:-1] + "x")).status_code == 401


def test_an_expired_or_revoked_key_or_one_of_an_inactive_user_is_refused(client, django_user_model):
    ministry = user_with(django_user_model, "ministry")
    expired = api_key_for(ministry, expiry_date=timezone.now() - timedelta(minutes=1))
    revoked = api_key_for(ministry, revoked=True)
    for key in (expired, revoked):
        for scheme in ("Token", "Basic"):
            response = client.get(URL, **auth(key, scheme))
            assert response.status_code == 401 and "মেয়াদোত্তীর্ণ" in response.content.decode()
    good = api_key_for(ministry)
    assert client.get(URL, **auth(good)).status_code == 200
    ministry.is_active = False
    ministry.save()
    assert client.get(URL, **auth(good)).status_code == 401


def test_every_key_expires_by_default(django_user_model, settings):
    settings.API_KEY_DAYS = 30
    api_key_for(user_with(django_user_model, "ministry"))
    expiry = ApiKey.objects.get().expiry_date
    assert timedelta(days=29) < expiry - timezone.now() <= timedelta(days=30)


def test_the_admin_shows_a_new_key_once(client, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.invalid", "pw")
    ministry = user_with(django_user_model, "ministry", "view_personal")
    client.force_login(admin)
    response = client.post(
        "/admin/industries/apikey/add/",
        {
            "name": "Ministry of Industries",
            "user": ministry.pk,
            "expiry_date_0": "2099-01-01",
            "expiry_date_1": "00:00:00",
        },
        follow=True,
    )
    assert response.status_code == 200
    shown = [str(m) for m in response.context["messages"]]
    stored = ApiKey.objects.get(user=ministry)
    key = next(word for m in shown for word in m.split() if word.startswith(stored.prefix + "."))
    assert "এপিআই কী" in shown[0]
    page = client.get(f"/admin/industries/apikey/{stored.pk}/change/").content.decode()
    assert key not in page and key.partition(".")[2] not in page  # never shown again
    client.logout()
    assert client.get(URL, **auth(key)).status_code == 200


def test_staff_cannot_make_a_key_that_has_more_rights_than_they_do(client, django_user_model):
    officer = user_with(django_user_model, "officer", "add_apikey", "view_apikey")
    officer.is_staff = True
    officer.save()
    powerful = user_with(django_user_model, "powerful", "view_personal")
    client.force_login(officer)
    response = client.post(
        "/admin/industries/apikey/add/",
        {"name": "too much", "user": powerful.pk, "expiry_date_0": "2099-01-01", "expiry_date_1": "00:00:00"},
    )
    assert response.status_code == 200 and not ApiKey.objects.exists()
    assert "ask a superuser" in response.content.decode()


def test_the_schema_describes_both_key_schemes(client):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    schemes = schema["components"]["securitySchemes"]
    assert schemes["apiKey"]["in"] == "header" and schemes["apiKey"]["name"] == "Authorization"
    assert schemes["keyAsBasicPassword"]["scheme"] == "basic"
    assert "tokenAuth" not in schemes


# --- personal data on writes --------------------------------------------------------------------------


def feature(**properties) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [89.3697, 24.8465]},
        "properties": {
            "name_en": "Karatoya Handloom",
            "kind": "manufacturing",
            "workers_total": "12",
            **properties,
        },
    }


def test_a_put_by_a_key_without_view_personal_keeps_the_owner_data(client, django_user_model):
    (enterprise,) = located_enterprises([BOGURA_TOWN], name_en="Karatoya Handloom", **OWNER)
    key = api_key_for(user_with(django_user_model, "clerk", *WRITER))

    response = client.put(
        f"{URL}{enterprise.pk}/", feature(product="gamchha"), content_type="application/json", **auth(key)
    )

    assert response.status_code == 200, response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.product == "gamchha"
    assert (enterprise.owner_name, enterprise.owner_phone, enterprise.owner_nid) == tuple(OWNER.values())
    assert "owner_phone" not in json.loads(response.content)["properties"]


@pytest.mark.parametrize("method", ["put", "patch"])
def test_a_key_without_view_personal_may_not_change_owner_data(client, django_user_model, method):
    (enterprise,) = located_enterprises([BOGURA_TOWN], name_en="Karatoya Handloom", **OWNER)
    key = api_key_for(user_with(django_user_model, "clerk", *WRITER))

    response = getattr(client, method)(
        f"{URL}{enterprise.pk}/",
        feature(owner_phone="", product="gamchha"),
        content_type="application/json",
        **auth(key),
    )

    assert response.status_code == 403
    refused = json.loads(response.content)["rejected"][0]
    assert refused["code"] == "personal_not_permitted" and "owner_phone" in refused["en"]
    assert "এনআইডি" in refused["bn"]
    enterprise.refresh_from_db()
    assert enterprise.owner_phone == OWNER["owner_phone"] and enterprise.product == ""  # nothing written


def test_a_put_by_a_key_with_view_personal_replaces_the_owner_data(client, django_user_model):
    (enterprise,) = located_enterprises([BOGURA_TOWN], name_en="Karatoya Handloom", **OWNER)
    key = api_key_for(user_with(django_user_model, "officer", *WRITER, "view_personal"))
    response = client.put(
        f"{URL}{enterprise.pk}/",
        feature(owner_phone="01819000000"),
        content_type="application/json",
        **auth(key),
    )
    assert response.status_code == 200, response.content.decode()
    enterprise.refresh_from_db()
    assert (enterprise.owner_phone, enterprise.owner_name) == ("+8801819000000", "")  # PUT replaces


# --- soft delete ----------------------------------------------------------------------------------------


def test_a_deleted_enterprise_leaves_every_public_reading_and_stays_in_the_database(
    client, django_user_model
):
    (kept,) = located_enterprises([BOGURA_TOWN], name_en="Bogura Bakery")
    (gone,) = located_enterprises([BOGURA_TOWN], name_en="Karatoya Handloom", **OWNER)
    key = api_key_for(user_with(django_user_model, "officer", *WRITER, "view_personal"))

    assert client.delete(f"{URL}{gone.pk}/", **auth(key)).status_code == 204

    gone.refresh_from_db()  # still there, marked
    assert gone.deleted is not None and gone.owner_phone == OWNER["owner_phone"]
    listed = json.loads(client.get(URL, **auth(key)).content)
    assert [f["id"] for f in listed["features"]] == [kept.pk] and listed["numberMatched"] == 1
    assert client.get(f"{URL}{gone.pk}/", **auth(key)).status_code == 404
    assert client.delete(f"{URL}{gone.pk}/", **auth(key)).status_code == 404
    assert (
        client.patch(
            f"{URL}{gone.pk}/", {"product": "x"}, content_type="application/json", **auth(key)
        ).status_code
        == 404
    )
    assert client.get(f"/ogc/collections/enterprises/items/{gone.pk}").status_code == 404
    items = json.loads(client.get("/ogc/collections/enterprises/items").content)
    assert [f["id"] for f in items["features"]] == [kept.pk]
    stats = json.loads(client.get("/api/v1/stats/", {"by": "district"}, **auth(key)).content)
    assert stats["total"]["count"] == 1
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(client.get(f"{URL}export.csv", **auth(key)).streaming_content).decode("utf-8-sig")
            )
        )
    )
    assert [int(r["id"]) for r in rows] == [kept.pk]
    tile = client.get("/tiles/enterprises/{}/{}/{}.pbf".format(*tile_of(BOGURA_TOWN.x, BOGURA_TOWN.y, 14)))
    points = mapbox_vector_tile.decode(tile.content)["enterprises"]["features"]
    assert [p["properties"]["id"] for p in points] == [kept.pk]


# --- history --------------------------------------------------------------------------------------------


def test_the_history_of_an_enterprise_needs_its_permission_and_hides_owners_without_view_personal(
    client, django_user_model
):
    officer = user_with(django_user_model, "officer", *WRITER, "view_personal")
    writer_key = api_key_for(officer)
    created = client.post(
        URL, feature(owner_phone="01711234567"), content_type="application/json", **auth(writer_key)
    )
    pk = json.loads(created.content)["id"]
    client.patch(
        f"{URL}{pk}/",
        {"owner_phone": "01819000000", "workers_total": "40"},
        content_type="application/json",
        **auth(writer_key),
    )
    client.delete(f"{URL}{pk}/", **auth(writer_key))
    history_url = f"{URL}{pk}/history/"

    assert client.get(history_url).status_code == 401
    assert client.get(history_url, **auth(writer_key)).status_code == 403
    analyst = api_key_for(user_with(django_user_model, "analyst", "view_enterprise_history"))
    auditor = api_key_for(user_with(django_user_model, "auditor", "view_enterprise_history", "view_personal"))

    history = json.loads(client.get(history_url, **auth(auditor)).content)
    assert history["deleted"] is True
    versions = history["versions"]
    assert [v["action"] for v in versions] == ["created", "updated", "deleted"]
    assert all(v["by"] == {"id": officer.pk, "username": "officer"} for v in versions)
    assert all(v["api_key"] == writer_key.partition(".")[0] for v in versions)
    assert [v["request"]["method"] for v in versions] == ["POST", "PATCH", "DELETE"]
    assert versions[0]["changes"]["district"] == [None, "5010"]  # areas by geocode
    assert versions[1]["changes"]["owner_phone"] == ["+8801711234567", "+8801819000000"]
    assert versions[1]["changes"]["workers_total"] == [12, 40]
    assert versions[1]["changes"]["size_class"][1] == "small"  # reclassified by the same save

    blind = json.loads(client.get(history_url, **auth(analyst)).content)["versions"]
    assert len(blind) == 3 and blind[1]["changes"]["workers_total"] == [12, 40]
    assert "+88017" not in json.dumps(blind) and "owner_phone" not in json.dumps(blind)
    assert client.get(f"{URL}999999999/history/", **auth(auditor)).status_code == 404


def test_an_api_write_is_one_version_even_though_it_saves_then_locates(client, django_user_model):
    (enterprise,) = located_enterprises([BOGURA_TOWN], name_en="Karatoya Handloom")
    key = api_key_for(user_with(django_user_model, "officer", *WRITER))
    moved = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [88.9318, 24.8090]},
        "properties": {},
    }
    assert (
        client.patch(
            f"{URL}{enterprise.pk}/", moved, content_type="application/json", **auth(key)
        ).status_code
        == 200
    )
    events = EnterpriseEvent.objects.filter(pgh_obj_id=enterprise.pk, pgh_context__isnull=False)
    assert events.count() == 2 and len({e.pgh_context_id for e in events}) == 1  # save, then locate
    from industries.history import enterprise_versions

    last = enterprise_versions(enterprise.pk, personal=False)[-1]
    assert last["changes"]["district"] == ["5010", "5064"] and "location" in last["changes"]
