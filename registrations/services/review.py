"""The district office's moves on an application, and the applicant's answers to them.

Each service checks its own input, then moves the application through ``registrations.workflow
.application_move`` (which locks the row, checks the role and office and the state the actor saw, records the
Transition and notifies the applicant); the step's own rows (shortfall items, the inspection, the fee, the
payment) are written in the same transaction, so they exist exactly when the move does.
"""

from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.gis.geos import Point, Polygon
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from industries.models import BANGLADESH_EXTENT

from ..exceptions import ApplicationNotFound, MoveNotPossible, RegistrationError, in_bangla
from ..models import (
    Actor,
    Application,
    Document,
    DocumentRequirement,
    Inspection,
    Officer,
    Payment,
    ShortfallItem,
    State,
    Transition,
)
from ..selectors import ASSIGN_ACTION
from ..storage import document_storage, random_name
from ..uploads import JPEG, PNG, CheckedFile, check_upload
from ..workflow import actor_role, application_move, officer_of
from .fees import fee_quote

# The sections of the form a shortfall can name, besides the document kinds (DocumentRequirement.kind).
FORM_SECTIONS = {
    "enterprise": _("Enterprise details"),
    "owners": _("Owners"),
    "location": _("Location"),
    "investment": _("Investment and workers"),
}
INSPECTION_PHOTO = "inspection_photo"
# While an extension officer has the application: before the approving officer's decision.
ASSIGNABLE_STATES = [State.SUBMITTED, State.DOCUMENT_CHECK, State.SHORTFALL, State.INSPECTION]


class ShortfallItemsRequired(RegistrationError):
    code = "shortfall_items_required"
    message_en = "List at least one missing or wrong item, each with a note saying what is wrong."
    message_bn = "অন্তত একটি ঘাটতি বা ভুল বিষয় উল্লেখ করুন, প্রতিটির সঙ্গে কী ভুল তা লিখুন।"


class UnknownShortfallItem(RegistrationError):
    code = "unknown_shortfall_item"
    message_en = "'{value}' is neither a document nor a section of the form."
    message_bn = "'{value}' কোনো কাগজপত্র বা ফরমের অংশ নয়।"


class DuplicateShortfallItem(RegistrationError):
    code = "duplicate_shortfall_item"
    message_en = "'{value}' is listed twice: list each item once, with one note."
    message_bn = "'{value}' দুবার দেওয়া হয়েছে: প্রতিটি বিষয় একবার, একটি মন্তব্যসহ দিন।"


class VisitInFuture(RegistrationError):
    code = "visit_in_future"
    message_en = "The date of the visit ({value}) is in the future."
    message_bn = "পরিদর্শনের তারিখ ({value}) ভবিষ্যতের।"


class FindingsRequired(RegistrationError):
    code = "findings_required"
    message_en = "Write down what the inspection found."
    message_bn = "পরিদর্শনে কী পাওয়া গেছে তা লিখুন।"


class LocationOutsideBangladesh(RegistrationError):
    code = "outside_bangladesh"
    message_en = "The point ({value}) is outside Bangladesh."
    message_bn = "বিন্দুটি ({value}) বাংলাদেশের বাইরে।"


class PhotoNotAccepted(RegistrationError):
    code = "photo_not_accepted"
    message_en = "'{value}' is not a JPEG or PNG photo."
    message_bn = "'{value}' জেপিইজি বা পিএনজি ছবি নয়।"


class InvalidPaymentMethod(RegistrationError):
    code = "invalid_payment_method"
    message_en = "'{value}' is not a way of paying that can be recorded here."
    message_bn = "'{value}' এখানে লিপিবদ্ধ করার মতো কোনো পরিশোধের পদ্ধতি নয়।"


class ReceiptRequired(RegistrationError):
    code = "receipt_required"
    message_en = "Give the receipt or challan number."
    message_bn = "রসিদ বা চালান নম্বর দিন।"


class PaidInFuture(RegistrationError):
    code = "paid_in_future"
    message_en = "The date of payment ({value}) is in the future."
    message_bn = "পরিশোধের তারিখ ({value}) ভবিষ্যতের।"


class WrongAmount(RegistrationError):
    code = "wrong_amount"
    message_en = "The amount paid ({value} BDT) is not the fee due ({due} BDT). Record the full fee only."
    message_bn = "পরিশোধিত অর্থ ({value} টাকা) প্রদেয় ফি ({due} টাকা) নয়। শুধু পূর্ণ ফি লিপিবদ্ধ করুন।"


class ReceiptAlreadyRecorded(RegistrationError):
    code = "receipt_already_recorded"
    message_en = "Receipt '{value}' ({method}) is already recorded for another payment."
    message_bn = "রসিদ '{value}' ({method_bn}) ইতিমধ্যে অন্য একটি পরিশোধে লিপিবদ্ধ আছে।"


class ReasonRequired(RegistrationError):
    code = "reason_required"
    message_en = "Give the reason for the rejection: the applicant is shown it."
    message_bn = "প্রত্যাখ্যানের কারণ লিখুন: আবেদনকারী এটি দেখতে পাবেন।"


class OfficerNotEligible(RegistrationError):
    code = "officer_not_eligible"
    message_en = "An application can be assigned only to an active extension officer of its office."
    message_bn = "আবেদন শুধু সংশ্লিষ্ট অফিসের একজন কর্মরত সম্প্রসারণ কর্মকর্তাকে ন্যস্ত করা যায়।"


def _last_transition(application_id: int, action: str) -> Transition:
    return Transition.objects.filter(application_id=application_id, action=action).latest("created", "id")


# --- document check --------------------------------------------------------------------------------------


def application_take_up(
    *, application_id: int, user, expected_state: str | None = None, note: str = "", internal_note: str = ""
) -> Application:
    """The extension officer takes up a submitted application; it is assigned to them unless the approving
    officer assigned it already."""

    def assign_if_free(application, role):
        if application.assigned_to_id is None:
            application.assigned_to = officer_of(user)

    return application_move(
        application_id=application_id,
        action="take_up",
        user=user,
        note=note,
        internal_note=internal_note,
        expected_state=expected_state,
        apply=assign_if_free,
    )


def shortfall_choices() -> list[tuple[str, str, str]]:
    """What a shortfall can name: (item, English, Bangla), the documents first, then the form's sections."""
    documents = DocumentRequirement.objects.order_by("order", "kind")
    sections = [(key, str(label), in_bangla(label)) for key, label in FORM_SECTIONS.items()]
    return [(d.kind, d.name_en, d.name_bn) for d in documents] + sections


def _clean_shortfall_items(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    known = {key for key, _en, _bn in shortfall_choices()}
    cleaned, seen = [], set()
    for item, item_note in items:
        item, item_note = (item or "").strip(), (item_note or "").strip()
        if not item and not item_note:
            continue
        if item not in known:
            raise UnknownShortfallItem(item)
        if not item_note:
            raise ShortfallItemsRequired()
        if item in seen:
            raise DuplicateShortfallItem(item)
        seen.add(item)
        cleaned.append((item, item_note))
    if not cleaned:
        raise ShortfallItemsRequired()
    return cleaned


@transaction.atomic
def application_raise_shortfall(
    *,
    application_id: int,
    user,
    items: Sequence[tuple[str, str]],
    note: str = "",
    internal_note: str = "",
    expected_state: str | None = None,
) -> Application:
    """The extension officer lists each missing or wrong item (a document kind or a form section, with a
    note); the applicant may then change only those."""
    cleaned = _clean_shortfall_items(items)
    application = application_move(
        application_id=application_id,
        action="raise_shortfall",
        user=user,
        note=note,
        internal_note=internal_note,
        expected_state=expected_state,
    )
    # Still inside the transaction that holds the application's lock: the move's own row is the last one.
    move = _last_transition(application_id, "raise_shortfall")
    ShortfallItem.objects.bulk_create(
        ShortfallItem(application=application, transition=move, item=item, note=item_note)
        for item, item_note in cleaned
    )
    return application


def application_resubmit(
    *, application_id: int, user, expected_state: str | None = None, note: str = ""
) -> Application:
    """The applicant has corrected the listed items and sends the application back to the document check."""

    def resolve_items(application, role):
        application.shortfall_items.filter(resolved__isnull=True).update(resolved=timezone.now())

    return application_move(
        application_id=application_id,
        action="resubmit",
        user=user,
        note=note,
        expected_state=expected_state,
        apply=resolve_items,
    )


def application_send_to_inspection(
    *, application_id: int, user, expected_state: str | None = None, note: str = "", internal_note: str = ""
) -> Application:
    return application_move(
        application_id=application_id,
        action="send_to_inspection",
        user=user,
        note=note,
        internal_note=internal_note,
        expected_state=expected_state,
    )


# --- inspection ------------------------------------------------------------------------------------------


def _check_in_bangladesh(location: Point) -> Point:
    if location.srid not in (None, 4326):
        location = location.transform(4326, clone=True)
    location.srid = 4326
    if not Polygon.from_bbox(BANGLADESH_EXTENT).covers(location):
        raise LocationOutsideBangladesh(f"{location.y:.5f}, {location.x:.5f}")
    return location


def _checked_photo(upload) -> CheckedFile:
    """The photo as registrations.uploads checks every upload (by content, size, re-encoded without EXIF
    or GPS tags), and a picture: a PDF is no photo of the site."""
    checked = check_upload(upload)
    if checked.content_type not in (JPEG, PNG):
        raise PhotoNotAccepted(upload.name or "?")
    return checked


def application_record_inspection(
    *,
    application_id: int,
    user,
    visited_on: date,
    findings: str,
    location: Point | None = None,
    photos: Sequence = (),
    note: str = "",
    internal_note: str = "",
    expected_state: str | None = None,
) -> Application:
    """The extension officer records the visit (date, findings, where they stood, photos) and so recommends
    the application to the approving officer."""
    if visited_on > timezone.localdate():
        raise VisitInFuture(visited_on.isoformat())
    findings = (findings or "").strip()
    if not findings:
        raise FindingsRequired()
    if location is not None:
        location = _check_in_bangladesh(location)
    # Decoding is the slow part: done before the application is locked.
    checked = [(upload.name or "photo", _checked_photo(upload)) for upload in photos]
    saved: list[str] = []

    def record(application, role):
        inspection = Inspection.objects.create(
            application=application,
            officer=officer_of(user),
            visited_on=visited_on,
            findings=findings,
            location=location,
        )
        for original, photo in checked:
            document = Document(
                application=application,
                inspection=inspection,
                kind=INSPECTION_PHOTO,
                original_name=original[:255],
                content_type=photo.content_type,
                size=len(photo.content),
                sha256=photo.sha256,
                uploaded_by=user,
            )
            name = random_name(application.pk, photo.suffix)
            document.file.save(name, ContentFile(photo.content), save=False)
            saved.append(document.file.name)
            document.save()

    try:
        return application_move(
            application_id=application_id,
            action="record_inspection",
            user=user,
            note=note,
            internal_note=internal_note,
            expected_state=expected_state,
            apply=record,
        )
    except BaseException:
        # The rows are rolled back; the files written for them must go too.
        storage = document_storage()
        for name in saved:
            storage.delete(name)
        raise


# --- decision and payment --------------------------------------------------------------------------------


def fee_due(application: Application, *, on: date) -> tuple[Decimal, list[dict]]:
    """The fee approving would fix on ``on``: (total, lines as Application.fee_lines keeps them)."""
    quote = fee_quote(application=application, on=on)
    lines = [
        {"name_en": line.name_en, "name_bn": line.name_bn, "amount": str(line.amount)} for line in quote.lines
    ]
    return quote.total, lines


def application_approve_for_payment(
    *, application_id: int, user, expected_state: str | None = None, note: str = "", internal_note: str = ""
) -> Application:
    """The approving officer approves the recommended application; the fee due is fixed now, from the
    schedule in force today, and no later edit of the schedule changes it."""

    def fix_fee(application, role):
        application.fee_total, application.fee_lines = fee_due(application, on=timezone.localdate())

    return application_move(
        application_id=application_id,
        action="approve_for_payment",
        user=user,
        note=note,
        internal_note=internal_note,
        expected_state=expected_state,
        apply=fix_fee,
    )


def _to_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise WrongAmount(str(value), due="—") from None
    if not amount.is_finite():
        raise WrongAmount(str(value), due="—")
    return amount


def application_record_payment(
    *,
    application_id: int,
    user,
    method: str,
    receipt_no: str,
    paid_on: date,
    amount,
    note: str = "",
    internal_note: str = "",
    expected_state: str | None = None,
) -> Application:
    """An officer of the office records the fee paid at the office or by A-Challan, with the receipt."""
    if method not in Payment.RECORDED_METHODS:
        raise InvalidPaymentMethod(method)
    receipt_no = (receipt_no or "").strip()
    if not receipt_no:
        raise ReceiptRequired()
    if paid_on > timezone.localdate():
        raise PaidInFuture(paid_on.isoformat())
    amount = _to_amount(amount)
    label = Payment.Method(method).label
    receipt_used = ReceiptAlreadyRecorded(receipt_no, method=str(label), method_bn=in_bangla(label))

    def record(application, role):
        if application.fee_total is None or amount != application.fee_total:
            due = application.fee_total if application.fee_total is not None else "—"
            raise WrongAmount(str(amount), due=str(due))
        if Payment.objects.filter(method=method, receipt_no=receipt_no).exists():
            raise receipt_used
        Payment.objects.create(
            application=application,
            method=method,
            amount=amount,
            receipt_no=receipt_no,
            paid_on=paid_on,
            recorded_by=user,
        )

    try:
        with transaction.atomic():
            return application_move(
                application_id=application_id,
                action="record_payment",
                user=user,
                note=note,
                internal_note=internal_note,
                expected_state=expected_state,
                apply=record,
            )
    except IntegrityError as error:
        # The same receipt recorded at the same moment for another application: the unique constraint.
        if "payment_receipt_unique" in str(error):
            raise receipt_used from error
        raise


def application_reject(
    *,
    application_id: int,
    user,
    reason: str,
    internal_note: str = "",
    expected_state: str | None = None,
) -> Application:
    """The approving officer rejects the application; the reason is the note the applicant is shown."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return application_move(
        application_id=application_id,
        action="reject",
        user=user,
        note=reason,
        internal_note=internal_note,
        expected_state=expected_state,
    )


def application_withdraw(
    *, application_id: int, user, note: str = "", expected_state: str | None = None
) -> Application:
    """The applicant withdraws the application, from any state but a final one."""
    return application_move(
        application_id=application_id,
        action="withdraw",
        user=user,
        note=note,
        expected_state=expected_state,
    )


@transaction.atomic
def application_assign(*, application_id: int, officer: Officer, by, note: str = "") -> Application:
    """The approving officer gives the application to an active extension officer of the same office,
    while it is in the extension officers' hands (ASSIGNABLE_STATES).

    Not a move: the state stays. It is recorded as a Transition with the same source and target (action
    "assign", the names in the internal note), which officers see in the timeline and applicants do not.
    """
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("assigned_to__user")
        .filter(pk=application_id)
        .first()
    )
    if application is None:
        raise ApplicationNotFound(application_id)
    role = actor_role(user=by, application=application, actor=Actor.APPROVING)
    if application.state not in ASSIGNABLE_STATES:
        state = State(application.state)
        raise MoveNotPossible(state=state.label, state_bn=in_bangla(state.label))
    if (
        officer is None
        or not officer.is_active
        or officer.role != Officer.Role.EXTENSION
        or officer.office_id != application.office_id
    ):
        raise OfficerNotEligible()
    previous = application.assigned_to
    application.assigned_to = officer
    application.save(update_fields=["assigned_to", "updated"])

    def name(post):
        return (post.user.get_full_name() or post.user.get_username()) if post else "—"

    Transition.objects.create(
        application=application,
        action=ASSIGN_ACTION,
        source=application.state,
        target=application.state,
        actor=by,
        actor_role=role,
        internal_note="\n".join(filter(None, [f"{name(previous)} → {name(officer)}", (note or "").strip()])),
    )
    return application
