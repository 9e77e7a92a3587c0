"""The pages of online payment: the applicant's pay button and payment page, the gateway's IPN and the
browser's return from it, and the approving officer's decisions. Each parses, calls one service, renders."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from registrations.exceptions import RegistrationError
from registrations.models import Applicant
from registrations.workflow import officer_of

from . import services
from .gateways import gateway
from .models import Attempt, GatewayEvent

logger = logging.getLogger(__name__)
PAY_AGAIN_STATES = (Attempt.State.FAILED, Attempt.State.CANCELLED, Attempt.State.EXPIRED)


def _message(error: RegistrationError) -> str:
    return error.message_for(get_language() or "bn")


def _urls(request) -> dict[str, str]:
    """Where the gateway sends the payer back, and its notifications: absolute, from the public site address
    when one is set (the gateway must reach the IPN listener), else from this request."""
    gateway_name = gateway().name

    def absolute(name, **kwargs):
        path = reverse(name, kwargs=kwargs)
        site = settings.PAYMENT_SITE_URL
        return site + path if site else request.build_absolute_uri(path)

    return {
        "success": absolute("payments:return", gateway_name=gateway_name, result="success"),
        "fail": absolute("payments:return", gateway_name=gateway_name, result="fail"),
        "cancel": absolute("payments:return", gateway_name=gateway_name, result="cancel"),
        "ipn": absolute("payments:ipn", gateway_name=gateway_name),
    }


@require_POST
@never_cache
def pay(request, pk: int):
    """The applicant's "Pay online": a fresh attempt, and off to the gateway's page."""
    detail = reverse("registrations:application_detail", args=[pk])
    if not request.user.is_authenticated:
        return redirect(f"{reverse('registrations:login')}?next={detail}")
    try:
        attempt = services.attempt_start(application_id=pk, user=request.user, urls=_urls(request))
    except RegistrationError as error:
        if error.code == "not_found":
            raise Http404 from None
        messages.error(request, _message(error))
        return redirect(detail)
    return HttpResponseRedirect(attempt.gateway_page_url, status=303)


@csrf_exempt
@require_POST
def ipn(request, gateway_name: str):
    """The gateway's server-to-server notification. 200 once settled (whatever the outcome); 400 for what
    is not the gateway's; 503 when the gateway could not be asked (it may send again; reconciliation will
    ask anyway)."""
    if gateway_name != gateway().name:
        raise Http404
    try:
        outcome = services.notification_receive(form=request.POST.dict(), gateway_name=gateway_name)
    except services.UnknownTransaction:
        return JsonResponse({"outcome": "unknown_transaction"}, status=400)
    except services.BadSignature:
        return JsonResponse({"outcome": "bad_signature"}, status=400)
    except RegistrationError as error:  # GatewayUnavailable
        return JsonResponse({"outcome": error.code}, status=503)
    return JsonResponse({"outcome": outcome})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def return_(request, gateway_name: str, result: str):
    """The payer's browser back from the gateway. It shows a page and changes nothing: what the gateway
    posts here is not believed. The POST comes from the gateway's site, without our session cookie, so it
    is sent on (303) to the payment's own page, which the browser asks for with its cookie."""
    if gateway_name != gateway().name or result not in ("success", "fail", "cancel"):
        raise Http404
    tran_id = (request.POST.get("tran_id") or request.GET.get("tran_id") or "")[:30]
    attempt = Attempt.objects.filter(tran_id=tran_id).first() if tran_id else None
    if attempt is None:
        raise Http404
    GatewayEvent.objects.create(
        attempt=attempt, tran_id=attempt.tran_id, kind=GatewayEvent.Kind.RETURN, outcome=result
    )
    return HttpResponseRedirect(reverse("payments:attempt", args=[attempt.tran_id]), status=303)


def attempt_for(request, tran_id: str) -> Attempt:
    """The attempt, for its applicant or an officer of the office handling it; 404 for anyone else."""
    attempt = (
        Attempt.objects.select_related("application__office", "application__applicant", "payment")
        .filter(tran_id=tran_id)
        .first()
    )
    if attempt is None or not request.user.is_authenticated:
        raise Http404
    applicant = Applicant.objects.filter(user=request.user).first()
    if applicant is not None and applicant.pk == attempt.application.applicant_id:
        return attempt
    officer = officer_of(request.user)
    if officer is not None and officer.office_id == attempt.application.office_id:
        return attempt
    raise Http404


@never_cache
def attempt_page(request, tran_id: str):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('registrations:login')}?next={request.path}")
    attempt = attempt_for(request, tran_id)
    return render(
        request,
        "payments/attempt.html",
        {
            "attempt": attempt,
            "application": attempt.application,
            # Until the gateway's word is in, the page looks again by itself.
            "refresh_seconds": 3 if attempt.state == Attempt.State.PENDING else None,
            "can_pay_again": attempt.state in PAY_AGAIN_STATES
            and attempt.application.state == "approved_for_payment",
        },
    )


def _officer_action(request, pk: int, perform):
    attempt = Attempt.objects.filter(pk=pk).select_related("application").first()
    if attempt is None or officer_of(request.user) is None:
        raise Http404
    back = reverse("registrations:office_application", args=[attempt.application_id]) + "#online-payments"
    try:
        perform(attempt)
    except RegistrationError as error:
        if error.code == "not_found":
            raise Http404 from None
        messages.error(request, _message(error))
    return redirect(back)


@require_POST
@never_cache
def decide(request, pk: int):
    """The approving officer counts or declines a payment the gateway flagged as risky."""
    accept = request.POST.get("decision") == "accept"

    def perform(attempt):
        services.attempt_decide(
            attempt_id=attempt.pk, user=request.user, accept=accept, note=request.POST.get("note", "")[:500]
        )
        done = _("Payment counted.") if accept else _("Payment declined: a refund is due.")
        messages.success(request, done)

    return _officer_action(request, pk, perform)


@require_POST
@never_cache
def refund(request, pk: int):
    """The approving officer records a refund made by the gateway's panel or the bank, with why."""

    def perform(attempt):
        services.attempt_refund(
            attempt_id=attempt.pk,
            user=request.user,
            reason=request.POST.get("reason", ""),
            reference=request.POST.get("reference", ""),
        )
        messages.success(request, _("Refund recorded."))

    return _officer_action(request, pk, perform)
