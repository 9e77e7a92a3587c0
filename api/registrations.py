"""``/api/v1/registrations/`` and ``/api/v1/registrations/counts/``: e-Registration applications for staff and
API keys whose user holds ``registrations.view_application`` (Django's view permission of the model).

What an application is, never who: tracking and registration numbers, state, office, district, size
class, kind, sector, dates and the enterprise it became. No owner names, NIDs, phones, addresses or
documents, whoever asks (those stay in the offices' pages, behind the office check). Drafts are left out:
until submitted, an application is the applicant's, not yet the office's.

The list pages by keyset, as the enterprises list does: ``ordering`` (one of ORDERINGS, by default the
latest submitted first) then id, a cursor holding the last row's key, so page 50 costs what page 1
costs; rows without the ordering's date (not registered yet, no due date) come last either way.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import django_filters
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView

from registrations.models import Application, State

from . import docs
from .docs import query_parameter
from .exceptions import bilingual
from .filters import CommaChoiceFilter, CommaListFilter, refuse_nul, resolve_units
from .pagination import NOT_A_CURSOR, OTHER_ORDERING, cursor_key, cursor_text, is_id, page_size
from .permissions import HoldsPermission
from .responses import json_response, page_url

VIEW_PERMISSION = "registrations.view_application"
# Everything but a draft.
LISTED_STATES = [state for state in State.values if state != State.DRAFT]
# Output name -> ORM path: one list for the rows of every page. Nothing personal.
COLUMNS = {
    "id": "id",
    "tracking_no": "tracking_no",
    "state": "state",
    "office": "office__district__code",
    "district": "district__code",
    "size_class": "size_class",
    "kind": "kind",
    "isic_section": "isic_section",
    "isic_division": "isic_division",
    "submitted_at": "submitted_at",
    "due_date": "due_date",
    "registered_at": "registered_at",
    "registration_no": "registration_no",
    "enterprise": "enterprise_id",
}
# The orderings, each a date column (its type: how a cursor's value is read back).
ORDER_FIELDS = {"submitted_at": datetime, "due_date": date, "registered_at": datetime}
ORDERINGS = [name for field in ORDER_FIELDS for name in (field, f"-{field}")]
DEFAULT_ORDERING = "-submitted_at"


class MayViewApplications(HoldsPermission):
    permission = VIEW_PERMISSION
    message = bilingual(
        "This key or account may not read e-Registration applications (permission view_application).",
        "এই কী বা অ্যাকাউন্ট দিয়ে ই-নিবন্ধনের আবেদন দেখা যায় না (অনুমতি view_application)।",
    )


def _day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Bangladesh: the submitted dates are the offices' dates."""
    return timezone.make_aware(datetime.combine(day, time.min))


class ApplicationFilterSet(django_filters.FilterSet):
    office = CommaListFilter(method="filter_office")
    state = CommaChoiceFilter(field_name="state", choices=LISTED_STATES)
    submitted_from = django_filters.DateFilter(method="filter_submitted_from")
    submitted_to = django_filters.DateFilter(method="filter_submitted_to")

    class Meta:
        model = Application
        fields: list[str] = []

    def is_valid(self):
        refuse_nul(self.data)
        return super().is_valid()

    def filter_office(self, qs, name, value):
        units = resolve_units(value, level="district", param=name)
        return qs.filter(office__district_id__in=[unit.id for unit in units])

    def filter_submitted_from(self, qs, name, value):
        # A range on the column, not submitted_at__date: the (office, submitted_at) index serves it.
        return qs.filter(submitted_at__gte=_day_start(value))

    def filter_submitted_to(self, qs, name, value):
        return qs.filter(submitted_at__lt=_day_start(value + timedelta(days=1)))


def application_list(*, params) -> QuerySet[Application]:
    """Submitted applications matching the filters; a bad filter is a 400 naming it."""
    queryset = Application.objects.exclude(state=State.DRAFT)
    filterset = ApplicationFilterSet(params, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.errors)
    return filterset.qs


# --- keyset pages ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ordering:
    field: str
    descending: bool

    @classmethod
    def parse(cls, params) -> "Ordering":
        text = params.get("ordering") or DEFAULT_ORDERING
        if text not in ORDERINGS:
            raise ValidationError(
                {"ordering": bilingual(f"One of {', '.join(ORDERINGS)}.", f"{', '.join(ORDERINGS)}-এর একটি।")}
            )
        return cls(text.lstrip("-"), text.startswith("-"))

    @property
    def name(self) -> str:
        return f"-{self.field}" if self.descending else self.field

    def order_by(self, *, backwards: bool) -> list:
        """Reading order: the column (rows without it last), then id the same way. Backwards (a prev page)
        is its exact reverse."""
        descending = self.descending != backwards
        nulls = {"nulls_first": True} if backwards else {"nulls_last": True}
        column = F(self.field).desc(**nulls) if descending else F(self.field).asc(**nulls)
        return [column, "-id" if descending else "id"]

    def beyond(self, value, pk: int, *, backwards: bool) -> Q:
        """The rows after (value, pk) in reading order, or before it when ``backwards``."""
        descending = self.descending != backwards
        nulls_last = not backwards
        comparison = "lt" if descending else "gt"
        later_id = Q(**{f"id__{comparison}": pk})
        if value is None:
            condition = Q(**{f"{self.field}__isnull": True}) & later_id
            return condition if nulls_last else condition | Q(**{f"{self.field}__isnull": False})
        condition = Q(**{f"{self.field}__{comparison}": value}) | (Q(**{self.field: value}) & later_id)
        return condition | Q(**{f"{self.field}__isnull": True}) if nulls_last else condition


@dataclass(frozen=True)
class ApplicationCursor:
    direction: str  # "next" or "prev"
    ordering: str
    value: date | datetime | None
    pk: int

    def encode(self) -> str:
        value = self.value.isoformat() if self.value is not None else None
        return cursor_text([self.direction, self.ordering, value, self.pk])

    @classmethod
    def decode(cls, text: str, *, ordering: Ordering) -> "ApplicationCursor":
        match cursor_key(text):
            case ["next" | "prev" as direction, str(name), str() | None as value, pk] if is_id(pk):
                pass
            case _:
                raise ValidationError({"cursor": NOT_A_CURSOR})
        if name != ordering.name:
            raise ValidationError({"cursor": OTHER_ORDERING})
        if value is not None:
            try:
                value = ORDER_FIELDS[ordering.field].fromisoformat(value)
            except ValueError:
                raise ValidationError({"cursor": NOT_A_CURSOR}) from None
            if isinstance(value, datetime) and timezone.is_naive(value):
                raise ValidationError({"cursor": NOT_A_CURSOR})
        return cls(direction, name, value, pk)


@dataclass
class ApplicationPage:
    rows: list[dict]
    next_cursor: ApplicationCursor | None
    prev_cursor: ApplicationCursor | None
    matched: int


def application_page(
    queryset: QuerySet, *, ordering: Ordering, size: int, cursor: ApplicationCursor | None
) -> ApplicationPage:
    """One page of rows (COLUMNS) and the cursors around it: two queries, the page and the count."""
    backwards = bool(cursor and cursor.direction == "prev")
    window = queryset
    if cursor is not None:
        window = window.filter(ordering.beyond(cursor.value, cursor.pk, backwards=backwards))
    window = window.order_by(*ordering.order_by(backwards=backwards)).values(*COLUMNS.values())
    # Read under their paths and renamed here: an output name that is a model field (office) cannot be an
    # alias in the query.
    fetched = [{name: row[path] for name, path in COLUMNS.items()} for row in window[: size + 1]]
    more = len(fetched) > size
    rows = fetched[:size]
    if backwards:
        rows.reverse()
    has_next = bool(rows) if backwards else more
    has_prev = more if backwards else (cursor is not None and bool(rows))

    def cursor_at(direction: str, row: dict) -> ApplicationCursor:
        return ApplicationCursor(direction, ordering.name, row[ordering.field], row["id"])

    return ApplicationPage(
        rows=rows,
        next_cursor=cursor_at("next", rows[-1]) if has_next else None,
        prev_cursor=cursor_at("prev", rows[0]) if has_prev else None,
        matched=queryset.count(),
    )


def application_counts(queryset: QuerySet) -> dict:
    """Applications by office and state, in one GROUP BY."""
    rows = (
        queryset.order_by()
        .values("office__district__code", "office__name_en", "office__name_bn", "state")
        .annotate(count=Count("*"))
        .order_by("office__district__code", "state")
    )
    groups = [
        {
            "office": row["office__district__code"],
            "office_name_en": row["office__name_en"],
            "office_name_bn": row["office__name_bn"],
            "state": row["state"],
            "count": row["count"],
        }
        for row in rows
    ]
    return {"total": sum(group["count"] for group in groups), "groups": groups}


# --- views -----------------------------------------------------------------------------------------------

FILTER_PARAMETERS = [
    query_parameter(
        "office",
        "The district office: the district's BBS code or name; several comma-separated. "
        "জেলা কার্যালয়: জেলার বিবিএস কোড বা নাম; একাধিক হলে কমা দিয়ে।",
        [("Dhaka", "26"), ("Dhaka and Gazipur", "26,33"), ("ঢাকা", "ঢাকা")],
        many=True,
    ),
    query_parameter(
        "state",
        "State of the application; several comma-separated. আবেদনের অবস্থা।",
        [("waiting for the office", "submitted,document_check"), ("registered", "registered")],
        many=True,
        enum=LISTED_STATES,
    ),
    query_parameter(
        "submitted_from",
        "Submitted on or after this day (Bangladesh time). এই তারিখ বা পরে জমা।",
        [("December 2026", "2026-12-01")],
        OpenApiTypes.DATE,
    ),
    query_parameter(
        "submitted_to",
        "Submitted on or before this day (Bangladesh time). এই তারিখ পর্যন্ত জমা।",
        [("December 2026", "2026-12-31")],
        OpenApiTypes.DATE,
    ),
]
PAGE_PARAMETERS = [
    query_parameter(
        "ordering",
        f"Order of the rows (default {DEFAULT_ORDERING}: the latest submitted first); '-' for descending. "
        "Rows without the date come last. সাজানোর ক্রম।",
        [("oldest due first", "due_date")],
        enum=ORDERINGS,
    ),
    docs.page_size_parameter("Applications", 500),
    docs.cursor_parameter(ApplicationCursor("next", DEFAULT_ORDERING, None, 100).encode()),
]
DATE_TIME = {"type": "string", "format": "date-time", "nullable": True}
REGISTRATION = {
    "type": "object",
    "required": list(COLUMNS),
    "properties": {
        "id": {"type": "integer"},
        "tracking_no": {"type": "string"},
        "state": {"type": "string", "enum": LISTED_STATES},
        "office": {"type": "string", "nullable": True, "description": "The office's district BBS code."},
        "district": {"type": "string", "nullable": True, "description": "Where the factory lies."},
        "size_class": {"type": "string"},
        "kind": {"type": "string"},
        "isic_section": {"type": "string"},
        "isic_division": {"type": "string"},
        "submitted_at": DATE_TIME,
        "due_date": {"type": "string", "format": "date", "nullable": True},
        "registered_at": DATE_TIME,
        "registration_no": {"type": "string", "nullable": True},
        "enterprise": {"type": "integer", "nullable": True, "description": "The enterprise's id."},
    },
}
REGISTRATION_PAGE = {
    "type": "object",
    "required": ["numberMatched", "numberReturned", "next", "prev", "results"],
    "properties": {
        "numberMatched": {"type": "integer"},
        "numberReturned": {"type": "integer"},
        "next": {"type": "string", "nullable": True},
        "prev": {"type": "string", "nullable": True},
        "results": {"type": "array", "items": REGISTRATION},
    },
}
REGISTRATION_COUNTS = {
    "type": "object",
    "required": ["total", "groups"],
    "properties": {
        "total": {"type": "integer"},
        "groups": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["office", "office_name_en", "office_name_bn", "state", "count"],
                "properties": {
                    "office": {"type": "string", "nullable": True},
                    "office_name_en": {"type": "string", "nullable": True},
                    "office_name_bn": {"type": "string", "nullable": True},
                    "state": {"type": "string", "enum": LISTED_STATES},
                    "count": {"type": "integer"},
                },
            },
        },
    },
}


class RegistrationList(APIView):
    """Submitted e-Registration applications, without personal data, a keyset page at a time."""

    permission_classes = [MayViewApplications]

    @extend_schema(
        operation_id="registrations_list",
        parameters=[*FILTER_PARAMETERS, *PAGE_PARAMETERS],
        responses={(200, docs.JSON): REGISTRATION_PAGE},
    )
    def get(self, request):
        params = request.query_params
        queryset = application_list(params=params)
        ordering = Ordering.parse(params)
        size = page_size(params)
        cursor = (
            ApplicationCursor.decode(params["cursor"], ordering=ordering) if params.get("cursor") else None
        )
        page = application_page(queryset, ordering=ordering, size=size, cursor=cursor)
        links = {"next": page.next_cursor, "prev": page.prev_cursor}
        return json_response(
            {
                "numberMatched": page.matched,
                "numberReturned": len(page.rows),
                **{
                    rel: page_url(request, cursor=found.encode()) if found else None
                    for rel, found in links.items()
                },
                "results": page.rows,
            }
        )


class RegistrationCounts(APIView):
    """How many applications each office has in each state."""

    permission_classes = [MayViewApplications]

    @extend_schema(
        operation_id="registrations_counts",
        parameters=FILTER_PARAMETERS,
        responses={(200, docs.JSON): REGISTRATION_COUNTS},
    )
    def get(self, request):
        return json_response(application_counts(application_list(params=request.query_params)))
