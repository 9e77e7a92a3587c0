"""What every reader shares: the table it returns, the registry, and the checks and conversions they reuse.

A reader turns one file into a ``RawTable``: every cell a ``str`` ("" when empty), the file's own headers
in order, and for each row the line (or sheet row, or feature) number a person sees in the file, so that
the import report can point at it. Fully blank rows are dropped; the numbers of the rows kept do not move.
"""

import datetime
import math
import numbers
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd

from ..exceptions import EmptyFile, SuspiciousArchive, UnreadableFile

# A zip that unpacks to more than this many times its packed size, and to more than SUSPICIOUS_UNPACKED
# bytes, is refused even when it is under the unpacked limit: real workbooks and shapefiles compress far less.
SUSPICIOUS_RATIO = 200
SUSPICIOUS_UNPACKED = 10 * 1024 * 1024

HEADERS_ONLY = " (headers only)"


@dataclass
class RawTable:
    frame: pd.DataFrame  # every cell a str ("" for empty); columns are the file's headers, in order
    format: str  # the registry key of the reader that read it, e.g. "csv", "kobo-xlsx", "shapefile"
    line_numbers: np.ndarray  # for each row of frame: its line / sheet row / feature number in the file


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_unpacked_bytes: int


class Reader:
    """One file format. Subclasses are registered with ``@register`` and read a whole file at once."""

    format: ClassVar[str] = ""
    suffixes: ClassVar[tuple[str, ...]] = ()
    # The format this one is a variant of, recognised by its headers after reading (Kobo exports of CSV/XLSX).
    refines: ClassVar[str | None] = None

    def read(self, path: Path, limits: Limits) -> RawTable:
        raise NotImplementedError

    @classmethod
    def detect(cls, headers: Iterable[str]) -> bool:
        """For a variant (``refines`` set): whether a table read as the base format is one of these."""
        return False

    @classmethod
    def adapt(cls, table: RawTable) -> RawTable:
        """For a variant: the base format's table, tidied the way this variant needs."""
        return table


READERS: dict[str, type[Reader]] = {}


def register(format: str, *, suffixes: Iterable[str] = (), refines: str | None = None) -> Callable:
    """Class decorator: put a reader in ``READERS`` under ``format``, for files ending in ``suffixes``."""

    def decorate(cls: type[Reader]) -> type[Reader]:
        cls.format = format
        cls.suffixes = tuple(suffix.lower() for suffix in suffixes)
        cls.refines = refines
        READERS[format] = cls
        return cls

    return decorate


def known_suffixes() -> list[str]:
    return sorted({suffix for cls in READERS.values() for suffix in cls.suffixes})


def reader_for(path: Path) -> type[Reader] | None:
    """The reader whose longest suffix ends the file name (so ``x.shp.zip`` is a shapefile, not a zip)."""
    name = path.name.lower()
    candidates = [(len(s), cls) for cls in READERS.values() for s in cls.suffixes if name.endswith(s)]
    return max(candidates, key=lambda candidate: candidate[0])[1] if candidates else None


# --- cells ------------------------------------------------------------------------------------------------

_ZERO_PADDED = re.compile(r"^0{2,}$")
_MIDNIGHT = datetime.time(0, 0)


def cell_text(value, number_format: str | None = None) -> str:
    """A cell as the text a person sees: dates as ISO, whole numbers without ".0", empty as ""."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None and value.time() == _MIDNIGHT:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, np.datetime64):
        return "" if np.isnat(value) else cell_text(pd.Timestamp(value))
    if isinstance(value, numbers.Integral):
        return _pad(str(int(value)), number_format)
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number):
            return ""
        if number.is_integer():
            return _pad(str(int(number)), number_format)
        if math.isinf(number):
            return str(number)
        return np.format_float_positional(number, trim="-")
    return str(value)


def _pad(digits: str, number_format: str | None) -> str:
    """A number formatted "00000000000" in Excel shows its leading zeros (phone numbers, codes)."""
    if number_format and _ZERO_PADDED.match(number_format) and not digits.startswith("-"):
        return digits.zfill(len(number_format))
    return digits


def blank_rows(frame: pd.DataFrame) -> np.ndarray:
    """True for rows whose every cell is empty or whitespace (``cell.strip() == ""``).

    Column by column, only the rows still blank so far are looked at, and of their cells only the non-empty
    ones are asked whether they are all whitespace: the first column with text settles almost every row."""
    blank = np.ones(len(frame), dtype=bool)
    for position in range(frame.shape[1]):
        rows = np.flatnonzero(blank)
        if not len(rows):
            break
        column = frame.iloc[:, position].to_numpy(dtype=object)
        filled = rows[column[rows] != ""]
        spaces = np.fromiter(
            (isinstance(cell, str) and cell.isspace() for cell in column[filled]),
            dtype=bool,
            count=len(filled),
        )
        blank[filled[~spaces]] = False
    return blank


def column_has(column: pd.Series, char: str) -> bool:
    """Whether any cell of a column of str holds the character ``char``: one search of the cells joined, not
    one a cell."""
    return char in "".join(column.to_numpy(dtype=object))


def unique_headers(headers: Iterable[str]) -> list[str]:
    """Headers as pandas names them: an empty one "Unnamed: <position>", a repeated one "<name>.1"."""
    names: list[str] = []
    seen: set[str] = set()
    for position, header in enumerate(headers):
        name = header if header.strip() else f"Unnamed: {position}"
        candidate, count = name, 0
        while candidate in seen:
            count += 1
            candidate = f"{name}.{count}"
        seen.add(candidate)
        names.append(candidate)
    return names


def finish(format: str, rows: pd.DataFrame, lines: np.ndarray) -> RawTable:
    """A table from the file's rows (str cells, columns by position) and their numbers in the file.

    The first row that is not blank is the header; blank rows after it are dropped. Columns with no header
    and nothing in them (Excel's formatted-but-empty columns) are dropped too.
    """
    rows = rows.fillna("").astype(str) if len(rows.columns) else rows
    lines = np.asarray(lines, dtype=np.int64)
    blank = blank_rows(rows) if len(rows.columns) else np.ones(len(rows), dtype=bool)
    filled = np.flatnonzero(~blank)
    if not len(filled):
        raise EmptyFile("")
    start = filled[0]
    headers = [str(cell) for cell in rows.iloc[start]]
    body = rows.iloc[start + 1 :]
    body_lines = lines[start + 1 :]
    keep_rows = ~blank[start + 1 :]
    body, body_lines = body[keep_rows], body_lines[keep_rows]
    keep_columns = [
        position
        for position, header in enumerate(headers)
        if header.strip() or not body.iloc[:, position].str.strip().eq("").all()
    ]
    body = body.iloc[:, keep_columns]
    body.columns = unique_headers(headers[position] for position in keep_columns)
    if body.empty:
        raise EmptyFile(HEADERS_ONLY)
    return RawTable(frame=body.reset_index(drop=True), format=format, line_numbers=body_lines)


def named_table(format: str, frame: pd.DataFrame, lines: np.ndarray) -> RawTable:
    """A table whose headers are already known (GIS attributes): drop blank rows, refuse it if empty."""
    if frame.empty:
        raise EmptyFile("")
    lines = np.asarray(lines, dtype=np.int64)
    keep = ~blank_rows(frame)
    if not keep.any():
        raise EmptyFile(HEADERS_ONLY)
    return RawTable(frame=frame[keep].reset_index(drop=True), format=format, line_numbers=lines[keep])


# --- archives ---------------------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # a first member, or an empty archive


def check_archive(path: Path, limits: Limits, *, what: str) -> list[zipfile.ZipInfo]:
    """The members of a zip (xlsx, zipped shapefile), refused if it would unpack to too much.

    Uses the sizes the archive declares; Python's zipfile and GDAL stop at those sizes when unpacking.
    """
    with path.open("rb") as file:
        magic = file.read(8)
    if magic == _OLE_MAGIC:
        raise UnreadableFile("it is an Excel 97-2003 (.xls) workbook; save it as .xlsx and try again")
    if not magic.startswith(_ZIP_MAGIC):  # zipfile also accepts an archive with anything in front of it
        raise UnreadableFile(f"it is not a valid {what} (not a readable zip archive)")
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise UnreadableFile(f"it is not a valid {what} (not a readable zip archive)") from error
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if unpacked > limits.max_unpacked_bytes:
        raise SuspiciousArchive(unpacked, limit=limits.max_unpacked_bytes)
    if unpacked > SUSPICIOUS_UNPACKED and unpacked > SUSPICIOUS_RATIO * max(packed, 1):
        raise SuspiciousArchive(unpacked, limit=min(limits.max_unpacked_bytes, SUSPICIOUS_RATIO * packed))
    return members


def short_reason(error: BaseException, path: Path) -> str:
    """One line about a library's failure, without the server's directories in it."""
    if isinstance(error, MemoryError):
        return "it is too large to read into memory"
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    text = text.replace(str(path.parent) + "/", "").replace(str(path), path.name)
    return text if len(text) <= 200 else text[:199] + "…"
