"""Placeholder: the money receipt (helper "receipt" replaces this module)."""

from django.http import Http404


def receipt(request, tran_id: str):
    raise Http404


def receipt_pdf(request, tran_id: str):
    raise Http404
