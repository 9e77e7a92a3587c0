"""The public verification pages: /verify/<token>/ (the QR's URL), and /verify/ with a form for a
registration number or an uploaded PDF. Each says what the database says now; lookups are limited per
address, as numbers could otherwise be tried one after another."""

import hashlib

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from registrations.address_limits import AddressCounter

from .models import Certificate
from .services import verdict_for, verdict_of

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
        certificate = Certificate.objects.filter(sha256=digest).select_related("application__office").first()
        context["by_file"] = True
    else:
        certificate = (
            Certificate.objects.filter(registration_no=number)
            .select_related("application__office")
            .order_by("-version")
            .first()
        )
    verdict = verdict_of(certificate) if certificate is not None else "not_ours"
    status = 200 if certificate is not None else 404
    return render(
        request,
        "certificates/verify.html",
        {**context, "verdict": verdict, "certificate": certificate},
        status=status,
    )
