"""XLSX, written to a file: lon/lat columns, a sheet per Excel's row limit of rows, text never a formula.

XlsxWriter in constant-memory mode: each row goes to the file as it is written, so memory stays flat in the
rows: ~5,800 rows/s here, where openpyxl's write-only mode, used before, was reported at ~3,200 (not
measured in the same run; bench/RESULTS.md). openpyxl reads survey workbooks (surveys/readers/)."""

from collections.abc import Iterable
from pathlib import Path

import xlsxwriter
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .base import LAYER, LOCAL, Column, FileWriter, metres

# Excel's limit is 1,048,576 rows a sheet, header included; more rows continue on another sheet.
XLSX_MAX_ROWS = 1_048_575
OPTIONS = {
    "constant_memory": True,
    # Survey text stays text: no "=..." formula, no "1e5" number, no hyperlink (a sheet holds 65,530).
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "default_date_format": "yyyy-mm-dd hh:mm:ss",
}


class XlsxWriter(FileWriter):
    format = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    converters = {
        # Control characters XML cannot hold: XlsxWriter would write them as _x0007_, shown as such.
        "str": lambda text: ILLEGAL_CHARACTERS_RE.sub("", text),
        "datetime": lambda moment: moment.astimezone(LOCAL).replace(tzinfo=None),  # Excel has no time zones
        "distance": metres,
    }

    def write(self, path: Path, rows: Iterable, table: list[Column]) -> None:
        header = [column.name for column in table]
        workbook = xlsxwriter.Workbook(str(path), OPTIONS)
        sheet, used = None, XLSX_MAX_ROWS
        for row in rows:
            if used == XLSX_MAX_ROWS:
                sheet, used = _sheet(workbook, header), 0
            used += 1
            sheet.write_row(used, 0, row)
        if sheet is None:
            _sheet(workbook, header)
        workbook.close()


def _sheet(workbook: xlsxwriter.Workbook, header: list[str]):
    number = len(workbook.worksheets()) + 1
    sheet = workbook.add_worksheet(LAYER if number == 1 else f"{LAYER} ({number})")
    sheet.freeze_panes(1, 0)
    sheet.write_row(0, 0, header)
    return sheet
