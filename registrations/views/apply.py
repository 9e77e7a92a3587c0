"""The applicant's pages (/apply/): what it takes, the district check, the form a step at a time, documents,
submitting, and the applicant's own applications. Views are thin: they parse, call a service from
registrations.services.apply (or review's, for the moves after a shortfall), and render."""

import json
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from industries.models import BANGLADESH_EXTENT, District, Upazila
from industries.size_class import SizeClass

from ..exceptions import RegistrationError, StateChanged
from ..forms import FigureField, OwnersStep, max_upload_megabytes, owners_with_one_more
from ..models import FINAL_STATES, Application, Document, DocumentRequirement, State, Step
from ..sectors import division_label
from ..selectors import public_timeline
from ..services import apply as services
from ..services import review
from ..services.fees import fee_quote
from ..services.renew import application_renew, live_renewal
from ..templatetags.apply_tags import digits
from ..uploads import PDF
from ..validity import current_registration, renewal_window
from ..workflow import seen_as

# The step whose "how much" is the fee (the applicant pays once the office approves).
FEE_STEP_STATE = State.APPROVED_FOR_PAYMENT


def _lang() -> str:
    return get_language() or "bn"


def _pick(en: str, bn: str) -> str:
    return bn if _lang().startswith("bn") else en


def applicant_required(view):
    """Logged in (else to the login page, and back) as an applicant (else 403: officers have their pages)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        applicant = getattr(request.user, "applicant", None)
        if applicant is None:
            raise PermissionDenied(_("These pages are for applicants."))
        request.applicant = applicant
        return view(request, *args, **kwargs)

    return never_cache(wrapper)


def _own_application(request, pk: int) -> Application:
    application = (
        Application.objects.select_related("office__district", "stated_district", "assigned_to__user")
        .filter(pk=pk, applicant=request.applicant)
        .first()
    )
    if application is None:
        raise Http404
    return application


# --- before starting: what it takes -----------------------------------------------------------------------


def _figure(text) -> int | None:
    """A figure as the form reads it (Bangla digits, separators), or None when it is not one."""
    try:
        return FigureField(required=False).clean(text)
    except ValidationError:
        return None


@require_GET
def home(request):
    """What it takes for the applicant's case (steps, documents, fee, working days, all from configuration),
    and whether the factory's district is open yet."""
    today = timezone.localdate()
    ownerships = Application.Ownership
    ownership = request.GET.get("ownership")
    ownership = ownership if ownership in ownerships.values else ownerships.PROPRIETORSHIP
    size = request.GET.get("size")
    size = size if size in SizeClass.values else ""
    assets = _figure(request.GET.get("assets"))

    district = None
    code = request.GET.get("district", "")
    if code.isdigit():
        district = District.objects.select_related("bscic_office").filter(pk=int(code)).first()
    office = getattr(district, "bscic_office", None) if district else None
    not_open = None
    if district is not None and not (office and office.is_open):
        error = services.district_not_open(district)
        not_open = {"en": error.message_for("en"), "bn": error.message_for("bn")}

    steps = list(Step.objects.order_by("order"))
    requirements = list(DocumentRequirement.objects.order_by("order", "kind"))
    schedule = _schedule(services.fee_bands(on=today), size)
    quote = None
    # A class with several bands is quoted only when the assets are known; else its bands are shown.
    if size and (assets is not None or len(schedule) == 1):
        try:
            quote = fee_quote(size_class=size, fixed_assets_bdt=assets, on=today)
        except RegistrationError:  # no fee in force for the class: the schedule says so
            quote = None
    context = {
        "ownership": ownership,
        "ownerships": ownerships.choices,
        "size": size,
        "sizes": [(s.value, s.label) for s in SizeClass if s != SizeClass.LARGE],
        "assets": request.GET.get("assets", ""),
        "district": district,
        "district_open": bool(office and office.is_open),
        "not_open": not_open,
        "districts": _districts_by_division(),
        "steps": steps,
        "fee_step_state": FEE_STEP_STATE,
        "office_days": sum(s.working_days for s in steps if not s.applicant_acts),
        "weekend": ", ".join(str(WEEKDAYS[day]) for day in settings.REGISTRATION_WEEKEND),
        "required_documents": [r for r in requirements if r.required_of(ownership)],
        "optional_documents": [r for r in requirements if r.is_optional],
        "max_upload_mb": max_upload_megabytes(),
        "quote": quote,
        "schedule": [] if quote else schedule,
        "applicant": getattr(request.user, "applicant", None) if request.user.is_authenticated else None,
    }
    return render(request, "registrations/apply/home.html", context)


def _districts_by_division() -> list:
    districts = District.objects.select_related("division", "bscic_office").order_by(
        "division__name_en", "name_en"
    )
    groups: dict = {}
    for district in districts:
        office = getattr(district, "bscic_office", None)
        groups.setdefault(district.division, []).append((district, bool(office and office.is_open)))
    return list(groups.items())


def _schedule(bands: list[dict], size: str) -> list[dict]:
    rows = [b for b in bands if not size or b["size_class"] == size]
    order = list(SizeClass)
    rows.sort(
        key=lambda b: (
            order.index(b["size_class"]),
            b["max_investment_bdt"] is None,
            b["max_investment_bdt"] or 0,
        )
    )
    for row in rows:
        row["label"] = SizeClass(row["size_class"]).label
    return rows


@require_POST
@applicant_required
def start(request):
    """A new draft, only for a factory in an open district."""
    code = request.POST.get("district", "")
    district = District.objects.filter(pk=int(code)).first() if code.isdigit() else None
    if district is None:
        messages.error(request, _("Choose the district where your factory is."))
        return redirect("registrations:home")
    try:
        application = services.application_start(applicant=request.applicant, district=district)
    except RegistrationError as error:
        messages.error(request, error.message_for(_lang()))
        return redirect(f"{reverse('registrations:home')}?district={district.pk}#where")
    return redirect("registrations:form_step", pk=application.pk, n=1)


# --- the applicant's applications ------------------------------------------------------------------------


@require_GET
@applicant_required
def my_applications(request):
    applications = list(
        request.applicant.applications.select_related("office__district", "stated_district").order_by(
            "-created"
        )
    )
    steps = {s.state: s for s in Step.objects.all()}
    rows = [(a, _next_step(a, steps), min(a.form_step + 1, services.REVIEW_STEP)) for a in applications]
    return render(request, "registrations/apply/my_applications.html", {"rows": rows})


def _next_step(application: Application, steps: dict) -> str:
    state = application.state
    if state == State.DRAFT:
        n = min(application.form_step + 1, services.REVIEW_STEP)
        return _("Continue the form at step %(n)s of %(total)s.") % {"n": n, "total": len(services.STEPS)}
    if state == State.SHORTFALL:
        return _("The office asks you to correct some items: open the application.")
    if state == State.APPROVED_FOR_PAYMENT:
        return _("Pay the registration fee.")
    if state == State.REGISTERED:
        return _("Registered: number %(number)s.") % {"number": application.registration_no}
    if state in (State.REJECTED, State.WITHDRAWN):
        return "—"
    step = steps.get(state)
    if step is None:
        return ""
    text = _("%(step)s, by the %(who)s.") % {
        "step": _pick(step.name_en, step.name_bn),
        "who": _pick(step.who_en, step.who_bn),
    }
    if application.due_date:
        text += " " + _("Due by %(date)s.") % {"date": application.due_date.strftime("%d-%m-%Y")}
    return text


# --- the form ----------------------------------------------------------------------------------------------

STEP_NAMES = {
    1: ("Enterprise", "প্রতিষ্ঠান"),
    2: ("Owners", "মালিক"),
    3: ("Location", "অবস্থান"),
    4: ("Investment and workers", "বিনিয়োগ ও শ্রমিক"),
    5: ("Documents", "কাগজপত্র"),
    6: ("Review and submit", "যাচাই ও জমা"),
}


def _steps_nav(application: Application, current: int, editable: set[int]) -> list[dict]:
    reachable = application.form_step + 1 if application.state == State.DRAFT else services.REVIEW_STEP
    return [
        {
            "n": n,
            "name": _pick(*STEP_NAMES[n]),
            "url": reverse("registrations:form_step", args=[application.pk, n]),
            "done": n <= application.form_step,
            "current": n == current,
            "reachable": n <= reachable,
            "editable": n in editable,
        }
        for n in services.STEPS
    ]


def _map_config() -> dict:
    leaflet = settings.LEAFLET_CONFIG
    return {
        "center": list(leaflet["DEFAULT_CENTER"]),
        "zoom": leaflet["DEFAULT_ZOOM"],
        "minZoom": leaflet["MIN_ZOOM"],
        "maxZoom": leaflet["MAX_ZOOM"],
        "extent": list(BANGLADESH_EXTENT),
        "basemapUrl": settings.BASEMAP_URL,
        "basemapAttribution": settings.BASEMAP_ATTRIBUTION if settings.BASEMAP_URL else "",
        "boundaryAttribution": settings.BOUNDARY_ATTRIBUTION,
        "placesUrl": reverse("registrations:places"),
        "strings": {
            "locating": _("Asking your phone for its location…"),
            "located": _("The point is set from your phone's location (about %(metres)s m accurate)."),
            "noGeolocation": _("This browser cannot give a location. Pick the point on the map."),
            "geolocationFailed": _(
                "Your phone did not give a location: %(reason)s. Pick the point on the map."
            ),
            "picked": _("The point is set. You can move it by tapping the map again."),
            "choose": _("Choose"),
        },
    }


def _district_boundary(district_id) -> dict | None:
    if not district_id:
        return None
    row = (
        District.objects.filter(pk=district_id).annotate(shape=AsGeoJSON("geom_simple", precision=5)).first()
    )
    return {"type": "Feature", "geometry": json.loads(row.shape), "properties": {}} if row else None


@applicant_required
def form_step(request, pk: int, n: int):
    application = _own_application(request, pk)
    if n not in services.STEPS:
        raise Http404
    if application.state == State.DRAFT and n > application.form_step + 1:
        return redirect("registrations:form_step", pk=pk, n=application.form_step + 1)
    editable = services.editable_steps(application)
    warnings: list[str] = []
    form = None
    if request.method == "POST":
        data = request.POST
        if n == 2 and "add_owner" in data:
            form = services.step_form(application=application, step=2, data=owners_with_one_more(data))
            return _render_step(request, application, n, _without_errors(form), editable, warnings)
        if n == 3 and "refresh" in data:  # without JavaScript: show the districts of the chosen division
            form = services.step_form(application=application, step=3, data=data)
            return _render_step(request, application, n, _without_errors(form), editable, warnings)
        try:
            result = services.application_save_step(
                application=application, step=n, data=data, files=request.FILES
            )
        except services.NotEditable as error:
            messages.error(request, error.message_for(_lang()))
            return redirect("registrations:application_detail", pk=pk)
        if result.saved:
            messages.success(request, _("Saved."))
            for warning in result.warnings:
                messages.warning(request, warning)
            following = n + 1 if application.state == State.DRAFT else services.REVIEW_STEP
            return redirect("registrations:form_step", pk=pk, n=following)
        warnings = result.warnings
        form = result.form
        if n == services.DOCUMENTS_STEP and not form.errors:
            if request.FILES:
                messages.success(request, _("Saved."))
            return _render_step(
                request,
                application,
                n,
                services.step_form(application=application, step=n),
                editable,
                warnings,
            )
    elif n != services.REVIEW_STEP:
        form = services.step_form(application=application, step=n)
    return _render_step(request, application, n, form, editable, warnings)


def _without_errors(form):
    """A bound form to show again as typed, without validating it: adding an owner, or choosing a division
    without JavaScript, is not a save, and the blank fields are not mistakes yet."""
    if isinstance(form, OwnersStep):
        for each in [form.ownership, *form.owners.forms]:
            each._errors = ErrorDict()  # what Django's own full_clean starts from: "no errors"
        form.owners._errors = [ErrorDict() for _each in form.owners.forms]
        form.owners._non_form_errors = form.owners.error_class()
    else:
        form._errors = ErrorDict()
    return form


def _render_step(request, application, n, form, editable, warnings):
    if form is not None and n not in editable:
        _disable(form)
    context = {
        "application": application,
        "n": n,
        "total": len(services.STEPS),
        "step_name": _pick(*STEP_NAMES[n]),
        "step_template": f"registrations/apply/steps/{services.STEPS[n]}.html",
        "steps": _steps_nav(application, n, editable),
        "form": form,
        "editable": n in editable,
        "warnings": warnings,
        "shortfall_items": _shortfall_rows(application) if application.state == State.SHORTFALL else [],
    }
    if n == 3:
        district_id = form["stated_district"].value() if form is not None else None
        chosen = str(district_id or application.stated_district_id or "")
        context["map_config"] = _map_config()
        context["boundary"] = _district_boundary(int(chosen) if chosen.isdigit() else None)
    if n == 4:
        context["size"] = _size_from_form(application, form)
        context["size_config"] = {"url": reverse("registrations:size_class")}
    if n == services.DOCUMENTS_STEP:
        context["documents"] = _document_rows(application)
        context["upload_config"] = {
            "maxBytes": settings.REGISTRATION_MAX_UPLOAD_BYTES,
            "tooLarge": _("This file is %(size)s MB; each file may be at most %(limit)s MB.")
            % {"size": "{size}", "limit": digits(max_upload_megabytes())},
            "banglaDigits": _lang().startswith("bn"),
        }
        context["max_upload_mb"] = max_upload_megabytes()
    if n == services.REVIEW_STEP:
        context.update(_review_context(application))
    return render(request, "registrations/apply/step.html", context)


def _disable(form):
    if hasattr(form, "disable"):
        form.disable()
        return
    for field in form.fields.values():
        field.disabled = True


SIZE_FIGURES = ("machinery_bdt", "other_fixed_bdt", "workers_male", "workers_female")


def _size_explained(values, *, kind: str, family_based: bool) -> dict:
    """The size class of the typed figures (by the form's own field names) and the rule that placed it."""
    machinery, other, male, female = (_figure(values.get(name)) for name in SIZE_FIGURES)
    assets = None if machinery is None and other is None else (machinery or 0) + (other or 0)
    workers = None if male is None and female is None else (male or 0) + (female or 0)
    return services.size_class_explain(
        kind=kind, fixed_assets_bdt=assets, workers=workers, family_based=family_based
    )


def _size_from_form(application, form) -> dict:
    values = {n: form[n].value() if form is not None else getattr(application, n) for n in SIZE_FIGURES}
    return _size_explained(values, kind=application.kind, family_based=application.is_family_based)


def _document_rows(application) -> list[dict]:
    current = services.current_documents(application)
    rows = []
    for requirement in DocumentRequirement.objects.order_by("order", "kind"):
        if not (requirement.is_optional or requirement.required_of(application.ownership)) and (
            requirement.kind not in current
        ):
            continue
        rows.append({"requirement": requirement, "document": current.get(requirement.kind)})
    return rows


def _review_context(application) -> dict:
    return {
        "owners": list(application.owners.all()),
        "documents": _document_rows(application),
        "missing": services.application_missing(application) if application.state == State.DRAFT else [],
        "office": application.office,
        "sector": _sector_label(application),
    }


def _sector_label(application) -> str:
    return division_label(application.isic_division) if application.isic_division else ""


def _shortfall_rows(application) -> list[dict]:
    names = {r.kind: (r.name_en, r.name_bn) for r in DocumentRequirement.objects.all()}
    rows = []
    for item in services.open_shortfall_items(application):
        step = services.SECTION_STEP.get(item.item, services.DOCUMENTS_STEP)
        name = (
            names.get(item.item)
            or STEP_NAMES.get(services.SECTION_STEP.get(item.item, 0))
            or (item.item, item.item)
        )
        rows.append(
            {
                "item": item.item,
                "name": _pick(*name),
                "note": item.note,
                "url": reverse("registrations:form_step", args=[application.pk, step]),
            }
        )
    return rows


# --- the live size class and the cascading places ---------------------------------------------------------


@require_GET
def size_class(request):
    """The size class of the figures as typed, and the rule that placed it there (JSON, for size-class.js).
    No personal data: figures in, a class out."""
    params = request.GET
    result = _size_explained(
        params, kind=params.get("kind", ""), family_based=params.get("family_based") in ("1", "true", "on")
    )
    return JsonResponse(result)


@require_GET
def places(request):
    """The districts of a division (``?division=<id>``), or the upazilas and boundary of a district
    (``?district=<id>``), named in the page's language: what cascade.js and locate-map.js need."""
    division, district = request.GET.get("division", ""), request.GET.get("district", "")
    name = "name_bn" if _lang().startswith("bn") else "name_en"
    if division.isdigit():
        rows = District.objects.filter(division_id=int(division)).order_by("name_en")
        data = {"districts": [{"id": d.pk, "name": getattr(d, name)} for d in rows]}
    elif district.isdigit():
        rows = Upazila.objects.filter(district_id=int(district)).order_by("name_en")
        data = {
            "upazilas": [{"id": u.pk, "name": getattr(u, name)} for u in rows],
            "boundary": _district_boundary(int(district)),
        }
    else:
        data = {}
    response = JsonResponse(data)
    response["Cache-Control"] = "private, max-age=3600"  # names in the page's language, from its cookie
    return response


# --- one application ---------------------------------------------------------------------------------------


@require_GET
@applicant_required
def application_detail(request, pk: int):
    application = _own_application(request, pk)
    officer = application.assigned_to
    context = {
        "application": application,
        "officer": officer,
        "shortfall_items": _shortfall_rows(application) if application.state == State.SHORTFALL else [],
        # Review's selector: no internal notes, no officers' names (for registrations/_timeline.html).
        "transitions": public_timeline(application),
        "documents": _document_rows(application),
        "can_withdraw": application.state not in (State.DRAFT, *FINAL_STATES),
        "resume_step": min(application.form_step + 1, services.REVIEW_STEP),
        "sector": _sector_label(application),
        **_renewal_context(application),
    }
    return render(request, "registrations/apply/detail.html", context)


def _renewal_context(application: Application) -> dict:
    """For a registered application: when it expires, whether it can be renewed now, the renewal under way;
    for a renewal: the registration it renews."""
    if application.state != State.REGISTERED:
        return {"renews": application.renews}
    current = current_registration(application)
    if current.pk != application.pk:
        return {"renewed_by": current}
    return {"renewal_window": renewal_window(application), "renewal": live_renewal(application)}


@require_POST
@applicant_required
def submit(request, pk: int):
    application = _own_application(request, pk)
    try:
        submitted = services.application_submit(application=application, user=request.user)
    except StateChanged as error:
        application.refresh_from_db()
        if application.tracking_no:
            messages.info(
                request,
                _("This application was already submitted; its tracking number is %(number)s.")
                % {"number": application.tracking_no},
            )
        else:
            messages.info(request, error.message_for(_lang()))
        return redirect("registrations:application_detail", pk=pk)
    except RegistrationError as error:
        messages.error(request, error.message_for(_lang()))
        return redirect("registrations:form_step", pk=pk, n=services.REVIEW_STEP)
    messages.success(
        request,
        _("Submitted. Your tracking number is %(number)s; it is also sent to you by SMS.")
        % {"number": submitted.tracking_no},
    )
    return redirect("registrations:application_detail", pk=pk)


@require_POST
@applicant_required
def resubmit(request, pk: int):
    application = _own_application(request, pk)
    try:
        services.shortfall_check_fixed(application)
        review.application_resubmit(application_id=pk, user=request.user, expected_state=State.SHORTFALL)
    except RegistrationError as error:
        messages.error(request, error.message_for(_lang()))
        return redirect("registrations:application_detail", pk=pk)
    messages.success(request, _("Sent back to the office for the document check."))
    return redirect("registrations:application_detail", pk=pk)


@require_POST
@applicant_required
def renew(request, pk: int):
    _own_application(request, pk)
    try:
        renewal = application_renew(application_id=pk, user=request.user)
    except RegistrationError as error:
        messages.error(request, error.message_for(_lang()))
        return redirect("registrations:application_detail", pk=pk)
    messages.success(
        request,
        _("Renewal asked for: application %(number)s. Pay the fee to renew; it is also sent to you by SMS.")
        % {"number": renewal.tracking_no},
    )
    return redirect("registrations:application_detail", pk=renewal.pk)


@require_POST
@applicant_required
def withdraw(request, pk: int):
    application = _own_application(request, pk)
    if application.state == State.DRAFT:
        messages.error(request, _("A draft has not been sent to the office: there is nothing to withdraw."))
        return redirect("registrations:application_detail", pk=pk)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick the box to confirm that you withdraw the application."))
        return redirect("registrations:application_detail", pk=pk)
    note = request.POST.get("reason", "").strip()[:500]
    try:
        review.application_withdraw(
            application_id=pk, user=request.user, note=note, expected_state=application.state
        )
    except RegistrationError as error:
        messages.error(request, error.message_for(_lang()))
        return redirect("registrations:application_detail", pk=pk)
    messages.success(request, _("The application is withdrawn."))
    return redirect("registrations:application_detail", pk=pk)


# --- documents ----------------------------------------------------------------------------------------------


@require_GET
@never_cache
def document(request, pk: int, document_pk: int):
    """One uploaded file, to the applicant who owns the application and to the officers of the office that
    handles it; to everyone else a 404, as if it did not exist."""
    found = Document.objects.select_related("application").filter(pk=document_pk, application_id=pk).first()
    user = request.user
    if found is None or not user.is_authenticated:
        raise Http404
    if seen_as(user=user, application=found.application) is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        content_type=found.content_type,
        as_attachment=found.content_type == PDF,  # not re-encoded: never rendered in our origin
        filename=found.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


urlpatterns = [
    path("", home, name="home"),
    path("mine/", my_applications, name="my_applications"),
    path("start/", start, name="start"),
    path("size-class/", size_class, name="size_class"),
    path("places/", places, name="places"),
    path("<int:pk>/", application_detail, name="application_detail"),
    path("<int:pk>/step/<int:n>/", form_step, name="form_step"),
    path("<int:pk>/submit/", submit, name="submit"),
    path("<int:pk>/resubmit/", resubmit, name="resubmit"),
    path("<int:pk>/withdraw/", withdraw, name="withdraw"),
    path("<int:pk>/renew/", renew, name="renew"),
    path("<int:pk>/documents/<int:document_pk>/", document, name="document"),
]
