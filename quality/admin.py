from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from .models import QualityReview, QualityRun, WaterBody


@admin.register(QualityRun)
class QualityRunAdmin(admin.ModelAdmin):
    """Runs are made by the worker and `manage.py quality_check`, never by hand: read only."""

    list_display = ["started", "status", "step", "checks_done", "checks_total", "enterprises", "flag_count"]
    list_filter = ["status"]
    readonly_fields = [field.name for field in QualityRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QualityReview)
class QualityReviewAdmin(admin.ModelAdmin):
    """Deleting a review puts its finding back among the open ones at the next run."""

    list_display = ["enterprise", "check_name", "other", "reviewed_by", "reviewed_at"]
    list_filter = ["check_name"]
    raw_id_fields = ["enterprise", "other"]
    readonly_fields = ["reviewed_by", "reviewed_at"]

    def has_add_permission(self, request):
        return False


@admin.register(WaterBody)
class WaterBodyAdmin(LeafletGeoAdmin):
    list_display = ["name", "source"]
    search_fields = ["name"]
