"""How the API answers errors: DRF's own handling, plus Django's ValidationError as a 400.

The filters (a django-filter FilterSet), the models' full_clean() and the parsers of query parameters raise
Django's ValidationError; mapping it here, once, keeps every view from catching and re-raising it.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.exceptions import ValidationError
from rest_framework.views import exception_handler as drf_exception_handler


def bilingual(english: str, bangla: str) -> str:
    """One message in both languages, as the API's own 400s say it."""
    return f"{english} / {bangla}"


def not_one_of(bad, choices) -> str:
    """The refusal of values outside a fixed list, which it names."""
    bad, choices = ", ".join(bad), ", ".join(choices)
    return bilingual(f"{bad}: not one of {choices}.", f"{bad}: এগুলোর একটি নয়: {choices}।")


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    return drf_exception_handler(exc, context)
