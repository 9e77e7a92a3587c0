"""The money receipt of a paid online payment: a printable page and its PDF, for the applicant whose
application it is and the officers of the office handling it (404 for anyone else, and for a payment that
is not counted as paid)."""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import receipts
from .models import Attempt
from .views import attempt_for


def _paid_attempt(request, tran_id: str) -> tuple[Attempt, bool]:
    """The paid attempt and whether the user is its applicant (else an officer of its office)."""
    attempt, own = attempt_for(request, tran_id)
    if attempt.state != Attempt.State.PAID:
        raise Http404
    return attempt, own


def _login(request):
    return redirect(f"{reverse('registrations:login')}?next={request.path}")


@require_GET
@never_cache
def receipt(request, tran_id: str):
    if not request.user.is_authenticated:
        return _login(request)
    attempt, own = _paid_attempt(request, tran_id)
    application = attempt.application
    if own:
        back_url = reverse("registrations:application_detail", args=[application.pk])
    else:
        back_url = reverse("registrations:office_application", args=[application.pk])
    html = receipts.receipt_html(
        attempt,
        pdf=False,
        request=request,
        extra={"pdf_url": reverse("payments:receipt_pdf", args=[attempt.tran_id]), "back_url": back_url},
    )
    return HttpResponse(html)


@require_GET
@never_cache
def receipt_pdf(request, tran_id: str):
    if not request.user.is_authenticated:
        return _login(request)
    attempt, _own = _paid_attempt(request, tran_id)
    response = HttpResponse(receipts.receipt_pdf(attempt), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="bscic-receipt-{attempt.tran_id}.pdf"'
    return response
