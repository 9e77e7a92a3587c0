"""The public verification pages: /verify/<token>/ (the QR's URL), and /verify/ with a form for a
registration number or an uploaded PDF. Each says what the database says now; lookups are limited per
address, as numbers could otherwise be tried one after another."""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from registrations.address_limits import AddressCounter
from registrations.models import Officer
from registrations.workflow import officer_of, seen_as

from .models import Certificate
from .services import (
    NotDecidable,
    certificate_set_status,
    public_certificates,
    verdict_for,
    verdict_of,
    verification_path,
)

MAX_PDF_BYTES = 5 * 1024 * 1024


LOOKUPS = AddressCounter("certificates:verify", 3600)


def _limited(request) -> bool:
    return LOOKUPS.count(request) > settings.CERTIFICATE_VERIFY_PER_HOUR


@never_cache
def verify(request, token: str):
    if _limited(request):
        return render(request, "certificates/verify.html", {"verdict": "limited"}, status=429)
    verdict, certificate = verdict_for(token)
    status = 200 if certificate is not None else 404
    return render(
        request, "certificates/verify.html", {"verdict": verdict, "certificate": certificate}, status=status
    )


@never_cache
def lookup(request):
    """By registration number (GET), or by the PDF itself (POST): is it byte for byte the file we issued?"""
    context = {"form": True}
    number = (request.GET.get("registration_no") or "").strip()[:40]
    upload = request.FILES.get("pdf") if request.method == "POST" else None
    if not number and upload is None:
        return render(request, "certificates/verify.html", context)
    if _limited(request):
        return render(request, "certificates/verify.html", {**context, "verdict": "limited"}, status=429)
    if upload is not None:
        if upload.size > MAX_PDF_BYTES:
            return render(request, "certificates/verify.html", {**context, "verdict": "too_big"}, status=400)
        digest = hashlib.sha256(b"".join(upload.chunks())).hexdigest()
        certificate = public_certificates().filter(sha256=digest).first()
        context["by_file"] = True
    else:
        certificate = public_certificates().filter(registration_no=number).order_by("-version").first()
    verdict = verdict_of(certificate) if certificate is not None else "not_ours"
    status = 200 if certificate is not None else 404
    return render(
        request,
        "certificates/verify.html",
        {**context, "verdict": verdict, "certificate": certificate},
        status=status,
    )


# --- the applicant's file and the office's decision ------------------------------------------------------


def _certificate_for(request, pk: int) -> tuple[Certificate, Officer | None]:
    """The certificate, for its applicant or an officer of the office that registered it; 404 for anyone
    else (that a certificate of that number exists is public, its file is the enterprise's)."""
    certificate = Certificate.objects.select_related("application__office").filter(pk=pk).first()
    seen = seen_as(user=request.user, application=certificate.application) if certificate else None
    if seen is None:
        raise Http404
    return certificate, officer_of(request.user) if seen == "officer" else None


def _login(request):
    return redirect(f"{reverse('registrations:login')}?next={request.path}")


@never_cache
def download(request, pk: int):
    """The issued file, byte for byte (the verification page compares uploads with it)."""
    if not request.user.is_authenticated:
        return _login(request)
    certificate, _officer = _certificate_for(request, pk)
    response = HttpResponse(bytes(certificate.pdf), content_type="application/pdf")
    name = f"certificate-{certificate.registration_no}-v{certificate.version}.pdf".replace("/", "-")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


DECISIONS = {
    "suspend": Certificate.Status.SUSPENDED,
    "cancel": Certificate.Status.CANCELLED,
    "restore": Certificate.Status.VALID,
}


@never_cache
def decide(request, pk: int):
    """The approving officer of the office suspends, cancels or restores a certificate, with a reason; the
    verification page says so at the next request."""
    if not request.user.is_authenticated:
        return _login(request)
    certificate, officer = _certificate_for(request, pk)
    if officer is None or officer.role != Officer.Role.APPROVING:
        raise Http404
    back = reverse("registrations:office_application", args=[certificate.application_id])
    errors = []
    if request.method == "POST":
        decision = DECISIONS.get(request.POST.get("decision", ""))
        reason = request.POST.get("reason", "").strip()[:1000]
        if decision is None:
            errors.append(_("Choose what to do with the certificate."))
        if not reason:
            errors.append(_("Give the reason: it is shown on the verification page and to the applicant."))
        if decision == Certificate.Status.CANCELLED and request.POST.get("confirm") != "yes":
            errors.append(_("Tick the box to confirm the cancellation. It cannot be undone."))
        if not errors:
            try:
                certificate_set_status(certificate_id=pk, status=decision, reason=reason, user=request.user)
            except NotDecidable:
                errors.append(
                    _("This certificate is no longer in force (replaced or cancelled): nothing changed.")
                )
            else:
                messages.success(request, _("Done: the verification page shows it now."))
                return redirect(back)
    return render(
        request,
        "certificates/decide.html",
        {
            "certificate": certificate,
            "verify_path": verification_path(certificate),
            "errors": errors,
            "back": back,
            "posted": request.POST if request.method == "POST" else {},
        },
        status=400 if errors else 200,
    )
