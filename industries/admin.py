from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from .models import District, Division, Enterprise, Upazila
from .services import enterprise_save


class AdminUnitAdmin(LeafletGeoAdmin):
    """Boundaries come from fixtures/bd-admin (load_admin_geography), so the admin shows them, read-only.

    The map draws the simplified boundary: the detailed one is for point-in-polygon and is heavy to draw.
    """

    modifiable = False
    exclude = ["geom"]
    search_fields = ["name_en", "name_bn", "aliases", "geocode"]
    list_display = ["name_en", "name_bn", "code", "geocode", "area_km2"]
    readonly_fields = ["code", "geocode", "pcode", "name_en", "name_bn", "aliases", "area_km2"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Nothing here is editable; never write a boundary back from the form."""


@admin.register(Division)
class DivisionAdmin(AdminUnitAdmin):
    pass


@admin.register(District)
class DistrictAdmin(AdminUnitAdmin):
    list_display = [*AdminUnitAdmin.list_display, "division"]
    list_filter = ["division"]
    readonly_fields = [*AdminUnitAdmin.readonly_fields, "division"]


@admin.register(Upazila)
class UpazilaAdmin(AdminUnitAdmin):
    list_display = [*AdminUnitAdmin.list_display, "unit_type", "district"]
    list_filter = ["unit_type", "district__division", "district"]
    list_select_related = ["district"]
    readonly_fields = [*AdminUnitAdmin.readonly_fields, "geocode_legacy", "unit_type", "district"]


@admin.register(Enterprise)
class EnterpriseAdmin(LeafletGeoAdmin):
    list_display = ["__str__", "name_bn", "district", "upazila", "size_class", "kind", "district_mismatch"]
    list_filter = [
        "division",
        "size_class",
        "kind",
        "status",
        "district_mismatch",
        "is_synthetic",
        "district",
    ]
    list_select_related = ["district", "upazila"]
    search_fields = ["name_en", "name_bn", "registration_no", "product"]
    autocomplete_fields = ["stated_district", "stated_upazila"]
    show_full_result_count = False  # an exact count of a million rows on every page is not worth it
    readonly_fields = [
        "division",
        "district",
        "upazila",
        "district_mismatch",
        "size_class",
        "size_policy",
        "created",
        "updated",
    ]
    fieldsets = [
        (None, {"fields": ["name_bn", "name_en", "registration_no", "status", "is_synthetic"]}),
        (_("Owner (personal data)"), {"fields": ["owner_name", "owner_phone", "owner_nid"]}),
        (_("Location"), {"fields": ["address", "location", "stated_district", "stated_upazila"]}),
        (
            _("Derived from the location"),
            {"fields": ["division", "district", "upazila", "district_mismatch"]},
        ),
        (
            "Activity and size",
            {
                "fields": [
                    "kind",
                    "isic_section",
                    "isic_division",
                    "product",
                    "is_family_based",
                    "is_labour_intensive",
                    "investment_bdt",
                    "workers_male",
                    "workers_female",
                    "workers_total",
                    "year_established",
                    "size_class",
                    "size_policy",
                ]
            },
        ),
        (_("Record"), {"fields": ["created", "updated"]}),
    ]

    def save_model(self, request, obj, form, change):
        enterprise_save(enterprise=obj)
