"""Bangla first on the e-Registration pages: most applicants read Bangla, and many phones announce English.

Without a language cookie, those pages open in Bangla; ``?lang=en`` or ``?lang=bn`` (a shared link) chooses
and is remembered in Django's language cookie, as the map does. Other pages keep Django's negotiation.
"""

from django.conf import settings
from django.utils import translation

PREFIXES = (
    "/accounts/",
    "/apply/",
    "/office/",
    "/track/",
    "/registrations/",
    "/payments/",
    "/verify/",
    "/certificates/",
    "/e/",
    "/ekshop/",
    "/quality/",  # district offices' staff, as the office queue
)
LANGUAGES = {code for code, _ in settings.LANGUAGES}


class BanglaFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.GET.get("lang")
        if chosen not in LANGUAGES:
            chosen = None
        before = translation.get_language()
        if request.path.startswith(PREFIXES):
            language = chosen or (None if settings.LANGUAGE_COOKIE_NAME in request.COOKIES else "bn")
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        try:
            response = self.get_response(request)
        finally:
            # What LocaleMiddleware chose, again: the thread (a test, the next request) gets no Bangla it
            # did not ask for.
            if before is None:
                translation.deactivate()
            else:
                translation.activate(before)
        if chosen and request.path.startswith(PREFIXES):
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, chosen, max_age=365 * 24 * 3600, samesite="Lax"
            )
        return response
