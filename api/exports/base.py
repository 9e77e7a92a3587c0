"""What every writer shares. A writer says how its rows carry the point, how it converts values of a column
kind, and whether it streams or writes a file; ``Writer.export`` does the rest, the same for every format."""

import tempfile
import zoneinfo
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path
from typing import ClassVar

from django.conf import settings
from django.contrib.gis.db.models.functions import AsWKB
from django.db import connections, transaction
from django.db.models import Func, QuerySet
from django.db.models.fields import BooleanField, DateTimeField, DecimalField, FloatField, IntegerField
from django.http import FileResponse, HttpResponseBase, StreamingHttpResponse

from industries.models import Enterprise

from ..selectors import enterprise_values

# Rows fetched per round trip of the server-side cursor, and per piece of a streamed body.
CHUNK_ROWS = 5_000
LAYER = "enterprises"
# Times in tables are Dhaka time, as people there read them; looked up once, not per row.
LOCAL = zoneinfo.ZoneInfo(settings.TIME_ZONE)

# How a writer's rows carry the point: lon/lat columns, WKB after the columns, or the location (for SQL).
LONLAT, WKB, LOCATION = "lonlat", "wkb", "location"

# A column's kind, from its field's class (else "str"): its GeoPackage field type, and its converters.
KINDS = (
    (IntegerField, "int"),
    ((FloatField, DecimalField), "float"),
    (BooleanField, "bool"),
    (DateTimeField, "datetime"),
)


@dataclass(frozen=True)
class Column:
    name: str  # as written in the file
    key: str  # name in the values() query
    kind: str  # int, float, bool, str, datetime or distance


def _field_kind(path: str) -> str:
    model = Enterprise
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return next((kind for types, kind in KINDS if isinstance(field, types)), "str")


def export_columns(columns: dict[str, str], *, lonlat: bool, by_distance: bool) -> list[Column]:
    """The columns of a table export: the caller's columns, then lon/lat, then the distance for ``near``."""
    out = [Column(name, name, _field_kind(path)) for name, path in columns.items()]
    if lonlat:
        out += [Column("lon", "lon", "float"), Column("lat", "lat", "float")]
    if by_distance:
        out.append(Column("distance_m", "distance", "distance"))
    return out


def export_values(queryset: QuerySet, *, columns: dict[str, str], point: str, by_distance: bool) -> QuerySet:
    """``enterprise_values`` with the point as ``point`` says, and the distance for ``near``."""
    points = {"wkb": AsWKB("location")} if point == WKB else {}
    if point == LONLAT:
        points = {
            "lon": Func("location", function="ST_X", output_field=FloatField()),
            "lat": Func("location", function="ST_Y", output_field=FloatField()),
        }
    extra = (*points, "distance") if by_distance else tuple(points)
    return enterprise_values(
        queryset.annotate(**points), columns=columns, geometry=point == LOCATION, extra=extra
    )


@contextmanager
def export_transaction(using: str):
    """One transaction on the database ``using`` with the export's own timeouts, longer than a web
    request's (``SET LOCAL``: they end with it, and the connection goes back to the web request's
    timeouts)."""
    with transaction.atomic(using=using), connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('statement_timeout', %s, true),"
            " set_config('idle_in_transaction_session_timeout', %s, true)",
            [settings.EXPORT_STATEMENT_TIMEOUT, settings.EXPORT_IDLE_TIMEOUT],
        )
        yield


def batches(rows: Iterable, size: int) -> Iterator[tuple]:
    rows = iter(rows)
    while batch := tuple(islice(rows, size)):
        yield batch


def metres(distance) -> float:
    return round(distance.m, 1)


class Writer:
    """One file format, in ``api.exports.WRITERS`` under ``format``; a StreamWriter or a FileWriter."""

    format: ClassVar[str]
    media_type: ClassVar[str]
    point: ClassVar[str] = LONLAT
    converters: ClassVar[dict[str, Callable]] = {}  # column kind -> conversion of a value that is not None

    def export(self, queryset: QuerySet, *, columns: dict[str, str], by_distance: bool) -> HttpResponseBase:
        table = export_columns(columns, lonlat=self.point == LONLAT, by_distance=by_distance)
        # The database is chosen now, in the request (a replica for public reads, geodb.replicas), not when
        # a streamed response's rows are read after the view has returned.
        queryset = queryset.using(queryset.db)
        values = export_values(queryset, columns=columns, point=self.point, by_distance=by_distance)
        return self.respond(self.rows(values, table, by_distance=by_distance), table)

    def rows(self, values: QuerySet, table: list[Column], *, by_distance: bool) -> Iterator:
        """The values in ``table``'s order (then the WKB point), converted, read from a server-side cursor
        in one transaction: named cursors without Django's ``WITH HOLD``, which would make PostgreSQL
        materialise the whole result before the first row is sent."""
        keys = [column.key for column in table] + ([WKB] if self.point == WKB else [])
        converters = [
            (i, convert) for i, column in enumerate(table) if (convert := self.converters.get(column.kind))
        ]
        with export_transaction(values.db):
            for row in values.values_list(*keys).iterator(chunk_size=CHUNK_ROWS):
                if converters:
                    row = list(row)
                    for index, convert in converters:
                        if row[index] is not None:
                            row[index] = convert(row[index])
                yield row


class StreamWriter(Writer):
    """A format sent as it is read, in pieces of about ``CHUNK_ROWS`` rows."""

    def chunks(self, rows: Iterator, table: list[Column]) -> Iterator[bytes]:
        raise NotImplementedError

    def respond(self, rows: Iterator, table: list[Column]) -> StreamingHttpResponse:
        # The first row is read now, so that a query that fails is still an HTTP error, not a file cut short.
        first = next(rows, None)
        rows = rows if first is None else chain((first,), rows)
        return StreamingHttpResponse(self.chunks(rows, table), content_type=self.media_type)


class FileWriter(Writer):
    """A format that cannot be streamed (a zip, an SQLite file): written to a temporary file, then sent."""

    def write(self, path: Path, rows: Iterable, table: list[Column]) -> None:
        raise NotImplementedError

    def respond(self, rows: Iterator, table: list[Column]) -> FileResponse:
        # Removed at once, also if writing fails: the open handle keeps the data until FileResponse closes it.
        with tempfile.TemporaryDirectory(prefix="geodb-export-") as directory:
            path = Path(directory) / f"{LAYER}.{self.format}"
            self.write(path, rows, table)
            handle = path.open("rb")
        return FileResponse(handle, content_type=self.media_type)
