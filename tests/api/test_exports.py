"""Exports of a filtered query as CSV, XLSX, GeoJSON and GeoPackage: the filtered rows, the caller's
columns, a filename that says what was filtered, streaming bodies and temporary files that do not stay."""

import csv
import io
import json
import tempfile

import openpyxl
import pyogrio
import pytest
from django.contrib.gis.geos import Point
from django.http import FileResponse, StreamingHttpResponse

from industries.models import Enterprise
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db

FORMATS = ("csv", "xlsx", "geojson", "gpkg")
PERSONAL = {"owner_name", "owner_phone", "owner_nid"}


def url(fmt: str) -> str:
    return f"/api/v1/enterprises/export.{fmt}"


@pytest.fixture
def places() -> dict[str, Enterprise]:
    owner = {"owner_name": "Rahima Begum", "owner_phone": "+8801711234567", "owner_nid": "1234567890"}
    (bogura_small,) = located_enterprises(
        [BOGURA_TOWN], name_en="Karatoya Handloom", size_class="small", **owner
    )
    (bogura_micro,) = located_enterprises(
        [Point(89.3710, 24.8470, srid=4326)],
        name_en="Bogura Bakery",
        name_bn="বগুড়া বেকারি",
        size_class="micro",
        year_established=2011,
    )
    (naogaon,) = located_enterprises([NAOGAON_TOWN], name_en="Naogaon Pottery", size_class="small")
    return {"bogura_small": bogura_small, "bogura_micro": bogura_micro, "naogaon": naogaon}


def body(response) -> bytes:
    assert response.status_code == 200, response.content.decode()[:2000]
    return b"".join(response.streaming_content)


def read_rows(fmt: str, data: bytes, tmp_path) -> list[dict]:
    """The exported rows read back with each format's ordinary reader, as dicts by column name."""
    if fmt == "csv":
        assert data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
        return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["enterprises"]
        header, *rows = sheet.iter_rows(values_only=True)
        return [dict(zip(header, row, strict=True)) for row in rows]
    if fmt == "geojson":
        collection = json.loads(data)
        assert collection["type"] == "FeatureCollection"
        return [
            {"id": f["id"], "coordinates": f["geometry"]["coordinates"], **f["properties"]}
            for f in collection["features"]
        ]
    path = tmp_path / "export.gpkg"
    path.write_bytes(data)
    assert [list(layer) for layer in pyogrio.list_layers(path)] == [["enterprises", "Point"]]
    frame = pyogrio.read_dataframe(path, layer="enterprises")
    fields = dict(zip(*(pyogrio.read_info(path)[key] for key in ("fields", "dtypes")), strict=True))
    assert (fields["year_established"], fields["district_mismatch"]) == ("int64", "bool")
    assert frame.crs.to_epsg() == 4326
    return [
        {**row, "coordinates": [geometry.x, geometry.y]}
        for row, geometry in zip(
            frame.drop(columns="geometry").to_dict("records"), frame.geometry, strict=True
        )
    ]


def export(client, fmt: str, tmp_path, **params) -> list[dict]:
    return read_rows(fmt, body(client.get(url(fmt), params)), tmp_path)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_export_holds_the_filtered_rows_without_personal_data(client, places, fmt, tmp_path):
    rows = export(client, fmt, tmp_path, district="Bogura")

    assert sorted(int(row["id"]) for row in rows) == sorted(
        [places["bogura_small"].pk, places["bogura_micro"].pk]
    )
    columns = set(rows[0])
    assert {
        "name_en",
        "name_bn",
        "district_name_en",
        "upazila_code",
        "size_class",
        "workers_total",
    } <= columns
    assert not columns & PERSONAL
    assert {row["district_name_en"] for row in rows} == {"Bogura"}
    bakery = next(row for row in rows if row["name_en"] == "Bogura Bakery")
    assert bakery["name_bn"] == "বগুড়া বেকারি"
    assert int(bakery["year_established"]) == 2011  # pandas reads a GeoPackage integer with nulls as float


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_officer_with_view_personal_gets_owners_in_every_format(client, places, officer, fmt, tmp_path):
    rows = export(client, fmt, tmp_path, district="Bogura", size="small")

    assert len(rows) == 1
    assert set(rows[0]) >= PERSONAL
    assert rows[0]["owner_name"] == "Rahima Begum"
    assert rows[0]["owner_phone"] == "+8801711234567"  # not mistaken for a formula


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_tables_carry_lon_and_lat(client, places, fmt, tmp_path):
    (row,) = export(client, fmt, tmp_path, district="Naogaon")
    assert (float(row["lon"]), float(row["lat"])) == pytest.approx((NAOGAON_TOWN.x, NAOGAON_TOWN.y))


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_maps_carry_points_in_wgs84(client, places, fmt, tmp_path):
    (row,) = export(client, fmt, tmp_path, district="Naogaon")
    assert row["coordinates"] == pytest.approx([NAOGAON_TOWN.x, NAOGAON_TOWN.y])


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_filename_says_what_was_filtered_and_when(client, places, fmt):
    response = client.get(url(fmt), {"district": "বগুড়া", "size": "small"})
    body(response)

    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="enterprises_district-Bogura_size-small_20')
    assert disposition.endswith(f'.{fmt}"')


def test_bangla_free_text_in_the_filename_is_kept_in_the_utf8_name(client, places):
    response = client.get(url("csv"), {"q": "তাঁত"})
    body(response)

    disposition = response["Content-Disposition"]
    assert 'filename="enterprises_q_20' in disposition
    assert "filename*=UTF-8''enterprises_q-%E0%A6%A4" in disposition


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_unknown_filter_value_is_a_400(client, places, fmt):
    response = client.get(url(fmt), {"district": "Atlantis"})
    assert response.status_code == 400
    assert "district" in response.json()


def test_an_unknown_format_is_a_404_that_lists_the_formats(client):
    response = client.get(url("pdf"))
    assert response.status_code == 404
    assert "csv, xlsx, geojson, gpkg" in response.json()["detail"]


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_csv_and_geojson_are_streamed(client, places, fmt):
    response = client.get(url(fmt))
    assert isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse)
    body(response)


@pytest.mark.parametrize("fmt", ["xlsx", "gpkg"])
def test_files_are_sent_from_a_temporary_file_that_does_not_stay(client, places, fmt, tmp_path, monkeypatch):
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    response = client.get(url(fmt))
    assert isinstance(response, FileResponse)
    assert len(read_rows(fmt, body(response), tmp_path)) == 3
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_empty_result_is_a_file_with_its_columns(client, places, fmt, tmp_path):
    data = body(client.get(url(fmt), {"district": "Bogura", "year_min": 2100}))
    if fmt == "csv":
        assert data.decode("utf-8-sig").startswith("id,name_en,")
        assert read_rows(fmt, data, tmp_path) == []
    elif fmt == "gpkg":
        (tmp_path / "empty.gpkg").write_bytes(data)
        assert "name_en" in list(pyogrio.read_info(tmp_path / "empty.gpkg", layer="enterprises")["fields"])
    else:
        assert read_rows(fmt, data, tmp_path) == []


def test_near_adds_the_distance_and_orders_by_it(client, places, tmp_path):
    rows = export(client, "csv", tmp_path, near="89.3710,24.8470", radius=1000)

    assert [int(row["id"]) for row in rows] == [places["bogura_micro"].pk, places["bogura_small"].pk]
    assert float(rows[0]["distance_m"]) == pytest.approx(0, abs=0.1)
    assert 100 < float(rows[1]["distance_m"]) < 200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_text_that_looks_like_a_formula_stays_text(client, fmt, tmp_path):
    located_enterprises([BOGURA_TOWN], name_en='=HYPERLINK("http://example.com","x")')

    (row,) = export(client, fmt, tmp_path)
    expected = {"csv": "'=HYPERLINK", "xlsx": "=HYPERLINK"}[fmt]
    assert row["name_en"].startswith(expected)
    if fmt == "xlsx":  # stored as text, not as a formula Excel would run
        data = body(client.get(url(fmt)))
        cell = openpyxl.load_workbook(io.BytesIO(data))["enterprises"]["B2"]
        assert cell.data_type == "s"
