"""Text that a spreadsheet must show as text: cells from surveys and the public must never run as formulas.

Excel, LibreOffice and Google Sheets run a cell that starts with =, +, -, @ (and some a tab or a carriage
return before them) as a formula, e.g. ``=HYPERLINK("http://…", "click")`` (CSV/formula injection). In CSV
such a cell gets a leading apostrophe, which spreadsheets show as text; phone numbers (+8801…) and signed
numbers are left as they are. In XLSX the cell is written with the string type, so it is never a formula
and keeps its exact text.
"""

import re

FORMULA_START = frozenset("=+-@\t\r")
NUMBER_LIKE = re.compile(r"[+-]?[\d\s().]*")


def is_formula_like(value) -> bool:
    return value.__class__ is str and value[:1] in FORMULA_START and not NUMBER_LIKE.fullmatch(value)


def csv_safe(value):
    """``value`` as a CSV cell that no spreadsheet runs."""
    return "'" + value if is_formula_like(value) else value
