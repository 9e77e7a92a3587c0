"""Vectorised parsers for the values surveys send: amounts, counts, coordinates, dates, phones, NIDs, yes/no.

Every parser takes a column of strings ("" for empty) and returns, on the same index, the parsed values
(NaN / NaT / <NA> where the cell is empty or unreadable) and, for reporting, a boolean Series that is True
where a NON-EMPTY cell could not be parsed. Empty and whitespace-only cells are never invalid.

Bulk columns repeat themselves (the same year, the same "0", the same "হ্যাঁ"), so each parser works on the
distinct values once and spreads the results back over the rows. Everything is pandas string ops and
numpy; no per-row Python.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable

import numpy as np
import pandas as pd

from industries.bangla import BANGLA_DIGITS
from industries.identifiers import _NID, _NID_CLEAN, normalise_phone_series

from .timing import phase

# Bangladesh's latitudes (≈20.6–26.7) and longitudes (≈88.0–92.7) cannot overlap, so a latitude inside
# the longitude box together with a longitude inside the latitude box is a swapped pair.
BANGLADESH_LAT_BOX = (19.0, 28.0)
BANGLADESH_LON_BOX = (87.0, 94.0)

EXCEL_EPOCH = pd.Timestamp("1899-12-30")  # serial 1 = 1899-12-31; Excel's 1900 leap-year bug is ignored
EXCEL_SERIAL_RANGE = (1, 80000)

# One translate pass: Bangla digits to ASCII, odd spaces to a space, minus signs to "-", invisibles out.
_SPACES = "\u00a0\u202f\u2007\t\r\n"
_MINUS = "\u2212\u2012\u2013\ufe63\uff0d"
_INVISIBLE = "\u200b\u200c\u200d\ufeff\u00ad"
_BASE_FROM = BANGLA_DIGITS + _SPACES + _MINUS
_BASE_TO = string.digits + " " * len(_SPACES) + "-" * len(_MINUS)
_BASE = str.maketrans(_BASE_FROM, _BASE_TO, _INVISIBLE)
# Coordinates also unify the look-alikes of the degree, minute and second signs, and drop brackets.
_DEGREE_LIKE = "º˚∘"
_MINUTE_LIKE = "′’‘´`ʹ"
_SECOND_LIKE = "″“”˝ʺ"
_COORD = str.maketrans(
    _BASE_FROM + _DEGREE_LIKE + _MINUTE_LIKE + _SECOND_LIKE,
    _BASE_TO + "°" * len(_DEGREE_LIKE) + "'" * len(_MINUTE_LIKE) + '"' * len(_SECOND_LIKE),
    _INVISIBLE + "()[]{}",
)


# --- plumbing ------------------------------------------------------------------------------------------


def _as_text(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str)


def _on_distinct(parse: Callable[..., tuple[pd.Series, ...]], s: pd.Series, *args) -> tuple[pd.Series, ...]:
    """Run ``parse`` once per distinct value of ``s`` and spread its Series back over ``s``'s rows."""
    with phase("  validate: parse values"):
        codes, uniques = pd.factorize(_as_text(s))
        results = parse(pd.Series(uniques, dtype=str), *args)
        return tuple(pd.Series(r.array.take(codes), index=s.index, name=s.name) for r in results)


# Cells made of these only are left as they are by _clean (no table changes them, none is a space), so they
# skip it: the coordinates, amounts and counts of a large file, a million distinct values each.
_PLAIN = "0123456789.+-eE"
assert not any(ord(c) in _BASE or ord(c) in _COORD or c.isspace() for c in _PLAIN)
_PLAIN_CODES = np.zeros(128, dtype=bool)
_PLAIN_CODES[[ord(c) for c in _PLAIN]] = True
_PLAIN_CODES[0] = True  # numpy's padding of shorter strings (a NUL in a cell is left as it is too)
_PLAIN_WIDTH = 24  # longer cells go through _clean (a fixed-width array of them would be large)


def _plain(s: pd.Series) -> np.ndarray:
    """True where the cell is made of _PLAIN characters only (vectorised: code points, no per-cell call)."""
    plain = np.zeros(len(s), dtype=bool)
    short = (s.str.len() <= _PLAIN_WIDTH).to_numpy(dtype=bool)
    if short.any():
        codes = s[short].to_numpy(dtype=f"U{_PLAIN_WIDTH}").view(np.uint32).reshape(int(short.sum()), -1)
        plain[short] = _PLAIN_CODES[np.minimum(codes, 127)].all(axis=1) & (codes < 128).all(axis=1)
    return plain


def _clean(s: pd.Series, table=_BASE) -> pd.Series:
    plain = _plain(s)
    if plain.all():
        return s.copy()
    text = s.copy()
    text[~plain] = s[~plain].str.translate(table).str.strip()
    return text


def _number(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column, errors="coerce").astype(float)


def _invalid(text: pd.Series, parsed: pd.Series) -> pd.Series:
    return (text != "") & parsed.isna()


def _plain_number(text: pd.Series) -> pd.Series:
    """The fast path: what pandas' C parser reads as a finite number ("12", "-3.5", "1e5"), else NaN."""
    value = _number(text)
    return value.where(np.isfinite(value))


def _with_fallback(text: pd.Series, value: pd.Series, slow: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``value``, with the non-empty cells it left NaN given to ``slow`` (regexes: a hundred times slower)."""
    rest = value.isna() & (text != "")
    if rest.any():
        value = value.copy()
        value[rest] = slow(text[rest])
    return value


# --- amounts and counts -------------------------------------------------------------------------------

# Grouping commas must be real groups: lakh/crore style (12,50,000; 1,00,00,000) or western (1,250,000).
_GROUPED = r"\d{1,3}(?:,\d{2})*,\d{3}|\d{1,3}(?:,\d{3})+"
_DECIMAL = rf"(?:{_GROUPED}|\d+)(?:\.\d+)?|\.\d+"
_AMOUNT_UNITS = {
    "thousand": 1e3,
    "হাজার": 1e3,
    "k": 1e3,
    "lakh": 1e5,
    "lakhs": 1e5,
    "lac": 1e5,
    "lacs": 1e5,
    "লাখ": 1e5,
    "লক্ষ": 1e5,
    "million": 1e6,
    "mn": 1e6,
    "crore": 1e7,
    "crores": 1e7,
    "cr": 1e7,
    "crs": 1e7,
    "কোটি": 1e7,
}
_UNIT_WORDS = "|".join(map(re.escape, sorted(_AMOUNT_UNITS, key=len, reverse=True)))
_CURRENCY = r"bdt|tk\.?|taka|টাকা|৳|only"
# The "/-", "/=" and "=/" Bangladeshi accountants close an amount with.
_AMOUNT_SUFFIX = r"\s*(?:/[-=]|=/|-/)[-=/]*$"
_AMOUNT = re.compile(
    rf"^(?P<sign>-)?\s*(?P<num>(?:{_DECIMAL})(?:e[-+]?\d+)?)\s*(?:(?P<unit>{_UNIT_WORDS})\.?)?$"
)


def _amount_words(text: pd.Series) -> pd.Series:
    body = text.str.lower().str.replace(_CURRENCY, " ", regex=True).str.strip()
    body = body.str.replace(_AMOUNT_SUFFIX, "", regex=True).str.strip()
    parts = body.str.extract(_AMOUNT)
    value = _number(parts["num"].str.replace(",", "", regex=False))
    value *= parts["unit"].map(_AMOUNT_UNITS).astype(float).fillna(1.0)
    return value.where(parts["sign"].isna(), -value)


def _parse_amount(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _clean(s)
    value = _with_fallback(text, _plain_number(text), _amount_words)
    return value, _invalid(text, value)


def parse_amount(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """BDT amounts → (float Series, invalid).

    Bangla or ASCII digits; lakh/crore grouping (১২,৫০,০০০) or western (1,250,000); unit words (lakh, lac,
    lakhs, crore, cr, লাখ, লক্ষ, কোটি, thousand, হাজার); currency marks (Tk, BDT, ৳, টাকা) and the "/-",
    "/=", "=/" endings. Case-insensitive. A leading minus gives a negative amount (the validator rejects it).
    """
    return _on_distinct(_parse_amount, s)


_COUNT = re.compile(rf"^(?P<sign>-)?\s*(?P<num>{_DECIMAL})\s*(?:জন|persons?|people|workers?|nos?\.?)?$")


def _count_words(text: pd.Series) -> pd.Series:
    parts = text.str.lower().str.extract(_COUNT)
    value = _number(parts["num"].str.replace(",", "", regex=False))
    return value.where(parts["sign"].isna(), -value)


def _parse_integer(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _clean(s)
    value = _with_fallback(text, _plain_number(text), _count_words)
    value = value.where(np.floor(value) == value)
    return value, _invalid(text, value)


def parse_integer(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Whole counts (workers) → (float Series, invalid).

    Bangla digits, "12.0" from Excel, grouping commas, surrounding spaces and a trailing জন ("persons").
    Fractions ("3.5") and text are invalid; a leading minus gives a negative count.
    """
    return _on_distinct(_parse_integer, s)


# --- coordinates --------------------------------------------------------------------------------------

_FLOAT = r"\d+(?:\.\d+)?|\.\d+"


def _coordinate_pattern(tag: str = "") -> str:
    """Decimal degrees or D M S, with an optional hemisphere letter before or after; groups end in tag."""
    return (
        rf"(?P<h1{tag}>[NSEW])?\s*(?P<sign{tag}>[-+])?\s*(?P<deg{tag}>{_FLOAT})"
        rf"(?:(?:\s*[°:]\s*|\s+)(?P<min{tag}>{_FLOAT})"
        rf"(?:(?:\s*[':]\s*|\s+)(?P<sec{tag}>{_FLOAT}))?)?"
        rf"\s*(?:''|[°'\"])?\s*(?P<h2{tag}>[NSEW])?"
    )


_COORDINATE = re.compile(rf"^{_coordinate_pattern()}$")
_COORDINATE_PAIR = re.compile(rf"^{_coordinate_pattern('a')}(?:\s*[,;/|]\s*|\s+){_coordinate_pattern('b')}$")
_AXIS_LABEL = r"^(?:LATITUDE|LONGITUDE|LAT|LONG|LON|LNG)\s*[:=]?\s*"
_LABELS = r"(?:LATITUDE|LONGITUDE|LAT|LONG|LON|LNG)\s*[:=]?"


def _coordinate_values(parts: pd.DataFrame, tag: str = "") -> tuple[pd.Series, pd.Series]:
    """(signed degrees or NaN, hemisphere letter) from the groups of one _coordinate_pattern match."""
    deg, minutes, seconds = (parts[f"{name}{tag}"] for name in ("deg", "min", "sec"))
    h1, h2, sign = parts[f"h1{tag}"], parts[f"h2{tag}"], parts[f"sign{tag}"]
    hemisphere = h1.fillna(h2)
    m, sec = _number(minutes).fillna(0.0), _number(seconds).fillna(0.0)
    unreadable = (
        (h1.notna() & h2.notna())
        | (sign.notna() & hemisphere.notna())
        | (m >= 60)
        | (sec >= 60)
        | (deg.str.contains(".", regex=False, na=False) & minutes.notna())
        | (minutes.str.contains(".", regex=False, na=False) & seconds.notna())
    )
    value = _number(deg) + m / 60 + sec / 3600
    negative = (sign == "-") | hemisphere.isin(["S", "W"])
    value = value.where(~negative, -value).where(~unreadable)
    return value, hemisphere


def _coordinate_words(text: pd.Series, axis: str) -> pd.Series:
    body = text.str.upper().str.replace(_AXIS_LABEL, "", regex=True)
    # A lone comma and no dot is a decimal comma: 24,8465.
    body = body.str.replace(r"^([^,.]*),([^,.]*)$", r"\1.\2", regex=True)
    parts = body.str.extract(_COORDINATE)
    value, hemisphere = _coordinate_values(parts)
    return value.where(~hemisphere.isin(["E", "W"] if axis == "lat" else ["N", "S"]))


def _parse_coordinate(s: pd.Series, axis: str) -> tuple[pd.Series, pd.Series]:
    text = _clean(s, _COORD)
    value = _with_fallback(text, _plain_number(text), lambda rest: _coordinate_words(rest, axis))
    return value, _invalid(text, value)


def parse_coordinate(s: pd.Series, axis: str) -> tuple[pd.Series, pd.Series]:
    """One coordinate, axis "lat" or "lon" → (float degrees, invalid).

    Decimal degrees (a lone comma is a decimal comma) or degrees-minutes-seconds with °, ', ", ′, ″,
    typographic quotes, colons or spaces; a hemisphere letter before or after (S and W are negative; a
    letter of the other axis is invalid). Out-of-range values are returned as parsed.
    """
    if axis not in ("lat", "lon"):
        raise ValueError(f"axis must be 'lat' or 'lon', not {axis!r}")
    return _on_distinct(_parse_coordinate, s, axis)


def _coordinate_pair_words(text: pd.Series) -> pd.DataFrame:
    text = text.str.upper()
    wkt = text.str.startswith("POINT")  # WKT puts the longitude first
    body = text.str.removeprefix("POINT").str.replace(_LABELS, " ", regex=True).str.strip()
    parts = body.str.extract(_COORDINATE_PAIR)
    first, first_letter = _coordinate_values(parts, "a")
    second, second_letter = _coordinate_values(parts, "b")
    first_axis = first_letter.map({"N": "lat", "S": "lat", "E": "lon", "W": "lon"})
    second_axis = second_letter.map({"N": "lat", "S": "lat", "E": "lon", "W": "lon"})
    lettered = first_axis.notna() | second_axis.notna()
    first_is_lon = (first_axis == "lon") | (second_axis == "lat") | (wkt & ~lettered)
    clash = first_axis.notna() & (first_axis == second_axis)
    ok = first.notna() & second.notna() & ~clash
    return pd.DataFrame(
        {
            "lat": first.where(~first_is_lon, second).where(ok),
            "lon": second.where(~first_is_lon, first).where(ok),
        }
    )


def _parse_coordinate_pair(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    text = _clean(s, _COORD)
    # Fast path: "24.8465,89.3697" / "24.8465, 89.3697".
    halves = text.str.partition(",").reindex(columns=[0, 1, 2])  # no columns at all when empty
    pair = pd.DataFrame({"lat": _plain_number(halves[0]), "lon": _plain_number(halves[2])})
    pair = pair.where(pair.notna().all(axis=1))
    rest = pair["lat"].isna() & (text != "")
    if rest.any():
        pair.loc[rest] = _coordinate_pair_words(text[rest])
    return pair["lat"], pair["lon"], _invalid(text, pair["lat"])


def parse_coordinate_pair(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """One column holding both coordinates → (lat, lon, invalid).

    Each half in any form parse_coordinate reads, separated by a comma, semicolon or spaces:
    "24°50'N 89°22'E", "24.85, 89.37", "N24°50' E89°22'". Hemisphere letters decide which half is which
    whatever the order; without letters the first is the latitude (except in WKT "POINT (lon lat)").
    """
    return _on_distinct(_parse_coordinate_pair, s)


def fix_swapped(lat: pd.Series, lon: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Swap where lat is in the longitude box and lon in the latitude box → (lat, lon, swapped)."""
    swapped = lat.between(*BANGLADESH_LON_BOX) & lon.between(*BANGLADESH_LAT_BOX)
    return lat.where(~swapped, lon), lon.where(~swapped, lat), swapped


# --- dates --------------------------------------------------------------------------------------------

_DAY, _MONTH = r"\d{1,2}", r"\d{1,2}"
_DATE = re.compile(
    r"^(?:"
    rf"(?:(?P<d1>{_DAY})(?P<s1>[/.-])(?P<m1>{_MONTH})(?P=s1)(?P<y1>\d{{4}})"
    rf"|(?P<y2>\d{{4}})(?P<s2>[/.-])(?P<m2>{_MONTH})(?P=s2)(?P<d2>{_DAY}))"
    r"(?:(?:\s+|T)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2}(?:\.\d+)?))?)?"
    r"|(?P<year>\d{4})(?:\.0+)?"
    r"|(?P<serial>\d+(?:\.\d+)?)"
    r")$"
)


# Exact formats pandas parses in C (or Cython), tried first; the regex above reads whatever they leave.
_FAST_DATE_FORMATS = ("%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y")


def _date_words(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """(datetime, bare year) through the _DATE regex."""
    parts = text.str.extract(_DATE)
    year = _number(parts["year"])
    ymd = pd.DataFrame(
        {
            "year": _number(parts["y1"].fillna(parts["y2"])).fillna(year),
            "month": _number(parts["m1"].fillna(parts["m2"])).where(year.isna(), 1.0),
            "day": _number(parts["d1"].fillna(parts["d2"])).where(year.isna(), 1.0),
        }
    )
    date = pd.to_datetime(ymd, errors="coerce").astype("datetime64[us]")
    hours, minutes = _number(parts["H"]).fillna(0.0), _number(parts["M"]).fillna(0.0)
    seconds = _number(parts["S"]).fillna(0.0)
    bad_time = (hours >= 24) | (minutes >= 60) | (seconds >= 60)
    date = (date + pd.to_timedelta(hours * 3600 + minutes * 60 + seconds, unit="s")).where(~bad_time)
    serial = _number(parts["serial"])
    serial = serial.where(serial.between(*EXCEL_SERIAL_RANGE))
    from_serial = (EXCEL_EPOCH + pd.to_timedelta(serial, unit="D")).astype("datetime64[us]")
    return date.fillna(from_serial), year


def _date_parts(s: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """(datetime, bare year, cleaned text)."""
    text = _clean(s)
    date = pd.Series(pd.NaT, index=text.index, dtype="datetime64[us]")
    year = pd.Series(np.nan, index=text.index)
    for date_format in _FAST_DATE_FORMATS:
        rest = date.isna() & (text != "")
        if rest.any():
            date[rest] = pd.to_datetime(text[rest], format=date_format, errors="coerce")
    rest = date.isna() & (text != "")
    if rest.any():
        date[rest], year[rest] = _date_words(text[rest])
    return date, year, text


def _parse_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    date, _, text = _date_parts(s)
    return date, _invalid(text, date)


def parse_date(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Dates → (datetime64 Series with NaT, invalid).

    Day first: dd/mm/yyyy, dd-mm-yyyy, dd.mm.yyyy; year first: yyyy-mm-dd, yyyy/mm/dd; either with a time
    ("2016-05-01 00:00:00"); Excel serials 1–80000 (epoch 1899-12-30); a bare year (1st January); Bangla
    digits. Impossible dates (31/02/2016) are invalid.
    """
    return _on_distinct(_parse_date, s)


def _parse_year(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    date, year, text = _date_parts(s)
    value = year.fillna(date.dt.year.astype(float))
    return value, _invalid(text, value)


def parse_year(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """A year (of establishment) from a bare year or any form parse_date reads → (float year, invalid)."""
    return _on_distinct(_parse_year, s)


# --- identifiers --------------------------------------------------------------------------------------

_EXCEL_FLOAT = r"\.0+$"  # "8801711234567.0": a number cell that went through a float


def _identifiers(s: pd.Series, normalise: Callable[[pd.Series], pd.Series]) -> tuple[pd.Series, pd.Series]:
    """``normalise`` (canonical value or <NA>), then, where it failed, again without a float's ".0"."""
    result = normalise(s)  # the raw cell, so that exactly what the scalar function accepts is accepted
    text = s.str.strip()
    failed = result.isna().to_numpy(dtype=bool)  # the search for ".0" in those cells only
    rest = pd.Series(False, index=s.index)
    rest[failed] = text[failed].str.contains(_EXCEL_FLOAT, regex=True).to_numpy(dtype=bool)
    if rest.any():
        result[rest] = normalise(text[rest].str.replace(_EXCEL_FLOAT, "", regex=True))
    return result, _invalid(text, result)


def _nid_series(text: pd.Series) -> pd.Series:
    cleaned = text.astype("string").str.translate(_NID_CLEAN)
    return cleaned.where(cleaned.str.fullmatch(_NID.pattern, na=False), pd.NA)


def normalise_phones(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``industries.identifiers.normalise_phone`` for a column → ("+8801XXXXXXXXX" or <NA>, invalid).

    Accepts what the scalar function accepts, plus Excel's float form ("8801711234567.0").
    """
    return _on_distinct(_identifiers, s, normalise_phone_series)


def normalise_nids(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``industries.identifiers.normalise_nid`` for a column → (ASCII digits or <NA>, invalid).

    Accepts what the scalar function accepts, plus Excel's float form ("1234567890.0").
    """
    return _on_distinct(_identifiers, s, _nid_series)


# --- yes / no -----------------------------------------------------------------------------------------

_TRUE = ["yes", "y", "true", "t", "1", "1.0", "হ্যাঁ", "হ্যা", "হাঁ", "হা", "জি", "জ্বি", "জী"]
_FALSE = ["no", "n", "false", "f", "0", "0.0", "না", "নাই", "নেই"]
_BOOLEANS = {word: True for word in _TRUE} | {word: False for word in _FALSE}


def _parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    text = _clean(s).str.normalize("NFC").str.lower().str.rstrip(".।!")
    value = text.map(_BOOLEANS).astype("boolean")
    return value, _invalid(text, value)


def parse_bool(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Yes/no answers → (nullable boolean Series, invalid): yes/no, y/n, true/false, 1/0, হ্যাঁ/হাঁ/না."""
    return _on_distinct(_parse_bool, s)
