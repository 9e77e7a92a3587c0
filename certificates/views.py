"""The public verification page: /verify/<token>/ says what the database says of the certificate now."""

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from .services import verdict_for


@never_cache
def verify(request, token: str):
    verdict, certificate = verdict_for(token)
    status = 200 if certificate is not None else 404
    return render(
        request, "certificates/verify.html", {"verdict": verdict, "certificate": certificate}, status=status
    )
