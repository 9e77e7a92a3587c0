"""The one-enterprise serializer (detail views and writes), its fields derived from the column contract
(api.columns). Lists are rendered in PostGIS (api/geojson.py)."""

from datetime import UTC

from django.db import models
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from industries.models import Enterprise
from storefronts.selectors import enterprise_page_url

from .columns import DETAIL_ONLY, PERSONAL_COLUMNS, PUBLIC_COLUMNS
from .selectors import may_see_personal

# Columns read across a relation (division__code): output name -> DRF source (division.code).
_ACROSS = {
    name: path.replace("__", ".")
    for name, path in {**PUBLIC_COLUMNS, **PERSONAL_COLUMNS}.items()
    if name != path
}


class DateTimeAsPostgres(serializers.DateTimeField):
    """A timestamp as PostgreSQL writes it in the list, OGC items and exports (to_jsonb on Django's UTC
    connection): UTC, "+00:00", no trailing zeros in the fraction, so that every reading spells it alike."""

    def to_representation(self, value):
        if value is None:
            return None
        seconds, dot, rest = value.astimezone(UTC).isoformat().partition(".")
        return f"{seconds}.{rest[:6].rstrip('0')}{rest[6:]}" if dot else seconds


class EnterpriseSerializer(GeoFeatureModelSerializer):
    serializer_field_mapping = {
        **GeoFeatureModelSerializer.serializer_field_mapping,
        models.DateTimeField: DateTimeAsPostgres,
    }
    # The enterprise's public page (/e/<slug>/), or null: the map's popup links to it. Only here
    # (api.columns.DETAIL_ONLY says why).
    page = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        geo_field = "location"
        fields = [*PUBLIC_COLUMNS, *PERSONAL_COLUMNS, *DETAIL_ONLY]
        read_only_fields = fields

    def build_field(self, field_name, info, model_class, nested_depth):
        if field_name in _ACROSS:  # null when the relation is (an enterprise outside every upazila)
            return serializers.ReadOnlyField, {"source": _ACROSS[field_name], "allow_null": True}
        return super().build_field(field_name, info, model_class, nested_depth)

    def get_page(self, enterprise: Enterprise) -> str | None:
        return enterprise_page_url(enterprise)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if not may_see_personal(getattr(request, "user", None)):
            for name in PERSONAL_COLUMNS:
                fields.pop(name, None)
        return fields
