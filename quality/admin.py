from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin

from .models import MERGE_PERMISSION, EnterpriseMerge, QualityReview, QualityRun, WaterBody
from .services import merge_undo


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


@admin.register(EnterpriseMerge)
class EnterpriseMergeAdmin(admin.ModelAdmin):
    """Merges are made and undone on the data-quality page (or with the action here), never edited."""

    list_display = ["__str__", "merged_by", "merged_at", "undone_by", "undone_at"]
    list_filter = [("undone_at", admin.EmptyFieldListFilter)]
    readonly_fields = [field.name for field in EnterpriseMerge._meta.fields]
    actions = ["undo_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Undo the selected merges"), permissions=["undo"])
    def undo_selected(self, request, queryset):
        undone = 0
        for merge in queryset.filter(undone_at__isnull=True):
            merge_undo(merge=merge, user=request.user)
            undone += 1
        self.message_user(request, _("%(count)d merge(s) undone.") % {"count": undone})

    def has_undo_permission(self, request):
        return request.user.has_perm(MERGE_PERMISSION)
