"""The statistics endpoint: one GROUP BY under the list's filters, small groups suppressed for anonymous
callers, and a district choropleth built in PostGIS."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import api_key_for, located_enterprises

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"
FIGURES = ("count", "workers_male", "workers_female", "workers_total", "investment_bdt")


@pytest.fixture
def enterprises():
    """Bogura: 3 small (2010), 1 micro (2015). Naogaon: 2 small (2010), 3 medium (2015)."""
    located_enterprises([BOGURA_TOWN] * 3, size_class="small", year_established=2010, isic_section="C")
    located_enterprises(
        [BOGURA_TOWN],
        size_class="micro",
        year_established=2015,
        workers_male=1,
        workers_female=1,
        workers_total=2,
        investment_bdt=100_000,
    )
    located_enterprises([NAOGAON_TOWN] * 2, size_class="small", year_established=2010, kind="service")
    located_enterprises(
        [NAOGAON_TOWN] * 3,
        size_class="medium",
        year_established=2015,
        workers_male=40,
        workers_female=20,
        workers_total=60,
        investment_bdt=50_000_000,
    )


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("officer", is_staff=True))
    return client


def get(client, **params) -> dict:
    response = client.get(URL, params)
    assert response.status_code == 200, response.content.decode()[:2000]
    return json.loads(response.content)


def figures(row: dict) -> tuple:
    return tuple(row[name] for name in FIGURES)


def test_grouping_by_district_and_size_counts_and_sums(staff, enterprises):
    data = get(staff, by="district,size")

    assert data["by"] == ["district", "size"]
    assert [(g["district_code"], g["size_class"], *figures(g)) for g in data["groups"]] == [
        ("10", "micro", 1, 1, 1, 2, 100_000),
        ("10", "small", 3, 9, 6, 15, 1_500_000),
        ("64", "small", 2, 6, 4, 10, 1_000_000),
        ("64", "medium", 3, 120, 60, 180, 150_000_000),
    ]
    bogura = data["groups"][0]
    assert (bogura["district_name_en"], bogura["district_name_bn"]) == ("Bogura", "বগুড়া")
    assert figures(data["total"]) == (9, 136, 71, 207, 152_600_000)
    assert not any(g["suppressed"] for g in data["groups"])
    assert data["suppressed_below"] is None  # nothing is hidden from staff


def test_grouping_by_year(client, enterprises):
    data = get(client, by="year")

    assert [(g["year_established"], *figures(g)) for g in data["groups"]] == [
        (2010, 5, 15, 10, 25, 2_500_000),
        (2015, 4, 121, 61, 182, 150_100_000),
    ]


def test_areas_carry_code_and_both_names_and_sector_the_section(staff, enterprises, bogura_sadar):
    division = get(staff, by="division")["groups"]
    assert [(g["division_code"], g["division_name_en"], g["count"]) for g in division] == [
        ("50", "Rajshahi", 9)
    ]
    assert division[0]["division_name_bn"] == "রাজশাহী"

    upazilas = get(staff, by="upazila,kind", district="Bogura")["groups"]
    assert [(g["upazila_name_en"], g["kind"], g["count"]) for g in upazilas] == [
        ("Bogura Sadar", "manufacturing", 4)
    ]
    assert upazilas[0]["upazila_code"] == bogura_sadar.geocode  # upazila codes repeat across districts

    sectors = get(staff, by="sector")["groups"]
    assert [(g["isic_section"], g["count"]) for g in sectors] == [("", 6), ("C", 3)]


def test_the_filters_of_the_list_apply(staff, enterprises):
    small = get(staff, by="district", size="small")
    assert [(g["district_name_en"], g["count"]) for g in small["groups"]] == [("Bogura", 3), ("Naogaon", 2)]
    assert small["total"]["count"] == 5

    naogaon = get(staff, by="size", district="নওগাঁ", year_min="2011")
    assert [(g["size_class"], g["count"]) for g in naogaon["groups"]] == [("medium", 3)]


def test_without_by_there_is_one_total_row(client, enterprises):
    data = get(client)

    assert data["by"] == [] and data["groups"] == [data["total"]]
    assert figures(data["total"]) == (9, 136, 71, 207, 152_600_000)


def test_nothing_matched_is_a_zero_total(client, enterprises):
    data = get(client, by="district", size="large")

    assert data["groups"] == [] and figures(data["total"]) == (0, 0, 0, 0, 0)
    assert data["total"]["suppressed"] is False


def test_small_groups_are_suppressed_for_anonymous_callers(client, enterprises):
    data = get(client, by="district,size")

    rows = {(g["district_code"], g["size_class"]): g for g in data["groups"]}
    for small_group in (rows["10", "micro"], rows["64", "small"]):
        assert figures(small_group) == (None,) * 5 and small_group["suppressed"] is True
    assert figures(rows["10", "small"]) == (3, 9, 6, 15, 1_500_000)
    assert rows["10", "small"]["suppressed"] is False
    assert rows["10", "micro"]["district_name_en"] == "Bogura"  # the keys stay
    # The total is over everything matched, not only the groups shown.
    assert figures(data["total"]) == (9, 136, 71, 207, 152_600_000)
    assert data["suppressed_below"] == 3


def test_a_total_below_the_threshold_is_suppressed_too(client, enterprises):
    data = get(client, size="micro")

    assert figures(data["total"]) == (None,) * 5 and data["total"]["suppressed"] is True


def test_the_threshold_is_a_setting(client, enterprises, settings):
    settings.API_SUPPRESS_BELOW = 4
    data = get(client, by="district,size")

    assert [g["count"] for g in data["groups"]] == [None, None, None, None]
    assert data["suppressed_below"] == 4


def test_users_with_view_personal_see_small_groups_and_other_users_do_not(
    client, enterprises, django_user_model
):
    user = django_user_model.objects.create_user("ministry")
    auth = {"HTTP_AUTHORIZATION": f"Token {api_key_for(user)}"}

    hidden = json.loads(client.get(URL, {"by": "size"}, **auth).content)
    assert hidden["groups"][0] == {"size_class": "micro", **dict.fromkeys(FIGURES), "suppressed": True}

    user.user_permissions.add(Permission.objects.get(codename="view_personal"))
    seen = json.loads(client.get(URL, {"by": "size"}, **auth).content)
    assert figures(seen["groups"][0]) == (1, 1, 1, 2, 100_000) and seen["groups"][0]["suppressed"] is False


def test_a_district_choropleth_has_every_district_with_its_figures(client, enterprises):
    response = client.get(URL, {"by": "district", "format": "geojson"})

    assert response.status_code == 200, response.content[:500]  # DRF's ?format= must not 404 it
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(response.content)
    assert data["type"] == "FeatureCollection" and len(data["features"]) == 64
    by_name = {f["properties"]["district_name_en"]: f for f in data["features"]}
    assert figures(by_name["Bogura"]["properties"]) == (4, 10, 7, 17, 1_600_000)
    assert figures(by_name["Naogaon"]["properties"]) == (5, 126, 64, 190, 151_000_000)
    assert figures(by_name["Dhaka"]["properties"]) == (0, 0, 0, 0, 0)
    assert sum(f["properties"]["count"] for f in data["features"]) == 9
    bogura = by_name["Bogura"]
    assert (bogura["properties"]["district_code"], bogura["properties"]["district_name_bn"]) == ("10", "বগুড়া")
    assert figures(data["total"]) == (9, 136, 71, 207, 152_600_000)
    for feature in data["features"]:
        geometry = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
        assert geometry.geom_type == "MultiPolygon" and geometry.valid and not geometry.empty


def test_a_choropleth_suppresses_small_areas_for_anonymous_callers(client, enterprises):
    data = json.loads(client.get(URL, {"by": "district", "format": "geojson", "size": "micro"}).content)

    by_name = {f["properties"]["district_name_en"]: f["properties"] for f in data["features"]}
    assert figures(by_name["Bogura"]) == (None,) * 5 and by_name["Bogura"]["suppressed"] is True
    assert by_name["Naogaon"]["count"] == 0 and by_name["Naogaon"]["suppressed"] is False


def test_choropleths_of_divisions_and_upazilas(client, enterprises):
    divisions = json.loads(client.get(URL, {"by": "division", "format": "geojson"}).content)
    assert len(divisions["features"]) == 8
    rajshahi = next(f for f in divisions["features"] if f["properties"]["division_code"] == "50")
    assert rajshahi["properties"]["count"] == 9

    upazilas = json.loads(client.get(URL, {"by": "upazila", "format": "geojson"}).content)
    assert len(upazilas["features"]) == 507
    assert sum(f["properties"]["count"] or 0 for f in upazilas["features"]) == 9


@pytest.mark.parametrize(("level", "metres"), [("division", "500"), ("district", "200")])
def test_a_simplified_choropleth_is_much_smaller_with_the_same_areas_and_figures(
    client, enterprises, level, metres
):
    full = client.get(URL, {"by": level, "format": "geojson"})
    simplified = client.get(URL, {"by": level, "format": "geojson", "simplify": metres})

    assert simplified.status_code == 200 and simplified["Content-Type"] == "application/geo+json"
    assert len(simplified.content) < len(full.content) / 3
    full_data, simplified_data = json.loads(full.content), json.loads(simplified.content)

    def areas(data):
        return [(f["id"], f["properties"]) for f in data["features"]]

    assert areas(simplified_data) == areas(full_data)
    assert simplified_data["total"] == full_data["total"]
    for feature in simplified_data["features"]:
        geometry = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
        assert geometry.geom_type == "MultiPolygon" and geometry.valid and not geometry.empty


@pytest.mark.parametrize("simplify", ["-1", "much", "nan", "inf"])
def test_a_bad_simplify_is_a_400_naming_it(client, simplify):
    response = client.get(URL, {"by": "district", "format": "geojson", "simplify": simplify})

    assert response.status_code == 400
    assert "simplify" in json.loads(response.content)


@pytest.mark.parametrize(
    "params",
    [
        {"by": "district,size", "format": "geojson"},
        {"by": "size", "format": "geojson"},
        {"format": "geojson"},
        {"format": "xml"},
    ],
)
def test_a_choropleth_needs_one_area_level_and_a_known_format(client, params):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert "format" in json.loads(response.content)


def test_an_unknown_by_is_a_400_naming_the_valid_values(client):
    response = client.get(URL, {"by": "district,colour"})

    assert response.status_code == 400
    message = json.loads(response.content)["by"][0]
    assert "colour" in message and "division, district, upazila, size, sector, kind, year" in message


def test_an_unknown_district_is_a_400(client):
    response = client.get(URL, {"by": "size", "district": "Atlantis"})

    assert response.status_code == 400
    assert "Bogura (10)" in " ".join(json.loads(response.content)["district"])


def figure_queries(client, **params) -> list[str]:
    """The statements a stats request ran that add up enterprises: not the data version's, nor the
    cache's (a database cache is queries too)."""
    with CaptureQueriesContext(connection) as captured:
        get(client, **params)
    return [q["sql"] for q in captured.captured_queries if "sum(" in q["sql"].lower()]


def test_a_request_is_one_query(client, enterprises, settings):
    settings.API_STATS_CACHE_SECONDS = 0
    params = {"by": "district,size", "district": "Bogura,Naogaon", "size": "small,micro"}
    get(client, **params)  # loads the name resolver, which is then cached for the process

    assert len(figure_queries(client, **params)) == 1
    assert len(figure_queries(client, by="district", format="geojson", district="Bogura")) == 1
    assert len(figure_queries(client, by="division", format="geojson", simplify="500")) == 1
    assert len(get(client, **params)["groups"]) == 3


@pytest.mark.parametrize("params", [{}, {"by": "district,size"}, {"by": "district", "format": "geojson"}])
def test_figures_are_added_up_once_per_version_of_the_data(client, enterprises, settings, params):
    settings.API_STATS_CACHE_SECONDS = 60
    first = client.get(URL, params).content
    assert figure_queries(client, **params) == []  # from the cache
    assert figure_queries(client, **params, unrelated="x") == []  # other parameters change nothing
    assert client.get(URL, params).content == first

    located_enterprises([BOGURA_TOWN], size_class="small")  # moves max(id): a new version
    assert len(figure_queries(client, **params)) == 1
    again = client.get(URL, params).content
    assert again != first


def test_a_cached_answer_keeps_suppression_apart(client, enterprises, settings, django_user_model):
    settings.API_STATS_CACHE_SECONDS = 60
    anonymous = get(client, by="district,size")
    client.force_login(django_user_model.objects.create_user("officer", is_staff=True))
    staff = get(client, by="district,size")
    assert anonymous["suppressed_below"] == 3 and staff["suppressed_below"] is None
    assert any(group["suppressed"] for group in anonymous["groups"])
    assert not any(group["suppressed"] for group in staff["groups"])


def test_after_a_change_of_data_the_worker_makes_the_national_maps_first_statistics(client, enterprises):
    """The map's first render asks for three national GROUP BYs (seconds at a million enterprises): after
    a change of data the task worker makes them for the new version, once for any number of changes, so
    that the first visitor after an import finds them in the cache."""
    from django_tasks_db.models import DBTaskResult

    from api.tasks import MAP_FIRST_RENDER, warm_map_statistics
    from api.tiles import tiles_invalidate

    warm = DBTaskResult.objects.filter(task_path="api.tasks.warm_map_statistics")
    located_enterprises([NAOGAON_TOWN], size_class="medium")
    tiles_invalidate()
    tiles_invalidate()
    assert warm.count() == 1
    assert warm_map_statistics.call() == 3

    for query in MAP_FIRST_RENDER:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"{URL}?{query}")
        assert response.status_code == 200
        assert not [q for q in queries.captured_queries if "GROUP BY" in q["sql"]], query
    by_size = {g["size_class"]: g["count"] for g in get(client, by="size")["groups"]}
    assert by_size["medium"] == 4  # the new data's figures (three before), not the old version's

    tiles_invalidate()  # a change after the task ran queues it again
    assert warm.count() == 2
