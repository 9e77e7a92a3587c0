"""GeoPackage: layer ``enterprises`` of WGS84 points, appended a chunk at a time with typed fields."""

from collections.abc import Iterable
from datetime import UTC
from pathlib import Path

import numpy as np
from pyogrio.raw import write as ogr_write

from .base import LAYER, WKB, Column, FileWriter, batches

# Rows per append to the GeoPackage: large enough that one GDAL transaction per append is cheap, small
# enough that the chunk's Python objects (about 35 values a row) stay in tens of megabytes.
GPKG_CHUNK_ROWS = 20_000
# GDAL's time zone flag for UTC (100 + offset in quarter hours).
GDAL_UTC = 100
WGS84 = "EPSG:4326"


class GpkgWriter(FileWriter):
    format = "gpkg"
    media_type = "application/geopackage+sqlite3"
    point = WKB

    def write(self, path: Path, rows: Iterable, table: list[Column]) -> None:
        append = False
        for chunk in batches(rows, GPKG_CHUNK_ROWS):
            _append(path, chunk, table, append=append)
            append = True
        if not append:  # no rows: still a layer with its fields, so that the file opens
            _append(path, (), table, append=False)


def _append(path: Path, chunk: tuple[tuple, ...], table: list[Column], *, append: bool) -> None:
    """Append one chunk as typed arrays: the fields, their null masks and GDAL time zones, and the WKB points.
    Types come from the model, not from the data, so every chunk appends to the same fields."""
    size = len(chunk)
    data, masks, zones = [], [], {}
    for index, column in enumerate(table):
        values = [row[index] for row in chunk]
        mask = None
        if column.kind in ("int", "bool"):
            mask = np.fromiter((value is None for value in values), bool, size)
            array = np.fromiter(
                (value or 0 for value in values), np.int64 if column.kind == "int" else bool, size
            )
        elif column.kind in ("float", "distance"):
            if column.kind == "distance":
                values = [None if value is None else value.m for value in values]
            array = np.array([np.nan if value is None else value for value in values], dtype=np.float64)
        elif column.kind == "datetime":
            naive = [None if v is None else v.astimezone(UTC).replace(tzinfo=None) for v in values]
            array = np.array(naive, dtype="datetime64[ms]")
            zones[column.name] = np.full(size, GDAL_UTC, dtype=np.int32)
        else:
            array = np.array(values, dtype=object)
        data.append(array)
        masks.append(mask)
    ogr_write(
        str(path),
        geometry=np.array([bytes(row[-1]) for row in chunk], dtype=object),
        field_data=data,
        fields=[column.name for column in table],
        field_mask=masks,
        layer=LAYER,
        driver="GPKG",
        geometry_type="Point",
        crs=WGS84,
        append=append,
        gdal_tz_offsets=zones,
    )
