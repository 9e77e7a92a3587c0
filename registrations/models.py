"""e-Registration of cottage and small industries: applicants, district offices, applications, review.

An application moves through a state machine (django-fsm, ``Application.state``); every move is a service
function in ``registrations.workflow`` that checks the actor's role and office, records a ``Transition`` row
(append-only) and notifies the applicant. What an applicant needs to know before starting (steps, documents,
fees, working days) is data edited in the admin: ``Step``, ``DocumentRequirement``, ``FeeRate``,
``FeeCharge`` and ``Holiday``. Registering creates or links an ``industries.Enterprise``; industries never
imports this app.
"""

import pgtrigger
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.geos import Polygon
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from industries.models import BANGLADESH_EXTENT, District, Division, Enterprise, Upazila
from industries.size_class import Kind, Policy, SizeClass

from .storage import document_storage


class Office(models.Model):
    """The BSCIC office of one district (all 64, made from the admin geography)."""

    district = models.OneToOneField(
        District, on_delete=models.PROTECT, related_name="bscic_office", verbose_name=_("district")
    )
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_bn = models.CharField(_("name (Bangla)"), max_length=150)
    address_en = models.TextField(_("address (English)"), blank=True)
    address_bn = models.TextField(_("address (Bangla)"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    # The rollout: an office takes applications only while this is on. Head office turns it on in the admin.
    is_open = models.BooleanField(
        _("open for e-Registration"),
        default=False,
        help_text=_("Applicants whose factory lies in this district can apply online only while this is on."),
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    # ⚠ BSCIC's number format is not published: a format per office, with {district_code}, {year} and {seq}.
    registration_no_format = models.CharField(
        _("registration number format"),
        max_length=80,
        default="BSCIC-{district_code}-{year}-{seq:05d}",
        help_text=_("Python format with {district_code}, {year} and {seq}."),
    )

    class Meta:
        verbose_name = _("BSCIC office")
        verbose_name_plural = _("BSCIC offices")
        ordering = ["district__geocode"]

    def __str__(self):
        return f"{self.name_en} ({self.name_bn})"


class Officer(models.Model):
    """A user's post in one district office: extension officer (checks and inspects) or approving officer
    (the office's DGM/AGM, who decides; ⚠ who signs is configurable per office by giving that post)."""

    class Role(models.TextChoices):
        EXTENSION = "extension", _("Extension officer")
        APPROVING = "approving", _("Approving officer")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="officer", verbose_name=_("user")
    )
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, related_name="officers", verbose_name=_("office")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    designation_en = models.CharField(_("designation (English)"), max_length=100, blank=True)
    designation_bn = models.CharField(_("designation (Bangla)"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self):
        name = self.user.get_full_name() or self.user.get_username()
        return f"{name} · {self.get_role_display()} · {self.office}"


class Applicant(models.Model):
    """An entrepreneur's account. The user's username is the verified mobile number (E.164)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="applicant", verbose_name=_("user")
    )
    phone = models.CharField(_("mobile"), max_length=14, unique=True, help_text=_("E.164, +8801XXXXXXXXX"))
    phone_verified = models.DateTimeField(_("mobile verified"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("applicant")
        verbose_name_plural = _("applicants")

    def __str__(self):
        return self.phone


class PhoneCode(models.Model):
    """A one-time code sent by SMS, stored only as a keyed hash."""

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        RESET = "reset", _("Password reset")

    phone = models.CharField(max_length=14, db_index=True)
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    code_hash = models.CharField(max_length=128)
    created = models.DateTimeField(auto_now_add=True)
    expires = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        # Codes of a number (verification, the per-number limit) and of an address (the per-address limit).
        indexes = [
            models.Index(fields=["phone", "purpose", "-created"]),
            models.Index(fields=["ip", "-created"]),
        ]


# --- configuration: what it takes --------------------------------------------------------------------------


class Step(models.Model):
    """One step of the process as the applicant is told it (UNCTAD eRegulations: what, who, how long, how
    much), and the time limit of the state it stands for. ⚠ Charters differ; the days are data."""

    state = models.CharField(_("state"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("order"))
    name_en = models.CharField(_("step (English)"), max_length=150)
    name_bn = models.CharField(_("step (Bangla)"), max_length=150)
    who_en = models.CharField(_("who (English)"), max_length=150)
    who_bn = models.CharField(_("who (Bangla)"), max_length=150)
    what_en = models.TextField(_("what happens (English)"), blank=True)
    what_bn = models.TextField(_("what happens (Bangla)"), blank=True)
    working_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"),
        help_text=_("Counted from the day the application enters this step; 0: the same day."),
    )
    applicant_acts = models.BooleanField(
        _("the applicant acts"),
        default=False,
        help_text=_("The applicant, not the office, must act: its days are not the office's."),
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["order"]

    def __str__(self):
        return self.name_en


class DocumentRequirement(models.Model):
    """A kind of document the applicant uploads, and for whom it is required."""

    kind = models.SlugField(_("kind"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_en = models.CharField(_("document (English)"), max_length=150)
    name_bn = models.CharField(_("document (Bangla)"), max_length=150)
    help_en = models.TextField(_("explanation (English)"), blank=True)
    help_bn = models.TextField(_("explanation (Bangla)"), blank=True)
    # Empty: required of every applicant; else only of these ownership types (Application.Ownership values).
    required_for = models.JSONField(_("required for ownership types"), default=list, blank=True)
    is_optional = models.BooleanField(_("optional"), default=False)

    class Meta:
        verbose_name = _("document requirement")
        verbose_name_plural = _("document requirements")
        ordering = ["order", "kind"]

    def __str__(self):
        return self.name_en

    def required_of(self, ownership: str) -> bool:
        return not self.is_optional and (not self.required_for or ownership in self.required_for)


class FeeRate(models.Model):
    """The registration fee of a size class (and, within it, an investment band) from a date on.
    ⚠ The published schedule is old and unconfirmed: these rows are the only place the amounts live."""

    effective_from = models.DateField(_("effective from"))
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices)
    max_investment_bdt = models.BigIntegerField(
        _("up to investment (BDT)"),
        null=True,
        blank=True,
        help_text=_("Upper bound (inclusive) of the fixed investment this rate covers; empty: no bound."),
    )
    amount = models.DecimalField(_("fee (BDT)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["-effective_from", "size_class", "max_investment_bdt"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="feerate_amount_non_negative")]

    def __str__(self):
        return f"{self.size_class} ≤ {self.max_investment_bdt or '∞'}: {self.amount} ({self.effective_from})"


class FeeCharge(models.Model):
    """A line added to every fee from a date on: VAT or a service charge, as a percentage or an amount."""

    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_bn = models.CharField(_("name (Bangla)"), max_length=100)
    percent = models.DecimalField(_("percent of the fee"), max_digits=5, decimal_places=2, default=0)
    amount = models.DecimalField(_("fixed amount (BDT)"), max_digits=12, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("fee charge (VAT, service charge)")
        verbose_name_plural = _("fee charges (VAT, service charge)")
        ordering = ["effective_from", "name_en"]

    def __str__(self):
        return self.name_en


class Holiday(models.Model):
    """A day no office works (office empty), or only one office does not. The weekend is a setting."""

    date = models.DateField(_("date"))
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_bn = models.CharField(_("name (Bangla)"), max_length=100)
    office = models.ForeignKey(
        Office,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="holidays",
        verbose_name=_("office"),
        help_text=_("Empty: a public holiday for every office."),
    )

    class Meta:
        verbose_name = _("holiday")
        verbose_name_plural = _("holidays")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"], condition=Q(office__isnull=True), name="holiday_national_unique"
            ),
            models.UniqueConstraint(fields=["date", "office"], name="holiday_office_unique"),
        ]

    def __str__(self):
        return f"{self.date}: {self.name_en}"


# --- the application ---------------------------------------------------------------------------------------


class State(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    DOCUMENT_CHECK = "document_check", _("Document check")
    SHORTFALL = "shortfall", _("Shortfall: the applicant must correct")
    INSPECTION = "inspection", _("Inspection")
    RECOMMENDED = "recommended", _("Recommended")
    APPROVED_FOR_PAYMENT = "approved_for_payment", _("Approved for payment")
    PAID = "paid", _("Paid")
    REGISTERED = "registered", _("Registered")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The states in which the office reviews the application: rejection is possible from each. Not from "paid":
# the fee is taken, and a refund is a decision outside this system.
REVIEW_STATES = [
    State.SUBMITTED,
    State.DOCUMENT_CHECK,
    State.SHORTFALL,
    State.INSPECTION,
    State.RECOMMENDED,
    State.APPROVED_FOR_PAYMENT,
]
FINAL_STATES = [State.REGISTERED, State.REJECTED, State.WITHDRAWN]
# A draft has no tracking number and is nobody's work yet: the applicant simply leaves it.
WITHDRAWABLE_STATES = [s for s in State if s not in (State.DRAFT, *FINAL_STATES)]
# Under review: on an officer's desk or waiting for the applicant.
OPEN_STATES = WITHDRAWABLE_STATES


class Actor(models.TextChoices):
    """Who may make a move: checked, with the office, by registrations.workflow."""

    APPLICANT = "applicant", _("Applicant")
    EXTENSION = "extension", _("Extension officer")
    APPROVING = "approving", _("Approving officer")
    OFFICER = "officer", _("Any officer of the office")
    SYSTEM = "system", _("System")


class ApplicationQuerySet(models.QuerySet):
    def of_office(self, office):
        return self.filter(office=office)

    def open(self):
        return self.exclude(state__in=[State.DRAFT, *FINAL_STATES])


class Application(ConcurrentTransitionMixin, models.Model):
    class Ownership(models.TextChoices):
        PROPRIETORSHIP = "proprietorship", _("Proprietorship")
        PARTNERSHIP = "partnership", _("Partnership")
        COMPANY = "company", _("Company")

    class ApplicationType(models.TextChoices):
        PROPOSED = "proposed", _("Proposed industry")
        EXISTING = "existing", _("Existing industry")
        # Of a registration nearing its expiry (registrations.services.renew): the registration's details
        # copied, straight to the fee; registered again under the same number.
        RENEWAL = "renewal", _("Renewal")

    class TradeLicenceAuthority(models.TextChoices):
        CITY_CORPORATION = "city_corporation", _("City corporation")
        POURASHAVA = "pourashava", _("Pourashava (municipality)")
        UNION_PARISHAD = "union_parishad", _("Union parishad")

    tracking_no = models.CharField(_("tracking number"), max_length=30, unique=True, null=True, blank=True)
    applicant = models.ForeignKey(
        Applicant, on_delete=models.PROTECT, related_name="applications", verbose_name=_("applicant")
    )
    # protected: only a transition (registrations.workflow) moves it.
    state = FSMField(_("state"), max_length=30, choices=State.choices, default=State.DRAFT, protected=True)
    # The last step of the form the applicant completed (the form resumes after it).
    form_step = models.PositiveSmallIntegerField(_("form step completed"), default=0)

    # Enterprise
    application_type = models.CharField(
        _("application type"),
        max_length=10,
        choices=ApplicationType.choices,
        default=ApplicationType.EXISTING,
    )
    name_bn = models.CharField(_("name (Bangla)"), max_length=255, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    isic_section = models.CharField(_("ISIC/BSIC section"), max_length=1, blank=True)
    isic_division = models.CharField(_("ISIC/BSIC division"), max_length=2, blank=True)
    products = models.CharField(_("products / services"), max_length=255, blank=True)
    year_started = models.PositiveSmallIntegerField(_("year started or planned"), null=True, blank=True)
    trade_licence_no = models.CharField(_("trade licence number"), max_length=50, blank=True)
    trade_licence_authority = models.CharField(
        _("trade licence issued by"), max_length=20, choices=TradeLicenceAuthority.choices, blank=True
    )
    tin = models.CharField(_("TIN"), max_length=12, blank=True, help_text=_("e-TIN, 12 digits"))
    bin = models.CharField(_("BIN"), max_length=13, blank=True, help_text=_("VAT BIN, 9 or 13 digits"))
    ownership = models.CharField(_("ownership type"), max_length=20, choices=Ownership.choices, blank=True)
    is_family_based = models.BooleanField(_("family-based"), default=False)

    # Location
    factory_address = models.TextField(_("factory address"), blank=True)
    stated_division = models.ForeignKey(
        Division,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("division"),
    )
    stated_district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    stated_upazila = models.ForeignKey(
        Upazila, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("upazila")
    )
    location = models.PointField(_("factory location"), srid=4326, null=True, blank=True)
    # From location by the point-in-polygon of industries.locate (locate_enterprises with this table: the
    # same columns); the district decides the office.
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    upazila = models.ForeignKey(
        Upazila, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    district_mismatch = models.BooleanField(_("location outside stated district"), default=False)
    office = models.ForeignKey(
        Office,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("office"),
    )

    # Investment (BDT) and workers
    land_bdt = models.BigIntegerField(_("land (BDT)"), null=True, blank=True)
    building_bdt = models.BigIntegerField(_("building (BDT)"), null=True, blank=True)
    machinery_bdt = models.BigIntegerField(_("machinery and equipment (BDT)"), null=True, blank=True)
    other_fixed_bdt = models.BigIntegerField(_("other fixed assets (BDT)"), null=True, blank=True)
    working_capital_bdt = models.BigIntegerField(_("working capital (BDT)"), null=True, blank=True)
    workers_male = models.PositiveIntegerField(_("male workers"), null=True, blank=True)
    workers_female = models.PositiveIntegerField(_("female workers"), null=True, blank=True)
    workers_foreign = models.PositiveIntegerField(
        _("foreign workers"),
        null=True,
        blank=True,
        help_text=_("Of the male and female workers, how many are foreign."),
    )
    # By industries.size_class.classify_size from machinery + other fixed assets (land and building excluded).
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    size_policy = models.CharField(_("size policy"), max_length=10, choices=Policy.choices, blank=True)

    # Review
    assigned_to = models.ForeignKey(
        Officer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned",
        verbose_name=_("assigned to"),
    )
    step_started = models.DateTimeField(_("in this state since"), null=True, blank=True)
    due_date = models.DateField(_("due"), null=True, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    # The fee fixed when approved for payment: {"lines": [{"name_en", "name_bn", "amount"}], "total": "…"}.
    fee_total = models.DecimalField(
        _("fee due (BDT)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    fee_lines = models.JSONField(_("fee lines"), default=list, blank=True)

    # Registration
    # Unique among first registrations; a renewal is registered again under the number it renews.
    registration_no = models.CharField(_("registration number"), max_length=50, null=True, blank=True)
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        verbose_name=_("renews"),
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("enterprise"),
    )
    enterprise_created = models.BooleanField(
        _("enterprise created by this registration"),
        null=True,
        blank=True,
        help_text=_(
            "Yes: created; no: an existing enterprise was linked (same number, or name within 50 m)."
        ),
    )

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created"]
        indexes = [
            models.Index(fields=["office", "state", "due_date"]),
            models.Index(fields=["office", "submitted_at"]),
            # Each officer's open work: submitting picks the least-loaded extension officer.
            models.Index(
                fields=["assigned_to", "state"],
                condition=Q(state__in=OPEN_STATES),
                name="application_open_by_officer",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(location__isnull=True)
                | Q(location__coveredby=Polygon.from_bbox(BANGLADESH_EXTENT)),
                name="application_location_in_bangladesh",
                violation_error_message=_("The location is outside Bangladesh."),
            ),
            models.CheckConstraint(
                condition=Q(state=State.DRAFT) | Q(tracking_no__isnull=False),
                name="application_submitted_has_tracking_no",
            ),
            models.CheckConstraint(
                condition=~Q(state=State.REGISTERED)
                | (Q(registration_no__isnull=False) & Q(enterprise__isnull=False)),
                name="application_registered_has_number_and_enterprise",
            ),
            models.UniqueConstraint(
                fields=["registration_no"],
                condition=Q(renews__isnull=True),
                name="application_registration_no_unique",
            ),
            # One renewal of a registration at a time (a rejected or withdrawn one does not count).
            models.UniqueConstraint(
                fields=["renews"],
                condition=Q(renews__isnull=False) & ~Q(state__in=[State.REJECTED, State.WITHDRAWN]),
                name="application_one_live_renewal",
            ),
        ] + [
            models.CheckConstraint(
                condition=Q(**{f"{f}__isnull": True}) | Q(**{f"{f}__gte": 0}),
                name=f"application_{f}_non_negative",
            )
            for f in ("land_bdt", "building_bdt", "machinery_bdt", "other_fixed_bdt", "working_capital_bdt")
        ]

    def __str__(self):
        return self.tracking_no or f"draft {self.pk}"

    @property
    def fixed_assets_bdt(self) -> int | None:
        """What the size class counts: fixed assets excluding land and building."""
        if self.machinery_bdt is None and self.other_fixed_bdt is None:
            return None
        return (self.machinery_bdt or 0) + (self.other_fixed_bdt or 0)

    @property
    def workers_total(self) -> int | None:
        if self.workers_male is None and self.workers_female is None:
            return None
        return (self.workers_male or 0) + (self.workers_female or 0)

    # The moves. Only registrations.workflow calls them, inside a locked transaction, after checking the
    # actor; django-fsm guards the source states, ConcurrentTransitionMixin refuses a save whose state the
    # database no longer has.
    @transition(field=state, source=State.DRAFT, target=State.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.DOCUMENT_CHECK)
    def take_up(self):
        pass

    @transition(field=state, source=State.DOCUMENT_CHECK, target=State.SHORTFALL)
    def raise_shortfall(self):
        pass

    @transition(field=state, source=State.SHORTFALL, target=State.DOCUMENT_CHECK)
    def resubmit(self):
        pass

    @transition(field=state, source=State.DOCUMENT_CHECK, target=State.INSPECTION)
    def send_to_inspection(self):
        pass

    @transition(field=state, source=State.INSPECTION, target=State.RECOMMENDED)
    def record_inspection(self):
        pass

    @transition(field=state, source=State.RECOMMENDED, target=State.APPROVED_FOR_PAYMENT)
    def approve_for_payment(self):
        pass

    @transition(field=state, source=State.APPROVED_FOR_PAYMENT, target=State.PAID)
    def record_payment(self):
        pass

    @transition(field=state, source=State.APPROVED_FOR_PAYMENT, target=State.PAID)
    def pay_online(self):
        pass

    @transition(field=state, source=State.PAID, target=State.REGISTERED)
    def register(self):
        pass

    @transition(field=state, source=REVIEW_STATES, target=State.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=WITHDRAWABLE_STATES, target=State.WITHDRAWN)
    def withdraw(self):
        pass


class Owner(models.Model):
    """The proprietor, or one partner or director."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="owners")
    order = models.PositiveSmallIntegerField(default=0)
    name_bn = models.CharField(_("name (Bangla)"), max_length=150, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    nid = models.CharField(_("NID"), max_length=17, help_text=_("10, 13 or 17 digits"))
    date_of_birth = models.DateField(_("date of birth"))
    phone = models.CharField(_("mobile"), max_length=14)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.TextField(_("address"))

    class Meta:
        verbose_name = _("owner")
        verbose_name_plural = _("owners")
        ordering = ["order", "id"]


class Document(models.Model):
    """An uploaded file, in private storage (no URL: only permission-checking views serve it). A newer upload
    of the same kind supersedes the older, which is kept: what the officer saw stays on record."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    kind = models.SlugField(_("kind"), max_length=40)
    inspection = models.ForeignKey(
        "Inspection", on_delete=models.PROTECT, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(_("file"), storage=document_storage, max_length=200)
    original_name = models.CharField(_("file name as uploaded"), max_length=255)
    content_type = models.CharField(_("type"), max_length=50)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(_("uploaded"), auto_now_add=True)
    superseded = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["kind", "-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=Q(superseded__isnull=True, inspection__isnull=True),
                name="document_one_current_per_kind",
            )
        ]


class Inspection(models.Model):
    """The extension officer's visit to the factory."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="inspections")
    officer = models.ForeignKey(Officer, on_delete=models.PROTECT, related_name="inspections")
    visited_on = models.DateField(_("visited on"))
    findings = models.TextField(_("findings"))
    location = models.PointField(_("where the officer stood (GPS)"), srid=4326, null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")


class Transition(models.Model):
    """One move of an application: who, when, from, to, and a note. Append-only (a database trigger refuses
    updates and deletes). ``note`` is shown to the applicant; ``internal_note`` only to officers."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="transitions")
    action = models.CharField(max_length=30)
    source = models.CharField(max_length=30, choices=State.choices)
    target = models.CharField(max_length=30, choices=State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_role = models.CharField(max_length=10, choices=Actor.choices)
    note = models.TextField(blank=True)
    internal_note = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("transition")
        verbose_name_plural = _("transitions")
        ordering = ["created", "id"]
        # The timeline of one application, and the performance table's walk over every timeline.
        indexes = [models.Index(fields=["application", "created", "id"])]
        triggers = [
            pgtrigger.Protect(name="transition_append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]


class ShortfallItem(models.Model):
    """One thing the officer found missing or wrong: a document kind or a section of the form. In a
    shortfall the applicant may change only these."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="shortfall_items")
    transition = models.ForeignKey(Transition, on_delete=models.PROTECT, related_name="shortfall_items")
    item = models.CharField(_("item"), max_length=40, help_text=_("A document kind or a form section."))
    note = models.TextField(_("what is missing or wrong"))
    resolved = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("shortfall item")
        verbose_name_plural = _("shortfall items")


class Payment(models.Model):
    """A fee paid for an application: recorded by an officer, for a payment at the office or by A-Challan,
    with the receipt number; or counted by payments.services once the gateway has validated an online payment
    (the receipt number is then the transaction id, and nobody recorded it)."""

    class Method(models.TextChoices):
        OFFICE = "office", _("Paid at the office")
        A_CHALLAN = "a_challan", _("A-Challan")
        ONLINE = "online", _("Paid online")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    amount = models.DecimalField(_("amount (BDT)"), max_digits=12, decimal_places=2)
    receipt_no = models.CharField(_("receipt or challan number"), max_length=60)
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    # What an officer may record by hand: online payments are counted only from the gateway's validation.
    RECORDED_METHODS = (Method.OFFICE, Method.A_CHALLAN)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            models.UniqueConstraint(fields=["method", "receipt_no"], name="payment_receipt_unique"),
        ]


class RegistrationCounter(models.Model):
    """The last registration number issued by an office in a year. Incremented by one UPDATE … RETURNING
    (registrations.numbers), so two approvals at once get different numbers."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["office", "year"], name="registration_counter_unique")]
