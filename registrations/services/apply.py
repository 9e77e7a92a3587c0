"""The applicant's side: start a draft, save it a step at a time, upload documents, submit.

Every step is saved on the server as soon as it is valid, so a lost connection loses at most the step being
typed; invalid input saves nothing and the form is shown again with what was typed. In a shortfall only the
items the officer listed (a form section or a document kind) can be changed. Submitting goes through
``registrations.workflow.application_move``: the tracking number, the time and the officer it is assigned to
are set inside that move, so a second submit of the same draft finds it submitted and gets StateChanged.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from industries.bangla import to_bangla_digits
from industries.locate import locate_enterprises
from industries.models import District
from industries.size_class import CRORE, LAKH, Kind, SizeClass, classify_size, explain_size

from ..exceptions import DistrictNotOpen, IncompleteApplication, PointInClosedDistrict, RegistrationError
from ..forms import (
    DocumentsForm,
    EnterpriseForm,
    InvestmentForm,
    LocationForm,
    OwnersStep,
    coded_message,
)
from ..models import (
    OPEN_STATES,
    Applicant,
    Application,
    Document,
    DocumentRequirement,
    Office,
    Officer,
    Owner,
    ShortfallItem,
    State,
)
from ..numbers import next_tracking_no
from ..sectors import DIVISIONS
from ..storage import random_name
from ..uploads import check_upload
from ..workflow import application_move
from .fees import rates_in_force

# The steps of the form; the first four are also the sections a shortfall can name (with document kinds).
STEPS = {1: "enterprise", 2: "owners", 3: "location", 4: "investment", 5: "documents", 6: "review"}
SECTION_STEP = {name: n for n, name in STEPS.items()}
DOCUMENTS_STEP, REVIEW_STEP = 5, 6
MONEY = Decimal("0.01")


class NotEditable(RegistrationError):
    code = "not_editable"
    message_en = "This part of the application cannot be changed now."
    message_bn = "আবেদনের এই অংশ এখন পরিবর্তন করা যাবে না।"


class PointNotOnLand(RegistrationError):
    code = "point_not_on_land"
    message_en = (
        "The point {lat}, {lon} is not on land in Bangladesh (it is at sea or across the border). "
        "Pick the factory on the map."
    )
    message_bn = "{lat}, {lon} বিন্দুটি বাংলাদেশের স্থলভাগে নয় (সমুদ্রে বা সীমান্তের ওপারে)। মানচিত্রে কারখানাটি চিহ্নিত করুন।"


class OfficeChanged(RegistrationError):
    code = "office_changed"
    message_en = (
        "The new point lies in {district}, which another BSCIC office handles. An application under review "
        "cannot move to another office: contact {office}."
    )
    message_bn = (
        "নতুন বিন্দুটি {district_bn} জেলায়, যা অন্য একটি বিসিক কার্যালয়ের অধীন। যাচাইয়ে থাকা আবেদন অন্য "
        "কার্যালয়ে নেওয়া যায় না: {office_bn}-এ যোগাযোগ করুন।"
    )


class ShortfallNotFixed(RegistrationError):
    code = "shortfall_not_fixed"
    message_en = "Upload a new file for each document the office asked for first: {missing}."
    message_bn = "আগে কার্যালয়ের চাওয়া প্রতিটি কাগজের নতুন ফাইল আপলোড করুন: {missing_bn}।"


def district_not_open(district: District) -> DistrictNotOpen:
    return DistrictNotOpen(district=district.name_en, district_bn=district.name_bn)


# --- what may be changed -----------------------------------------------------------------------------------


def open_shortfall_items(application: Application) -> list[ShortfallItem]:
    return list(
        application.shortfall_items.filter(resolved__isnull=True).select_related("transition").order_by("id")
    )


def editable_steps(application: Application) -> set[int]:
    """The steps the applicant may save now: all in a draft; in a shortfall, those its items name."""
    if application.state == State.DRAFT:
        return set(STEPS)
    if application.state == State.SHORTFALL:
        items = {i.item for i in open_shortfall_items(application)}
        steps = {SECTION_STEP[i] for i in items if i in SECTION_STEP}
        if items - set(SECTION_STEP):
            steps.add(DOCUMENTS_STEP)
        return steps
    return set()


def uploadable_requirements(application: Application) -> list[DocumentRequirement]:
    """The document kinds the applicant may upload now: every kind that applies in a draft; in a shortfall,
    only the kinds listed."""
    requirements = list(DocumentRequirement.objects.order_by("order", "kind"))
    if application.state == State.SHORTFALL:
        listed = {i.item for i in open_shortfall_items(application)}
        return [r for r in requirements if r.kind in listed]
    if application.state != State.DRAFT:
        return []
    return [r for r in requirements if r.is_optional or r.required_of(application.ownership)]


def required_kinds(ownership: str) -> list[DocumentRequirement]:
    return [r for r in DocumentRequirement.objects.order_by("order", "kind") if r.required_of(ownership)]


def current_documents(application: Application) -> dict[str, Document]:
    documents = application.documents.filter(superseded__isnull=True, inspection__isnull=True)
    return {d.kind: d for d in documents}


# --- the steps ---------------------------------------------------------------------------------------------


@dataclass
class StepResult:
    form: object
    saved: bool
    application: Application
    warnings: list[str] = field(default_factory=list)


def step_form(*, application: Application, step: int, data=None, files=None):
    """The form of ``step``, bound to ``data`` when given, else showing what is saved."""
    if data is not None and step in (1, 4):
        # A model form writes what it cleaned onto its instance, valid or not: give it a copy, so the
        # caller's application stays as saved.
        application = Application.objects.get(pk=application.pk)
    if step == 1:
        return EnterpriseForm(data, instance=application)
    if step == 2:
        return OwnersStep(application, data)
    if step == 3:
        return LocationForm(data, application=application)
    if step == 4:
        return InvestmentForm(data, instance=application)
    if step == DOCUMENTS_STEP:
        return DocumentsForm(
            data, files, requirements=uploadable_requirements(application), ownership=application.ownership
        )
    return None


@transaction.atomic
def application_start(*, applicant: Applicant, district: District) -> Application:
    """A new draft for a factory in ``district``, only if that district's office is open."""
    office = Office.objects.filter(district=district).first()
    if office is None or not office.is_open:
        raise district_not_open(district)
    return Application.objects.create(
        applicant=applicant, stated_division_id=district.division_id, stated_district=district
    )


def application_save_step(*, application: Application, step: int, data, files=None) -> StepResult:
    """Validate and save one step. Nothing is saved when the input is invalid: the returned form carries
    the errors and what was typed. Raises NotEditable when the step cannot be changed now."""
    if step not in editable_steps(application) or step == REVIEW_STEP:
        raise NotEditable()
    form = step_form(application=application, step=step, data=data, files=files)
    if step == DOCUMENTS_STEP:
        return _save_documents(application, form)
    if not form.is_valid():
        return StepResult(form, False, application)
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.state != application.state:
                raise NotEditable()
            saved = _SAVERS[step](locked, form)
            _reclassify(saved)
            saved.form_step = max(saved.form_step, step)
            saved.save()
    except RegistrationError as error:
        form.add_error(None, coded_message(error))
        return StepResult(form, False, application)
    warnings = []
    if step == 3 and saved.district_mismatch:
        warnings.append(
            _(
                "The point you picked lies in %(found)s district, not in %(stated)s as you chose. Check the "
                "point and the district; the office will check it too."
            )
            % {"found": _area_name(saved.district), "stated": _area_name(saved.stated_district)}
        )
    return StepResult(form, True, saved, warnings)


def _save_enterprise(application: Application, form: EnterpriseForm) -> Application:
    for name in EnterpriseForm.Meta.fields:
        setattr(application, name, form.cleaned_data[name])
    application.isic_division = form.cleaned_data["sector"]
    application.isic_section = DIVISIONS[application.isic_division][0]
    return application


def _save_owners(application: Application, form: OwnersStep) -> Application:
    application.ownership = form.ownership.cleaned_data["ownership"]
    application.is_family_based = form.ownership.cleaned_data["is_family_based"]
    application.owners.all().delete()
    Owner.objects.bulk_create(
        Owner(application=application, order=n, **owner) for n, owner in enumerate(form.owners.owners())
    )
    return application


def _save_location(application: Application, form: LocationForm) -> Application:
    cleaned = form.cleaned_data
    lat, lon = cleaned["latitude"], cleaned["longitude"]
    application.factory_address = cleaned["factory_address"].strip()
    application.stated_division = cleaned["stated_division"]
    application.stated_district = cleaned["stated_district"]
    application.stated_upazila = cleaned["stated_upazila"]
    application.location = Point(float(lon), float(lat), srid=4326)
    application.save()
    # The importer's point-in-polygon, on this table: division, district, upazila and district_mismatch.
    locate_enterprises(table=Application._meta.db_table, ids=[application.pk])
    application.refresh_from_db(fields=["division", "district", "upazila", "district_mismatch"])
    if application.upazila_id is None:
        raise PointNotOnLand(lat=lat, lon=lon)
    office = Office.objects.select_related("district").get(district_id=application.district_id)
    if not office.is_open:
        stated = application.stated_district
        if stated is not None and stated.pk != office.district_id:
            raise PointInClosedDistrict(
                district=office.district.name_en,
                district_bn=office.district.name_bn,
                stated=stated.name_en,
                stated_bn=stated.name_bn,
            )
        raise district_not_open(office.district)
    if application.state != State.DRAFT and application.office_id != office.pk:
        raise OfficeChanged(
            district=office.district.name_en,
            district_bn=office.district.name_bn,
            office=application.office.name_en,
            office_bn=application.office.name_bn,
        )
    application.office = office
    return application


def _save_investment(application: Application, form: InvestmentForm) -> Application:
    for name in InvestmentForm.saved_fields:
        setattr(application, name, form.cleaned_data[name])
    return application


_SAVERS = {1: _save_enterprise, 2: _save_owners, 3: _save_location, 4: _save_investment}


def _reclassify(application: Application) -> None:
    """The size class from the figures, by classify_size; again whenever the kind or family-basis changes."""
    if not application.kind or (application.fixed_assets_bdt is None and application.workers_total is None):
        return
    policy = settings.SIZE_CLASS_POLICY
    size = classify_size(
        application.kind,
        application.fixed_assets_bdt,
        application.workers_total,
        policy=policy,
        family_based=application.is_family_based,
    )
    application.size_class, application.size_policy = (size or ""), policy


def _area_name(unit) -> str:
    return "—" if unit is None else _pick(unit.name_en, unit.name_bn)


# --- documents ---------------------------------------------------------------------------------------------


def _save_documents(application: Application, form: DocumentsForm) -> StepResult:
    """Store each file given (each on its own: a bad file does not lose the good ones); the step is done
    when every required kind has a current file."""
    form.is_valid()  # every file field is optional: this only fills cleaned_data
    uploads = [(kind, upload) for kind, upload in form.cleaned_data.items() if upload]
    for kind, upload in uploads:
        try:
            document_store(application=application, kind=kind, upload=upload, user=application.applicant.user)
        except RegistrationError as error:
            form.add_error(kind, coded_message(error))
    if form.errors:
        return StepResult(form, False, application)
    missing = missing_documents(application) if application.state == State.DRAFT else []
    if missing:
        # Not an error: what was uploaded is saved, and the applicant may come back for the rest.
        return StepResult(
            form, False, application, [_("Still to upload: %(kinds)s.") % {"kinds": ", ".join(missing)}]
        )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        locked.form_step = max(locked.form_step, DOCUMENTS_STEP)
        locked.save(update_fields=["form_step", "updated"])
    return StepResult(form, True, locked)


@transaction.atomic
def document_store(*, application: Application, kind: str, upload, user) -> Document:
    """Check and store one upload of ``kind``; an earlier current file of that kind is superseded (kept)."""
    checked = check_upload(upload)
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if kind not in {r.kind for r in uploadable_requirements(locked)}:
        raise NotEditable()
    now = timezone.now()
    Document.objects.filter(
        application=locked, kind=kind, superseded__isnull=True, inspection__isnull=True
    ).update(superseded=now)
    document = Document(
        application=locked,
        kind=kind,
        original_name=display_name(upload.name, kind),
        content_type=checked.content_type,
        size=len(checked.content),
        sha256=checked.sha256,
        uploaded_by=user,
    )
    document.file.save(random_name(locked.pk, checked.suffix), ContentFile(checked.content), save=False)
    document.save()
    return document


def display_name(name: str | None, kind: str) -> str:
    """The uploaded file's name as it may be shown and sent in a Content-Disposition header: no path, no
    control characters (a newline would break the header)."""
    name = "".join(
        c for c in (name or "").replace("\\", "/").rsplit("/", 1)[-1] if unicodedata.category(c)[0] != "C"
    )
    return name.strip()[:255] or kind


def missing_documents(application: Application) -> list[str]:
    """Names (page's language) of required kinds without a current file."""
    current = current_documents(application)
    return [
        _pick(r.name_en, r.name_bn) for r in required_kinds(application.ownership) if r.kind not in current
    ]


def _pick(en: str, bn: str) -> str:
    return bn if (get_language() or "").startswith("bn") else en


# --- submitting --------------------------------------------------------------------------------------------


def application_missing(application: Application) -> list[str]:
    """What is missing before the application can be submitted, in the active language."""
    missing = []
    if not all(
        [
            application.name_bn,
            application.name_en,
            application.kind,
            application.isic_division,
            application.year_started,
            application.trade_licence_no,
        ]
    ):
        missing.append(_("the enterprise details (step 1)"))
    owners = application.owners.count()
    if not application.ownership or owners < (2 if application.ownership == "partnership" else 1):
        missing.append(_("the owners (step 2)"))
    if application.location is None or application.office_id is None:
        missing.append(_("the factory location (step 3)"))
    if not application.size_class:
        missing.append(_("the investment and workers (step 4)"))
    missing.extend(missing_documents(application))
    return missing


def _both_languages(function, *args) -> tuple[str, str]:
    with override("en"):
        en = function(*args)
    with override("bn"):
        bn = function(*args)
    return en, bn


def least_loaded_officer(office: Office) -> Officer | None:
    """The active extension officer of the office with the fewest open applications (ties: the earliest).

    A count per officer in a subquery, which the partial index application_open_by_officer answers; the
    join-and-group form reads every open application of the office (≈60 ms instead of ≈3 ms at 36,000)."""
    load = (
        Application.objects.filter(assigned_to=OuterRef("pk"), state__in=OPEN_STATES)
        .order_by()
        .values("assigned_to")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Officer.objects.filter(office=office, role=Officer.Role.EXTENSION, is_active=True)
        .annotate(load=Coalesce(Subquery(load), 0))
        .order_by("load", "pk")
        .first()
    )


def application_submit(*, application: Application, user) -> Application:
    """Submit a complete draft: it gets its tracking number and an officer. The applicant is sent the
    number by registrations.notifications on the "submit" move (not here). A second submit of the same
    draft raises StateChanged; an incomplete one IncompleteApplication; a closed district DistrictNotOpen."""

    def submit(locked: Application, role: str) -> None:
        missing_en, missing_bn = _both_languages(application_missing, locked)
        if missing_en:
            raise IncompleteApplication(missing="; ".join(missing_en), missing_bn="; ".join(missing_bn))
        office = locked.office
        if not office.is_open:
            raise district_not_open(office.district)
        locked.tracking_no = next_tracking_no(day=timezone.localdate())
        locked.submitted_at = timezone.now()
        locked.form_step = REVIEW_STEP
        locked.assigned_to = least_loaded_officer(office)

    return application_move(
        application_id=application.pk, action="submit", user=user, expected_state=State.DRAFT, apply=submit
    )


def shortfall_unfixed(application: Application) -> list[tuple[str, str]]:
    """The listed document kinds without a file uploaded since the shortfall was raised, (en, bn) names."""
    items = open_shortfall_items(application)
    if not items:
        return []
    since = min(i.transition.created for i in items)
    names = {r.kind: (r.name_en, r.name_bn) for r in DocumentRequirement.objects.all()}
    renewed = set(
        application.documents.filter(
            superseded__isnull=True, inspection__isnull=True, created__gt=since
        ).values_list("kind", flat=True)
    )
    return [names[i.item] for i in items if i.item in names and i.item not in renewed]


def shortfall_check_fixed(application: Application) -> None:
    unfixed = shortfall_unfixed(application)
    if unfixed:
        raise ShortfallNotFixed(
            missing=", ".join(en for en, _bn in unfixed), missing_bn=", ".join(bn for _en, bn in unfixed)
        )


# --- the fee schedule ----------------------------------------------------------------------------------


def fee_bands(*, on) -> list[dict]:
    """The fee schedule in force on ``on``: each class and band with its fee (before the charges)."""
    return [
        {
            "size_class": rate.size_class,
            "from": rate.effective_from,
            "max_investment_bdt": rate.max_investment_bdt,
            "amount": rate.amount,
        }
        for rate in rates_in_force(on=on)
    ]


# --- the size class and the rule that placed it ------------------------------------------------------------


def taka(amount: int) -> str:
    """An amount as people say it: 3.5 lakh, 1.2 crore, 75,000 (Bangla digits on Bangla pages)."""
    if amount >= CRORE:
        text = _("%(n)s crore") % {"n": _short(Decimal(amount) / CRORE)}
    elif amount >= LAKH:
        text = _("%(n)s lakh") % {"n": _short(Decimal(amount) / LAKH)}
    else:
        text = f"{amount:,}"
    return _local_digits(text)


def _short(value: Decimal) -> str:
    text = f"{value.quantize(MONEY, ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _local_digits(text: str) -> str:
    return to_bangla_digits(text) if (get_language() or "").startswith("bn") else text


def _assets_range(bounds: tuple[int, int | None]) -> str:
    lower, upper = bounds
    if upper is None:
        return _("Tk %(lower)s or more") % {"lower": taka(lower)}
    if lower == 0:
        return _("under Tk %(upper)s") % {"upper": taka(upper)}
    return _("Tk %(lower)s to under %(upper)s") % {"lower": taka(lower), "upper": taka(upper)}


def _workers_range(bounds: tuple[int, int | None]) -> str:
    lower, upper = (_local_digits(str(b)) if b is not None else None for b in bounds)
    if upper is None:
        return _("%(lower)s or more") % {"lower": lower}
    if bounds[0] == 0:
        return _("up to %(upper)s") % {"upper": upper}
    return _("%(lower)s to %(upper)s") % {"lower": lower, "upper": upper}


def size_class_explain(
    *, kind: str, fixed_assets_bdt: int | None, workers: int | None, family_based: bool = False
) -> dict:
    """The size class for these figures and the rule that placed it there, in the active language:
    {"size_class", "label", "rule"}. Unknown figures are left out, as classify_size does."""
    if kind not in Kind.values or (fixed_assets_bdt is None and workers is None):
        return {"size_class": None, "label": "", "rule": ""}
    rule = explain_size(
        kind, fixed_assets_bdt, workers, policy=settings.SIZE_CLASS_POLICY, family_based=family_based
    )
    parts = []
    if rule.by_assets is not None:
        parts.append(
            _("by fixed assets Tk %(assets)s → %(size)s (%(range)s)")
            % {
                "assets": taka(fixed_assets_bdt),
                "size": SizeClass(rule.by_assets).label,
                "range": _assets_range(rule.assets_bounds),
            }
        )
    if rule.by_workers is not None:
        parts.append(
            _("by %(workers)s workers → %(size)s (%(range)s)")
            % {
                "workers": _local_digits(str(workers)),
                "size": SizeClass(rule.by_workers).label,
                "range": _workers_range(rule.workers_bounds),
            }
        )
    text = "; ".join(parts)
    if len(parts) == 2:
        text += "; " + _("the higher applies")
    if kind == Kind.SERVICE and rule.size in (SizeClass.COTTAGE, SizeClass.MICRO):
        # Service units share one bottom band: family-based ones are cottage, the others micro.
        text += " " + _("(a family-based service unit of this size is cottage, others micro)")
    return {"size_class": str(rule.size), "label": str(SizeClass(rule.size).label), "rule": text}
