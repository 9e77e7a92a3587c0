"""The review services one by one: what each writes beside the move, and what input each refuses."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from registrations.exceptions import ApplicationNotFound, MoveNotPossible, NotAllowed, NotAssigned
from registrations.models import Document, Inspection, Officer, Payment, ShortfallItem, State, Transition
from registrations.selectors import public_timeline
from registrations.services import review
from registrations.storage import documents_root
from registrations.uploads import UploadTooLarge, UploadWrongType

from .conftest import DHAKA_POINT, make_applicant, make_officer, tiny_png
from .review_support import in_state, submitted

pytestmark = pytest.mark.django_db


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (16, 12), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # Make
    exif[0x0112] = 1  # orientation
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def photo(name="site.jpg", content=None, content_type="image/jpeg"):
    return SimpleUploadedFile(name, content if content is not None else jpeg_with_exif(), content_type)


def taken_up(applicant, extension_officer, **fields):
    application = submitted(applicant, **fields)
    return review.application_take_up(application_id=application.pk, user=extension_officer.user)


def recommended(applicant, extension_officer, **fields):
    application = taken_up(applicant, extension_officer, **fields)
    review.application_send_to_inspection(application_id=application.pk, user=extension_officer.user)
    return review.application_record_inspection(
        application_id=application.pk,
        user=extension_officer.user,
        visited_on=timezone.localdate(),
        findings="Five machines working, as listed.",
    )


def test_take_up_assigns_the_officer_unless_assigned(applicant, extension_officer, approving_officer):
    application = taken_up(applicant, extension_officer)
    assert application.state == State.DOCUMENT_CHECK
    assert application.assigned_to == extension_officer

    colleague = make_officer(extension_officer.office, Officer.Role.EXTENSION, "dhaka-extension-2")
    other = submitted(make_applicant("+8801711000002"))
    review.application_assign(application_id=other.pk, officer=colleague, by=approving_officer.user)
    other = review.application_take_up(application_id=other.pk, user=extension_officer.user)
    assert other.assigned_to == colleague  # the approving officer's choice stands
    # …and only the assigned officer may go on with it.
    with pytest.raises(NotAssigned):
        review.application_send_to_inspection(application_id=other.pk, user=extension_officer.user)
    review.application_send_to_inspection(application_id=other.pk, user=colleague.user)


def test_shortfall_lists_exactly_the_items_given(applicant, extension_officer):
    application = taken_up(applicant, extension_officer)
    review.application_raise_shortfall(
        application_id=application.pk,
        user=extension_officer.user,
        items=[
            ("trade_licence", "Expired in 2024: upload the renewed one."),
            ("location", "Pin the factory."),
        ],
        note="Two things to correct.",
        internal_note="Called the applicant.",
        expected_state=State.DOCUMENT_CHECK,
    )
    application.refresh_from_db()
    assert application.state == State.SHORTFALL
    move = Transition.objects.get(application=application, action="raise_shortfall")
    items = {i.item: i.note for i in ShortfallItem.objects.filter(application=application)}
    assert items == {
        "trade_licence": "Expired in 2024: upload the renewed one.",
        "location": "Pin the factory.",
    }
    assert set(move.shortfall_items.values_list("item", flat=True)) == set(items)

    review.application_resubmit(
        application_id=application.pk, user=applicant.user, expected_state="shortfall"
    )
    application.refresh_from_db()
    assert application.state == State.DOCUMENT_CHECK
    assert not ShortfallItem.objects.filter(application=application, resolved__isnull=True).exists()


@pytest.mark.parametrize(
    "items, error",
    [
        ([], review.ShortfallItemsRequired),
        ([("", "")], review.ShortfallItemsRequired),
        ([("nid", "")], review.ShortfallItemsRequired),
        ([("passport", "Not a kind we ask for")], review.UnknownShortfallItem),
        ([("nid", "Blurred"), ("nid", "Again")], review.DuplicateShortfallItem),
    ],
)
def test_shortfall_refuses_bad_lists(applicant, extension_officer, items, error):
    application = taken_up(applicant, extension_officer)
    with pytest.raises(error):
        review.application_raise_shortfall(
            application_id=application.pk, user=extension_officer.user, items=items
        )
    application.refresh_from_db()
    assert application.state == State.DOCUMENT_CHECK
    assert not ShortfallItem.objects.exists()
    assert not Transition.objects.filter(action="raise_shortfall").exists()


def test_inspection_records_visit_point_and_clean_photos(applicant, extension_officer):
    application = taken_up(applicant, extension_officer)
    review.application_send_to_inspection(application_id=application.pk, user=extension_officer.user)
    review.application_record_inspection(
        application_id=application.pk,
        user=extension_officer.user,
        visited_on=timezone.localdate() - timedelta(days=1),
        findings="Workshop as described; 7 workers present.",
        location=Point(90.4127, 23.8101, srid=4326),
        photos=[photo(), photo("yard.png", tiny_png(), "image/png")],
        expected_state=State.INSPECTION,
    )
    application.refresh_from_db()
    assert application.state == State.RECOMMENDED
    inspection = Inspection.objects.get(application=application)
    assert inspection.officer == extension_officer
    assert inspection.location.distance(Point(90.4127, 23.8101, srid=4326)) < 1e-9
    photos = list(inspection.photos.order_by("content_type"))
    assert [p.kind for p in photos] == ["inspection_photo", "inspection_photo"]
    assert [p.content_type for p in photos] == ["image/jpeg", "image/png"]
    stored = photos[0].file.read()
    assert b"SecretCameraMaker" not in stored
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert documents_root() in (documents_root() / photos[0].file.name).parents


@pytest.mark.parametrize(
    "change, error",
    [
        ({"visited_on": date.today() + timedelta(days=2)}, review.VisitInFuture),
        ({"findings": "  "}, review.FindingsRequired),
        ({"location": Point(77.2, 28.6, srid=4326)}, review.LocationOutsideBangladesh),  # Delhi
        ({"photos": "pdf"}, review.PhotoNotAccepted),
        ({"photos": "php"}, UploadWrongType),
        ({"photos": "large"}, UploadTooLarge),
    ],
)
def test_inspection_refuses_bad_input_and_writes_nothing(
    applicant, extension_officer, settings, change, error
):
    settings.REGISTRATION_MAX_UPLOAD_BYTES = 4000
    application = taken_up(applicant, extension_officer)
    review.application_send_to_inspection(application_id=application.pk, user=extension_officer.user)
    photos = {
        "pdf": [photo("scan.jpg", b"%PDF-1.4\n1 0 obj\n%%EOF\n", "image/jpeg")],
        "php": [photo("shell.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg")],
        "large": [photo("big.jpg", b"\xff\xd8\xff" + b"0" * 5000)],
    }
    arguments = dict(
        visited_on=timezone.localdate(), findings="Seen.", location=DHAKA_POINT, photos=[photo()]
    ) | {k: (photos[v] if k == "photos" else v) for k, v in change.items()}
    files_before = sorted(p.name for p in documents_root().rglob("*") if p.is_file())
    with pytest.raises(error):
        review.application_record_inspection(
            application_id=application.pk, user=extension_officer.user, **arguments
        )
    application.refresh_from_db()
    assert application.state == State.INSPECTION
    assert not Inspection.objects.exists()
    assert not Document.objects.filter(kind="inspection_photo").exists()
    assert sorted(p.name for p in documents_root().rglob("*") if p.is_file()) == files_before


def test_approval_fixes_the_fee_from_the_schedule(applicant, extension_officer, approving_officer):
    application = recommended(applicant, extension_officer)
    application = review.application_approve_for_payment(
        application_id=application.pk, user=approving_officer.user, expected_state=State.RECOMMENDED
    )
    assert application.state == State.APPROVED_FOR_PAYMENT
    # Cottage: 150 and 15 % VAT (the default schedule).
    assert application.fee_total == Decimal("172.50")
    assert [line["amount"] for line in application.fee_lines] == ["150.00", "22.50"]


def test_payment_must_match_the_fee_and_receipts_are_unique(applicant, extension_officer, approving_officer):
    application = recommended(applicant, extension_officer)
    review.application_approve_for_payment(application_id=application.pk, user=approving_officer.user)
    arguments = dict(method="a_challan", receipt_no="AC-2026-0001", paid_on=timezone.localdate())
    with pytest.raises(review.WrongAmount) as wrong:
        review.application_record_payment(
            application_id=application.pk, user=extension_officer.user, amount="150", **arguments
        )
    assert "172.50" in wrong.value.message and "172.50" in wrong.value.message_bangla
    with pytest.raises(review.PaidInFuture):
        review.application_record_payment(
            application_id=application.pk,
            user=extension_officer.user,
            amount="172.50",
            **(arguments | {"paid_on": timezone.localdate() + timedelta(days=1)}),
        )
    application.refresh_from_db()
    assert application.state == State.APPROVED_FOR_PAYMENT and not Payment.objects.exists()

    # Any officer of the office records it (here the extension officer).
    review.application_record_payment(
        application_id=application.pk, user=extension_officer.user, amount="172.5", **arguments
    )
    application.refresh_from_db()
    assert application.state == State.PAID
    payment = Payment.objects.get()
    assert (payment.amount, payment.recorded_by) == (Decimal("172.50"), extension_officer.user)

    other = recommended(make_applicant("+8801711000002"), extension_officer)
    review.application_approve_for_payment(application_id=other.pk, user=approving_officer.user)
    with pytest.raises(review.ReceiptAlreadyRecorded):
        review.application_record_payment(
            application_id=other.pk, user=approving_officer.user, amount="172.50", **arguments
        )
    # The same number of the other method is another receipt.
    review.application_record_payment(
        application_id=other.pk,
        user=approving_officer.user,
        amount="172.50",
        **(arguments | {"method": "office"}),
    )


def test_rejection_needs_a_reason_the_applicant_sees(applicant, extension_officer, approving_officer):
    application = taken_up(applicant, extension_officer)
    with pytest.raises(review.ReasonRequired):
        review.application_reject(application_id=application.pk, user=approving_officer.user, reason=" ")
    review.application_reject(
        application_id=application.pk,
        user=approving_officer.user,
        reason="The unit is a large industry: apply to BIDA.",
        internal_note="Checked the machinery invoices: BDT 40 crore.",
    )
    application.refresh_from_db()
    assert application.state == State.REJECTED
    last = list(public_timeline(application))[-1]
    assert last["note"] == "The unit is a large industry: apply to BIDA."
    assert "internal_note" not in last and "actor" not in last and "actor_id" not in last


@pytest.mark.parametrize(
    "state", [s for s in State if s not in (State.DRAFT, State.REGISTERED, State.REJECTED, State.WITHDRAWN)]
)
def test_applicant_withdraws_from_any_state_before_the_end(dhaka_office, applicant, state):
    application = in_state(applicant, state)
    review.application_withdraw(application_id=application.pk, user=applicant.user, expected_state=state)
    application.refresh_from_db()
    assert application.state == State.WITHDRAWN


def test_assignment_by_the_approving_officer_only(
    applicant, extension_officer, approving_officer, gazipur_office, gazipur_officer
):
    application = submitted(applicant)
    colleague = make_officer(extension_officer.office, Officer.Role.EXTENSION, "dhaka-extension-2")
    gazipur_extension = make_officer(gazipur_office, Officer.Role.EXTENSION, "gazipur-extension")
    with pytest.raises(NotAllowed):
        review.application_assign(application_id=application.pk, officer=colleague, by=extension_officer.user)
    with pytest.raises(ApplicationNotFound):
        review.application_assign(application_id=application.pk, officer=colleague, by=gazipur_officer.user)
    with pytest.raises(ApplicationNotFound):
        review.application_assign(application_id=application.pk, officer=colleague, by=applicant.user)
    for wrong in (gazipur_extension, approving_officer):
        with pytest.raises(review.OfficerNotEligible):
            review.application_assign(application_id=application.pk, officer=wrong, by=approving_officer.user)
    colleague.is_active = False
    colleague.save()
    with pytest.raises(review.OfficerNotEligible):
        review.application_assign(application_id=application.pk, officer=colleague, by=approving_officer.user)
    colleague.is_active = True
    colleague.save()

    review.application_assign(
        application_id=application.pk, officer=colleague, by=approving_officer.user, note="Near her route."
    )
    application.refresh_from_db()
    assert application.assigned_to == colleague and application.state == State.SUBMITTED
    row = Transition.objects.get(application=application, action="assign")
    assert (row.source, row.target) == (State.SUBMITTED, State.SUBMITTED)
    assert "Dhaka-Extension-2" in row.internal_note and "Near her route." in row.internal_note
    assert [t["action"] for t in public_timeline(application)] == ["submit"]
    # Once it is the approving officer's (or finished), there is nobody to assign it to.
    for state in (State.RECOMMENDED, State.PAID, State.REJECTED):
        with pytest.raises(MoveNotPossible):
            review.application_assign(
                application_id=in_state(applicant, state).pk, officer=colleague, by=approving_officer.user
            )
