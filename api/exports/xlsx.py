"""XLSX, written to a file: lon/lat columns, a sheet per Excel's row limit of rows, text never a formula."""

from collections.abc import Iterable
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .base import LAYER, LOCAL, Column, FileWriter, metres

# Excel's limit is 1,048,576 rows a sheet, header included; more rows continue on another sheet.
XLSX_MAX_ROWS = 1_048_575


class XlsxWriter(FileWriter):
    format = "xlsx"
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    converters = {
        "str": lambda text: ILLEGAL_CHARACTERS_RE.sub("", text),  # control characters openpyxl refuses
        "datetime": lambda moment: moment.astimezone(LOCAL).replace(tzinfo=None),  # Excel has no time zones
        "distance": metres,
    }

    def write(self, path: Path, rows: Iterable, table: list[Column]) -> None:
        header = [column.name for column in table]
        workbook = Workbook(write_only=True)
        sheet, used = None, XLSX_MAX_ROWS
        for row in rows:
            if used == XLSX_MAX_ROWS:
                sheet, used = _sheet(workbook, header), 0
            sheet.append([_cell(sheet, value) for value in row])
            used += 1
        if sheet is None:
            _sheet(workbook, header)
        workbook.save(path)


def _sheet(workbook: Workbook, header: list[str]):
    number = len(workbook.worksheets) + 1
    sheet = workbook.create_sheet(LAYER if number == 1 else f"{LAYER} ({number})")
    sheet.freeze_panes = "A2"
    sheet.append(header)
    return sheet


def _cell(sheet, value):
    # openpyxl turns text beginning with "=" into a formula; survey text must stay text.
    if value.__class__ is str and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value
