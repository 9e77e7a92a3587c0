"""CSV, streamed: UTF-8 with a byte order mark, lon/lat columns, times in Dhaka time with their offset."""

import csv
import io
from collections.abc import Iterable, Iterator

from industries.spreadsheet import csv_safe

from .base import CHUNK_ROWS, LOCAL, Column, StreamWriter, metres


class CsvWriter(StreamWriter):
    format = "csv"
    media_type = "text/csv; charset=utf-8"
    # Only text can look like a formula: the other kinds convert to numbers, "true"/"false" and ISO times.
    converters = {
        "str": csv_safe,
        "bool": lambda value: "true" if value else "false",
        "datetime": lambda moment: moment.astimezone(LOCAL).isoformat(timespec="seconds"),
        "distance": metres,
    }

    def chunks(self, rows: Iterable[list], table: list[Column]) -> Iterator[bytes]:
        # The byte order mark makes Excel read the file as UTF-8, so Bangla shows as Bangla.
        buffer = io.StringIO()
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow([column.name for column in table])
        for number, row in enumerate(rows, 1):
            writer.writerow(row)
            if number % CHUNK_ROWS == 0:
                yield buffer.getvalue().encode()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue().encode()
