"""GeoJSON: each feature is rendered by PostGIS (as on the list endpoint), so Python only joins text."""

from collections.abc import Iterable, Iterator

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

from ..geojson import feature_sql
from .base import CHUNK_ROWS, LOCATION, Column, StreamWriter, batches, export_transaction


class GeoJsonWriter(StreamWriter):
    format = "geojson"
    media_type = "application/geo+json"
    point = LOCATION

    def rows(self, values: QuerySet, table: list[Column], *, by_distance: bool) -> Iterator[tuple[str]]:
        try:
            inner, params = values.query.sql_with_params()
        except EmptyResultSet:  # filters that match nothing (workers_max below any count): no rows
            return
        order = "p.distance, p.id" if by_distance else "p.id"
        # The cursor is made in the transaction: not WITH HOLD.
        with export_transaction(values.db), _server_side_cursor(values.db) as cursor:
            cursor.execute(f"SELECT {feature_sql(values)}::text FROM ({inner}) AS p ORDER BY {order}", params)
            while features := cursor.fetchmany(CHUNK_ROWS):
                yield from features

    def chunks(self, rows: Iterable[tuple[str]], table: list[Column]) -> Iterator[bytes]:
        yield b'{"type":"FeatureCollection","features":['
        separator = ""
        for batch in batches(rows, CHUNK_ROWS):
            yield (separator + ",".join(feature for (feature,) in batch)).encode()
            separator = ","
        yield b"]}"


def _server_side_cursor(using: str):
    connection = connections[using]
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):  # behind pgBouncer in transaction mode
        return connection.cursor()
    return connection.chunked_cursor()
