"""Issuing a registration certificate: the PDF (WeasyPrint, shipped Noto fonts), its QR (segno) holding the
signed verification URL, and its SHA-256; and what the verification page says of a token."""

import hashlib

import segno
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from payments.receipts import font_fetcher, font_urls
from registrations.models import Application, State
from registrations.sectors import DIVISIONS, SECTIONS
from registrations.validity import valid_from, valid_until

from .models import Certificate
from .signing import new_public_id, public_id_of, token_for


class NotRegistered(ValueError):
    pass


def site_url() -> str:
    """The public address printed in the QR: the file never changes, so it must be the address people will
    open, not the one of the request that happened to issue it. CERTIFICATE_SITE_URL (GEODB_SITE_URL), or in
    development the local server's."""
    if settings.CERTIFICATE_SITE_URL:
        return settings.CERTIFICATE_SITE_URL
    if settings.DEBUG:
        return "http://127.0.0.1:8000"
    raise ImproperlyConfigured(
        "GEODB_SITE_URL (or GEODB_CERTIFICATE_SITE_URL) must name the public site: it is printed in each "
        "certificate's QR code."
    )


def verification_path(certificate: Certificate) -> str:
    return reverse("certificates:verify", args=[token_for(certificate.public_id, certificate.key_id)])


def verification_url(certificate: Certificate) -> str:
    return site_url() + verification_path(certificate)


def _qr_svg(url: str) -> str:
    # The QR holds only the URL: no name, number or person.
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def _sector(application: Application) -> dict:
    """The category as printed: BSIC section and division codes, with their names in both languages."""
    code = application.isic_division
    if code in DIVISIONS:
        section, en, bn = DIVISIONS[code]
        return {"code": f"{section} {code}", "en": en, "bn": bn}
    en, bn = SECTIONS.get(application.isic_section, ("", ""))
    return {"code": application.isic_section, "en": en, "bn": bn}


def certificate_pdf(certificate: Certificate, application: Application) -> bytes:
    from weasyprint import HTML  # loads Pango: only when a PDF is made

    url = verification_url(certificate)
    html = render_to_string(
        "certificates/certificate.html",
        {
            "c": certificate,
            "a": application,
            "owners": list(application.owners.order_by("order")),
            "sector": _sector(application),
            "qr": _qr_svg(url),
            "url": url,
            "fonts": font_urls(pdf=True),
            "years": settings.CERTIFICATE_VALID_YEARS,
            "renewal_months": settings.REGISTRATION_RENEWAL_OPENS_MONTHS,
        },
    )
    return HTML(string=html, url_fetcher=font_fetcher()).write_pdf()


def _signer(application: Application) -> tuple[object, str, str, str]:
    """The approving officer who registered the application: (user, name, designation en, bn)."""
    move = application.transitions.filter(action="register").select_related("actor__officer").last()
    user = move.actor if move is not None else None
    if user is None:
        return None, "", "", ""
    officer = getattr(user, "officer", None)
    return (
        user,
        user.get_full_name() or user.get_username(),
        officer.designation_en if officer else "",
        officer.designation_bn if officer else "",
    )


def certificate_issue(*, application_id: int) -> Certificate:
    """Issue the certificate of a registered application (a first registration or a renewal), as the next
    version of its registration number; the versions before it are superseded."""
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("office__district", "renews")
            .get(pk=application_id)
        )
        if application.state != State.REGISTERED or not application.registration_no:
            raise NotRegistered(application_id)
        # Two issues of one registration at once (a renewal and a re-issue) wait here, not on the unique
        # version: the registration's first application is the row both lock.
        first = application
        while first.renews_id is not None:
            first = first.renews
        if first.pk != application.pk:
            Application.objects.select_for_update(of=("self",)).filter(pk=first.pk).first()
        previous = (
            Certificate.objects.filter(registration_no=application.registration_no)
            .order_by("-version")
            .first()
        )
        signed_by, name, designation_en, designation_bn = _signer(application)
        certificate = Certificate(
            application=application,
            registration_no=application.registration_no,
            version=(previous.version + 1) if previous else 1,
            public_id=new_public_id(),
            key_id=settings.CERTIFICATE_SIGNING_KEY_ID,
            issued_at=timezone.now(),
            valid_from=valid_from(application),
            valid_until=valid_until(application),
            signed_by=signed_by,
            signer_name=name,
            signer_designation_en=designation_en,
            signer_designation_bn=designation_bn,
        )
        pdf = certificate_pdf(certificate, application)
        certificate.pdf = pdf
        certificate.sha256 = hashlib.sha256(pdf).hexdigest()
        certificate.save()
        Certificate.objects.filter(
            registration_no=application.registration_no, status=Certificate.Status.VALID
        ).exclude(pk=certificate.pk).update(status=Certificate.Status.SUPERSEDED)
    return certificate


def certificate_issue_missing(*, application_id: int | None = None) -> list[Certificate]:
    """Issue the certificate of each registered application that has none (or of one): what the task of a
    registration does, and what an office runs after an outage of the worker. Idempotent."""
    pending = Application.objects.filter(state=State.REGISTERED, certificates__isnull=True)
    if application_id is not None:
        pending = pending.filter(pk=application_id)
    issued = []
    for pk in pending.order_by("registered_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            locked = Application.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if locked is None or locked.certificates.exists():
                continue
            issued.append(certificate_issue(application_id=pk))
    return issued


class NotDecidable(ValueError):
    """A superseded certificate is no longer the one in force: its status is not changed."""


def certificate_set_status(*, certificate_id: int, status: str, reason: str, user=None) -> Certificate:
    """Suspend, cancel or restore (valid) a certificate: the approving officer's decision; the caller checks
    who may. A cancelled certificate stays cancelled."""
    if status not in (Certificate.Status.VALID, Certificate.Status.SUSPENDED, Certificate.Status.CANCELLED):
        raise ValueError(status)
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status in (Certificate.Status.SUPERSEDED, Certificate.Status.CANCELLED):
            raise NotDecidable(certificate.status)
        certificate.status = status
        certificate.status_reason = reason
        certificate.status_changed_at = timezone.now()
        certificate.status_changed_by = user
        certificate.save(update_fields=["status", "status_reason", "status_changed_at", "status_changed_by"])
    return certificate


# What the verification page shows: not the issued file (30 KB) nor the application's other columns.
PUBLIC_FIELDS = (
    "registration_no",
    "version",
    "issued_at",
    "valid_until",
    "status",
    "status_reason",
    "status_changed_at",
    "application__name_bn",
    "application__name_en",
    "application__office__name_bn",
    "application__office__name_en",
)


def public_certificates():
    return Certificate.objects.select_related("application__office").only(*PUBLIC_FIELDS)


def verdict_for(token: str) -> tuple[str, Certificate | None]:
    """What the verification page says: valid, suspended, cancelled, superseded, expired, or not_ours."""
    public_id = public_id_of(token)
    certificate = public_certificates().filter(public_id=public_id).first() if public_id else None
    if certificate is None:
        return "not_ours", None
    return verdict_of(certificate), certificate


def verdict_of(certificate: Certificate) -> str:
    if certificate.status != Certificate.Status.VALID:
        return certificate.status
    if certificate.valid_until < timezone.localdate():
        return "expired"
    return "valid"
