"""The survey file readers: every format, encoding and kind of broken file. No database needed."""

import datetime
import os
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pytest
from shapely.geometry import LineString, Point

from surveys.exceptions import (
    EmptyFile,
    FileTooLarge,
    SuspiciousArchive,
    UnknownFormat,
    UnreadableFile,
    WrongEncoding,
)
from surveys.readers import KOBO_METADATA_COLUMNS, READERS, RawTable, read_table

MB = 1024 * 1024
LIMITS = {"max_bytes": 50 * MB, "max_unpacked_bytes": 100 * MB}


def read(path: Path, **limits) -> RawTable:
    return read_table(path, **(LIMITS | limits))


def rows(table: RawTable) -> list[list[str]]:
    return table.frame.to_numpy().tolist()


def write_xlsx(path: Path, sheet_rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in sheet_rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_registry_has_every_format():
    assert set(READERS) == {"csv", "xlsx", "geojson", "gpkg", "shapefile", "kobo-csv", "kobo-xlsx"}
    assert {"_id", "_uuid", "meta/instanceID", "_attachments", "__version__"} <= KOBO_METADATA_COLUMNS


# --- CSV ----------------------------------------------------------------------------------------------------


def test_csv_utf8(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("name,phone,bbs_code\nRahim Bakery,01712345678,10\nKarim Metal,01812345678,0612\n")
    table = read(path)
    assert table.format == "csv"
    assert list(table.frame.columns) == ["name", "phone", "bbs_code"]
    assert rows(table) == [["Rahim Bakery", "01712345678", "10"], ["Karim Metal", "01812345678", "0612"]]
    assert list(table.line_numbers) == [2, 3]
    assert all(isinstance(cell, str) for row in rows(table) for cell in row)


def test_csv_utf8_with_bom_keeps_first_header_clean(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes("\ufeffname,upazila\nরহিম বেকারি,বগুড়া সদর\n".encode())
    table = read(path)
    assert list(table.frame.columns) == ["name", "upazila"]
    assert rows(table) == [["রহিম বেকারি", "বগুড়া সদর"]]


def test_csv_utf16_tab_separated_as_excel_writes_it(tmp_path):
    path = tmp_path / "unicode.txt"
    text = "প্রতিষ্ঠানের নাম\tমোবাইল\tজেলা\r\nরহিম বেকারি\t০১৭১২৩৪৫৬৭৮\tবগুড়া\r\nKarim, Metal\t01812345678\tBogura\r\n"
    path.write_bytes(text.encode("utf-16"))  # with a BOM, little-endian, as Excel's "Unicode Text"
    table = read(path)
    assert table.format == "csv"
    assert list(table.frame.columns) == ["প্রতিষ্ঠানের নাম", "মোবাইল", "জেলা"]
    assert rows(table) == [["রহিম বেকারি", "০১৭১২৩৪৫৬৭৮", "বগুড়া"], ["Karim, Metal", "01812345678", "Bogura"]]
    assert list(table.line_numbers) == [2, 3]


def test_csv_semicolon_separated(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("name;lat;lon\nA;24,85;89,37\n")
    assert rows(read(path)) == [["A", "24,85", "89,37"]]


def test_csv_bangla_headers_digits_and_leading_zeros_are_kept(tmp_path):
    path = tmp_path / "survey.csv"
    frame = pd.DataFrame(
        {
            "প্রতিষ্ঠানের নাম": ["রহিম বেকারি", "করিম মেটাল"],
            "মোবাইল নম্বর": ["০১৭১২৩৪৫৬৭৮", "01812345678"],
            "বিবিএস কোড": ["0612", "007"],
            "কর্মী": ["০৫", "1.50"],
        }
    )
    frame.to_csv(path, index=False, encoding="utf-8")
    table = read(path)
    assert list(table.frame.columns) == list(frame.columns)
    assert rows(table) == frame.to_numpy().tolist()


def test_csv_line_numbers_count_blank_rows_and_multiline_cells(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text(
        "name,address\n"  # line 1
        "A,Bogura\n"  # line 2
        "\n"  # line 3: blank, dropped
        ",\n"  # line 4: only separators, dropped
        'B,"Road 1\nBogura"\n'  # lines 5-6: one record
        "C,Naogaon\n"  # line 7
    )
    table = read(path)
    assert rows(table) == [["A", "Bogura"], ["B", "Road 1\nBogura"], ["C", "Naogaon"]]
    assert list(table.line_numbers) == [2, 5, 7]


def test_csv_leading_blank_lines_before_header(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("\n\nname,phone\nA,017\n")
    table = read(path)
    assert list(table.frame.columns) == ["name", "phone"]
    assert list(table.line_numbers) == [4]


def test_csv_empty_trailing_columns_are_dropped_and_short_rows_padded(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("name,phone,,\nA,017,,\nB\n")
    table = read(path)
    assert list(table.frame.columns) == ["name", "phone"]
    assert rows(table) == [["A", "017"], ["B", ""]]


def test_csv_in_windows_1252_is_wrong_encoding(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes("name,owner\nCafé Dhaka,José\n".encode("cp1252"))
    with pytest.raises(WrongEncoding) as caught:
        read(path)
    assert "line 2" in caught.value.message
    assert caught.value.code == "wrong_encoding"


def test_csv_bad_bytes_after_the_first_64_kb_are_wrong_encoding(tmp_path):
    path = tmp_path / "survey.csv"
    body = "".join(f"name {n},0171234{n:04d}\n" for n in range(5000)).encode()
    path.write_bytes(b"name,phone\n" + body + "Café,01712345678\n".encode("latin-1"))
    with pytest.raises(WrongEncoding, match="line 5002"):
        read(path)


def test_binary_junk_csv_is_refused(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_bytes(os.urandom(4096) + b"\x00\x00")
    with pytest.raises(UnreadableFile) as caught:
        read(path)
    assert isinstance(caught.value, UnreadableFile | WrongEncoding)


def test_xlsx_renamed_to_csv_is_refused_with_a_reason(tmp_path):
    path = write_xlsx(tmp_path / "survey.xlsx", [["name"], ["A"]]).rename(tmp_path / "survey.csv")
    with pytest.raises(UnreadableFile, match="zip archive"):
        read(path)


def test_csv_with_more_cells_than_headers_is_refused(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("name,phone\nA,017\nB,018,extra\n")
    with pytest.raises(UnreadableFile, match="do not line up"):
        read(path)


@pytest.mark.parametrize("content", [b"", b"\n\n", "\ufeff".encode(), b" , \r\n"])
def test_empty_csv(tmp_path, content):
    path = tmp_path / "survey.csv"
    path.write_bytes(content)
    with pytest.raises(EmptyFile) as caught:
        read(path)
    assert caught.value.value == ""
    assert caught.value.message == "The file has no data rows."


def test_csv_with_headers_only(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("name,phone\n\n,\n")
    with pytest.raises(EmptyFile) as caught:
        read(path)
    assert caught.value.value == " (headers only)"


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("name\n" + "A\n" * 1000)
    with pytest.raises(FileTooLarge) as caught:
        read(path, max_bytes=1000)
    assert caught.value.value == path.stat().st_size
    assert caught.value.details == {"limit": 1000}


def test_unknown_suffix(tmp_path):
    path = tmp_path / "survey.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(UnknownFormat) as caught:
        read(path)
    assert caught.value.value == ".pdf"
    assert ".csv" in caught.value.details["known"] and ".gpkg" in caught.value.details["known"]


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableFile):
        read(tmp_path / "gone.csv")


# --- XLSX ---------------------------------------------------------------------------------------------------


def test_xlsx_cells_as_text(tmp_path):
    path = tmp_path / "survey.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["নাম", "mobile", "registered", "employees", "capital", "nid", "active"])
    sheet.append(["রহিম বেকারি", "01712345678", datetime.date(2024, 3, 1), 12, 1500.5, 1711234567, True])
    sheet.append([None] * 7)  # row 3: blank, dropped
    sheet.append(["Karim Metal", 1812345678, datetime.datetime(2024, 3, 2, 10, 30), 3.0, None, None, False])
    sheet["B4"].number_format = "00000000000"  # a phone typed as a number, shown with its leading zero
    workbook.save(path)

    table = read(path)
    assert table.format == "xlsx"
    assert list(table.frame.columns) == [
        "নাম",
        "mobile",
        "registered",
        "employees",
        "capital",
        "nid",
        "active",
    ]
    assert rows(table) == [
        ["রহিম বেকারি", "01712345678", "2024-03-01", "12", "1500.5", "1711234567", "TRUE"],
        ["Karim Metal", "01812345678", "2024-03-02 10:30:00", "3", "", "", "FALSE"],
    ]
    assert list(table.line_numbers) == [2, 4]


def test_xlsx_header_below_title_rows_and_first_sheet_only(tmp_path):
    path = tmp_path / "survey.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet["A3"], sheet["B3"] = "name", "phone"
    sheet["A4"], sheet["B4"] = "A", "017"
    workbook.create_sheet("other").append(["ignored"])
    workbook.save(path)
    table = read(path)
    assert list(table.frame.columns) == ["name", "phone"]
    assert list(table.line_numbers) == [4]


def test_corrupt_xlsx(tmp_path):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(os.urandom(2048))
    with pytest.raises(UnreadableFile) as caught:
        read(path)
    assert type(caught.value) is UnreadableFile


def test_zip_that_is_not_a_workbook(tmp_path):
    path = tmp_path / "survey.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    with pytest.raises(UnreadableFile, match="Excel"):
        read(path)


def test_xlsx_headers_only_and_empty(tmp_path):
    with pytest.raises(EmptyFile) as caught:
        read(write_xlsx(tmp_path / "headers.xlsx", [["name", "phone"]]))
    assert caught.value.value == " (headers only)"
    with pytest.raises(EmptyFile) as caught:
        read(write_xlsx(tmp_path / "empty.xlsx", []))
    assert caught.value.value == ""


def zip_bomb(path: Path, unpacked: int) -> Path:
    with (
        zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w") as member,
    ):
        for _ in range(unpacked // MB):
            member.write(b"\x00" * MB)
    return path


def test_zip_bomb_xlsx(tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", 50 * MB)
    assert path.stat().st_size < MB
    with pytest.raises(SuspiciousArchive) as caught:
        read(path, max_unpacked_bytes=10 * MB)
    assert caught.value.value == 50 * MB
    assert caught.value.details == {"limit": 10 * MB}


def test_zip_bomb_under_the_limit_but_absurdly_compressed(tmp_path):
    path = zip_bomb(tmp_path / "bomb.xlsx", 20 * MB)
    with pytest.raises(SuspiciousArchive):
        read(path, max_unpacked_bytes=100 * MB)


def test_zip_bomb_shapefile(tmp_path):
    path = zip_bomb(tmp_path / "points.shp.zip", 50 * MB)
    with pytest.raises(SuspiciousArchive):
        read(path, max_unpacked_bytes=10 * MB)


# --- GIS ----------------------------------------------------------------------------------------------------


def points_frame(crs="EPSG:4326") -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "name": ["Rahim Bakery", "Karim Metal", "No point"],
            "phone": ["01712345678", "01812345678", "01912345678"],
            "workers": [12, 3, 1],
        },
        geometry=[Point(89.3697, 24.8465), Point(88.9318, 24.809), None],
        crs="EPSG:4326",
    )
    return frame.to_crs(crs)


def test_geojson_points(tmp_path):
    path = tmp_path / "survey.geojson"
    points_frame().to_file(path, driver="GeoJSON", engine="pyogrio")
    table = read(path)
    assert table.format == "geojson"
    assert list(table.frame.columns) == ["name", "phone", "workers", "_longitude", "_latitude"]
    assert rows(table) == [
        ["Rahim Bakery", "01712345678", "12", "89.3697", "24.8465"],
        ["Karim Metal", "01812345678", "3", "88.9318", "24.809"],
        ["No point", "01912345678", "1", "", ""],
    ]
    assert list(table.line_numbers) == [1, 2, 3]


def test_geojson_non_point_geometry_has_no_coordinates(tmp_path):
    path = tmp_path / "roads.json"
    gpd.GeoDataFrame(
        {"name": ["road"]}, geometry=[LineString([(89, 24), (90, 25)])], crs="EPSG:4326"
    ).to_file(path, driver="GeoJSON", engine="pyogrio")
    assert rows(read(path)) == [["road", "", ""]]


def test_geopackage_in_web_mercator_comes_out_in_wgs84(tmp_path):
    path = tmp_path / "survey.gpkg"
    points_frame("EPSG:3857").to_file(path, driver="GPKG", engine="pyogrio")
    table = read(path)
    assert table.format == "gpkg"
    longitudes = table.frame["_longitude"].tolist()
    latitudes = table.frame["_latitude"].tolist()
    assert float(longitudes[0]) == pytest.approx(89.3697, abs=1e-7)
    assert float(latitudes[0]) == pytest.approx(24.8465, abs=1e-7)
    assert float(longitudes[1]) == pytest.approx(88.9318, abs=1e-7)
    assert (longitudes[2], latitudes[2]) == ("", "")
    assert table.frame["phone"].tolist()[0] == "01712345678"


def test_zipped_shapefile(tmp_path):
    folder = tmp_path / "shp"
    folder.mkdir()
    points_frame("EPSG:32646").to_file(folder / "points.shp", engine="pyogrio")
    path = tmp_path / "points.shp.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for part in sorted(folder.iterdir()):
            archive.write(part, f"export/{part.name}")
    table = read(path)
    assert table.format == "shapefile"
    assert table.frame["name"].tolist() == ["Rahim Bakery", "Karim Metal", "No point"]
    assert table.frame["workers"].tolist() == ["12", "3", "1"]
    assert float(table.frame["_longitude"][0]) == pytest.approx(89.3697, abs=1e-6)
    assert float(table.frame["_latitude"][0]) == pytest.approx(24.8465, abs=1e-6)


def test_zip_without_a_shapefile(tmp_path):
    path = tmp_path / "survey.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(UnreadableFile, match="no Shapefile"):
        read(path)


@pytest.mark.parametrize("name", ["survey.geojson", "survey.gpkg", "survey.zip"])
def test_broken_gis_files(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"this is not GIS data " * 20)
    with pytest.raises(UnreadableFile) as caught:
        read(path)
    assert str(tmp_path) not in caught.value.message


def test_geojson_without_features(tmp_path):
    path = tmp_path / "survey.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}')
    with pytest.raises(EmptyFile):
        read(path)


# --- Kobo ---------------------------------------------------------------------------------------------------


def test_kobo_csv_with_groups_and_geolocation(tmp_path):
    path = tmp_path / "kobo_export.csv"
    frame = pd.DataFrame(
        {
            "start": ["2024-03-01T10:00:00", "2024-03-01T11:00:00", "2024-03-01T12:00:00"],
            "enterprise/name": ["Rahim Bakery", "Karim Metal", "Jabbar Tailors"],
            "enterprise/owner/name": ["Rahim", "Karim", "Jabbar"],
            "enterprise/contact/mobile": ["01712345678", "01812345678", "01912345678"],
            "_geolocation": ["24.8465 89.3697", "24.809 88.9318 12 5", "[24.85, 89.37]"],
            "_id": ["1", "2", "3"],
            "_uuid": ["a", "b", "c"],
            "_submission_time": ["2024-03-01T10:05:00"] * 3,
            "__version__": ["v1"] * 3,
            "meta/instanceID": ["uuid:a", "uuid:b", "uuid:c"],
            "_index": ["1", "2", "3"],
        }
    )
    frame.to_csv(path, index=False)
    table = read(path)
    assert table.format == "kobo-csv"
    assert list(table.frame.columns) == [
        "start",
        "name",
        "enterprise/owner/name",
        "mobile",
        "_latitude",
        "_longitude",
    ]
    assert table.frame["_latitude"].tolist() == ["24.8465", "24.809", "24.85"]
    assert table.frame["_longitude"].tolist() == ["89.3697", "88.9318", "89.37"]
    assert table.frame["mobile"].tolist()[0] == "01712345678"
    assert list(table.line_numbers) == [2, 3, 4]


def test_kobo_xlsx_with_gps_columns(tmp_path):
    path = write_xlsx(
        tmp_path / "kobo.xlsx",
        [
            ["grp/name", "grp/gps", "grp/_gps_latitude", "grp/_gps_longitude", "_gps_altitude", "_uuid"],
            ["Rahim Bakery", "24.8465 89.3697 0 5", 24.8465, 89.3697, 0, "a"],
            ["Karim Metal", "", None, None, None, "b"],
        ],
    )
    table = read(path)
    assert table.format == "kobo-xlsx"
    assert list(table.frame.columns) == ["name", "gps", "_latitude", "_longitude", "_gps_altitude"]
    assert rows(table) == [
        ["Rahim Bakery", "24.8465 89.3697 0 5", "24.8465", "89.3697", "0"],
        ["Karim Metal", "", "", "", ""],
    ]
    assert list(table.line_numbers) == [2, 3]


def test_plain_csv_is_not_taken_for_kobo(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("name,latitude,longitude,group/size\nA,24.8,89.3,5\n")
    table = read(path)
    assert table.format == "csv"
    assert list(table.frame.columns) == ["name", "latitude", "longitude", "group/size"]


def test_line_numbers_are_an_array_of_ints(tmp_path):
    path = tmp_path / "survey.csv"
    path.write_text("name\nA\nB\n")
    lines = np.asarray(read(path).line_numbers)
    assert lines.dtype.kind == "i"
