"""ekShop's bulk-upload workbook: one sheet, the header row of EKSHOP_COLUMNS and a row per product.

Products that cannot go in are not in the file (it stays uploadable as it is); the caller reports them.
There is one sheet only: ⚠ an uploader may read every sheet of a workbook as products.
"""

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..listing import EKSHOP_COLUMNS

SHEET_TITLE = "products"
MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(sheet, value):
    if value.__class__ is not str:
        return value
    # Text the owner typed stays text: openpyxl would make "=..." a formula.
    cell = WriteOnlyCell(sheet, ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def ekshop_xlsx(rows: Iterable[list]) -> bytes:
    """The workbook of ``rows`` (each in EKSHOP_COLUMNS order). Built in memory in write-only mode: a few
    thousand products make a file of a few hundred kilobytes."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(SHEET_TITLE)
    sheet.append(EKSHOP_COLUMNS)
    for row in rows:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
