"""XLSX, written to a file: lon/lat columns, a sheet per Excel's row limit of rows, text never a formula.

PostgreSQL writes each row's cells as worksheet XML (``row_xml``): text escaped and as inline strings
(never a formula, a number or a link), numbers as numbers, times as Excel serials in Dhaka time. Python
only numbers the rows and streams them, deflated, into the sheet of a zip around a minimal workbook, so
memory stays flat in the rows and no shared-strings table grows. XlsxWriter in constant-memory mode, used
before, managed 0.3× the rows/s of `ogr2ogr -f XLSX`; this 1.2–2.0× (bench/RESULTS.md, 2026-12-04).

A sheet holds Excel's 1,048,575 rows under its header; more continue on ``enterprises (2)``…, and then a
last sheet, ``notes``, the one Excel opens on, says so in English and Bangla (as do the X-Export-Rows and
X-Export-Sheets headers). openpyxl reads survey workbooks (surveys/readers/) and these in the tests."""

import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.db.models import F, Func, QuerySet, TextField
from django.http import FileResponse

from industries.bangla import to_bangla_digits
from industries.models import Enterprise

from .base import CHUNK_ROWS, LAYER, LONLAT, Column, FileWriter, export_columns, export_values

# Excel's limit is 1,048,576 rows a sheet, header included; more rows continue on another sheet.
XLSX_MAX_ROWS = 1_048_575
# A sheet's XML also stays under the zip's 32-bit size (Python's limit; less a margin for deflate's worst
# case): past it the entry would need ZIP64, which Excel takes for a damaged file (XlsxWriter issue 656).
SHEET_BYTES_MAX = zipfile.ZIP64_LIMIT - (8 << 20)
# Deflate level: 1 deflated this sheet XML ~2.6× as fast as the default 6, for a file ~30% larger.
COMPRESSLEVEL = 1
# Excel keeps at most this many characters in a cell; XlsxWriter cut longer text there too.
CELL_CHARS_MAX = 32_767
# Characters XML 1.0 cannot hold (PostgreSQL text holds no NUL and no surrogates): removed from text.
NOT_XML = "".join(map(chr, [*range(1, 9), 11, 12, *range(14, 32), 0xFFFE, 0xFFFF]))
# White space XML keeps only under xml:space="preserve".
XML_SPACE = " \t\n\r"
# Stands for the row number in the cell references PostgreSQL writes (``r="B\x01"``): a character removed
# from all text, so it can occur nowhere else in a row's XML.
ROW_MARK = "\x01"
# The annotation holding a row's cells.
ROW_XML = "xlsx_row_xml"
# Excel's serial (1900 date system) of 1970-01-01, PostgreSQL's epoch: right for times from March 1900.
EXCEL_EPOCH_DAYS = 25_569

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
DATE_STYLE = 1  # the cellXfs entry of times (styles.xml)
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_END = b"</sheetData></worksheet>"


def _cell_templates(*, cut: bool) -> dict[str, str]:
    """SQL of one cell per column kind, ``%(expressions)s`` the value and REF its reference: NULL (no cell)
    for a NULL value, which ``concat`` leaves out. Text is cut at Excel's limit if ``cut`` (a column that
    can be longer), and marked xml:space="preserve" only if it may begin or end with white space (Excel
    would strip it): the mark on every text cell made rows ~23% longer."""
    # regexp_replace, not translate: translate took ~7× as long as all the rest of a row's SQL.
    text = f"NULLIF(regexp_replace(%(expressions)s::text, '[{NOT_XML}]', '', 'g'), '')"
    text = f"left({text}, {CELL_CHARS_MAX})" if cut else text
    text = f"replace(replace(replace({text}, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"
    # The value twice, as a text column's SQL has no parameters (were it to have some, psycopg would say
    # so): unchanged by trimming white space and the characters removed above, it needs no mark.
    spaced = (
        f"CASE WHEN %(expressions)s::text = btrim(%(expressions)s::text, '{XML_SPACE}{NOT_XML}') THEN '>'"
    )
    spaced += " ELSE ' xml:space=\"preserve\">' END"
    zone = settings.TIME_ZONE
    assert re.fullmatch(r"[A-Za-z0-9_/+-]+", zone), zone  # written into the SQL
    number = "'<c r=\"REF\"><v>' || {} || '</v></c>'"
    return {
        "str": f"'<c r=\"REF\" t=\"inlineStr\"><is><t' || {spaced} || {text} || '</t></is></c>'",
        "int": number.format("%(expressions)s"),
        # Excel has no NaN or infinities.
        "float": number.format(
            "NULLIF(NULLIF(NULLIF(%(expressions)s::text, 'NaN'), 'Infinity'), '-Infinity')"
        ),
        "bool": "'<c r=\"REF\" t=\"b\"><v>' || %(expressions)s::int || '</v></c>'",
        # Excel has no time zones: the serial of the time in Dhaka, shown as yyyy-mm-dd hh:mm:ss.
        "datetime": (
            f'\'<c r="REF" s="{DATE_STYLE}"><v>\' || '
            f"(date_part('epoch', %(expressions)s AT TIME ZONE '{zone}') / 86400 + {EXCEL_EPOCH_DAYS})"
            " || '</v></c>'"
        ),
        "distance": number.format("round(%(expressions)s::numeric, 1)"),  # metres, as the other tables
    }


def may_outgrow_a_cell(path: str) -> bool:
    """Whether the field at ORM ``path`` (from Enterprise) can hold more text than an Excel cell."""
    model = Enterprise
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return (getattr(field, "max_length", None) or CELL_CHARS_MAX + 1) > CELL_CHARS_MAX


def column_letters(index: int) -> str:
    """A, B, … Z, AA, AB…: the letters of the column at 0-based ``index``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def row_xml(table: list[Column], *, long: set[str]) -> Func:
    """One row's cells as worksheet XML, in ``table``'s order, with ``ROW_MARK`` for its row number; the
    text of columns keyed in ``long`` is cut at Excel's limit."""
    templates = {cut: _cell_templates(cut=cut) for cut in (False, True)}
    cells = [
        Func(
            F(column.key),
            template=templates[column.key in long][column.kind].replace(
                "REF", column_letters(index) + ROW_MARK
            ),
            output_field=TextField(),
        )
        for index, column in enumerate(table)
    ]
    return Func(*cells, function="concat", output_field=TextField())


def _text_row(number: int, texts: Iterable[str]) -> str:
    cells = "".join(
        f'<c r="{column_letters(index)}{number}" t="inlineStr"><is><t xml:space="preserve">{escape(text)}'
        "</t></is></c>"
        for index, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'


def _row(number: int, cells: str) -> bytes:
    return f'<row r="{number}">{cells.replace(ROW_MARK, str(number))}</row>'.encode()


def _sheet_start(rows: str, *, frozen: bool) -> str:
    """A sheet's XML up to and with its first ``rows``; the header row stays in view if ``frozen``."""
    pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' if frozen else ""
    return (
        f'{XML_DECLARATION}<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews><sheetData>{rows}'
    )


class XlsxWriter(FileWriter):
    format = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    def export(self, queryset: QuerySet, *, columns: dict[str, str], by_distance: bool) -> FileResponse:
        """As every writer's, but each row is read as its XML, one text column (``row_xml``), through the
        shared ``rows`` (its transaction and cursor)."""
        table = export_columns(columns, lonlat=True, by_distance=by_distance)
        queryset = queryset.using(queryset.db)  # the request's database, as base's (geodb.replicas)
        values = export_values(queryset, columns=columns, point=LONLAT, by_distance=by_distance)
        long = {name for name, path in columns.items() if may_outgrow_a_cell(path)}
        values = values.annotate(**{ROW_XML: row_xml(table, long=long)})
        rows = self.rows(values, [Column(ROW_XML, ROW_XML, "xml")], by_distance=by_distance)
        return self.respond(rows, table)

    def respond(self, rows: Iterator, table: list[Column]) -> FileResponse:
        response = super().respond(rows, table)
        response["X-Export-Rows"] = str(self.written_rows)
        response["X-Export-Sheets"] = str(self.data_sheets)
        return response

    def write(self, path: Path, rows: Iterable[tuple[str]], table: list[Column]) -> None:
        """The rows, each ``(cells,)`` as ``row_xml`` wrote them, into sheets of up to ``XLSX_MAX_ROWS``
        rows (and ``SHEET_BYTES_MAX`` bytes of XML), then the workbook's other parts."""
        start = _sheet_start(_text_row(1, [column.name for column in table]), frozen=True).encode()
        self.sheet_names, self.written_rows = [], 0
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESSLEVEL) as archive:
            with _SheetFiles(archive) as sheets:
                number, size, pending = 1, 0, []
                for (cells,) in rows:
                    number += 1
                    data = _row(number, cells)
                    if (
                        not self.sheet_names
                        or number > XLSX_MAX_ROWS + 1
                        or size + len(data) > SHEET_BYTES_MAX
                    ):
                        if self.sheet_names:
                            sheets.close(pending)
                        sheets.open(self._next_sheet(), start)
                        number, size, pending = 2, len(start) + len(SHEET_END), []
                        data = _row(number, cells)
                    pending.append(data)
                    size += len(data)
                    self.written_rows += 1
                    if len(pending) == CHUNK_ROWS:
                        sheets.write(pending)
                        pending = []
                if not self.sheet_names:  # no rows: still a sheet with the header
                    sheets.open(self._next_sheet(), start)
                sheets.close(pending)
            self.data_sheets = len(self.sheet_names)
            if self.data_sheets > 1:
                archive.writestr(
                    f"xl/worksheets/sheet{self.data_sheets + 1}.xml",
                    _notes_sheet(self.written_rows, self.sheet_names),
                )
                self.sheet_names.append("notes")
            _write_workbook(archive, self.sheet_names, active=self.data_sheets > 1)

    def _next_sheet(self) -> str:
        """Names the next data sheet; its entry in the zip."""
        count = len(self.sheet_names) + 1
        self.sheet_names.append(LAYER if count == 1 else f"{LAYER} ({count})")
        return f"xl/worksheets/sheet{count}.xml"


class _SheetFiles:
    """The sheets' entries in the zip, written one after another on a thread of their own, at most
    ``AHEAD`` chunks behind: zlib lets go of the GIL while it deflates (about half of Python's time here),
    so a chunk is deflated while PostgreSQL writes the next one. The database is read only by the caller's
    thread; this one touches only the file."""

    AHEAD = 2

    def __init__(self, archive: zipfile.ZipFile):
        self.archive, self.entry, self.pending = archive, None, deque()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-deflate")

    def open(self, name: str, start: bytes) -> None:
        self._run(self._open, name, start)

    def write(self, rows: list[bytes]) -> None:
        self._run(self._write, rows)

    def close(self, rows: list[bytes]) -> None:
        self._run(self._close, rows)

    def _run(self, function: Callable, *args) -> None:
        self.pending.append(self.pool.submit(function, *args))
        while len(self.pending) > self.AHEAD:
            self.pending.popleft().result()  # raises what the thread raised

    def _open(self, name: str, start: bytes) -> None:
        self.entry = self.archive.open(name, "w")
        self.entry.write(start)

    def _write(self, rows: list[bytes]) -> None:
        self.entry.write(b"".join(rows))

    def _close(self, rows: list[bytes]) -> None:
        self._write(rows)
        self.entry.write(SHEET_END)
        self.entry.close()
        self.entry = None

    def __enter__(self) -> "_SheetFiles":
        return self

    def __exit__(self, kind, error, traceback) -> None:
        try:
            while self.pending:
                future = self.pending.popleft()
                if error is None:
                    future.result()
                else:
                    future.exception()  # waited for; the error in flight is the one to report
        finally:
            self.pool.shutdown(wait=True)
            if self.entry is not None:  # a sheet left open by an error: else the zip cannot be closed
                with suppress(Exception):
                    self.entry.close()


def _notes_sheet(rows: int, data_sheets: list[str]) -> bytes:
    """What a reader of a workbook of several sheets must know, in English and Bangla."""
    names, limit, most = ", ".join(data_sheets), f"{XLSX_MAX_ROWS + 1:,}", f"{XLSX_MAX_ROWS:,}"
    lines = [
        f"This export has {rows:,} rows. An Excel sheet holds at most {limit} rows, the header included, "
        f"so the rows continue, in the same order and under the same header, on the sheets {names}: "
        f"{len(data_sheets)} sheets of up to {most} rows each.",
        f"এই এক্সপোর্টে {to_bangla_digits(f'{rows:,}')}টি সারি আছে। এক্সেলের একটি শিটে শিরোনামসহ সর্বোচ্চ "
        f"{to_bangla_digits(limit)}টি সারি ধরে, তাই সারিগুলো একই ক্রমে ও একই শিরোনামের নিচে {names} "
        f"শিটগুলোতে চলেছে: {to_bangla_digits(str(len(data_sheets)))}টি শিট, প্রতিটিতে সর্বোচ্চ "
        f"{to_bangla_digits(most)}টি সারি।",
        "CSV, GeoJSON and GeoPackage exports have no such limit. "
        "CSV, GeoJSON ও GeoPackage এক্সপোর্টে এমন কোনো সীমা নেই।",
    ]
    rows_xml = "".join(_text_row(number, [line]) for number, line in enumerate(lines, 1))
    return _sheet_start(rows_xml, frozen=False).encode() + SHEET_END


def _write_workbook(archive: zipfile.ZipFile, sheet_names: list[str], *, active: bool) -> None:
    """Every part but the sheets: content types, relationships, the workbook and its two cell styles."""
    count = len(sheet_names)
    sheets = "".join(
        f'<sheet name={quoteattr(name)} sheetId="{number}" r:id="rId{number}"/>'
        for number, name in enumerate(sheet_names, 1)
    )
    tab = f' activeTab="{count - 1}"' if active else ""
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{CONTENT_TYPES}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(
                f'<Override PartName="/xl/worksheets/sheet{number}.xml" ContentType="{SHEET_TYPE}"/>'
                for number in range(1, count + 1)
            )
            + "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE_RELS}"><Relationship Id="rId1" '
            f'Type="{RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><bookViews><workbookView{tab}/></bookViews>'
            f"<sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE_RELS}">'
            + "".join(
                f'<Relationship Id="rId{number}" Type="{RELS}/worksheet" '
                f'Target="worksheets/sheet{number}.xml"/>'
                for number in range(1, count + 1)
            )
            + f'<Relationship Id="rId{count + 1}" Type="{RELS}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN}">'
            '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd\\ hh:mm:ss"/></numFmts>'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        ),
    }
    for name, text in parts.items():
        archive.writestr(name, XML_DECLARATION + text)
