"""Redirects with an absolute ``Location``.

Django writes a relative one (``/ogc/`` for ``/ogc``, ``/api/v1/enterprises/`` without its slash), which
RFC 9110 allows but some clients do not follow: QGIS 3.22 fails with 'Protocol "" is unknown'. The URL
is built from the request, so behind a proxy it has the proxy's host (USE_X_FORWARDED_HOST) and scheme
(SECURE_PROXY_SSL_HEADER) when those are configured.
"""


class AbsoluteRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        location = response.get("Location")
        if location and location.startswith("/") and not location.startswith("//"):
            response["Location"] = request.build_absolute_uri(location)
        return response
