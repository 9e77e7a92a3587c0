"""The applicant's pages in the page's language: configuration rows' Bangla or English columns, Bangla
digits, and amounts in taka."""

from decimal import Decimal

from django import template
from django.utils.translation import get_language

from industries.bangla import to_bangla_digits

register = template.Library()


def _bangla() -> bool:
    return (get_language() or "").startswith("bn")


@register.filter
def local(obj, name: str):
    """``obj.<name>_bn`` on Bangla pages, else ``obj.<name>_en`` (rows or dicts)."""
    key = f"{name}_{'bn' if _bangla() else 'en'}"
    return obj.get(key, "") if isinstance(obj, dict) else getattr(obj, key, "")


@register.filter
def digits(value):
    """Bangla digits on Bangla pages."""
    text = "" if value is None else str(value)
    return to_bangla_digits(text) if _bangla() else text


@register.filter
def taka(amount):
    """Tk 1,150.00, or ১,১৫০.০০ টাকা."""
    if amount in (None, ""):
        return ""
    value = Decimal(amount)
    text = f"{value:,.2f}" if value != value.to_integral() else f"{value:,.0f}"
    return f"{to_bangla_digits(text)} টাকা" if _bangla() else f"Tk {text}"
