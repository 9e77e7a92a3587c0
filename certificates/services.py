"""Issuing a registration certificate: the PDF (WeasyPrint, shipped Noto fonts), its QR (segno) holding the
signed verification URL, and its SHA-256; and what the verification page says of a token."""

import hashlib
from datetime import date, timedelta

import segno
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from payments.receipts import font_fetcher, font_urls
from registrations.models import Application, State

from .models import Certificate
from .signing import new_public_id, public_id_of, token_for


class NotRegistered(ValueError):
    pass


def verification_url(certificate: Certificate) -> str:
    path = reverse("certificates:verify", args=[token_for(certificate.public_id, certificate.key_id)])
    return (settings.REGISTRATION_SITE_URL or "") + path


def _qr_svg(url: str) -> str:
    # The QR holds only the URL: no name, number or person.
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def _valid_until(issued: date) -> date:
    years = settings.CERTIFICATE_VALID_YEARS
    try:
        return issued.replace(year=issued.year + years) - timedelta(days=1)
    except ValueError:  # 29 February
        return issued.replace(year=issued.year + years, day=28)


def certificate_pdf(certificate: Certificate, application: Application) -> bytes:
    from weasyprint import HTML  # loads Pango: only when a PDF is made

    html = render_to_string(
        "certificates/certificate.html",
        {
            "c": certificate,
            "a": application,
            "owners": list(application.owners.order_by("order")),
            "qr": _qr_svg(verification_url(certificate)),
            "url": verification_url(certificate),
            "fonts": font_urls(pdf=True),
            "years": settings.CERTIFICATE_VALID_YEARS,
        },
    )
    return HTML(string=html, url_fetcher=font_fetcher()).write_pdf()


def certificate_issue(*, application_id: int) -> Certificate:
    """Issue (or re-issue, as the next version) the certificate of a registered application."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("office__district")
            .get(pk=application_id)
        )
        if application.state != State.REGISTERED or not application.registration_no:
            raise NotRegistered(application_id)
        previous = application.certificates.order_by("-version").first()
        issued = timezone.now()
        certificate = Certificate(
            application=application,
            registration_no=application.registration_no,
            version=(previous.version + 1) if previous else 1,
            public_id=new_public_id(),
            key_id=settings.CERTIFICATE_SIGNING_KEY_ID,
            issued_at=issued,
            valid_until=_valid_until(timezone.localdate(issued)),
        )
        pdf = certificate_pdf(certificate, application)
        certificate.pdf = pdf
        certificate.sha256 = hashlib.sha256(pdf).hexdigest()
        certificate.save()
        if previous is not None:
            application.certificates.filter(status=Certificate.Status.VALID).exclude(
                pk=certificate.pk
            ).update(status=Certificate.Status.SUPERSEDED)
    return certificate


def certificate_set_status(*, certificate_id: int, status: str, reason: str) -> Certificate:
    """Suspend, cancel or restore a certificate (the approving officer's decision; the caller checks who)."""
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        certificate.status = status
        certificate.status_reason = reason
        certificate.save(update_fields=["status", "status_reason"])
    return certificate


def verdict_for(token: str) -> tuple[str, Certificate | None]:
    """What the verification page says: valid, suspended, cancelled, superseded, expired, or not_ours."""
    public_id = public_id_of(token)
    certificate = (
        Certificate.objects.select_related("application__office").filter(public_id=public_id).first()
        if public_id
        else None
    )
    if certificate is None:
        return "not_ours", None
    return verdict_of(certificate), certificate


def verdict_of(certificate: Certificate) -> str:
    if certificate.status != Certificate.Status.VALID:
        return certificate.status
    if certificate.valid_until < timezone.localdate():
        return "expired"
    return "valid"
