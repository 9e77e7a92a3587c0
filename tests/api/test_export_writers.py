"""The export writers behind ``api.exports.WRITERS``: the registry is what the endpoint, its schema and the
API root offer; a writer class is all a new format needs; and the guarantees of the shared path hold for
every writer (the first rows read before a streamed response starts, the pgBouncer fallback, Excel's row
limit, times with their offsets)."""

import csv
import io
import json
import tempfile
from datetime import UTC, datetime

import openpyxl
import psycopg
import pyogrio
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.exports import WRITERS, xlsx
from api.exports.base import WKB, FileWriter, StreamWriter
from industries.locate import locate_enterprises
from industries.models import Enterprise
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import EnterpriseFactory

from .test_exports import body

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/export.{}"
UPDATED = datetime(2026, 3, 1, 4, 30, tzinfo=UTC)  # 10:30 in Dhaka


@pytest.fixture
def enterprises() -> list[Enterprise]:
    made = [
        EnterpriseFactory(name_en="Karatoya Handloom", location=BOGURA_TOWN),
        EnterpriseFactory(name_en="Naogaon Pottery", location=NAOGAON_TOWN),
        EnterpriseFactory(name_en="Atrai Rice Mill", location=NAOGAON_TOWN),
    ]
    locate_enterprises(ids=[enterprise.pk for enterprise in made])
    Enterprise.objects.filter(pk__in=[enterprise.pk for enterprise in made]).update(updated=UPDATED)
    return made


# The registry is the one list of formats


def test_the_schema_offers_the_registry_formats_and_their_media_types(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/enterprises/export.{fmt}"]["get"]
    (fmt,) = [parameter for parameter in operation["parameters"] if parameter["name"] == "fmt"]

    assert fmt["schema"]["enum"] == sorted(WRITERS)  # drf-spectacular sorts an enum
    assert set(operation["responses"]["200"]["content"]) == {
        writer.media_type.split(";")[0] for writer in WRITERS.values()
    }


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_each_registry_format_is_answered_with_its_media_type(client, fmt):
    response = client.get(URL.format(fmt))
    body(response)
    assert response["Content-Type"] == WRITERS[fmt].media_type
    assert response["Content-Disposition"].endswith(f'.{fmt}"')


def test_an_unknown_format_lists_the_registry_formats(client):
    response = client.get(URL.format("shp"))
    assert response.status_code == 404
    assert response.json()["detail"].endswith(f"Formats: {', '.join(WRITERS)}.")


def test_the_api_root_names_every_format(client):
    links = client.get("/api/v1/", HTTP_ACCEPT="application/json").json()["links"]
    (export,) = [link for link in links if link["rel"] == "enterprise-export"]
    assert all(fmt in export["title"] for fmt in WRITERS)


# A new format is one writer class


class TsvWriter(StreamWriter):
    format = "tsv"
    media_type = "text/tab-separated-values; charset=utf-8"

    def chunks(self, rows, table):
        yield ("\t".join(column.name for column in table) + "\n").encode()
        for row in rows:
            yield ("\t".join(map(str, row)) + "\n").encode()


class HexWkbWriter(FileWriter):
    format = "wkbhex"
    media_type = "text/plain; charset=utf-8"
    point = WKB

    def write(self, path, rows, table):
        with path.open("w") as file:
            for row in rows:
                file.write(f"{row[0]} {bytes(row[-1]).hex()}\n")


@pytest.fixture
def new_formats(monkeypatch):
    monkeypatch.setitem(WRITERS, "tsv", TsvWriter)
    monkeypatch.setitem(WRITERS, "wkbhex", HexWkbWriter)


def test_a_streamed_writer_is_all_a_new_format_needs(client, enterprises, new_formats):
    response = client.get(URL.format("tsv"), {"district": "Naogaon"})
    header, *rows = body(response).decode().splitlines()

    assert response["Content-Type"] == TsvWriter.media_type
    assert response["Content-Disposition"].startswith('attachment; filename="enterprises_district-Naogaon_')
    assert response["Content-Disposition"].endswith('.tsv"')
    columns = header.split("\t")
    assert columns[:2] == ["id", "name_en"] and columns[-2:] == ["lon", "lat"]
    assert "owner_name" not in columns  # the caller's columns, as in every format
    assert sorted(row.split("\t")[1] for row in rows) == ["Atrai Rice Mill", "Naogaon Pottery"]


def test_a_file_writer_is_all_a_new_format_needs(client, enterprises, new_formats, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    response = client.get(URL.format("wkbhex"), {"district": "Bogura"})
    (line,) = body(response).decode().splitlines()

    pk, wkb = line.split()
    assert int(pk) == enterprises[0].pk
    assert bytes.fromhex(wkb) == bytes(BOGURA_TOWN.wkb)  # the point, after the columns
    assert list(tmp_path.iterdir()) == []


# The shared path's guarantees, for every writer


@pytest.fixture
def enterprise_table_locked(settings):
    """Statements on the enterprise table wait on another connection's lock, past the export's timeout."""
    settings.EXPORT_STATEMENT_TIMEOUT = "300ms"
    holder = psycopg.connect(**connection.get_connection_params())  # a connection of its own, as Django's
    holder.execute("SET lock_timeout = '5s'")
    holder.execute("LOCK TABLE industries_enterprise IN ACCESS EXCLUSIVE MODE")
    yield
    holder.rollback()
    holder.close()


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_a_query_cancelled_at_the_export_timeout_is_a_503_not_a_file_cut_short(
    client, enterprise_table_locked, fmt
):
    response = client.get(URL.format(fmt))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_behind_pgbouncer_an_export_reads_without_a_server_side_cursor(client, enterprises, fmt, monkeypatch):
    monkeypatch.setitem(connection.settings_dict, "DISABLE_SERVER_SIDE_CURSORS", True)
    with CaptureQueriesContext(connection) as queries:
        body(client.get(URL.format(fmt)))
    statements = [query["sql"] for query in queries.captured_queries]
    assert any("industries_enterprise" in sql for sql in statements)
    assert not [sql for sql in statements if sql.startswith("DECLARE")]


def test_without_pgbouncer_an_export_reads_from_a_server_side_cursor(client, enterprises):
    with CaptureQueriesContext(connection) as queries:
        body(client.get(URL.format("geojson")))
    assert [query for query in queries.captured_queries if query["sql"].startswith("DECLARE")]


def test_an_xlsx_export_goes_on_to_another_sheet_past_the_row_limit(client, enterprises, monkeypatch):
    monkeypatch.setattr(xlsx, "XLSX_MAX_ROWS", 2)
    response = client.get(URL.format("xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))

    assert workbook.sheetnames == ["enterprises", "enterprises (2)", "notes"]
    *data, notes = workbook.worksheets
    sizes = [sheet.max_row for sheet in data]
    assert sizes == [3, 2]  # each sheet its header, then up to the limit
    assert all(sheet.freeze_panes == "A2" and sheet["A1"].value == "id" for sheet in data)
    assert [data[0].cell(row, 2).value for row in (2, 3)] + [data[1]["B2"].value] == [
        "Karatoya Handloom",
        "Naogaon Pottery",
        "Atrai Rice Mill",
    ]
    # The reader is told, in English and Bangla, on the sheet Excel opens on, and the client in headers.
    assert workbook.active.title == "notes"
    english, bangla, _ = (row[0] for row in notes.iter_rows(values_only=True))
    assert "This export has 3 rows" in english and "at most 3 rows" in english
    assert "on the sheets enterprises, enterprises (2)" in english
    assert "৩টি সারি আছে" in bangla and "সর্বোচ্চ ২টি সারি" in bangla
    assert (response["X-Export-Rows"], response["X-Export-Sheets"]) == ("3", "2")


def test_an_xlsx_export_of_one_sheet_has_no_notes(client, enterprises):
    response = client.get(URL.format("xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames == ["enterprises"] and workbook.active.title == "enterprises"
    assert (response["X-Export-Rows"], response["X-Export-Sheets"]) == ("3", "1")


def test_times_are_dhaka_time_in_tables_and_utc_with_its_offset_in_the_geopackage(
    client, enterprises, tmp_path
):
    (row, *_) = csv.DictReader(io.StringIO(body(client.get(URL.format("csv"))).decode("utf-8-sig")))
    assert row["updated"] == "2026-03-01T10:30:00+06:00"

    sheet = openpyxl.load_workbook(io.BytesIO(body(client.get(URL.format("xlsx")))))["enterprises"]
    column = [cell.value for cell in sheet[1]].index("updated") + 1
    assert sheet.cell(row=2, column=column).value == datetime(2026, 3, 1, 10, 30)  # Excel has no zones

    path = tmp_path / "export.gpkg"
    path.write_bytes(body(client.get(URL.format("gpkg"))))
    frame = pyogrio.read_dataframe(path, layer="enterprises", datetime_as_string=True)
    assert set(frame["updated"]) == {"2026-03-01T04:30:00Z"}  # GDAL read the UTC flag

    (feature, *_) = json.loads(body(client.get(URL.format("geojson"))))["features"]
    assert datetime.fromisoformat(feature["properties"]["updated"]) == UPDATED


def test_xlsx_keeps_survey_text_as_text(client):
    """Spreadsheet writers make "=…" a formula, "1e5" a number and an address a hyperlink (XlsxWriter by
    default); survey text must come back as it was typed, less the control characters XML cannot hold."""
    texts = {"name_en": '=HYPERLINK("x")', "address": "https://bscic.gov.bd/x", "product": "1e5\x07 bell"}
    (made,) = [EnterpriseFactory(location=BOGURA_TOWN, **texts)]
    locate_enterprises(ids=[made.pk])

    sheet = openpyxl.load_workbook(io.BytesIO(body(client.get(URL.format("xlsx")))))["enterprises"]
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}

    assert {name: row[name].value for name in texts} == {**texts, "product": "1e5 bell"}
    assert all(row[name].data_type == "s" and row[name].hyperlink is None for name in texts)
    assert sheet.max_row == 2
