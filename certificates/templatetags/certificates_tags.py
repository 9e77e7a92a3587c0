"""The certificate on registrations' pages (the applicant's application page, the office's), and the
filters of the certificate itself, which prints Bangla and English side by side whatever the language."""

from django import template

from industries.bangla import to_bangla_digits
from industries.size_class import SizeClass
from registrations.exceptions import in_bangla
from registrations.models import Officer
from registrations.workflow import officer_of

from ..models import Certificate
from ..services import verification_path

register = template.Library()


@register.filter
def bn_digits(value) -> str:
    return to_bangla_digits("" if value is None else str(value))


@register.filter
def grouped(value) -> str:
    return "" if value is None else f"{value:,}"


@register.filter
def size_bn(value) -> str:
    try:
        return in_bangla(SizeClass(value).label)
    except ValueError:
        return value or ""


def _latest(application) -> Certificate | None:
    return application.certificates.order_by("-version").first()


@register.inclusion_tag("certificates/_applicant_box.html")
def applicant_certificate(application):
    certificate = _latest(application)
    return {
        "application": application,
        "certificate": certificate,
        "verify_path": verification_path(certificate) if certificate else "",
    }


@register.inclusion_tag("certificates/_office_box.html", takes_context=True)
def office_certificate(context, application):
    request = context.get("request")
    officer = officer_of(request.user) if request is not None else None
    certificate = _latest(application)
    return {
        "application": application,
        "certificate": certificate,
        "verify_path": verification_path(certificate) if certificate else "",
        "can_decide": certificate is not None
        and officer is not None
        and officer.role == Officer.Role.APPROVING
        and officer.office_id == application.office_id,
    }
