"""The district office's pages: its queue, one application with what its officers may do now, and one POST
URL per action. Only active officers of the office handling an application see it; everyone else (another
office's officers, applicants) gets a 404."""

from dataclasses import dataclass
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_fsm import can_proceed

from ..exceptions import (
    ApplicationNotFound,
    MoveNotPossible,
    NotAllowed,
    NotAssigned,
    RegistrationError,
    StateChanged,
)
from ..models import Actor, Officer, State
from ..selectors import application_for_officer, office_extension_officers, office_queue
from ..services import review
from ..workflow import MOVES, ROLE_NAMES, officer_of
from . import office_forms as f

QUEUE_PAGE_SIZE = 50


def officer_required(view):
    """Logged in (else to the login page) and an active officer (else 404: not a page for them)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        officer = officer_of(request.user)
        if officer is None:
            raise Http404
        request.officer = officer
        return view(request, *args, **kwargs)

    return never_cache(login_required(wrapper, login_url="registrations:login"))


def _message(error: RegistrationError) -> str:
    return error.message_for(get_language() or "bn")


# --- the queue -------------------------------------------------------------------------------------------


@require_GET
@officer_required
def queue(request):
    officer = request.officer
    state = request.GET.get("state") or None
    if state not in State.values:
        state = None
    overdue = request.GET.get("overdue") == "1"
    mine = request.GET.get("mine") == "1"
    applications = office_queue(
        office=officer.office, state=state, overdue_only=overdue, assigned_to=officer if mine else None
    )
    page = Paginator(applications, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    return render(
        request,
        "registrations/office/queue.html",
        {
            "officer": officer,
            "office": officer.office,
            "page": page,
            "states": [s for s in State if s != State.DRAFT],
            "state": state,
            "overdue": overdue,
            "mine": mine,
            "filters": filters.urlencode(),
            "today": timezone.localdate(),
        },
    )


# --- one application -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    form: type
    title: str
    button: str
    danger: bool = False


ACTIONS: dict[str, Action] = {
    "take_up": Action(f.ActionForm, _("Take up for the document check"), _("Take up")),
    "send_to_inspection": Action(
        f.ActionForm, _("Documents complete: send to inspection"), _("Send to inspection")
    ),
    "raise_shortfall": Action(f.ShortfallForm, _("Raise a shortfall"), _("Raise the shortfall")),
    "record_inspection": Action(f.InspectionForm, _("Record the inspection"), _("Record and recommend")),
    "approve_for_payment": Action(f.ActionForm, _("Approve for payment"), _("Approve for payment")),
    "record_payment": Action(f.PaymentForm, _("Record the fee paid"), _("Record the payment")),
    "register": Action(f.ActionForm, _("Register the enterprise"), _("Register")),
    "assign": Action(f.AssignForm, _("Assign to an extension officer"), _("Assign")),
    "reject": Action(f.RejectForm, _("Reject the application"), _("Reject"), danger=True),
}


def _register_service():
    """Registering is helper "register"'s service; until it exists, the page says it is not available."""
    try:
        from ..services.register import application_register
    except ImportError:
        return None
    return application_register


def available_actions(officer: Officer, application) -> list[str]:
    """The actions this officer may take on the application in its present state, in ACTIONS' order."""
    allowed = set()
    for action, move in MOVES.items():
        if move.actor not in (officer.role, Actor.OFFICER) or not can_proceed(getattr(application, action)):
            continue
        someone_else = application.assigned_to_id not in (None, officer.pk)
        if officer.role == Officer.Role.EXTENSION and move.assigned_only and someone_else:
            continue
        allowed.add(action)
    if officer.role == Officer.Role.APPROVING and application.state in review.ASSIGNABLE_STATES:
        allowed.add("assign")
    return [action for action in ACTIONS if action in allowed]


def _form_for(action: str, application, *, data=None, files=None):
    kwargs = {"initial": {"expected_state": application.state}}
    if action == "record_payment":
        kwargs["fee_total"] = application.fee_total
    if action == "assign":
        kwargs["officers"] = office_extension_officers(office=application.office)
        kwargs["initial"]["officer"] = application.assigned_to_id
    return ACTIONS[action].form(data=data, files=files, prefix=action, **kwargs)


def _fee_preview(application):
    """What approving would fix as the fee, for the approving officer to see before deciding."""
    try:
        total, lines = review.fee_due(application, on=timezone.localdate())
    except RegistrationError as error:
        return {"error": _message(error)}
    return {"total": total, "lines": lines}


def _render(request, application, *, bound=None, error=None, status=200):
    """The application page. ``bound``: (action, form) the officer sent, shown again with their input."""
    officer = request.officer
    actions = available_actions(officer, application)
    forms = []
    bound_action, bound_form = bound or (None, None)
    for action in actions:
        form = bound_form if action == bound_action else _form_for(action, application)
        forms.append(
            {"action": action, "spec": ACTIONS[action], "form": form, "url": f"registrations:office_{action}"}
        )
    # What the officer sent for an action no longer offered (the application moved on): shown, not lost.
    orphan = None
    if bound_form is not None and bound_action not in actions:
        for field in bound_form.fields.values():
            # Read-only, not disabled: a disabled field would show its initial value, not what was typed.
            field.widget.attrs["readonly"] = True
        orphan = {"action": bound_action, "spec": ACTIONS[bound_action], "form": bound_form}
    bangla = (get_language() or "").startswith("bn")
    labels = {key: (bn if bangla else en) for key, en, bn in review.shortfall_choices()}
    transitions = list(application.transitions.all())
    for transition in transitions:
        for item in transition.shortfall_items.all():
            item.label = labels.get(item.item, item.item)
    context = {
        "officer": officer,
        "application": application,
        "owners": list(application.owners.all()),
        "documents": [
            {"doc": d, "name": labels.get(d.kind, d.kind)} for d in application.application_documents
        ],
        "inspections": list(application.inspections.all()),
        "payments": list(application.payments.all()),
        "transitions": transitions,
        "open_shortfall": [i for t in transitions for i in t.shortfall_items.all() if i.resolved is None],
        "forms": forms,
        "orphan": orphan,
        "error": error,
        "register_available": _register_service() is not None,
        "fee_preview": _fee_preview(application) if "approve_for_payment" in actions else None,
        "bangla": bangla,
        "role_name": ROLE_NAMES[officer.role][1 if bangla else 0],
    }
    return render(request, "registrations/office/application.html", context, status=status)


def _application_or_404(request, pk):
    try:
        return application_for_officer(user=request.user, pk=pk)
    except ApplicationNotFound:
        raise Http404 from None


@require_GET
@officer_required
def application(request, pk: int):
    return _render(request, _application_or_404(request, pk))


def _perform(action: str, form, application, user):
    data = form.cleaned_data
    common = {"application_id": application.pk, "user": user, "expected_state": data["expected_state"]}
    notes = {"note": data.get("note", ""), "internal_note": data.get("internal_note", "")}
    if action == "take_up":
        return review.application_take_up(**common, **notes)
    if action == "send_to_inspection":
        return review.application_send_to_inspection(**common, **notes)
    if action == "raise_shortfall":
        return review.application_raise_shortfall(**common, **notes, items=form.listed_items())
    if action == "record_inspection":
        return review.application_record_inspection(
            **common,
            **notes,
            visited_on=data["visited_on"],
            findings=data["findings"],
            location=data["location"],
            photos=data["photos"],
        )
    if action == "approve_for_payment":
        return review.application_approve_for_payment(**common, **notes)
    if action == "record_payment":
        return review.application_record_payment(
            **common,
            **notes,
            method=data["method"],
            receipt_no=data["receipt_no"],
            paid_on=data["paid_on"],
            amount=data["amount"],
        )
    if action == "reject":
        return review.application_reject(**common, reason=data["reason"], internal_note=data["internal_note"])
    if action == "assign":
        return review.application_assign(
            application_id=application.pk, officer=data["officer"], by=user, note=data["note"]
        )
    if action == "register":
        register = _register_service()
        if register is None:
            raise RegisterNotAvailable()
        return register(**common, **notes)
    raise Http404


class RegisterNotAvailable(RegistrationError):
    code = "register_not_available"
    message_en = "Registering is not available yet."
    message_bn = "নিবন্ধন এখনো চালু হয়নি।"


STATUS = {StateChanged: 409, MoveNotPossible: 409, NotAllowed: 403, NotAssigned: 403}
DONE = {
    "take_up": _("Taken up: the document check is yours."),
    "send_to_inspection": _("Sent to inspection."),
    "raise_shortfall": _("Shortfall raised: the applicant is told what to correct."),
    "record_inspection": _("Inspection recorded; the application is recommended."),
    "approve_for_payment": _("Approved for payment: the applicant is told the fee."),
    "record_payment": _("Payment recorded."),
    "register": _("Registered."),
    "assign": _("Assigned."),
    "reject": _("Rejected: the applicant is told the reason."),
}


def _role_may(officer: Officer, action: str) -> bool:
    actor = Actor.APPROVING if action == "assign" else MOVES[action].actor
    return actor in (officer.role, Actor.OFFICER)


@require_POST
@officer_required
def act(request, pk: int, action: str):
    current = _application_or_404(request, pk)
    form = _form_for(action, current, data=request.POST, files=request.FILES)
    if not _role_may(request.officer, action):
        actor = Actor.APPROVING if action == "assign" else MOVES[action].actor
        en, bn = ROLE_NAMES[actor]
        form.is_valid()
        error = _message(NotAllowed(role=en, role_bn=bn))
        return _render(request, current, bound=(action, form), error=error, status=403)
    if not form.is_valid():
        return _render(request, current, bound=(action, form), status=400)
    try:
        _perform(action, form, current, request.user)
    except ApplicationNotFound:
        raise Http404 from None
    except RegistrationError as error:
        # Read again: another officer may have moved it; the input goes back into its form either way.
        application = _application_or_404(request, pk)
        if isinstance(error, StateChanged | MoveNotPossible) and action in available_actions(
            request.officer, application
        ):
            data = request.POST.copy()
            data[f"{action}-expected_state"] = application.state
            form = _form_for(action, application, data=data, files=request.FILES)
            form.is_valid()
        status = STATUS.get(type(error), 400)
        return _render(request, application, bound=(action, form), error=_message(error), status=status)
    messages.success(request, DONE[action])
    return redirect("registrations:office_application", pk=pk)


urlpatterns = [
    path("", queue, name="office_queue"),
    path("<int:pk>/", application, name="office_application"),
] + [
    path(f"<int:pk>/{action.replace('_', '-')}/", act, {"action": action}, name=f"office_{action}")
    for action in ACTIONS
]
