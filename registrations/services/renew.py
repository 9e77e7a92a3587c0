"""Renewing a registration: from REGISTRATION_RENEWAL_OPENS_MONTHS before its expiry (registrations.validity),
the applicant asks to renew, and gets a renewal application straight in "approved for payment".

The renewal copies the registration's details and owners (what was checked and registered); the fee is the
schedule's fee for its size class today (⚠ BSCIC's renewal fee is unconfirmed: the same schedule as a first
registration, in the admin's fee rates). It is paid as any fee, online or at the office (parts 1 and 2), and
the approving officer registers it as any paid application: under the same registration number, the same
enterprise brought up to date, and a new certificate version valid from the day after the old expiry.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from industries.bangla import to_bangla_digits

from ..exceptions import ApplicationNotFound, RegistrationError
from ..models import Actor, Application, State, Transition
from ..numbers import next_tracking_no
from ..validity import current_registration, renewal_window
from ..workflow import actor_role, due_date_for
from .apply import district_not_open
from .review import fee_due

# Not copied: what belongs to one application's passage through the office.
NOT_COPIED = {
    "id",
    "tracking_no",
    "applicant",
    "state",
    "application_type",
    "assigned_to",
    "step_started",
    "due_date",
    "submitted_at",
    "registered_at",
    "fee_total",
    "fee_lines",
    "registration_no",
    "enterprise_created",
    "renews",
    "created",
    "updated",
}


class RenewalNotOpen(RegistrationError):
    code = "renewal_not_open"
    message_en = "This registration can be renewed from {opens} (it expires on {expires})."
    message_bn = "এই নিবন্ধন {opens_bn} থেকে নবায়ন করা যাবে (মেয়াদ শেষ {expires_bn})।"


class RegistrationLapsed(RegistrationError):
    code = "registration_lapsed"
    message_en = (
        "This registration expired on {expires} and could be renewed until {closes}: it has lapsed. "
        "Please apply for a new registration."
    )
    message_bn = (
        "এই নিবন্ধনের মেয়াদ {expires_bn} তারিখে শেষ হয়েছে, নবায়ন করা যেত {closes_bn} পর্যন্ত: নিবন্ধনটি বাতিল "
        "হয়ে গেছে। অনুগ্রহ করে নতুন নিবন্ধনের আবেদন করুন।"
    )


class RenewalExists(RegistrationError):
    code = "renewal_exists"
    message_en = "This registration is already being renewed: application {tracking_no}."
    message_bn = "এই নিবন্ধনের নবায়ন ইতিমধ্যে চলছে: আবেদন {tracking_no}।"


def _dates(**days) -> dict:
    out = {}
    for name, day in days.items():
        text = day.strftime("%d-%m-%Y")
        out[name], out[f"{name}_bn"] = text, to_bangla_digits(text)
    return out


def live_renewal(application: Application) -> Application | None:
    return application.renewals.exclude(state__in=[State.REJECTED, State.WITHDRAWN]).first()


def application_renew(*, application_id: int, user) -> Application:
    """The renewal of the registered ``application_id`` (the current period of its registration), asked for
    by its applicant: a new application, approved for payment."""
    with transaction.atomic():
        registered = (
            Application.objects.select_for_update(of=("self",))
            .select_related("office__district")
            .filter(pk=application_id)
            .first()
        )
        if registered is None:
            raise ApplicationNotFound(application_id)
        actor_role(user=user, application=registered, actor=Actor.APPLICANT)
        if registered.state != State.REGISTERED or current_registration(registered).pk != registered.pk:
            raise ApplicationNotFound(application_id)
        existing = live_renewal(registered)
        if existing is not None:
            raise RenewalExists(tracking_no=existing.tracking_no)
        window = renewal_window(registered)
        if window.lapsed:
            raise RegistrationLapsed(**_dates(expires=window.expires, closes=window.closes))
        if not window.is_open:
            raise RenewalNotOpen(**_dates(opens=window.opens, expires=window.expires))
        if not registered.office.is_open:
            raise district_not_open(registered.office.district)

        now = timezone.now()
        renewal = Application(
            **{
                field.attname: getattr(registered, field.attname)
                for field in Application._meta.concrete_fields
                if field.name not in NOT_COPIED
            },
            applicant_id=registered.applicant_id,
            application_type=Application.ApplicationType.RENEWAL,
            renews=registered,
            state=State.APPROVED_FOR_PAYMENT,
            tracking_no=next_tracking_no(day=timezone.localdate(now)),
            submitted_at=now,
            step_started=now,
            due_date=due_date_for(state=State.APPROVED_FOR_PAYMENT, office=registered.office, now=now),
        )
        renewal.fee_total, renewal.fee_lines = fee_due(renewal, on=timezone.localdate(now))
        try:
            with transaction.atomic():
                renewal.save()
        except IntegrityError:  # a second click, at the same moment: the first one's renewal stands
            raise RenewalExists(tracking_no="—") from None
        for owner in registered.owners.all():
            owner.pk = None
            owner.application = renewal
            owner.save()
        Transition.objects.create(
            application=renewal,
            action="request_renewal",
            source=State.DRAFT,
            target=State.APPROVED_FOR_PAYMENT,
            actor=user,
            actor_role=Actor.APPLICANT,
        )
        from ..notifications import notify_applicant

        transaction.on_commit(lambda: notify_applicant(application=renewal, event="request_renewal"))
    return renewal
