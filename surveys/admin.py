from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .exceptions import UploadNotStored
from .models import ImportBatch, SurveyRound
from .services import import_batch_submit
from .tasks import run_import_batch

# Reports hold the rows as they were in the file, owners' names, phones and NIDs included.
PERSONAL = "industries.view_personal"


class ImportBatchInline(admin.TabularInline):
    model = ImportBatch
    fields = [
        "file_name",
        "status",
        "created",
        "rows_read",
        "created_count",
        "updated_count",
        "rejected_count",
    ]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(SurveyRound)
class SurveyRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "period_start", "period_end", "area_description"]
    search_fields = ["name"]
    filter_horizontal = ["districts"]
    inlines = [ImportBatchInline]


class ImportBatchUploadForm(forms.ModelForm):
    class Meta:
        model = ImportBatch
        fields = ["survey_round", "file", "mapping_file", "dry_run"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Staff upload a file; a worker (`manage.py db_worker`) imports it; the page follows its progress."""

    list_display = [
        "file_name",
        "survey_round",
        "status",
        "created",
        "rows_read",
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
        "warning_count",
    ]
    list_filter = ["survey_round", "status", "dry_run"]
    search_fields = ["file_name", "sha256"]
    change_form_template = "admin/surveys/importbatch/change_form.html"
    fields = [
        "survey_round",
        "file_name",
        "file_format",
        "sha256",
        "dry_run",
        "created_by",
        "created",
        "status",
        "progress",
        "error",
        "rows_read",
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
        "warning_count",
        "unmapped_headers",
        "reports",
        "mapping",
    ]
    readonly_fields = fields

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            return ImportBatchUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except UploadNotStored as error:  # raised in save_model, inside the view's transaction: undone
            self.message_user(request, f"{error.message} {error.message_bangla}", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        batch, queue = import_batch_submit(
            survey_round=form.cleaned_data["survey_round"],
            file=form.cleaned_data["file"],
            mapping=form.cleaned_data.get("mapping_file"),
            user=request.user,
            dry_run=form.cleaned_data["dry_run"],
        )
        obj.pk = batch.pk
        # The same file uploaded again while its batch is queued or running joins it: one worker runs it.
        if queue:
            transaction.on_commit(lambda: run_import_batch.enqueue(batch.pk))

    @admin.display(description=_("progress"))
    def progress(self, batch):
        if batch.status in (ImportBatch.Status.QUEUED, ImportBatch.Status.RUNNING):
            percent = 100 * batch.rows_done // batch.rows_read if batch.rows_read else 0
            return format_html(
                '<progress max="100" value="{}"></progress> {} % · {}', percent, percent, batch.step or "…"
            )
        return batch.get_status_display()

    @admin.display(description=_("report"))
    def reports(self, batch):
        if not batch.report_csv:
            return "—"
        return format_html(
            '<a href="{}">CSV</a> · <a href="{}">XLSX</a>',
            reverse("admin:surveys_importbatch_report", args=[batch.pk, "csv"]),
            reverse("admin:surveys_importbatch_report", args=[batch.pk, "xlsx"]),
        )

    def get_fields(self, request, obj=None):
        return ImportBatchUploadForm.Meta.fields if obj is None else self.fields

    def get_urls(self):
        # The only way to a report: staff who may view batches and see personal data. No URL maps the files.
        report = path(
            "<int:batch_id>/report.<str:fmt>",
            self.admin_site.admin_view(self.report_view),
            name="surveys_importbatch_report",
        )
        return [report, *super().get_urls()]

    def report_view(self, request, batch_id: int, fmt: str):
        batch = get_object_or_404(ImportBatch, pk=batch_id)
        if not (self.has_view_permission(request, batch) and request.user.has_perm(PERSONAL)):
            raise PermissionDenied
        if fmt not in ("csv", "xlsx"):
            raise Http404
        report = batch.report_csv if fmt == "csv" else batch.report_xlsx
        if not report:
            raise Http404
        return FileResponse(report.open("rb"), as_attachment=True, filename=f"{batch.file_name}.report.{fmt}")
