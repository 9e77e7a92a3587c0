"""The one-enterprise serializer (detail views and writes). Lists are rendered in PostGIS (api/geojson.py)."""

from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from industries.models import Enterprise
from storefronts.selectors import enterprise_page_url

from .selectors import PERSONAL_COLUMNS, may_see_personal


class EnterpriseSerializer(GeoFeatureModelSerializer):
    division_code = serializers.CharField(source="division.code", read_only=True, default=None)
    district_code = serializers.CharField(source="district.code", read_only=True, default=None)
    upazila_code = serializers.CharField(source="upazila.geocode", read_only=True, default=None)
    district_name_en = serializers.CharField(source="district.name_en", read_only=True, default=None)
    district_name_bn = serializers.CharField(source="district.name_bn", read_only=True, default=None)
    upazila_name_en = serializers.CharField(source="upazila.name_en", read_only=True, default=None)
    upazila_name_bn = serializers.CharField(source="upazila.name_bn", read_only=True, default=None)
    # The enterprise's public page (/e/<slug>/), or null: the map's popup links to it.
    page = serializers.SerializerMethodField()

    class Meta:
        model = Enterprise
        geo_field = "location"
        # Explicit: a new model field is not public until someone decides it is.
        fields = [
            "id",
            "name_en",
            "name_bn",
            *PERSONAL_COLUMNS,
            "division_code",
            "district_code",
            "district_name_en",
            "district_name_bn",
            "upazila_code",
            "upazila_name_en",
            "upazila_name_bn",
            "district_mismatch",
            "address",
            "isic_section",
            "isic_division",
            "product",
            "product_bn",
            "kind",
            "size_class",
            "size_policy",
            "investment_bdt",
            "workers_male",
            "workers_female",
            "workers_total",
            "year_established",
            "registration_no",
            "status",
            "is_synthetic",
            "created",
            "updated",
            "page",
        ]
        read_only_fields = fields

    def get_page(self, enterprise: Enterprise) -> str | None:
        return enterprise_page_url(enterprise)

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if not may_see_personal(getattr(request, "user", None)):
            for name in PERSONAL_COLUMNS:
                fields.pop(name, None)
        return fields
