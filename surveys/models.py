"""Field surveys and the batches that import them.

A batch's data changes happen in one transaction; its own row is written outside that transaction (through
the "progress" connection) so that staff can watch it run, and so that a batch killed midway is still
visible as "running" — with the enterprises exactly as they were before it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from industries.models import District, Enterprise

from .storage import private_storage, random_name


class SurveyRound(models.Model):
    name = models.CharField(
        _("name"), max_length=200, unique=True, help_text=_("e.g. Rajshahi pilot 2016–17")
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    area_description = models.CharField(_("area covered"), max_length=255, blank=True)
    districts = models.ManyToManyField(District, blank=True, verbose_name=_("districts covered"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__isnull=True)
                | models.Q(period_start__isnull=True)
                | models.Q(period_end__gte=models.F("period_start")),
                name="survey_round_period_ordered",
            )
        ]

    def __str__(self):
        return self.name


def batch_upload_path(batch, filename):
    """A random name: the file's own name (on the batch, for display) may say whose data it is, and one
    stored name must not lead to another."""
    return random_name(f"imports/{batch.survey_round_id}", filename)


def mapping_upload_path(batch, filename):
    return random_name("imports/mappings", filename)


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    survey_round = models.ForeignKey(
        SurveyRound, on_delete=models.PROTECT, related_name="batches", verbose_name=_("survey round")
    )
    file = models.FileField(_("file"), upload_to=batch_upload_path, storage=private_storage, max_length=500)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    file_format = models.CharField(_("format"), max_length=20, blank=True)
    mapping = models.JSONField(_("column mapping used"), default=dict, blank=True)
    mapping_file = models.FileField(
        _("mapping file"), upload_to=mapping_upload_path, storage=private_storage, blank=True
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    started = models.DateTimeField(_("started"), null=True, blank=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    step = models.CharField(_("step"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)

    rows_read = models.PositiveIntegerField(_("read"), default=0)
    rows_done = models.PositiveIntegerField(_("validated so far"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    warning_count = models.PositiveIntegerField(_("rows with warnings"), default=0)
    unmapped_headers = models.JSONField(_("headers mapped to nothing"), default=list, blank=True)

    # Written by the import itself (surveys/report.py), under random names in the same private storage.
    report_csv = models.FileField(
        _("report (CSV)"), upload_to="imports/reports/", storage=private_storage, blank=True
    )
    report_xlsx = models.FileField(
        _("report (XLSX)"), upload_to="imports/reports/", storage=private_storage, blank=True
    )

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-created"]
        constraints = [
            # One unfinished batch per file and round: an upload of a file already queued or running
            # joins that batch instead of importing the file twice.
            models.UniqueConstraint(
                fields=["survey_round", "sha256", "dry_run"],
                condition=models.Q(status__in=["queued", "running"]),
                name="one_unfinished_batch_per_file",
            )
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"


class EnterpriseChange(models.Model):
    """Which batch created or changed which enterprise, and from which line of its file."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    # No index of its own: one_change_per_batch's begins with it, and serves the lookups by enterprise (the
    # API's filter by batch, the cascade of a deletion); a second copy only slowed every import's insert.
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="import_changes", db_index=False
    )
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="changes")
    action = models.CharField(max_length=10, choices=Action.choices)
    line = models.PositiveIntegerField(_("line in file"))

    class Meta:
        verbose_name = _("enterprise change")
        verbose_name_plural = _("enterprise changes")
        constraints = [models.UniqueConstraint(fields=["enterprise", "batch"], name="one_change_per_batch")]

    def __str__(self):
        return f"{self.get_action_display()} by batch {self.batch_id}, line {self.line}"
