"""The name of an export's file, from its filters and the time, and the Content-Disposition that sends it."""

import re
import unicodedata
from datetime import datetime
from urllib.parse import quote

from django.utils import timezone

from industries.bangla import to_ascii_digits
from industries.exceptions import AmbiguousAdminName, UnknownAdminName
from industries.resolver import LEVELS, get_resolver

from ..filters import EnterpriseFilterSet, split_values
from .base import LAYER

FILENAME_LABEL_MAX = 120


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
        if name in LEVELS:  # a place
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
