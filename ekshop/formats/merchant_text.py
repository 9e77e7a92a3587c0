"""Merchant Center's delimited-text feed: a header row of attribute names, a row per item.

Google documents the tab-separated form (.tsv/.txt); the comma-separated one is what other marketplaces
read. Tabs and line breaks inside a value become spaces, so that every item is one line in either. The
rows are made one at a time, as the file is joined.
"""

import csv
from collections.abc import Iterable, Iterator

from .merchant import MerchantItem

MEDIA_TYPES = {",": "text/csv; charset=utf-8", "\t": "text/tab-separated-values; charset=utf-8"}


class _Line:
    def write(self, line: str) -> str:
        return line


def _flat(value: str) -> str:
    return " ".join(value.split()) if any(c in value for c in "\t\r\n") else value


def merchant_text(items: Iterable[MerchantItem], *, delimiter: str) -> Iterator[str]:
    writer = csv.writer(_Line(), delimiter=delimiter, lineterminator="\n")
    yield writer.writerow(MerchantItem.names())
    for item in items:
        yield writer.writerow([_flat(value) for _, value in item.pairs()])
