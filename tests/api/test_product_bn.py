"""The Bangla product (``product_bn``) beside the English one, so that the map's popup in Bangla can show
it: in the enterprise record the popup reads, the list, every export, OGC items, q= search and writes.
Tiles stay without it (tests/api/test_tiles.py pins their few properties)."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import Point

from api.selectors import PUBLIC_COLUMNS
from api.serializers import EnterpriseSerializer
from industries.models import Enterprise
from tests.factories import EnterpriseFactory, located_enterprises

from .test_exports import FORMATS, export

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"
ITEMS = "/ogc/collections/enterprises/items"
BOGURA = Point(89.3697, 24.8465, srid=4326)


@pytest.fixture
def saree() -> Enterprise:
    (enterprise,) = located_enterprises(
        [BOGURA.coords], name_en="Karatoya Handloom", product="Handloom saree", product_bn="তাঁতের শাড়ি"
    )
    return enterprise


def get(client, url, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return json.loads(response.content)


def test_the_column_comes_right_after_the_english_product_in_every_reading():
    columns = list(PUBLIC_COLUMNS)
    assert columns.index("product_bn") == columns.index("product") + 1
    fields = EnterpriseSerializer.Meta.fields
    assert fields.index("product_bn") == fields.index("product") + 1


def test_the_record_the_map_popup_reads_has_the_bangla_product(client, saree):
    properties = get(client, f"{URL}{saree.pk}/")["properties"]
    assert (properties["product"], properties["product_bn"]) == ("Handloom saree", "তাঁতের শাড়ি")


def test_the_list_and_ogc_items_have_it(client, saree):
    (feature,) = get(client, URL)["features"]
    assert feature["properties"]["product_bn"] == "তাঁতের শাড়ি"
    (item,) = get(client, ITEMS)["features"]
    assert item["properties"]["product_bn"] == "তাঁতের শাড়ি"
    assert [f["id"] for f in get(client, ITEMS, product_bn="তাঁতের শাড়ি")["features"]] == [saree.pk]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_format_has_it(client, saree, fmt, tmp_path):
    (row,) = export(client, fmt, tmp_path)
    assert row["product_bn"] == "তাঁতের শাড়ি"


def test_q_finds_the_bangla_product(client, saree):
    EnterpriseFactory(name_en="Barind Bakery", location=BOGURA, product="Bread", product_bn="পাউরুটি")
    assert [f["id"] for f in get(client, URL, q="শাড়ি")["features"]] == [saree.pk]


def test_an_api_write_sets_the_bangla_product(client, django_user_model):
    user = django_user_model.objects.create_user("editor", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_enterprise", "change_enterprise"])
    )
    client.force_login(user)
    body = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [89.3697, 24.8465]},
        "properties": {"name_en": "Karatoya Handloom", "product": "Handloom saree", "product_bn": "তাঁতের শাড়ি"},
    }
    created = client.post(URL, body, content_type="application/json")
    assert created.status_code == 201, created.content.decode()
    enterprise = Enterprise.objects.get(pk=json.loads(created.content)["id"])
    assert (enterprise.product, enterprise.product_bn) == ("Handloom saree", "তাঁতের শাড়ি")

    patched = client.patch(f"{URL}{enterprise.pk}/", {"product_bn": "জামদানি"}, content_type="application/json")
    assert patched.status_code == 200, patched.content.decode()
    enterprise.refresh_from_db()
    assert (enterprise.product, enterprise.product_bn) == ("Handloom saree", "জামদানি")
