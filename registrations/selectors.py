"""Reads of e-Registration for one use each: the office queue, an application as its officers see it, the
timeline as the applicant and the public see it, and a lookup for public tracking."""

from django.db.models import BooleanField, Case, F, Prefetch, QuerySet, Value, When
from django.utils import timezone

from industries.bangla import to_ascii_digits

from .exceptions import ApplicationNotFound
from .models import FINAL_STATES, Application, Document, Inspection, Officer, State, Transition
from .workflow import officer_of

# Transition rows that are not moves (source == target, written by services.review.application_assign):
# officers' records, never in the public timeline.
ASSIGN_ACTION = "assign"

UNDER_REVIEW = [s for s in State if s != State.DRAFT and s not in FINAL_STATES]
# The columns of one queue row; the page reads nothing else.
QUEUE_COLUMNS = (
    "id",
    "tracking_no",
    "name_en",
    "name_bn",
    "state",
    "due_date",
    "submitted_at",
    "office_id",
    "assigned_to__id",
    "assigned_to__user__id",
    "assigned_to__user__username",
    "assigned_to__user__first_name",
    "assigned_to__user__last_name",
)


def office_queue(
    *,
    office,
    state: str | None = None,
    overdue_only: bool = False,
    assigned_to: Officer | None = None,
) -> QuerySet[Application]:
    """The office's applications under review (or those in ``state``), due soonest first, undated last,
    then by submission; ``overdue`` is True where the step's due date has passed."""
    today = timezone.localdate()
    # IN, not NOT IN, for the default: the (office, state, due_date) index answers it.
    states = [state] if state else UNDER_REVIEW
    applications = Application.objects.filter(office=office, state__in=states)
    if overdue_only:
        applications = applications.filter(due_date__lt=today)
    if assigned_to is not None:
        applications = applications.filter(assigned_to=assigned_to)
    return (
        applications.select_related("assigned_to__user")
        .only(*QUEUE_COLUMNS)
        .annotate(
            overdue=Case(
                When(due_date__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
            )
        )
        .order_by(F("due_date").asc(nulls_last=True), F("submitted_at").asc(nulls_last=True), "id")
    )


def application_for_officer(*, user, pk: int) -> Application:
    """The application with everything its officers may see, if ``user`` is an active officer of the office
    handling it; else ApplicationNotFound (for another office's officers too: a 404, not a 403). Drafts are
    the applicant's own until submitted."""
    officer = officer_of(user)
    if officer is None:
        raise ApplicationNotFound(pk)
    application = (
        Application.objects.filter(pk=pk, office_id=officer.office_id)
        .exclude(state=State.DRAFT)
        .select_related(
            "office__district",
            "applicant__user",
            "assigned_to__user",
            "stated_division",
            "stated_district",
            "stated_upazila",
            "division",
            "district",
            "upazila",
            "enterprise",
        )
        .prefetch_related(
            "owners",
            Prefetch(
                "documents",
                queryset=Document.objects.filter(inspection__isnull=True).order_by("kind", "-created"),
                to_attr="application_documents",
            ),
            Prefetch(
                "inspections",
                queryset=Inspection.objects.select_related("officer__user")
                .prefetch_related("photos")
                .order_by("visited_on", "id"),
            ),
            "payments__recorded_by",
            Prefetch(
                "transitions",
                queryset=Transition.objects.select_related("actor").prefetch_related("shortfall_items"),
            ),
        )
        .first()
    )
    if application is None:
        raise ApplicationNotFound(pk)
    return application


def office_extension_officers(*, office) -> QuerySet[Officer]:
    """Whom the approving officer can give an application to."""
    return (
        Officer.objects.filter(office=office, role=Officer.Role.EXTENSION, is_active=True)
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )


def public_timeline(application) -> QuerySet:
    """The moves of the application as the applicant and the public see them: when, what, into which
    state, by which role, and the note meant for the applicant. Rows (dicts) without internal notes or
    who the officer was, so no template can show them."""
    application_id = application.pk if hasattr(application, "pk") else application
    return (
        Transition.objects.filter(application_id=application_id)
        .exclude(action=ASSIGN_ACTION)
        .order_by("created", "id")
        .values("created", "action", "source", "target", "actor_role", "note")
    )


def normalise_tracking_no(text: str) -> str:
    return to_ascii_digits((text or "").strip()).upper().replace(" ", "")


def application_for_tracking(*, tracking_no: str, phone_last4: str) -> Application | None:
    """The application with this tracking number whose applicant's mobile ends in these four digits, with
    only the columns tracking shows; None for any wrong combination (one query either way)."""
    tracking_no = normalise_tracking_no(tracking_no)
    last4 = to_ascii_digits((phone_last4 or "").strip())
    if not tracking_no or len(last4) != 4 or not last4.isdigit():
        return None
    return (
        Application.objects.filter(tracking_no=tracking_no, applicant__phone__endswith=last4)
        .exclude(state=State.DRAFT)
        .select_related("office")
        .only(
            "id",
            "tracking_no",
            "state",
            "due_date",
            "submitted_at",
            "registration_no",
            "office__id",
            "office__name_en",
            "office__name_bn",
            "office__phone",
        )
        .first()
    )
