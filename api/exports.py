"""Exports of any filtered query: CSV, XLSX, GeoJSON, GeoPackage.

The rows are the list endpoint's: the one FilterSet (``enterprise_list``), the columns this caller may read
(``enterprise_columns``), so personal data leaves only with ``industries.view_personal``, in every format.

Memory stays flat however many rows match: rows come from a server-side cursor a chunk at a time. CSV and
GeoJSON are streamed as they are read; XLSX and GeoPackage cannot be streamed (a zip and an SQLite file),
so they are written chunk by chunk to a temporary file that is sent and then freed. Each export runs in one
transaction so that the named cursor reads from one snapshot without Django's ``WITH HOLD``, which would
make PostgreSQL materialise the whole result before the first row is sent.

That transaction is open for as long as the client reads, so exports have rate limits and a cap on how
many run at once of their own (``api.throttling``), and timeouts of their own set in the transaction
(``EXPORT_STATEMENT_TIMEOUT``, ``EXPORT_IDLE_TIMEOUT``). The first rows are read before the response
starts, so that a query that fails or is cancelled is still an HTTP error (a 503 from ``api.overload``),
not a file cut short.
"""

import csv
import io
import re
import tempfile
import unicodedata
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import chain, islice
from pathlib import Path
from urllib.parse import quote

import numpy as np
from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.db import connection, transaction
from django.db.models import FloatField, Func, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from pyogrio.raw import write as ogr_write
from rest_framework.exceptions import NotFound
from rest_framework.permissions import DjangoModelPermissionsOrAnonReadOnly
from rest_framework.views import APIView

from industries.bangla import to_ascii_digits
from industries.exceptions import AmbiguousAdminName, UnknownAdminName
from industries.models import Enterprise
from industries.resolver import get_resolver
from industries.spreadsheet import csv_safe

from . import docs
from .filters import EnterpriseFilterSet, split_values
from .geojson import FEATURE
from .selectors import enterprise_columns, enterprise_list, enterprise_values
from .throttling import ExportAnonRateThrottle, ExportKeyRateThrottle, ReleasingContent, export_slot_take

# Rows fetched per round trip of the server-side cursor, and per piece of a streamed body.
CHUNK_ROWS = 5_000
# Rows per append to the GeoPackage: large enough that one GDAL transaction per append is cheap, small
# enough that the chunk's Python objects (about 35 values a row) stay in tens of megabytes.
GPKG_CHUNK_ROWS = 20_000
LAYER = "enterprises"
# Excel's limit is 1,048,576 rows a sheet, header included; more rows continue on another sheet.
XLSX_MAX_ROWS = 1_048_575
# GDAL's time zone flag for UTC (100 + offset in quarter hours).
GDAL_UTC = 100
WGS84 = "EPSG:4326"
FILENAME_LABEL_MAX = 120
# Times in tables are Dhaka time, as people there read them; looked up once, not per row.
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)

MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
}


@dataclass(frozen=True)
class Column:
    name: str  # as written in the file
    key: str  # name in the values() query
    kind: str  # int, float, bool, str, datetime or distance: the GeoPackage field type and conversions


KIND_OF_FIELD = {
    "AutoField": "int",
    "BigAutoField": "int",
    "IntegerField": "int",
    "BigIntegerField": "int",
    "SmallIntegerField": "int",
    "PositiveIntegerField": "int",
    "PositiveBigIntegerField": "int",
    "PositiveSmallIntegerField": "int",
    "FloatField": "float",
    "DecimalField": "float",
    "BooleanField": "bool",
    "DateTimeField": "datetime",
}


def _field_kind(path: str) -> str:
    model = Enterprise
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return KIND_OF_FIELD.get(field.get_internal_type(), "str")


def export_columns(columns: dict[str, str], *, lonlat: bool, by_distance: bool) -> list[Column]:
    """The columns of a table export: the caller's columns, then lon/lat, then the distance for ``near``."""
    out = [Column(name, name, _field_kind(path)) for name, path in columns.items()]
    if lonlat:
        out += [Column("lon", "lon", "float"), Column("lat", "lat", "float")]
    if by_distance:
        out.append(Column("distance_m", "distance", "distance"))
    return out


@contextmanager
def _export_transaction():
    """One transaction with the export's own timeouts, longer than a web request's (``SET LOCAL``: they
    end with it, and the connection goes back to the web request's timeouts)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true),"
            " set_config('idle_in_transaction_session_timeout', %s, true)",
            [settings.EXPORT_STATEMENT_TIMEOUT, settings.EXPORT_IDLE_TIMEOUT],
        )
        yield


def _rows(values: QuerySet, keys: list[str]) -> Iterator[tuple]:
    with _export_transaction():
        yield from values.values_list(*keys).iterator(chunk_size=CHUNK_ROWS)


def _started(items: Iterator) -> Iterator:
    """The same items, the first one read now: for a stream, the query runs before the response starts."""
    for first in items:
        return chain((first,), items)
    return iter(())


def _converted(rows: Iterable[tuple], converters: list[tuple[int, Callable]]) -> Iterator[list]:
    for row in rows:
        row = list(row)
        for index, convert in converters:
            if row[index] is not None:
                row[index] = convert(row[index])
        yield row


def _metres(distance) -> float:
    return round(distance.m, 1)


def _local_naive(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL).replace(tzinfo=None)


def _local_iso(moment: datetime) -> str:
    return moment.astimezone(LOCAL).isoformat(timespec="seconds")


# CSV


def _csv_chunks(rows: Iterable[list], header: list[str]) -> Iterator[bytes]:
    # The byte order mark makes Excel read the file as UTF-8, so Bangla shows as Bangla.
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for number, row in enumerate(rows, 1):
        writer.writerow([csv_safe(value) for value in row])
        if number % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def csv_export(queryset: QuerySet, *, columns: dict[str, str], by_distance: bool) -> StreamingHttpResponse:
    table = export_columns(columns, lonlat=True, by_distance=by_distance)
    values = enterprise_values(
        _with_lonlat(queryset), columns=columns, geometry=False, extra=_extra(("lon", "lat"), by_distance)
    )
    converters = [
        (index, convert) for index, column in enumerate(table) if (convert := CSV_CONVERTERS.get(column.kind))
    ]
    rows = _started(_converted(_rows(values, [c.key for c in table]), converters))
    return StreamingHttpResponse(_csv_chunks(rows, [c.name for c in table]), content_type=MEDIA_TYPES["csv"])


CSV_CONVERTERS = {
    "bool": lambda value: "true" if value else "false",
    "datetime": _local_iso,
    "distance": _metres,
}


def _with_lonlat(queryset: QuerySet) -> QuerySet:
    return queryset.annotate(
        lon=Func("location", function="ST_X", output_field=FloatField()),
        lat=Func("location", function="ST_Y", output_field=FloatField()),
    )


def _extra(names: tuple[str, ...], by_distance: bool) -> tuple[str, ...]:
    return (*names, "distance") if by_distance else names


# GeoJSON: each feature is rendered by PostGIS (as on the list endpoint), so Python only joins text.


def _geojson_chunks(values: QuerySet, *, by_distance: bool) -> Iterator[bytes]:
    inner, params = values.query.sql_with_params()
    order = "p.distance, p.id" if by_distance else "p.id"
    sql = f"SELECT {FEATURE}::text FROM ({inner}) AS p ORDER BY {order}"
    with _export_transaction(), _server_side_cursor() as cursor:
        cursor.execute(sql, params)
        features = cursor.fetchmany(CHUNK_ROWS)
        yield b'{"type":"FeatureCollection","features":[' + ",".join(f for (f,) in features).encode()
        while features := cursor.fetchmany(CHUNK_ROWS):
            yield ("," + ",".join(feature for (feature,) in features)).encode()
    yield b"]}"


def _server_side_cursor():
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):  # behind pgBouncer in transaction mode
        return connection.cursor()
    return connection.chunked_cursor()


def geojson_export(
    queryset: QuerySet, *, columns: dict[str, str], by_distance: bool
) -> StreamingHttpResponse:
    values = enterprise_values(queryset, columns=columns, extra=_extra((), by_distance))
    return StreamingHttpResponse(
        _started(_geojson_chunks(values, by_distance=by_distance)), content_type=MEDIA_TYPES["geojson"]
    )


# Files that cannot be streamed


def _written_file(write: Callable[[Path], None], suffix: str) -> io.BufferedReader:
    """Run ``write(path)`` into a private temporary directory and return the file opened for reading. The
    directory is removed at once, also when writing fails: the open handle keeps the data readable until
    FileResponse closes it after sending, and then the disk space is freed."""
    with tempfile.TemporaryDirectory(prefix="geodb-export-") as directory:
        path = Path(directory) / f"{LAYER}{suffix}"
        write(path)
        return path.open("rb")


def _xlsx_text(value: str) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters that openpyxl refuses to write


XLSX_CONVERTERS = {
    "str": _xlsx_text,
    "datetime": _local_naive,  # Excel has no time zones
    "distance": _metres,
}


def _write_xlsx(path: Path, rows: Iterable[list], header: list[str]) -> None:
    workbook = Workbook(write_only=True)
    sheet, used = None, XLSX_MAX_ROWS
    for row in rows:
        if used == XLSX_MAX_ROWS:
            sheet, used = _xlsx_sheet(workbook, header), 0
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        used += 1
    if sheet is None:
        _xlsx_sheet(workbook, header)
    workbook.save(path)


def _xlsx_sheet(workbook: Workbook, header: list[str]):
    number = len(workbook.worksheets) + 1
    sheet = workbook.create_sheet(LAYER if number == 1 else f"{LAYER} ({number})")
    sheet.freeze_panes = "A2"
    sheet.append(header)
    return sheet


def _xlsx_cell(sheet, value):
    # openpyxl turns text beginning with "=" into a formula; survey text must stay text.
    if value.__class__ is str and value.startswith("="):
        cell = WriteOnlyCell(sheet, value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_export(queryset: QuerySet, *, columns: dict[str, str], by_distance: bool) -> FileResponse:
    table = export_columns(columns, lonlat=True, by_distance=by_distance)
    values = enterprise_values(
        _with_lonlat(queryset), columns=columns, geometry=False, extra=_extra(("lon", "lat"), by_distance)
    )
    converters = [
        (index, convert)
        for index, column in enumerate(table)
        if (convert := XLSX_CONVERTERS.get(column.kind))
    ]
    rows = _converted(_rows(values, [c.key for c in table]), converters)
    handle = _written_file(lambda path: _write_xlsx(path, rows, [c.name for c in table]), ".xlsx")
    return FileResponse(handle, content_type=MEDIA_TYPES["xlsx"])


def _gpkg_arrays(chunk: tuple[tuple, ...], table: list[Column]):
    """Typed arrays of one chunk: the fields, their null masks and GDAL time zones, and the WKB points.
    Types come from the model, not from the data, so every chunk appends to the same fields."""
    size = len(chunk)
    data, masks, zones = [], [], {}
    for index, column in enumerate(table):
        values = [row[index] for row in chunk]
        mask = None
        if column.kind in ("int", "bool"):
            mask = np.fromiter((value is None for value in values), bool, size)
            dtype = np.int64 if column.kind == "int" else bool
            array = np.fromiter((value or 0 for value in values), dtype, size)
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
    geometry = np.array([bytes(row[-1]) for row in chunk], dtype=object)
    return geometry, data, masks, zones


def _chunks(rows: Iterable[tuple], size: int) -> Iterator[tuple[tuple, ...]]:
    rows = iter(rows)
    while chunk := tuple(islice(rows, size)):
        yield chunk


def _write_gpkg(path: Path, rows: Iterable[tuple], table: list[Column]) -> None:
    append = False
    for chunk in _chunks(rows, GPKG_CHUNK_ROWS):
        _gpkg_append(path, chunk, table, append=append)
        append = True
    if not append:  # no rows: still a layer with its fields, so that the file opens
        _gpkg_append(path, (), table, append=False)


def _gpkg_append(path: Path, chunk, table: list[Column], *, append: bool) -> None:
    geometry, data, masks, zones = _gpkg_arrays(chunk, table)
    ogr_write(
        str(path),
        geometry=geometry,
        field_data=data,
        fields=[c.name for c in table],
        field_mask=masks,
        layer=LAYER,
        driver="GPKG",
        geometry_type="Point",
        crs=WGS84,
        append=append,
        gdal_tz_offsets=zones,
    )


def gpkg_export(queryset: QuerySet, *, columns: dict[str, str], by_distance: bool) -> FileResponse:
    table = export_columns(columns, lonlat=False, by_distance=by_distance)
    values = enterprise_values(
        queryset.annotate(wkb=AsWKB("location")),
        columns=columns,
        geometry=False,
        extra=_extra(("wkb",), by_distance),
    )
    rows = _rows(values, [*(c.key for c in table), "wkb"])
    handle = _written_file(lambda path: _write_gpkg(path, rows, table), ".gpkg")
    return FileResponse(handle, content_type=MEDIA_TYPES["gpkg"])


EXPORTERS = {
    "csv": csv_export,
    "xlsx": xlsx_export,
    "geojson": geojson_export,
    "gpkg": gpkg_export,
}


# Filenames


ADMIN_LEVELS = ("division", "district", "upazila")


def _filter_labels(params) -> list[str]:
    """``district-Bogura``, ``size-small_medium``… in the FilterSet's order. Places are named in English
    whatever spelling or code was asked for, so that the name is ASCII in the common case."""
    labels = []
    for name in EnterpriseFilterSet.base_filters:
        given = split_values(params.getlist(name))
        if not given:
            continue
        if name == "within":  # a whole polygon: too long for a name
            labels.append(name)
            continue
        if name in ADMIN_LEVELS:
            given = [_place_name(text, name) for text in given]
        labels.append(f"{name}-{'_'.join(to_ascii_digits(text) for text in given)}")
    return labels


def _place_name(text: str, level: str) -> str:
    try:
        return get_resolver().resolve(text, level=level).name_en
    except (UnknownAdminName, AmbiguousAdminName):
        return text


def _unicode_safe(text: str) -> str:
    """Letters (Bangla too, with their vowel signs), digits, dots, dashes and underscores; runs of anything
    else become one dash."""
    kept = "".join(char if unicodedata.category(char)[0] in "LMN" or char in ".-_" else " " for char in text)
    return re.sub(r"\s+", "-", kept.strip())


def _ascii_safe(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_text)).strip("-")


def export_filename(params, *, fmt: str, now: datetime) -> str:
    """``enterprises_district-Bogura_size-small_20261124-1830.csv``, in local (Dhaka) time."""
    label = "_".join(_unicode_safe(label) for label in _filter_labels(params))[:FILENAME_LABEL_MAX]
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return "_".join(part for part in (LAYER, label, stamp) if part) + f".{fmt}"


def content_disposition(filename: str) -> str:
    """An ASCII ``filename`` for every client, and the full UTF-8 name (RFC 6266) where it differs."""
    fallback = "_".join(filter(None, (_ascii_safe(part) for part in filename.split("_"))))
    header = f'attachment; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename)}"
    return header


class EnterpriseExport(APIView):
    """Every enterprise matching the filters, as one file: csv, xlsx, geojson or gpkg."""

    permission_classes = [DjangoModelPermissionsOrAnonReadOnly]
    throttle_classes = [ExportAnonRateThrottle, ExportKeyRateThrottle]
    queryset = Enterprise.objects.none()  # for the model permission check

    @extend_schema(
        operation_id="enterprises_export",
        parameters=[
            OpenApiParameter(
                "fmt",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(EXPORTERS),
                description="File format. ফাইলের ধরন।",
            ),
            *docs.FILTER_PARAMETERS,
        ],
        responses={
            (200, media_type.split(";")[0]): OpenApiTypes.BINARY for media_type in MEDIA_TYPES.values()
        },
        description=(
            "All enterprises matching the filters as CSV (UTF-8 with BOM, lon/lat columns), XLSX, GeoJSON "
            "or GeoPackage (layer enterprises, EPSG:4326). Owner names, phones and NIDs only with the "
            "view_personal permission. ফিল্টার করা সব প্রতিষ্ঠান ফাইল হিসেবে।"
        ),
    )
    def get(self, request, fmt: str):
        exporter = EXPORTERS.get(fmt)
        if exporter is None:
            raise NotFound(f"No export as {fmt}. Formats: {', '.join(EXPORTERS)}.")
        params = request.query_params
        queryset = enterprise_list(params=params)
        slot = export_slot_take(request)
        try:
            response = exporter(
                queryset, columns=enterprise_columns(user=request.user), by_distance=bool(params.get("near"))
            )
        except BaseException:
            slot.release()
            raise
        # Held until the response is closed: while the client reads, the export holds its connection.
        response.streaming_content = ReleasingContent(response.streaming_content, slot.release)
        response["Content-Disposition"] = content_disposition(
            export_filename(params, fmt=fmt, now=timezone.now())
        )
        return response
