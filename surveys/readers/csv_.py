"""CSV and tab-separated text: UTF-8 (with or without a BOM) or UTF-16 (Excel's "Unicode text").

pandas parses; this module only decides the encoding and the delimiter from the start of the file and
turns pandas' failures into reasons a person can act on. Every cell is read as text, so leading zeros
(phone numbers, BBS codes) and Bangla digits stay exactly as written.
"""

import codecs
import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import EmptyFile, UnreadableFile, WrongEncoding
from .base import Limits, RawTable, Reader, column_has, finish, register

SAMPLE_BYTES = 64 * 1024
DELIMITERS = (",", "\t", ";")  # in order of preference when the header splits equally well on several
BINARY = "it contains binary data (NUL bytes), not text; is it really a CSV file?"
_EXCEL_SEP_HINT = re.compile(r"^sep=(.)$")
_SIGNATURES = {
    b"PK\x03\x04": "it is a zip archive (perhaps an Excel .xlsx workbook renamed to .csv), not CSV text",
    b"\xd0\xcf\x11\xe0": "it is an Excel 97-2003 (.xls) workbook renamed to .csv, not CSV text",
    b"%PDF": "it is a PDF document, not CSV text",
}


def detect_encoding(head: bytes) -> str:
    """The encoding of a text file from its first bytes; UnreadableFile if it is not text at all."""
    for signature, reason in _SIGNATURES.items():
        if head.startswith(signature):
            raise UnreadableFile(reason)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        # UTF-16 without a BOM: the ASCII delimiters, digits and line ends each carry a NUL byte, always on
        # the same side of the pair. Binary data has NULs anywhere.
        even, odd = head[0::2], head[1::2]
        if not even.count(0) and odd.count(0) > len(odd) // 10:
            return "utf-16-le"
        if not odd.count(0) and even.count(0) > len(even) // 10:
            return "utf-16-be"
        raise UnreadableFile(BINARY)
    return "utf-8"


def encoding_problem(path: Path) -> str:
    """Where the first byte that is not UTF-8 is, for the WrongEncoding message."""
    with path.open("rb") as file:
        for number, line in enumerate(file, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                byte = line[error.start]
                return f"line {number} has the byte 0x{byte:02X}, perhaps Windows-1252 / Latin-1"
    return "it is not valid UTF-8"


def sniff(sample: str) -> tuple[int, str, bool]:
    """(leading blank lines to skip, delimiter, whether the first kept line is Excel's "sep=x" hint)."""
    lines = sample.splitlines(keepends=True)
    skip = 0
    for line in lines:
        if line.strip(" \r\n\t,;"):
            break
        skip += 1
    rest = "".join(lines[skip:])
    first = lines[skip].strip("\r\n") if skip < len(lines) else ""
    hint = _EXCEL_SEP_HINT.match(first)
    if hint:
        return skip, hint.group(1), True

    def width(delimiter: str) -> int:
        try:
            return len(next(csv.reader(io.StringIO(rest), delimiter=delimiter), []))
        except csv.Error:
            return 0

    return skip, max(DELIMITERS, key=width), False


@register("csv", suffixes=(".csv", ".txt", ".tsv"))
class CsvReader(Reader):
    def read(self, path: Path, limits: Limits) -> RawTable:
        with path.open("rb") as file:
            head = file.read(SAMPLE_BYTES)
        encoding = detect_encoding(head)
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            sample = decoder.decode(head, final=len(head) < SAMPLE_BYTES)
        except UnicodeDecodeError as error:
            raise WrongEncoding(encoding_problem(path)) from error
        if "\x00" in sample:
            raise UnreadableFile(BINARY)
        if not sample.strip():
            raise EmptyFile("")
        skip, delimiter, hinted = sniff(sample)
        skip += hinted
        try:
            rows = pd.read_csv(
                path,
                sep=delimiter,
                header=None,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                skiprows=skip,
                encoding=encoding,
                encoding_errors="strict",
                engine="c",
            )
        except UnicodeError as error:
            if encoding.startswith("utf-8"):
                raise WrongEncoding(encoding_problem(path)) from error
            raise UnreadableFile(f"it is not valid {encoding.upper()} text") from error
        except pd.errors.EmptyDataError as error:
            raise EmptyFile("") from error
        except pd.errors.ParserError as error:
            detail = str(error).split("C error: ")[-1].strip()
            if "EOF inside string" in detail:
                raise UnreadableFile(
                    f'a quoted cell is never closed (a " without its partner; {detail})'
                ) from error
            raise UnreadableFile(f"its rows do not line up with the header ({detail})") from error
        rows = rows.fillna("").astype(str)
        if any(column_has(rows.iloc[:, i], "\x00") for i in range(rows.shape[1])):
            raise UnreadableFile(BINARY)
        return finish(self.format, rows, _record_lines(rows, first_line=skip + 1))


def _record_lines(rows: pd.DataFrame, *, first_line: int) -> np.ndarray:
    """The line each record starts on; a quoted cell with line breaks in it makes its record longer."""
    breaks = np.zeros(len(rows), dtype=np.int64)
    for position in range(rows.shape[1]):
        if column_has(rows.iloc[:, position], "\n"):  # counted in the columns that have line breaks only
            breaks += rows.iloc[:, position].str.count("\n").to_numpy(dtype=np.int64)
    before = np.concatenate([[0], np.cumsum(breaks)[:-1]]) if len(rows) else breaks
    return first_line + np.arange(len(rows), dtype=np.int64) + before
