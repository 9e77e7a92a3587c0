"""Bangladeshi mobile numbers and national ID numbers in their canonical forms.

Input that cannot be brought to the canonical form raises ``InvalidPhone`` / ``InvalidNid`` carrying the
raw value, so the importer can report what it was given.
"""

from __future__ import annotations

import re
import string
from typing import TYPE_CHECKING

from .bangla import BANGLA_DIGITS
from .exceptions import InvalidNid, InvalidPhone

if TYPE_CHECKING:
    import pandas

# Cleaning is a translate table, not a regex, so that normalise_phone_series (which may run on pyarrow's
# RE2 engine, where \s means something narrower) strips exactly the same characters as normalise_phone.
_PHONE_SEPARATORS = " \t\n\r\u00a0\u202f-\u2010\u2011\u2012\u2013\u2212.()[]"
_PHONE_CLEAN = str.maketrans(BANGLA_DIGITS, string.digits, _PHONE_SEPARATORS)
# One country or trunk prefix, then the national number: 1, an operator digit 3–9, eight digits.
# Landlines (02…) and 011 (the defunct Citycell) fail here. [0-9], not \d, which would let digits
# of other scripts through into the stored number.
_MOBILE = re.compile(r"(?:\+880|00880|0880|880|0)?1[3-9][0-9]{8}")
_NATIONAL_LENGTH = 10

_NID_CLEAN = str.maketrans(BANGLA_DIGITS, string.digits, " \t\u00a0-")
# 10 digits (smart card, never starting with 0), or 13 or 17 (the older laminated cards).
# No checksum: the smart-card algorithm is not public.
_NID = re.compile(r"[1-9][0-9]{9}|[0-9]{13}|[0-9]{17}")


def normalise_phone(raw) -> str:
    """A Bangladeshi mobile number as E.164 ``+8801XXXXXXXXX``.

    Accepts Bangla or mixed digits, spaces, hyphens, dots and brackets, and the prefixes +880, 880, 00880,
    0880, 0 or none.
    """
    cleaned = ("" if raw is None else str(raw)).translate(_PHONE_CLEAN)
    if not _MOBILE.fullmatch(cleaned):
        raise InvalidPhone(raw)
    return "+880" + cleaned[-_NATIONAL_LENGTH:]


def normalise_phone_series(series: pandas.Series) -> pandas.Series:
    """``normalise_phone`` for a whole column: the canonical number, or ``<NA>`` where it would raise."""
    import pandas as pd  # only bulk imports need pandas; keep it out of every process that imports models

    cleaned = series.astype("string").str.translate(_PHONE_CLEAN)
    valid = cleaned.str.fullmatch(_MOBILE.pattern, na=False)
    return ("+880" + cleaned.str.slice(start=-_NATIONAL_LENGTH)).where(valid, pd.NA)


def normalise_nid(raw) -> str:
    """A national ID number as ASCII digits, without spaces or hyphens."""
    cleaned = ("" if raw is None else str(raw)).translate(_NID_CLEAN)
    if not _NID.fullmatch(cleaned):
        raise InvalidNid(raw)
    return cleaned
