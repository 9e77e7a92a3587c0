"""The pages of online payment: the applicant's pay button and payment page, the gateway's IPN and the
browser's return from it, and the approving officer's decisions. Each parses, calls one service, renders."""

import logging

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from registrations.address_limits import AddressCounter
from registrations.exceptions import RegistrationError
from registrations.models import State
from registrations.workflow import officer_of, seen_as

from . import services
from .exceptions import DecisionRequired, DeclineNotConfirmed
from .gateways import gateway
from .models import Attempt, GatewayEvent
from .selectors import (
    attempt_status,
    payment_in_progress,
    reconcile_minutes,
    reported_paid,
)

logger = logging.getLogger(__name__)
# Notifications that are not the gateway's (unknown transaction, bad signature), per address per hour.
REFUSED_IPNS = AddressCounter("payments:ipn-refused", 3600)

# The status page looks again every few seconds while the gateway's word is awaited; once the attempt is
# "unconfirmed" (selectors.PATIENCE) it says reconciliation will settle it, and looks less often.
REFRESH_SECONDS = 3
SLOW_REFRESH_SECONDS = 30


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
    """The applicant's "Pay online": a fresh attempt, and off to the gateway's page. Whatever stops it, the
    applicant is back on their application page with the reason, and nothing they entered is lost."""
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
    if REFUSED_IPNS.reached(request, settings.PAYMENT_IPN_FAILURES_PER_HOUR):
        # Not the gateway's, again and again: answered without a word written, so the log cannot be flooded.
        return JsonResponse({"outcome": "too_many_refused"}, status=429)
    try:
        outcome = services.notification_receive(form=request.POST.dict(), gateway_name=gateway_name)
    except (services.UnknownTransaction, services.BadSignature) as error:
        REFUSED_IPNS.count(request)
        refused = "unknown_transaction" if isinstance(error, services.UnknownTransaction) else "bad_signature"
        return JsonResponse({"outcome": refused}, status=400)
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
    # Logged once per attempt and result: anyone may post here, and the log is append-only.
    if not attempt.events.filter(kind=GatewayEvent.Kind.RETURN, outcome=result).exists():
        GatewayEvent.objects.create(
            attempt=attempt, tran_id=attempt.tran_id, kind=GatewayEvent.Kind.RETURN, outcome=result
        )
    return HttpResponseRedirect(reverse("payments:attempt", args=[attempt.tran_id]), status=303)


def attempt_for(request, tran_id: str) -> tuple[Attempt, bool]:
    """The attempt and whether the user is its applicant; for its applicant or an officer of the office
    handling it, 404 for anyone else."""
    attempt = (
        Attempt.objects.select_related("application__office", "application__applicant", "payment")
        .filter(tran_id=tran_id)
        .first()
    )
    seen = seen_as(user=request.user, application=attempt.application) if attempt is not None else None
    if seen is None:
        raise Http404
    return attempt, seen == "applicant"


@never_cache
def attempt_page(request, tran_id: str):
    if not request.user.is_authenticated:
        return redirect(f"{reverse('registrations:login')}?next={request.path}")
    attempt, own = attempt_for(request, tran_id)
    now = timezone.now()
    status = attempt_status(attempt, now)
    # The gateway's page told the payer "paid": not believed as money, but never "go back and pay".
    reported = bool(reported_paid([attempt]))
    application = attempt.application
    money_elsewhere = (
        application.online_payments.filter(state__in=(Attempt.State.PAID, Attempt.State.HELD))
        .exclude(pk=attempt.pk)
        .exists()
    )
    # Paying again is offered only while nothing else is paid, held or being confirmed.
    fee_due = (
        application.state == State.APPROVED_FOR_PAYMENT
        and not money_elsewhere
        and payment_in_progress(application) is None
    )
    return render(
        request,
        "payments/attempt.html",
        {
            "attempt": attempt,
            "application": application,
            "status": status,
            "reported": reported,
            "own": own,
            # Until the gateway's word is in, the page looks again by itself.
            "refresh_seconds": {"waiting": REFRESH_SECONDS, "unconfirmed": SLOW_REFRESH_SECONDS}.get(status),
            "reconcile_minutes": reconcile_minutes(),
            # The gateway's page is still usable: the payer who came back without paying may go back to it.
            "gateway_page": attempt.gateway_page_url
            if own and status == "waiting" and not reported and attempt.expires_at > now
            else "",
            "fee_still_due": own and status == Attempt.State.REFUND_DUE and fee_due,
            "online": services.online_payment_available(),
            "can_pay_again": own
            and status in ("failed", "cancelled", "expired", "not_started", "refund_due")
            and fee_due
            and services.online_payment_available(),
        },
    )


def _officer_action(request, pk: int, perform):
    """Run an officer's decision on the attempt; back to the office's page with what came of it. 404 for
    anyone who is not an officer of the office handling it; the wrong role is told so, and nothing changes."""
    attempt = Attempt.objects.filter(pk=pk).select_related("application").first()
    officer = officer_of(request.user)
    if attempt is None or officer is None or officer.office_id != attempt.application.office_id:
        raise Http404
    back = reverse("registrations:office_application", args=[attempt.application_id]) + "#online-payments"
    try:
        messages.success(request, perform(attempt))
    except RegistrationError as error:
        if error.code == "not_found":
            raise Http404 from None
        messages.error(request, _message(error))
    return redirect(back)


@require_POST
@never_cache
def decide(request, pk: int):
    """The approving officer accepts or declines a payment the gateway flagged as risky."""

    def perform(attempt) -> str:
        decision = request.POST.get("decision")
        if decision not in ("accept", "decline"):
            raise DecisionRequired()
        accept = decision == "accept"
        # Declining sends the payer's money back and the fee is due again: only with the box ticked.
        if not accept and request.POST.get("confirm") != "yes":
            raise DeclineNotConfirmed()
        done = services.attempt_decide(
            attempt_id=attempt.pk, user=request.user, accept=accept, note=request.POST.get("note", "")[:500]
        )
        if done.state == Attempt.State.PAID:
            return _("Payment %(tran_id)s accepted: the fee is paid.") % {"tran_id": done.tran_id}
        if accept:
            # Accepted too late: the fee had been paid another way, or the application closed meanwhile.
            message = _(
                "Payment %(tran_id)s could not be accepted as the fee: a refund is due. Reason: %(problem)s."
            )
            return message % {"tran_id": done.tran_id, "problem": done.get_problem_display()}
        return _("Payment %(tran_id)s declined: a refund is due.") % {"tran_id": done.tran_id}

    return _officer_action(request, pk, perform)


@require_POST
@never_cache
def refund(request, pk: int):
    """The approving officer records a refund made by the gateway's panel or the bank, with why."""

    def perform(attempt) -> str:
        done = services.attempt_refund(
            attempt_id=attempt.pk,
            user=request.user,
            reason=request.POST.get("reason", ""),
            reference=request.POST.get("reference", ""),
        )
        return _("Refund of payment %(tran_id)s recorded.") % {"tran_id": done.tran_id}

    return _officer_action(request, pk, perform)
