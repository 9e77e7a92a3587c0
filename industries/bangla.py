"""Bangla text as it arrives from surveys and forms: two digit sets, two encodings of some letters, and
invisible joiners. Normalise before comparing or storing anything."""

import re
import string
import unicodedata

import pandas as pd

BANGLA_DIGITS = "০১২৩৪৫৬৭৮৯"  # U+09E6–U+09EF
TO_ASCII_DIGITS = str.maketrans(BANGLA_DIGITS, string.digits)
TO_BANGLA_DIGITS = str.maketrans(string.digits, BANGLA_DIGITS)

# ZWSP, ZWNJ, ZWJ, BOM and the soft hyphen: they change no letter, yet make equal names compare unequal.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\ufeff\u00ad]")
# Before Unicode 4.1 ৎ (khanda ta, U+09CE) had no code point and was typed ত + hasanta + ZWJ; older
# keyboards still do. It must be rewritten before the ZWJ goes, or it turns into a plain ত্ conjunct.
_KHANDA_TA_OLD = re.compile("\u09a4\u09cd\u200d")
_KHANDA_TA = "\u09ce"
_SPACES = re.compile(r"\s+")


def to_ascii_digits(text: str) -> str:
    return text.translate(TO_ASCII_DIGITS)


def to_bangla_digits(text: str) -> str:
    return text.translate(TO_BANGLA_DIGITS)


def normalise_text(text: str) -> str:
    """NFC, ৎ in one encoding, no zero-width characters or soft hyphens, single-spaced and stripped.

    Under NFC the precomposed ড় ঢ় য় (U+09DC, U+09DD, U+09DF) become letter + nukta (U+09BC), because
    they are composition exclusions; so both ways of typing বগুড়া end up the same.
    """
    text = _INVISIBLE.sub("", _KHANDA_TA_OLD.sub(_KHANDA_TA, text))
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _kept_in_key(char: str) -> bool:
    # Bangla vowel signs, nukta, chandrabindu and hasanta are marks (M*): dropping them would make
    # different words (বগুড়া / বগুডা, কাঁসা / কাসা) collide.
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def name_key(text: str) -> str:
    """A key for matching place and enterprise names: case, spacing, punctuation, digit script and
    Unicode encoding do not count; letters, combining marks and digits do."""
    return "".join(filter(_kept_in_key, to_ascii_digits(normalise_text(text)).casefold()))


def _per_distinct(function, values: pd.Series) -> pd.Series:
    """``function`` over a column of text, computed once per distinct value (bulk data repeats a lot:
    district and upazila names, kinds, statuses)."""
    values = values.fillna("").astype(str)
    distinct = values.drop_duplicates()
    return values.map(dict(zip(distinct, distinct.map(function), strict=True)))


def name_key_series(names: pd.Series) -> pd.Series:
    """``name_key`` over a column."""
    return _per_distinct(name_key, names)


def normalise_text_series(texts: pd.Series) -> pd.Series:
    """``normalise_text`` over a column."""
    return _per_distinct(normalise_text, texts)
