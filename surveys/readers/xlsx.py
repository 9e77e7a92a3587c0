"""Excel workbooks (.xlsx): the first sheet, every cell as the text Excel shows for it.

openpyxl reads the sheet (values, not formulas: the results Excel saved). Dates come out as ISO
"YYYY-MM-DD", whole numbers without ".0", and numbers formatted with leading zeros keep them.
"""

import warnings
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.utils.exceptions import InvalidFileException

from ..exceptions import EmptyFile, UnreadableFile
from .base import Limits, RawTable, Reader, cell_text, check_archive, finish, register


@register("xlsx", suffixes=(".xlsx", ".xlsm"))
class XlsxReader(Reader):
    def read(self, path: Path, limits: Limits) -> RawTable:
        check_archive(path, limits, what="Excel .xlsx workbook")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it ignores
            try:
                workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
            except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
                raise UnreadableFile("it is not a valid Excel .xlsx workbook") from error
            try:
                if not workbook.worksheets:
                    raise EmptyFile("")
                sheet = workbook.worksheets[0]
                sheet.reset_dimensions()  # the size a workbook declares can be wrong: read what is there
                rows = [
                    [cell_text(cell.value, getattr(cell, "number_format", None)) for cell in row]
                    for row in sheet.iter_rows(min_row=1)
                ]
            finally:
                workbook.close()
        width = max((len(row) for row in rows), default=0)
        frame = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=str)
        if not width:
            frame = pd.DataFrame(index=range(len(rows)))
        return finish(self.format, frame, np.arange(1, len(rows) + 1))
