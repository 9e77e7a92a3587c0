"""The public figures of e-Registration: how long registration takes in each office, against the charter."""

from django.shortcuts import render
from django.urls import path
from django.utils.translation import get_language

from industries.bangla import to_bangla_digits

from ..performance import OfficePerformance, office_performance


def _number(text: str, *, bangla: bool) -> str:
    return to_bangla_digits(text) if bangla else text


def _row(figures: OfficePerformance, *, bangla: bool) -> dict:
    median, share = figures.median_days, figures.share_within
    return {
        # Every office is "BSCIC District Office, <district>": its district names it in a narrow column.
        "office": figures.office.district.name_bn if bangla else figures.office.district.name_en,
        "registered": _number(f"{figures.registered:,}", bangla=bangla),
        # A median of whole days is whole or a half.
        "median": _number(f"{median:.1f}".removesuffix(".0"), bangla=bangla) if median is not None else "—",
        "within": _number(f"{share:.0%}", bangla=bangla) if share is not None else "—",
    }


def performance(request):
    figures = office_performance()
    bangla = (get_language() or "").startswith("bn")
    context = {
        "promise_days": _number(str(figures.promise_days), bangla=bangla),
        "rows": [_row(office, bangla=bangla) for office in figures.offices],
    }
    return render(request, "registrations/performance.html", context)


urlpatterns = [path("", performance, name="performance")]
