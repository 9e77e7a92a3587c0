"""KoboToolbox / ODK exports, as CSV or XLSX, recognised by the columns those tools add.

They are read like any CSV or workbook, then tidied so the mapping sees the form's own field names:
group paths are cut off the headers (``household/location/district`` → ``district``), the submission's
point becomes ``_latitude`` / ``_longitude``, and the server's bookkeeping columns are dropped.
"""

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from .base import READERS, Limits, RawTable, Reader, register

# Columns Kobo / ODK add about the submission itself, not the enterprise: dropped after reading.
KOBO_METADATA_COLUMNS = frozenset(
    {
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_notes",
        "_status",
        "_submitted_by",
        "__version__",
        "_tags",
        "_index",
        "meta/instanceID",
        "_xform_id_string",
        "_attachments",
        "formhub/uuid",
        "meta/deprecatedID",
        "meta/rootUuid",
    }
)
# Any of these headers means the file is a Kobo / ODK export.
KOBO_MARKERS = frozenset({"_uuid", "_submission_time", "_geolocation", "meta/instanceID"})
GEOLOCATION = "_geolocation"
LATITUDE, LONGITUDE = "_latitude", "_longitude"
GROUP_SEPARATOR = "/"
_POINT_LATITUDE = re.compile(r"^_(?P<field>.+)_latitude$")
_NUMBER = re.compile(r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")


def _leaf(header: str) -> str:
    return header.rsplit(GROUP_SEPARATOR, 1)[-1]


def is_kobo(headers: Iterable[str]) -> bool:
    headers = [str(header) for header in headers]
    if KOBO_MARKERS & set(headers):
        return True
    leaves = {_leaf(header) for header in headers}
    return any(
        leaf.endswith(LATITUDE) and leaf[: -len(LATITUDE)] + LONGITUDE in leaves and leaf != LATITUDE
        for leaf in leaves
    )


def strip_groups(headers: list[str]) -> list[str]:
    """``group/subgroup/field`` → ``field``, unless another column already has that name."""
    taken = {header for header in headers if GROUP_SEPARATOR not in header}
    names = []
    for header in headers:
        if GROUP_SEPARATOR in header:
            leaf = _leaf(header)
            name = leaf if leaf and leaf not in taken else header
            taken.add(name)
            names.append(name)
        else:
            names.append(header)
    return names


def split_geolocation(value: str) -> tuple[str, str]:
    """Kobo's point: "24.85 89.37", "24.85 89.37 12 5" (lat lon altitude accuracy) or "[24.85, 89.37]"."""
    parts = [part for part in re.split(r"[\s,]+", value.strip().strip("[]()")) if part]
    if len(parts) >= 2 and _NUMBER.match(parts[0]) and _NUMBER.match(parts[1]):
        return parts[0], parts[1]
    return "", ""


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """The Kobo export as the mapping wants it: no metadata, no group paths, one _latitude/_longitude."""
    headers = [str(header) for header in frame.columns]
    keep = [
        position
        for position, header in enumerate(headers)
        if header not in KOBO_METADATA_COLUMNS and _leaf(header) not in KOBO_METADATA_COLUMNS
    ]
    frame = frame.iloc[:, keep].copy()
    frame.columns = strip_groups([headers[position] for position in keep])
    columns = list(frame.columns)
    if LATITUDE in columns and LONGITUDE in columns:
        return frame
    for column in columns:
        match = _POINT_LATITUDE.match(column)
        twin = f"_{match['field']}{LONGITUDE}" if match else None
        if twin and twin in columns:
            return frame.rename(columns={column: LATITUDE, twin: LONGITUDE})
    if GEOLOCATION in columns:
        pairs = [split_geolocation(value) for value in frame[GEOLOCATION]]
        position = columns.index(GEOLOCATION)
        frame = frame.drop(columns=[GEOLOCATION])
        latitudes = pd.Series([latitude for latitude, _ in pairs], index=frame.index, dtype=str)
        longitudes = pd.Series([longitude for _, longitude in pairs], index=frame.index, dtype=str)
        frame.insert(position, LATITUDE, latitudes)
        frame.insert(position + 1, LONGITUDE, longitudes)
    return frame


class KoboReader(Reader):
    """A Kobo export in the format of ``refines``: read as that format, then tidied."""

    @classmethod
    def detect(cls, headers: Iterable[str]) -> bool:
        return is_kobo(headers)

    @classmethod
    def adapt(cls, table: RawTable) -> RawTable:
        return RawTable(frame=tidy(table.frame), format=cls.format, line_numbers=table.line_numbers)

    def read(self, path: Path, limits: Limits) -> RawTable:
        return self.adapt(READERS[self.refines]().read(path, limits))


@register("kobo-csv", refines="csv")
class KoboCsvReader(KoboReader):
    pass


@register("kobo-xlsx", refines="xlsx")
class KoboXlsxReader(KoboReader):
    pass
