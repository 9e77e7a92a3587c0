"""The XLSX export's worksheet XML, written by PostgreSQL (api.exports.xlsx.row_xml): each kind of value as
Excel should hold it, text that cannot break the XML, the columns of the other tables, and a zip Excel opens
(no ZIP64 entry, no shared strings)."""

import csv
import io
import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime

import openpyxl
import pytest
from django.db.utils import OperationalError
from django.utils import timezone

from api.exports import xlsx
from api.exports.base import export_columns
from industries.models import Enterprise
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import located_enterprises

from .test_exports import body

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/export.{}"


def workbook(client, **params) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(body(client.get(URL.format("xlsx"), params))))


def cells(client, **params) -> list[dict]:
    """The first sheet's rows as dicts of cells by header name."""
    header, *rows = workbook(client, **params)["enterprises"].iter_rows()
    names = [cell.value for cell in header]
    return [dict(zip(names, row, strict=True)) for row in rows]


def test_each_kind_of_value_is_a_cell_of_its_type(client):
    (made,) = located_enterprises(
        [BOGURA_TOWN],
        name_en="Karatoya Handloom",
        workers_male=3,
        investment_bdt=9_007_199_254,
        district_mismatch=False,
        is_synthetic=True,
    )
    moment = datetime(2026, 3, 1, 4, 30, 17, tzinfo=UTC)
    Enterprise.objects.filter(pk=made.pk).update(created=moment, updated=moment)

    (row,) = cells(client)
    assert (row["id"].value, row["id"].data_type) == (made.pk, "n")
    assert (row["workers_male"].value, row["investment_bdt"].value) == (3, 9_007_199_254)
    assert row["district_mismatch"].value is False and row["is_synthetic"].value is True
    assert row["district_mismatch"].data_type == "b"
    assert (row["lon"].value, row["lat"].value) == pytest.approx((BOGURA_TOWN.x, BOGURA_TOWN.y), abs=1e-12)
    assert row["lon"].data_type == "n"
    # Dhaka time without a zone, to the second, shown as such.
    assert row["updated"].value == row["created"].value == datetime(2026, 3, 1, 10, 30, 17)
    assert row["updated"].number_format == "yyyy\\-mm\\-dd\\ hh:mm:ss"
    assert row["name_en"].value == "Karatoya Handloom" and row["division_name_en"].value == "Rajshahi"
    assert row["name_bn"].data_type == "s"


def test_a_time_of_now_comes_back_to_the_microsecond_as_excel_holds_it(client):
    (made,) = located_enterprises([BOGURA_TOWN])
    (row,) = cells(client)
    local = timezone.localtime(Enterprise.objects.get(pk=made.pk).updated).replace(tzinfo=None)
    assert abs(row["updated"].value - local).total_seconds() < 0.001  # a double of days: ~1 µs apart


def test_empty_values_are_empty_cells_and_the_next_cells_keep_their_columns(client):
    located_enterprises(
        [BOGURA_TOWN], name_bn="", product="", registration_no=None, year_established=None, product_bn="চাল"
    )
    (row,) = cells(client)
    assert row["name_bn"].value is None and row["product"].value is None  # "" as XlsxWriter wrote it
    assert row["registration_no"].value is None
    assert row["year_established"].value is None
    assert row["product_bn"].value == "চাল"  # not shifted into the empty cells' columns


def test_text_that_is_xml_markup_or_spaced_or_long_comes_back_as_typed(client):
    """Text past Excel's 32,767 characters a cell is cut there, and the row's next cells are kept:
    XlsxWriter's write_row, used before, stopped at such a text and the rest of the row was lost."""
    texts = {
        "name_en": "<b>Rahim & Sons</b> ]]> &amp;",
        "product": "  two spaces each side  ",
        "product_bn": "line one\nline two\ttab",
        "address": "ক" * 40_000,
    }
    located_enterprises([BOGURA_TOWN], **texts)
    (row,) = cells(client)
    assert {name: row[name].value for name in texts} == {
        **texts,
        "address": "ক" * xlsx.CELL_CHARS_MAX,  # Excel's limit a cell
    }


def test_only_text_with_white_space_at_an_end_is_marked_to_keep_it(client):
    located_enterprises([BOGURA_TOWN], name_en="Karatoya Handloom", product=" rice", product_bn="চাল\n")
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(URL.format("xlsx")))))
    sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert '<t xml:space="preserve"> rice</t>' in sheet and '<t xml:space="preserve">চাল\n</t>' in sheet
    assert "<t>Karatoya Handloom</t>" in sheet


def test_characters_xml_cannot_hold_are_removed_from_text(client):
    """Control characters and U+FFFE/U+FFFF are not XML 1.0 characters: the writer before removed the
    control characters only, and XlsxWriter wrote U+FFFE as the text "_xFFFE_"."""
    located_enterprises([BOGURA_TOWN], name_en="bell\x07 tab\t form\x0c\x1f end\ufffe\uffff.", address="\x01")
    (row,) = cells(client)
    assert row["name_en"].value == "bell tab\t form end."
    assert row["address"].value is None  # nothing left


def test_the_columns_and_their_names_are_the_csvs_also_with_owners_and_distance(client, officer):
    located_enterprises([BOGURA_TOWN, (89.3710, 24.8470), NAOGAON_TOWN], owner_name="Rahima Begum")
    params = {"near": f"{BOGURA_TOWN.x},{BOGURA_TOWN.y}", "radius": 5_000}

    csv_rows = list(csv.reader(io.StringIO(body(client.get(URL.format("csv"), params)).decode("utf-8-sig"))))
    sheet = workbook(client, **params)["enterprises"]
    xlsx_rows = list(sheet.iter_rows(values_only=True))

    assert list(xlsx_rows[0]) == csv_rows[0]
    assert {"owner_name", "lon", "lat", "distance_m"} <= set(csv_rows[0])
    distance = csv_rows[0].index("distance_m")
    assert [row[distance] for row in xlsx_rows[1:]] == [float(row[distance]) for row in csv_rows[1:]]
    assert xlsx_rows[1][distance] == 0 and 0 < xlsx_rows[2][distance] < 5_000  # metres, nearest first
    assert [row[0] for row in xlsx_rows[1:]] == [int(row[0]) for row in csv_rows[1:]]


def test_the_zip_has_no_zip64_entry_and_no_shared_strings(client):
    located_enterprises([BOGURA_TOWN])
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(URL.format("xlsx")))))
    names = archive.namelist()
    assert "xl/worksheets/sheet1.xml" in names and "xl/sharedStrings.xml" not in names
    assert {info.extract_version for info in archive.infolist()} == {20}  # ZIP64 would be 45
    assert archive.testzip() is None


def test_a_sheet_also_ends_before_its_xml_outgrows_a_zip_entry(client, monkeypatch):
    """Past 2 GiB a sheet's entry would need ZIP64, which Excel takes for a damaged file: a byte limit a
    sheet (here small enough for one row) starts a new sheet early, and the notes say where rows went."""
    located_enterprises([BOGURA_TOWN, NAOGAON_TOWN, BOGURA_TOWN])
    monkeypatch.setattr(xlsx, "SHEET_BYTES_MAX", 4_000)
    book = workbook(client)
    assert book.sheetnames == ["enterprises", "enterprises (2)", "enterprises (3)", "notes"]
    assert [sheet.max_row for sheet in book.worksheets[:3]] == [2, 2, 2]
    assert all(sheet["A1"].value == "id" for sheet in book.worksheets[:3])


def test_an_error_while_rows_are_read_is_the_error_raised(tmp_path, monkeypatch):
    """Not the zip's "open writing handle" error: the sheet open when the rows stopped is closed first."""
    monkeypatch.setattr(xlsx, "CHUNK_ROWS", 2)
    table = export_columns({"id": "id"}, lonlat=False, by_distance=False)

    def rows():
        for number in range(5):
            yield (f'<c r="A{xlsx.ROW_MARK}"><v>{number}</v></c>',)
        raise OperationalError("canceling statement due to statement timeout")

    with pytest.raises(OperationalError, match="statement timeout"):
        xlsx.XlsxWriter().write(tmp_path / "cut.xlsx", rows(), table)


def test_rows_are_deflated_in_order_on_one_thread(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "CHUNK_ROWS", 3)
    monkeypatch.setattr(xlsx, "XLSX_MAX_ROWS", 10)
    table = export_columns({"id": "id"}, lonlat=False, by_distance=False)
    rows = ((f'<c r="A{xlsx.ROW_MARK}"><v>{number}</v></c>',) for number in range(25))
    xlsx.XlsxWriter().write(tmp_path / "many.xlsx", rows, table)

    book = openpyxl.load_workbook(tmp_path / "many.xlsx")
    assert book.sheetnames[-1] == "notes"
    values = [
        row[0] for sheet in book.worksheets[:-1] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert values == list(range(25))


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_reads_every_sheet_as_written(client, monkeypatch, tmp_path):
    """A second reader than openpyxl: LibreOffice converts each sheet to CSV, notes included."""
    texts = {"name_en": '=HYPERLINK("x") & <b>', "product": "  spaced  ", "product_bn": "চাল\x07"}
    located_enterprises([BOGURA_TOWN, NAOGAON_TOWN], **texts)
    monkeypatch.setattr(xlsx, "XLSX_MAX_ROWS", 1)
    (tmp_path / "export.xlsx").write_bytes(body(client.get(URL.format("xlsx"))))

    every_sheet = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"  # not the user's own
    command = ["soffice", "--headless", profile, "--convert-to", every_sheet, "--outdir", str(tmp_path)]
    subprocess.run(
        [*command, str(tmp_path / "export.xlsx")],
        check=True,
        capture_output=True,
        timeout=180,
    )
    sheets = {
        name: list(csv.DictReader((tmp_path / f"export-{name}.csv").open(encoding="utf-8")))
        for name in ("enterprises", "enterprises (2)")
    }
    rows = [row for sheet in sheets.values() for row in sheet]
    assert len(rows) == 2 and all(len(sheet) == 1 for sheet in sheets.values())
    assert {name: rows[0][name] for name in texts} == {**texts, "product_bn": "চাল"}
    assert rows[0]["workers_male"] == "3" and rows[0]["is_synthetic"] in ("FALSE", "TRUE")
    assert re.fullmatch(r"20\d\d-\d\d-\d\d \d\d:\d\d:\d\d", rows[0]["updated"])
    assert float(rows[1]["lon"]) == pytest.approx(NAOGAON_TOWN.x)
    notes = (tmp_path / "export-notes.csv").read_text(encoding="utf-8")
    assert "This export has 2 rows" in notes and "২টি সারি আছে" in notes
