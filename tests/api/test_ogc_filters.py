"""OGC API – Features as GIS clients are given it: the URL without its slash, the page size they read from
the API definition, the queryables and CQL2 filters of Part 3, numberMatched they can trust, and API keys
sent as Basic credentials."""

import base64
import json

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from api.tasks import count_layer
from api.tiles import tiles_invalidate
from industries.models import Enterprise
from tests.api.test_ogc import ITEMS, get, ids, link
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import api_key_for, located_enterprises

pytestmark = pytest.mark.django_db


@pytest.fixture
def places():
    (loom,) = located_enterprises(
        [BOGURA_TOWN],
        name_en="Karatoya Handloom",
        size_class="small",
        workers_male=8,
        workers_female=4,
        workers_total=12,
        product="Lungi",
        owner_phone="+8801711234567",
    )
    (bakery,) = located_enterprises(
        [Point(89.3710, 24.8470, srid=4326)],
        name_en="Bogura Bakery",
        size_class="micro",
        workers_male=2,
        workers_female=2,
        workers_total=4,
        product="Bread",
    )
    (pottery,) = located_enterprises(
        [NAOGAON_TOWN],
        name_en="Naogaon Pottery",
        size_class="cottage",
        workers_male=None,
        workers_female=None,
        workers_total=None,
        product="Clay pots",
    )
    return {"loom": loom, "bakery": bakery, "pottery": pottery}


def filtered(client, expression: str, **params) -> list:
    return ids(get(client, ITEMS, filter=expression, **params))


def error(client, url: str, **params) -> dict:
    response = client.get(url, params)
    assert response.status_code == 400, response.content.decode()[:500]
    return json.loads(response.content)


# --- URLs without the slash -------------------------------------------------------------------------------


def test_ogc_without_its_slash_is_the_landing_page_not_a_redirect(client):
    response = client.get("/ogc")
    assert response.status_code == 200
    assert json.loads(response.content) == json.loads(client.get("/ogc/").content)


@pytest.mark.parametrize("path", ["/api/v1/divisions", "/api/v1/enterprises", "/admin"])
def test_every_other_redirect_to_the_slash_is_absolute(client, path):
    """QGIS 3.22 cannot follow a relative Location ('Protocol "" is unknown')."""
    response = client.get(path, {"geometry": "false"})
    assert response.status_code == 301
    assert response["Location"] == f"http://testserver{path}/?geometry=false"


# --- page size and numberMatched --------------------------------------------------------------------------


def test_items_pages_by_the_ogc_page_size_unless_asked(client, places, settings):
    settings.OGC_PAGE_SIZE = 2
    assert get(client, ITEMS)["numberReturned"] == 2
    assert get(client, ITEMS, limit=3)["numberReturned"] == 3
    assert get(client, "/ogc/collections/divisions/items")["numberReturned"] == 2


def test_a_layers_first_page_is_counted_at_once_up_to_the_cheap_limit_and_later_pages_not(client, places):
    """QGIS takes a first page's numberMatched as the layer's feature count, and without one counts at
    most 1,000 features itself."""
    with CaptureQueriesContext(connection) as queries:
        first = get(client, ITEMS, limit=1)
    assert first["numberMatched"] == 3
    assert [q for q in queries.captured_queries if ") AS matched" in q["sql"]]
    second = get(client, link(first, "next"))
    assert "numberMatched" not in second and second["numberReturned"] == 1
    assert not DBTaskResult.objects.exists()


def test_a_larger_layers_count_is_left_to_the_worker_and_served_to_the_next_first_page(
    client, places, settings
):
    """A layer's count may read millions of rows: the request does not wait for it. The task worker
    counts it once per query and data version, and the next first page of the layer has it."""
    settings.API_EXACT_COUNT_LIMIT = 1  # three enterprises count as many
    first = get(client, ITEMS, limit=1)
    assert "numberMatched" not in first and first["numberReturned"] == 1
    with CaptureQueriesContext(connection) as queries:
        assert "numberMatched" not in get(client, ITEMS, limit=1)
    assert not [q for q in queries.captured_queries if "EXPLAIN" in q["sql"]]  # known to be queued: no plan
    (queued,) = DBTaskResult.objects.filter(task_path="api.tasks.count_layer")  # queued once, not twice
    assert count_layer.call(*queued.args_kwargs["args"]) == 3  # what the worker runs

    with CaptureQueriesContext(connection) as queries:
        counted = get(client, ITEMS, limit=1)
    assert counted["numberMatched"] == 3
    assert not [q for q in queries.captured_queries if ") AS matched" in q["sql"]]  # from the cache
    assert "numberMatched" not in get(client, link(counted, "next"))

    located_enterprises([BOGURA_TOWN])
    tiles_invalidate()  # new data: the old count is not served
    assert "numberMatched" not in get(client, ITEMS, limit=1)
    definition = json.loads(client.get("/ogc/api").content)  # what QGIS and GDAL read says so
    assert "numberMatched" in definition["paths"]["/collections/enterprises/items"]["get"]["description"]
    newer = DBTaskResult.objects.filter(task_path="api.tasks.count_layer").exclude(pk=queued.pk).get()
    settings.OGC_EXACT_COUNT_LIMIT = 3  # the worker counts up to this many: four are more
    assert count_layer.call(*newer.args_kwargs["args"]) is None
    assert "numberMatched" not in get(client, ITEMS, limit=1)


# --- queryables -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", ["enterprises", "divisions", "districts", "upazilas"])
def test_each_collection_links_its_queryables_as_json_schema(client, collection):
    described = get(client, f"/ogc/collections/{collection}")
    url = link(described, "http://www.opengis.net/def/rel/ogc/1.0/queryables")
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/schema+json"
    schema = json.loads(response.content)
    assert schema["type"] == "object" and schema["$id"] == url
    assert {"name_en", "name_bn"} <= set(schema["properties"])


def test_enterprise_queryables_are_typed_public_properties_and_never_personal(client, places):
    properties = get(client, "/ogc/collections/enterprises/queryables")["properties"]
    feature = get(client, f"{ITEMS}/{places['loom'].pk}")
    assert set(properties) == set(feature["properties"])
    assert not set(Enterprise.PERSONAL_FIELDS) & set(properties)
    assert properties["workers_total"]["type"] == "integer"
    assert properties["district_mismatch"]["type"] == "boolean"
    assert properties["updated"] == {"title": "updated", "type": "string", "format": "date-time"}
    assert properties["size_class"]["enum"] == ["cottage", "micro", "small", "medium", "large"]


def test_districts_queryables_hold_the_parent_code(client):
    properties = get(client, "/ogc/collections/districts/queryables")["properties"]
    assert properties["division_code"]["type"] == "string"
    assert properties["area_km2"]["type"] == "number"


# --- queryables as parameters -----------------------------------------------------------------------------


def test_a_queryable_as_a_parameter_is_an_equality(client, places):
    assert ids(get(client, ITEMS, size_class="small")) == [places["loom"].pk]
    assert ids(get(client, ITEMS, workers_total="4")) == [places["bakery"].pk]
    assert ids(get(client, ITEMS, district_code="10", product="Bread")) == [places["bakery"].pk]
    assert get(client, ITEMS, district_mismatch="true")["numberReturned"] == 0


def test_the_api_definition_lists_queryables_as_parameters_gis_clients_push_down(client):
    """GDAL (and QGIS after 3.22) send ``name=value`` for a parameter of this form instead of filtering
    what they downloaded."""
    definition = json.loads(client.get("/ogc/api").content)
    parameters = definition["paths"]["/collections/enterprises/items"]["get"]["parameters"]
    size_class = next(p for p in parameters if p.get("name") == "size_class")
    assert (size_class["in"], size_class["style"], size_class["explode"]) == ("query", "form", False)
    names = [p.get("name") for p in parameters]
    assert names.count("kind") == 1  # the API's own filter, not twice
    assert "owner_phone" not in names


@pytest.mark.parametrize(
    ("params", "parameter", "words"),
    [
        ({"workers_total": "many"}, "workers_total", "whole number"),
        ({"district_mismatch": "perhaps"}, "district_mismatch", "true or false"),
        ({"size_class": "huge"}, "size_class", "not one of"),
        ({"updated": "yesterday"}, "updated", "date-time"),
        ({"owner_phone": "+8801711234567"}, "owner_phone", "Not a parameter"),
    ],
)
def test_a_bad_queryable_parameter_is_a_400_that_says_why(client, places, params, parameter, words):
    body = error(client, ITEMS, **params)
    assert words in json.dumps(body[parameter])


# --- CQL2 text --------------------------------------------------------------------------------------------


def test_cql2_comparisons_and_logic(client, places):
    loom, bakery, pottery = places["loom"].pk, places["bakery"].pk, places["pottery"].pk
    assert filtered(client, "size_class = 'small'") == [loom]
    assert filtered(client, "\"size_class\" <> 'small'") == [bakery, pottery]
    assert filtered(client, "workers_total >= 5") == [loom]
    assert filtered(client, "5 > workers_total") == [bakery]
    assert filtered(client, "workers_total IS NULL") == [pottery]
    assert filtered(client, "workers_total IS NOT NULL AND district_code = '10'") == [loom, bakery]
    assert filtered(client, "size_class = 'cottage' OR (workers_total < 10 AND product = 'Bread')") == [
        bakery,
        pottery,
    ]
    assert filtered(client, "NOT (district_code = '10')") == [pottery]
    assert filtered(client, "district_mismatch = FALSE and size_class = 'micro'") == [bakery]


def test_cql2_like_between_and_in(client, places):
    loom, bakery, pottery = places["loom"].pk, places["bakery"].pk, places["pottery"].pk
    assert filtered(client, "name_en LIKE 'Bogura%'") == [bakery]
    assert filtered(client, "name_en LIKE '%Pott_ry'") == [pottery]
    assert filtered(client, "name_en NOT LIKE '%a%'") == []
    assert filtered(client, "product LIKE 'Clay%' OR name_en LIKE '50\\%'") == [pottery]
    assert filtered(client, "workers_total BETWEEN 4 AND 12") == [loom, bakery]
    assert filtered(client, "workers_total NOT BETWEEN 5 AND 100") == [bakery]
    assert filtered(client, "size_class IN ('small', 'cottage')") == [loom, pottery]
    assert filtered(client, "district_code NOT IN ('10')") == [pottery]


def test_cql2_timestamps_and_the_api_filters_together(client, places):
    everything = [places["loom"].pk, places["bakery"].pk, places["pottery"].pk]
    assert filtered(client, "updated > TIMESTAMP('2000-01-01T00:00:00Z')") == everything
    assert filtered(client, "updated < DATE('2000-01-01')") == []
    assert filtered(client, "workers_total > 1", district="Bogura", size="micro") == [places["bakery"].pk]


def test_a_filter_counts_what_it_matches(client, places):
    page = get(client, ITEMS, filter="district_code = '10'", limit=1)
    assert page["numberMatched"] == 2
    assert "filter=district_code" in link(page, "next")


def test_admin_collections_take_filters_too(client):
    names = [
        f["properties"]["name_en"]
        for f in get(client, "/ogc/collections/districts/items", filter="name_en LIKE 'Bo%'")["features"]
    ]
    assert names == ["Bogura"]
    rajshahi = get(client, "/ogc/collections/districts/items", division_code="50")
    assert rajshahi["numberMatched"] == 8


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("owner_phone = '+8801711234567'", "not a queryable"),
        ("size_class = 3", "text in single quotes"),
        ("workers_total > 'ten'", "whole number"),
        ("workers_total > 99999999999999999999", "whole number"),
        ("size_class =", "ends too early"),
        ("size_class = 'small' AND", "ends too early"),
        ("(size_class = 'small'", "expected )"),
        ("size_class = 'small')", "unexpected"),
        ("size_class == 'small'", "expected a value"),
        ("size_class 'small'", "expected a comparison"),
        ("workers_total = workers_male", "another property"),
        ("workers_total LIKE '1%'", "LIKE"),
        ("S_INTERSECTS(location, POINT(89 24))", "expected a comparison"),
        ("name_en = 'x' ; DROP TABLE", "cannot be read"),
        ("size_class = 'giant'", "not one of"),
        ("updated > TIMESTAMP('soon')", "date-time"),
        ("(" * 40 + "size_class = 'small'" + ")" * 40, "deeper"),
        ("name_en = '" + "x" * 5000 + "'", "at most"),
    ],
)
def test_a_bad_filter_is_a_400_in_english_and_bangla(client, places, expression, words):
    message = error(client, ITEMS, filter=expression)["filter"]
    assert words in message
    bangla = message.split(" / ", 1)[1]
    assert any("\u0980" <= char <= "\u09ff" for char in bangla)


def test_other_filter_languages_and_crs_are_refused(client, places):
    assert "cql2-text" in json.dumps(error(client, ITEMS, filter="{}", **{"filter-lang": "cql2-json"}))
    body = error(client, ITEMS, filter="size_class = 'small'", **{"filter-crs": "EPSG:3857"})
    assert "filter-crs" in body


# --- keys from GIS clients --------------------------------------------------------------------------------


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_an_api_key_as_the_basic_password_carries_its_permissions(client, places):
    ministry = User.objects.create_user("ministry", password="not-the-key")
    ministry.user_permissions.add(Permission.objects.get(codename="view_personal"))
    key = api_key_for(ministry)
    url = f"{ITEMS}/{places['loom'].pk}"

    feature = json.loads(client.get(url, HTTP_AUTHORIZATION=basic("key", key)).content)
    assert feature["properties"]["owner_phone"] == "+8801711234567"

    # An account's own password is not an API key.
    assert client.get(url, HTTP_AUTHORIZATION=basic("ministry", "not-the-key")).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Basic !!!").status_code == 401
    assert "owner_phone" not in json.loads(client.get(url).content)["properties"]
