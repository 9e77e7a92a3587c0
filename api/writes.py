"""Create, update and delete enterprises through the API: the body is read by the importer's parser and
saved under the model's rules, the admin's and e-Registration's (surveys.services.enterprise_save_from_row);
a value the parser cannot read is refused, not emptied. The services move the data version on (tiles).

A caller without view_personal cannot see owners' names, phones and NIDs, so it may not change them: an
update that sends any of them is refused (403, nothing written), and one that leaves them out keeps them
as stored, a PUT too. Refused rather than ignored with a warning: a warning is easily missed, and a new
phone number quietly dropped is data lost. A create may give them (there is nothing stored to protect;
the importer, which such staff run too, sets them the same way). Deleting is soft.
"""

import orjson
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import PermissionDenied, ValidationError

from industries.models import Enterprise
from industries.services import enterprise_delete
from surveys.exceptions import RowRejected
from surveys.services import WRITABLE_FIELDS, enterprise_save_from_row

from .selectors import enterprise_get, may_see_personal
from .serializers import EnterpriseSerializer

PERSONAL_REFUSED = {
    "code": "personal_not_permitted",
    "en": "This key may not change owners' names, phones or NIDs ({fields}): it cannot see them. "
    "Nothing was saved.",
    "bn": "এই কী দিয়ে মালিকের নাম, ফোন বা এনআইডি ({fields}) বদলানো যায় না: এটি সেগুলো দেখতে পারে না। "
    "কিছুই সংরক্ষণ করা হয়নি।",
}


def _properties(request) -> dict:
    """The request body as the importer's fields. A GeoJSON Feature's geometry gives the coordinates and
    its properties the rest; a flat object may give latitude/longitude."""
    data = request.data
    if not isinstance(data, dict):
        raise ValidationError({"detail": "Send a JSON object or a GeoJSON Feature."})
    properties = dict(data.get("properties") or {}) if data.get("type") == "Feature" else dict(data)
    geometry = data.get("geometry") if data.get("type") == "Feature" else data.get("location")
    if isinstance(geometry, dict):
        coordinates = geometry.get("coordinates") or []
        if geometry.get("type") != "Point" or len(coordinates) != 2:
            raise ValidationError({"geometry": "A GeoJSON Point [longitude, latitude]."})
        properties["longitude"], properties["latitude"] = coordinates
    unknown = sorted(set(properties) - set(WRITABLE_FIELDS) - {"id"})
    if unknown:
        raise ValidationError(
            {"detail": f"Unknown field(s) {', '.join(unknown)}; writable: {', '.join(WRITABLE_FIELDS)}."}
        )
    return properties


def _current(enterprise: Enterprise) -> dict:
    return {
        **{f: getattr(enterprise, f) for f in WRITABLE_FIELDS if hasattr(enterprise, f) and f not in _FKS},
        "latitude": enterprise.location.y,
        "longitude": enterprise.location.x,
        "district": _code(enterprise.stated_district, "geocode"),
        "upazila": _code(enterprise.stated_upazila, "geocode"),
    }


_FKS = {"district", "upazila"}


def _code(unit: Model | None, field: str) -> str:
    return getattr(unit, field) if unit else ""


def _save(request, values: dict, enterprise: Enterprise | None, status: int) -> HttpResponse:
    try:
        enterprise, warnings = enterprise_save_from_row(values=values, enterprise=enterprise)
    except RowRejected as rejected:
        raise ValidationError(
            {"rejected": [{"code": r.code, "en": r.en, "bn": r.bn} for r in rejected.reasons]}
        ) from None
    feature = EnterpriseSerializer(enterprise, context={"request": request}).data
    feature["warnings"] = [{"code": r.code, "en": r.en, "bn": r.bn} for r in warnings]
    return HttpResponse(orjson.dumps(feature), content_type="application/geo+json", status=status)


def enterprise_delete_from_api(pk: int) -> HttpResponse:
    enterprise_delete(enterprise=enterprise_get(pk))
    return HttpResponse(status=204)


def enterprise_create_from_api(request) -> HttpResponse:
    return _save(request, _properties(request), None, 201)


def enterprise_update_from_api(request, pk: int, *, partial: bool) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise.objects.live(), pk=pk)
    properties, current = _properties(request), _current(enterprise)
    if may_see_personal(request.user):
        base = current if partial else {}
    else:
        sent = [f for f in Enterprise.PERSONAL_FIELDS if f in properties]
        if sent:
            refused = {k: v.format(fields=", ".join(sent)) for k, v in PERSONAL_REFUSED.items()}
            raise PermissionDenied({"rejected": [refused]})
        base = current if partial else {f: current[f] for f in Enterprise.PERSONAL_FIELDS}
    return _save(request, {**base, **properties}, enterprise, 200)
