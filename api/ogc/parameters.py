"""The query parameters OGC API – Features defines for every collection: limit, bbox, datetime, the CQL2
filter and the queryables as parameters; any other a collection does not know is a 400."""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db.models import Q
from rest_framework.exceptions import ValidationError

from .. import cql2
from ..exceptions import bilingual
from ..filters import refuse_nul
from ..pagination import page_size

# Parameters of every items request besides a collection's own. ``f`` is accepted and ignored: JSON is the
# only format, and clients copy ``f=json`` from links of other servers.
ITEMS_PARAMETERS = {"limit", "bbox", "datetime", "f", *cql2.FILTER_PARAMETERS}


def parse_limit(params) -> int:
    return page_size(params, param="limit", above_maximum="cap", default=settings.OGC_PAGE_SIZE)


def ogc_bbox(text: str) -> str:
    """OGC allows a 3D bbox (minx,miny,minz,maxx,maxy,maxz); the points are flat, so its heights go."""
    values = text.split(",")
    if len(values) == 6:
        return ",".join(values[:2] + values[3:5])
    return text


def _invalid(english: str, bangla: str) -> ValidationError:
    return ValidationError({"datetime": bilingual(english, bangla)})


def _instant(text: str, *, end: bool) -> datetime:
    """A date is its whole (UTC) day: its start as a lower bound, the next day's start as an upper one."""
    try:
        if "T" not in text.upper():
            day = date.fromisoformat(text)
            return datetime.combine(day + timedelta(days=1 if end else 0), datetime.min.time(), UTC)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _invalid(
            f"{text}: not an RFC 3339 date or date-time, e.g. 2024-01-31T12:00:00Z.",
            f"{text}: RFC 3339 তারিখ বা তারিখ-সময় নয়, যেমন 2024-01-31T12:00:00Z।",
        ) from None
    except OverflowError:  # the day after 9999-12-31
        raise _invalid(
            f"{text}: past the last date this API can compare; give an open end (..) instead.",
            f"{text}: এই তারিখের সাথে তুলনা করা যায় না; খোলা প্রান্ত (..) দিন।",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def datetime_condition(text: str, *, field_name: str) -> Q:
    """``datetime`` as a condition on ``field_name``: an instant, a date (that day), or an interval
    ``start/end`` with ``..`` (or nothing) for an open end."""
    text = text.strip()
    if "/" not in text:
        if "T" in text.upper():
            return Q(**{field_name: _instant(text, end=False)})
        return Q(
            **{f"{field_name}__gte": _instant(text, end=False), f"{field_name}__lt": _instant(text, end=True)}
        )
    start_text, end_text = (part.strip() for part in text.split("/", 1))
    start = None if start_text in ("", "..") else _instant(start_text, end=False)
    end = None if end_text in ("", "..") else _instant(end_text, end=True)
    if start is None and end is None:
        raise ValidationError({"datetime": "An interval needs at least one end, e.g. 2024-01-01/.."})
    if start and end and start > end:
        raise ValidationError({"datetime": "The interval ends before it starts."})
    condition = Q()
    if start:
        condition &= Q(**{f"{field_name}__gte": start})
    if end:
        # A date-time end is inclusive; a date end is already the start of the next day.
        condition &= Q(**{f"{field_name}__lte" if "T" in end_text.upper() else f"{field_name}__lt": end})
    return condition


def refuse_unknown(params, known: set[str]) -> None:
    """OGC API – Features asks for a 400 on a parameter the API does not define: a misspelt filter
    (``distrct=Bogura``) would otherwise silently return everything."""
    refuse_nul(params)
    unknown = sorted(set(params) - known)
    if unknown:
        raise ValidationError(
            {
                name: f"Not a parameter of this collection; known: {', '.join(sorted(known))}."
                for name in unknown
            }
        )


def queryable_conditions(params, queryables: dict[str, cql2.Queryable], *, skip: set[str]) -> Q:
    """``filter=`` (CQL2 text) and queryables given as parameters, both as conditions on the collection."""
    condition = cql2.filter_condition(params, queryables)
    return condition & cql2.parameter_conditions(params, queryables, skip=skip)
