"""Each data-quality check on enterprises made to have its fault, beside ones that have not."""

from datetime import date

import pytest
from django.contrib.gis.geos import Point, Polygon
from django.core.files.base import ContentFile
from django.db import connection

from industries.bangla import name_key
from industries.models import District, Upazila
from quality.models import Check, QualityFlag, WaterBody
from quality.reasons import reason
from quality.services import quality_run
from surveys.models import SurveyRound
from surveys.services import import_batch_create, import_batch_run
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db


def found(check: str) -> dict[int, QualityFlag]:
    """The latest run's flags of one check, by enterprise (pairs: by (enterprise, other))."""
    run = quality_run()
    flags = QualityFlag.objects.filter(run=run, check_name=check)
    return {(f.enterprise_id if f.other_id is None else (f.enterprise_id, f.other_id)): f for f in flags}


def named(name_en: str = "", name_bn: str = "") -> dict:
    """Names with their match keys, as every writer sets them (Enterprise.clean, the importer)."""
    return {
        "name_en": name_en,
        "name_bn": name_bn,
        "name_en_key": name_key(name_en),
        "name_bn_key": name_key(name_bn),
    }


def district(name: str) -> District:
    return District.objects.get(name_en=name)


def offset(point: Point, metres_east: float = 0, metres_north: float = 0) -> Point:
    return Point(point.x + metres_east / 101_000, point.y + metres_north / 111_320, srid=4326)


def test_a_location_outside_the_stated_district_is_flagged_with_both_districts():
    (wrong,) = located_enterprises([BOGURA_TOWN], stated_district=district("Rajshahi"))
    (_right,) = located_enterprises([BOGURA_TOWN], stated_district=district("Bogura"))
    flags = found(Check.OUTSIDE_DISTRICT)
    assert set(flags) == {wrong.pk}
    details = flags[wrong.pk].details
    assert (details["stated"], details["located"]) == ("Rajshahi", "Bogura")
    assert details["metres"] > 10_000  # Bogura town is tens of km from Rajshahi district
    words = reason(Check.OUTSIDE_DISTRICT, details)
    assert "Bogura" in words["en"] and "Rajshahi" in words["en"] and "রাজশাহী" in words["bn"]


def test_a_location_in_another_upazila_of_the_stated_district_is_flagged():
    (here,) = located_enterprises([BOGURA_TOWN])
    elsewhere = Upazila.objects.filter(district=here.district).exclude(pk=here.upazila_id).first()
    (wrong,) = located_enterprises([BOGURA_TOWN], stated_district=here.district, stated_upazila=elsewhere)
    (_right,) = located_enterprises([BOGURA_TOWN], stated_district=here.district, stated_upazila=here.upazila)
    flags = found(Check.OUTSIDE_UPAZILA)
    assert set(flags) == {wrong.pk}
    assert flags[wrong.pk].details["stated"] == elsewhere.name_en


def test_enterprises_at_exactly_one_point_are_flagged_from_three_on(settings):
    settings.QUALITY_SHARED_POINT_MIN = 3
    three = located_enterprises([NAOGAON_TOWN] * 3)
    two = located_enterprises([BOGURA_TOWN] * 2)
    one_metre_apart = located_enterprises([offset(BOGURA_TOWN, 500), offset(BOGURA_TOWN, 501)])
    flags = found(Check.SHARED_POINT)
    assert set(flags) == {e.pk for e in three}
    assert {f.details["count"] for f in flags.values()} == {3}
    assert not {e.pk for e in two + one_metre_apart} & set(flags)


def test_a_point_on_a_district_boundary_line_is_flagged_but_not_one_on_the_coast(settings):
    settings.QUALITY_BOUNDARY_METRES = 10
    with connection.cursor() as cursor:
        # A point of the line Bogura shares with Naogaon; a point of Cox's Bazar's coast, far from any
        # other district.
        cursor.execute(
            """
            SELECT ST_AsText(ST_LineInterpolatePoint(ST_GeometryN(ST_LineMerge(
                       ST_Intersection(ST_Boundary(a.geom), ST_Boundary(b.geom))), 1), 0.5))
            FROM industries_district a, industries_district b
            WHERE a.name_en = 'Bogura' AND b.name_en = 'Naogaon'
            """
        )
        shared = Point.from_ewkt(f"SRID=4326;{cursor.fetchone()[0]}")
        cursor.execute(
            """
            SELECT ST_AsText(p) FROM (
                SELECT ST_LineInterpolatePoint(ST_GeometryN(ST_Boundary(c.geom), 1), f / 50.0) AS p
                FROM industries_district c, generate_series(0, 49) f WHERE c.name_en = 'Cox''s Bazar'
            ) points
            WHERE NOT EXISTS (SELECT FROM industries_district o
                              WHERE o.name_en <> 'Cox''s Bazar' AND ST_DWithin(o.geom, p, 0.05))
            LIMIT 1
            """
        )
        coast = Point.from_ewkt(f"SRID=4326;{cursor.fetchone()[0]}")
    near = located_enterprises([offset(shared, 4, 3)])
    inland = located_enterprises([offset(shared, 300, 300), offset(shared, -300, -300)])
    coastal = located_enterprises([coast])
    flags = found(Check.ON_BOUNDARY)
    assert set(flags) == {near[0].pk}
    assert flags[near[0].pk].details["other"] in {"Bogura", "Naogaon"}
    assert flags[near[0].pk].details["metres"] <= 10
    assert not {e.pk for e in inland + coastal} & set(flags)


def test_a_point_in_a_water_body_is_flagged_with_its_name():
    lon, lat = BOGURA_TOWN.x + 0.05, BOGURA_TOWN.y
    WaterBody.objects.create(
        name="Karatoya", geom=Polygon.from_bbox((lon - 0.001, lat - 0.01, lon + 0.001, lat + 0.01))
    )
    (wet,) = located_enterprises([Point(lon, lat, srid=4326)])
    (_dry,) = located_enterprises([Point(lon + 0.003, lat, srid=4326)])
    flags = found(Check.IN_WATER)
    assert set(flags) == {wet.pk}
    assert "Karatoya" in reason(Check.IN_WATER, flags[wet.pk].details)["en"]


def test_without_water_bodies_nothing_is_in_water():
    located_enterprises([BOGURA_TOWN])
    assert found(Check.IN_WATER) == {}


def test_similar_names_near_each_other_are_a_pair_of_suspected_duplicates(settings):
    settings.QUALITY_DUPLICATE_METRES = 200
    (rahim,) = located_enterprises([BOGURA_TOWN], **named("Rahim Textiles", ""))
    (spelt,) = located_enterprises([offset(BOGURA_TOWN, 30)], **named("Rahim Textile Mills", ""))
    (bangla,) = located_enterprises([offset(BOGURA_TOWN, 2000)], **named("", "করিম মেটাল ওয়ার্কস"))
    (bangla2,) = located_enterprises([offset(BOGURA_TOWN, 2050)], **named("", "করিম মেটাল ওয়ার্কস "))
    located_enterprises([offset(BOGURA_TOWN, 60)], **named("Shapla Bakery", ""))
    located_enterprises([offset(BOGURA_TOWN, 5000)], **named("Rahim Textiles", ""))  # too far
    flags = found(Check.SIMILAR_NAME)
    assert set(flags) == {
        (rahim.pk, spelt.pk),
        (spelt.pk, rahim.pk),
        (bangla.pk, bangla2.pk),
        (bangla2.pk, bangla.pk),
    }
    pair = flags[(rahim.pk, spelt.pk)]
    assert 25 <= pair.details["metres"] <= 35 and 0.5 <= pair.details["alike"] < 1
    assert flags[(bangla.pk, bangla2.pk)].details["alike"] == 1  # the same name once normalised
    assert flags[(bangla.pk, bangla2.pk)].score > pair.score
    assert f"#{spelt.pk}" in reason(Check.SIMILAR_NAME, pair.details, spelt.pk)["en"]


def test_the_same_owner_nid_or_phone_under_other_names(settings):
    settings.QUALITY_SAME_OWNER_MAX_PAIRS = 5
    points = [offset(BOGURA_TOWN, 1000 * n) for n in range(12)]
    (a,) = located_enterprises(points[:1], **named("Rahim Textiles"), owner_nid="1234567890")
    (b,) = located_enterprises(points[1:2], **named("Karim Agro"), owner_nid="1234567890")
    (c,) = located_enterprises(points[2:3], **named("Shapla Bakery"), owner_phone="+8801711000000")
    (d,) = located_enterprises(points[3:4], **named("Jaba Tailors"), owner_phone="+8801711000000")
    crowd = located_enterprises(points[4:11], owner_phone="+8801999999999")  # an enumerator's own phone
    (alone,) = located_enterprises(points[11:], owner_nid="9876543210", owner_phone="+8801811111111")
    flags = found(Check.SAME_OWNER)
    assert {(a.pk, b.pk), (b.pk, a.pk), (c.pk, d.pk), (d.pk, c.pk)} <= set(flags)
    assert flags[(a.pk, b.pk)].details["by"] == "nid" and flags[(c.pk, d.pk)].details["by"] == "phone"
    assert flags[(a.pk, b.pk)].score > flags[(c.pk, d.pk)].score  # an NID is surer than a phone
    assert {e.pk for e in crowd} <= set(flags)  # one flag each, not 21 pairs
    assert {flags[e.pk].details["count"] for e in crowd} == {7}
    assert len(flags) == 4 + 7
    assert alone.pk not in flags
    words = reason(Check.SAME_OWNER, flags[crowd[0].pk].details)
    assert "7" in words["en"] and "৭" in words["bn"]
    # The value itself is never kept with the finding.
    assert "1234567890" not in str([f.details for f in flags.values()])


def test_figures_far_from_their_sector_and_size_are_flagged_by_robust_statistics(settings):
    settings.QUALITY_OUTLIER_MIN_GROUP = 30
    settings.QUALITY_OUTLIER_Z = 3.5
    usual = dict(isic_section="C", size_class="micro", workers_male=None, workers_female=None)
    typical = [
        located_enterprises(
            [BOGURA_TOWN], workers_total=10 + n % 9, investment_bdt=1_000_000 + 50_000 * n, **usual
        )[0]
        for n in range(40)
    ]
    (crowded,) = located_enterprises([BOGURA_TOWN], workers_total=900, investment_bdt=1_200_000, **usual)
    (rich,) = located_enterprises([BOGURA_TOWN], workers_total=12, investment_bdt=900_000_000, **usual)
    # A group too small for statistics: nothing in it is flagged, however odd.
    located_enterprises(
        [BOGURA_TOWN] * 5,
        workers_total=3,
        investment_bdt=10_000,
        isic_section="G",
        size_class="micro",
        workers_male=None,
        workers_female=None,
    )
    (odd_small_group,) = located_enterprises(
        [BOGURA_TOWN],
        workers_total=5000,
        isic_section="G",
        size_class="micro",
        workers_male=None,
        workers_female=None,
    )
    workers, investment = found(Check.WORKERS_OUTLIER), found(Check.INVESTMENT_OUTLIER)
    assert set(workers) == {crowded.pk}
    assert set(investment) == {rich.pk}
    details = workers[crowded.pk].details
    assert details["value"] == 900 and 10 <= details["typical"] <= 18 and details["z"] > 3.5
    assert not {e.pk for e in typical} & (set(workers) | set(investment))
    assert odd_small_group.pk not in workers


def test_a_stated_size_class_that_differs_from_the_computed_one():
    (differs,) = located_enterprises([BOGURA_TOWN], size_class="micro", stated_size_class="medium")
    located_enterprises([BOGURA_TOWN], size_class="micro", stated_size_class="micro")
    located_enterprises([BOGURA_TOWN], size_class="micro")  # the source stated none
    flags = found(Check.SIZE_CLASS_DIFFERS)
    assert set(flags) == {differs.pk}
    assert reason(Check.SIZE_CLASS_DIFFERS, flags[differs.pk].details)["en"] == (
        "The source says medium; its figures make it micro."
    )


def test_a_year_established_in_the_future_or_before_1900():
    future, ancient = (located_enterprises([BOGURA_TOWN], year_established=y)[0] for y in (2099, 1850))
    located_enterprises([BOGURA_TOWN], year_established=1990)
    located_enterprises([BOGURA_TOWN], year_established=date.today().year)
    assert set(found(Check.YEAR_IMPLAUSIBLE)) == {future.pk, ancient.pk}


def test_an_enterprise_last_surveyed_long_ago_is_stale(settings):
    settings.QUALITY_STALE_YEARS = 5
    old = SurveyRound.objects.create(
        name="Census 2013", period_start=date(2013, 1, 1), period_end=date(2013, 6, 30)
    )
    recent = SurveyRound.objects.create(
        name="Survey last year", period_end=date(date.today().year - 1, 6, 30)
    )
    for survey_round, name, lon in ((old, "Old Looms", "89.3697"), (recent, "New Looms", "89.3797")):
        batch = import_batch_create(
            survey_round=survey_round,
            file=ContentFile(f"name_en,latitude,longitude\n{name},24.8465,{lon}\n".encode(), name="s.csv"),
        )
        import_batch_run(batch=batch)
    (created_now,) = located_enterprises([NAOGAON_TOWN])
    flags = found(Check.STALE)
    stale = {f.enterprise.name_en for f in flags.values()}
    assert stale == {"Old Looms"}
    assert next(iter(flags.values())).details["last_seen"] == "2013-06-30"
    assert created_now.pk not in flags


def test_water_bodies_load_from_a_gis_file_in_another_crs(tmp_path):
    import geopandas
    from shapely.geometry import box

    from quality.services import water_bodies_load

    lon, lat = BOGURA_TOWN.x + 0.05, BOGURA_TOWN.y
    river = geopandas.GeoDataFrame(
        {"name": ["Karatoya"], "geometry": [box(lon - 0.001, lat - 0.01, lon + 0.001, lat + 0.01)]}, crs=4326
    ).to_crs(32646)  # UTM 46N, as a survey office's file might be
    path = tmp_path / "rivers.gpkg"
    river.to_file(path)
    assert water_bodies_load(path=path, source="test rivers") >= 1
    assert water_bodies_load(path=path, source="test rivers") >= 1  # again: replaced, not doubled
    assert WaterBody.objects.filter(source="test rivers").count() == 1
    (wet,) = located_enterprises([Point(lon, lat, srid=4326)])
    assert set(found(Check.IN_WATER)) == {wet.pk}


def test_a_file_that_is_no_gis_file_is_refused_in_both_languages(tmp_path):
    from quality.services import UnreadableWater, water_bodies_load

    path = tmp_path / "rivers.gpkg"
    path.write_text("not a geopackage")
    with pytest.raises(UnreadableWater) as refused:
        water_bodies_load(path=path, source="x")
    assert "rivers.gpkg" in refused.value.message and "জলাশয়" in refused.value.message_bangla
