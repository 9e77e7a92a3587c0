"""Survey files → a table of text cells, whatever the format they came in.

``read_table`` is the one entry point: it refuses files over the size limit, picks a reader by the file's
suffix (``READERS``, filled by ``@register`` in the modules below), recognises Kobo/ODK exports by their
headers, and turns any failure of the libraries underneath into ``UnreadableFile`` with a short reason.
"""

from pathlib import Path

from ..exceptions import FileTooLarge, UnknownFormat, UnreadableFile
from . import csv_, kobo, ogr, xlsx  # noqa: F401  (importing them registers their readers)
from .base import READERS, Limits, RawTable, Reader, known_suffixes, reader_for, register, short_reason
from .kobo import KOBO_METADATA_COLUMNS, is_kobo

__all__ = [
    "KOBO_METADATA_COLUMNS",
    "READERS",
    "Limits",
    "RawTable",
    "Reader",
    "is_kobo",
    "read_table",
    "register",
]


def read_table(path: Path, *, max_bytes: int, max_unpacked_bytes: int) -> RawTable:
    """The file's rows as text, or UnreadableFile (or one of its subclasses) saying why not."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise UnreadableFile("the file cannot be opened") from error
    if size > max_bytes:
        raise FileTooLarge(size, limit=max_bytes)
    reader = reader_for(path)
    if reader is None:
        suffix = "".join(path.suffixes[-1:]).lower() or path.name
        raise UnknownFormat(suffix, known=", ".join(known_suffixes()))
    limits = Limits(max_bytes=max_bytes, max_unpacked_bytes=max_unpacked_bytes)
    try:
        table = reader().read(path, limits)
        for variant in READERS.values():
            if variant.refines == reader.format and variant.detect(table.frame.columns):
                return variant.adapt(table)
    except UnreadableFile:
        raise
    except Exception as error:  # a library's failure on a bad file is the file's problem, not a crash
        raise UnreadableFile(short_reason(error, path)) from error
    return table
