"""Create and update enterprises through the API, with the importer's rules (surveys.services)."""

import orjson
from django.db import transaction
from django.db.models import Model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from rest_framework.exceptions import ValidationError

from industries.models import Enterprise
from surveys.exceptions import RowRejected
from surveys.services import WRITABLE_FIELDS, enterprise_write

from .serializers import EnterpriseSerializer
from .tiles import tiles_invalidate


def _values(request, current: dict | None) -> dict:
    """The request body as the importer's fields. A GeoJSON Feature's geometry gives the coordinates and
    its properties the rest; a flat object may give latitude/longitude. PATCH starts from ``current``."""
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
    return {**(current or {}), **properties}


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
        enterprise, warnings = enterprise_write(values=values, enterprise=enterprise)
    except RowRejected as rejected:
        raise ValidationError(
            {"rejected": [{"code": r.code, "en": r.en, "bn": r.bn} for r in rejected.reasons]}
        ) from None
    transaction.on_commit(tiles_invalidate)  # map tiles of the old data stop being served
    feature = EnterpriseSerializer(enterprise, context={"request": request}).data
    feature["warnings"] = [{"code": r.code, "en": r.en, "bn": r.bn} for r in warnings]
    return HttpResponse(orjson.dumps(feature), content_type="application/geo+json", status=status)


def enterprise_delete_from_api(pk: int) -> HttpResponse:
    get_object_or_404(Enterprise, pk=pk).delete()
    transaction.on_commit(tiles_invalidate)
    return HttpResponse(status=204)


def enterprise_create_from_api(request) -> HttpResponse:
    return _save(request, _values(request, None), None, 201)


def enterprise_update_from_api(request, pk: int, *, partial: bool) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise, pk=pk)
    values = _values(request, _current(enterprise) if partial else None)
    return _save(request, values, enterprise, 200)
