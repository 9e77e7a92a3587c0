"""One enterprise column contract (api.columns): the list, the detail and an OGC item show the same
properties with the same values for the same enterprise; the CSV export has the same columns; the tiles'
points carry the contract's tile columns; personal data only with view_personal, and never in tiles."""

import csv
import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import mapbox_vector_tile
import pytest
from django.db import connection

from api.columns import DETAIL_ONLY, PERSONAL_COLUMNS, PUBLIC_COLUMNS, TILE_COLUMNS
from api.serializers import DateTimeAsPostgres, EnterpriseSerializer
from industries.models import Enterprise
from tests.factories import located_enterprises

from .test_tiles import tile_of

pytestmark = pytest.mark.django_db

BOGURA = (89.3697, 24.8465)
PERSONAL = {"owner_name": "Abdul Karim", "owner_phone": "+8801711234567", "owner_nid": "1234567890"}


@pytest.fixture
def loom() -> Enterprise:
    (enterprise,) = located_enterprises(
        [BOGURA],
        name_en="Karatoya Handloom",
        name_bn="করতোয়া তাঁত",
        product="Handloom saree",
        product_bn="তাঁতের শাড়ি",
        registration_no="BSCIC-BOG-0001",
        size_class="small",
        size_policy="NIP2022",
        year_established=2011,
        **PERSONAL,
    )
    return enterprise


def get(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, response.content.decode()[:2000]
    return json.loads(response.content)


def readings(client, enterprise: Enterprise) -> dict[str, dict]:
    (listed,) = get(client, "/api/v1/enterprises/")["features"]
    return {
        "list": listed,
        "detail": get(client, f"/api/v1/enterprises/{enterprise.pk}/"),
        "ogc item": get(client, f"/ogc/collections/enterprises/items/{enterprise.pk}"),
    }


def properties_of(feature: dict) -> dict:
    return {name: value for name, value in feature["properties"].items() if name not in DETAIL_ONLY}


def assert_same_everywhere(features: dict[str, dict], columns: dict[str, str]) -> None:
    for reading, feature in features.items():
        assert feature["id"] == features["list"]["id"], reading
        # As sets: the list's and the items' properties are PostgreSQL jsonb, which orders keys its own way.
        assert set(properties_of(feature)) == set(columns) - {"id"}, reading
        assert properties_of(feature) == properties_of(features["list"]), reading
        assert feature["geometry"]["coordinates"] == pytest.approx(list(BOGURA), abs=1e-6), reading


def test_the_list_the_detail_and_an_ogc_item_are_one_record(client, loom):
    features = readings(client, loom)

    assert_same_everywhere(features, PUBLIC_COLUMNS)
    properties = properties_of(features["list"])
    # What drift 1 was: the list had the division's names and no ``created``, the detail the other way.
    assert properties["division_name_en"] == "Rajshahi" and properties["division_name_bn"] == "রাজশাহী"
    assert properties["created"] and properties["updated"]
    assert not set(Enterprise.PERSONAL_FIELDS) & set(features["detail"]["properties"])


def test_with_view_personal_every_reading_adds_the_owner(client, loom, officer):
    features = readings(client, loom)

    assert_same_everywhere(features, {**PUBLIC_COLUMNS, **PERSONAL_COLUMNS})
    assert {name: features["list"]["properties"][name] for name in PERSONAL} == PERSONAL


def test_only_the_detail_adds_the_public_page(client, loom):
    features = readings(client, loom)

    assert set(features["detail"]["properties"]) - set(features["list"]["properties"]) == set(DETAIL_ONLY)
    assert features["detail"]["properties"]["page"] is None  # no storefront


def test_the_csv_export_has_the_contract_columns(client, loom, officer):
    response = client.get("/api/v1/enterprises/export.csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(text)))
    assert [name for name in header if name not in ("lon", "lat", "longitude", "latitude")] == list(
        {**PUBLIC_COLUMNS, **PERSONAL_COLUMNS}
    )


def test_the_tiles_carry_the_contract_tile_columns_and_nothing_personal(client, loom, officer):
    z, x, y = tile_of(*BOGURA, 14)
    response = client.get(f"/tiles/enterprises/{z}/{x}/{y}.pbf")
    (point,) = mapbox_vector_tile.decode(response.content)["enterprises"]["features"]
    (listed,) = get(client, "/api/v1/enterprises/")["features"]

    assert set(point["properties"]) == set(TILE_COLUMNS)
    assert point["properties"] == {"id": loom.pk} | {
        name: listed["properties"][name] for name in TILE_COLUMNS if name != "id"
    }
    assert not set(TILE_COLUMNS) & set(PERSONAL_COLUMNS)


def test_the_serializer_fields_are_the_contract():
    fields = [name for name in EnterpriseSerializer.Meta.fields if name != "location"]  # drf-gis adds it
    assert fields == [*PUBLIC_COLUMNS, *PERSONAL_COLUMNS, *DETAIL_ONLY]


@pytest.mark.parametrize("microsecond", [0, 100, 120_000, 123_456])
def test_the_detail_spells_a_timestamp_as_postgresql_does_in_the_list(microsecond):
    moment = datetime(2026, 3, 1, 10, 5, 7, microsecond, tzinfo=ZoneInfo("Asia/Dhaka"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_jsonb(%s::timestamptz)::text", [moment])
        (written,) = cursor.fetchone()
    assert DateTimeAsPostgres().to_representation(moment) == json.loads(written)
