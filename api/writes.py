"""Create and update enterprises through the API. (Being written: issue 4.)"""

from rest_framework.exceptions import MethodNotAllowed


def enterprise_create_from_api(request):
    raise MethodNotAllowed("POST", detail="Writes through the API are not available yet.")


def enterprise_update_from_api(request, pk, *, partial):
    raise MethodNotAllowed(request.method, detail="Writes through the API are not available yet.")
