"""What the data-quality checks found, and what staff decided about it.

A run (``QualityRun``) computes every check over every live enterprise, set-based in PostGIS
(quality.checks), and writes one ``QualityFlag`` per enterprise and finding, tagged with the run. Readers
see the flags of the newest finished run only, so a run in progress never shows half its findings, and
its progress is visible as it goes (each check commits on its own). A finding that staff checked and
found right is a ``QualityReview``: later runs still find it, mark it reviewed, and leave it out of the
open flags and the scores. ``QualityScore`` keeps each run's figures per district, upazila and survey
round, so a region's improvement shows over time.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from industries.models import District, Enterprise, Upazila

# Who may read the flags (the API's /quality/, the staff page) and who may decide about them.
VIEW_PERMISSION = "quality.view_qualityflag"
REVIEW_PERMISSION = "quality.add_qualityreview"
MERGE_PERMISSION = "quality.add_enterprisemerge"


class Check(models.TextChoices):
    OUTSIDE_DISTRICT = "outside_district", _("Location outside the stated district")
    OUTSIDE_UPAZILA = "outside_upazila", _("Location outside the stated upazila")
    SHARED_POINT = "shared_point", _("Several enterprises at exactly one point")
    ON_BOUNDARY = "on_boundary", _("On a district boundary line")
    IN_WATER = "in_water", _("In a river or other water body")
    SIMILAR_NAME = "similar_name", _("Suspected duplicate: a similar name nearby")
    SAME_OWNER = "same_owner", _("Suspected duplicate: the same owner under another name")
    WORKERS_OUTLIER = "workers_outlier", _("Workers far from what its sector and size usually have")
    INVESTMENT_OUTLIER = "investment_outlier", _("Investment far from what its sector and size usually have")
    SIZE_CLASS_DIFFERS = "size_class_differs", _("Stated size class differs from the computed one")
    YEAR_IMPLAUSIBLE = "year_implausible", _("Year established in the future or before 1900")
    STALE = "stale", _("Not surveyed or registered for years")


class QualityRun(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    started = models.DateTimeField(_("started"), auto_now_add=True)
    finished = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    step = models.CharField(_("step"), max_length=40, blank=True)
    checks_done = models.PositiveSmallIntegerField(_("checks done"), default=0)
    checks_total = models.PositiveSmallIntegerField(_("checks"), default=0)
    enterprises = models.PositiveIntegerField(_("enterprises checked"), default=0)
    flag_count = models.PositiveIntegerField(_("flags"), default=0)
    # Seconds per check, for the benchmark and for whoever wonders why a run is slow.
    timings = models.JSONField(_("seconds per check"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("quality run")
        verbose_name_plural = _("quality runs")
        ordering = ["-started"]

    def __str__(self):
        return f"{self.started:%Y-%m-%d %H:%M} ({self.get_status_display()})"


class QualityFlag(models.Model):
    run = models.ForeignKey(QualityRun, on_delete=models.CASCADE, related_name="flags")
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="quality_flags", db_constraint=False
    )
    # Not "check": that name is Model.check(), Django's system checks.
    check_name = models.CharField(_("check"), max_length=20, choices=Check.choices)
    # The other enterprise of a suspected duplicate (both get a flag naming the other).
    other = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    # 0–1: how sure or how far off; lists put the surest first.
    score = models.FloatField(_("score"))
    # The figures behind the reason (quality.reasons words them in Bangla or English): never personal data.
    details = models.JSONField(_("details"), default=dict)
    reviewed = models.BooleanField(_("checked and found right"), default=False)

    class Meta:
        verbose_name = _("quality flag")
        verbose_name_plural = _("quality flags")
        indexes = [
            models.Index(fields=["run", "enterprise"]),
            models.Index(fields=["run", "check_name"]),
        ]

    def __str__(self):
        return f"{self.get_check_name_display()}: {self.enterprise_id}"


class QualityReview(models.Model):
    """A finding staff checked and found right: kept with who and when, so it is not flagged again. For a
    pair (suspected duplicates) ``enterprise`` is the lower id."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="quality_reviews")
    check_name = models.CharField(_("check"), max_length=20, choices=Check.choices)
    other = models.ForeignKey(Enterprise, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    reviewed_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("quality review")
        verbose_name_plural = _("quality reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "check_name", "other"],
                name="one_review_per_finding",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(other__isnull=True) | Q(other__gt=models.F("enterprise")),
                name="review_pair_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.get_check_name_display()}: {self.enterprise_id} ({self.reviewed_by})"


class QualityScore(models.Model):
    """One run's figures for an area (a district, or an upazila within it), over all its enterprises or
    those of one survey round: how many, how many with an open flag, the count of each check, the share of
    each important field filled (quality.completeness), and the score (percent without an open flag)."""

    run = models.ForeignKey(QualityRun, on_delete=models.CASCADE, related_name="scores")
    district = models.ForeignKey(District, on_delete=models.CASCADE, related_name="+")
    upazila = models.ForeignKey(Upazila, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    survey_round = models.ForeignKey(
        "surveys.SurveyRound", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    enterprises = models.PositiveIntegerField(_("enterprises"))
    flagged = models.PositiveIntegerField(_("with an open flag"))
    checks = models.JSONField(_("enterprises per check"), default=dict)
    completeness = models.JSONField(_("share of each field filled"), default=dict)
    score = models.FloatField(_("score"))

    class Meta:
        verbose_name = _("quality score")
        verbose_name_plural = _("quality scores")
        indexes = [models.Index(fields=["run", "district"])]


class WaterBody(models.Model):
    """Rivers, lakes and other water, for the "in water" check: loaded from a file of the office's choosing
    (``manage.py load_water_bodies``), stored in pieces of a few hundred vertices for fast lookups. None
    comes with the project (⚠ no river layer under an open licence was at hand): without it the check
    finds nothing and says so."""

    name = models.CharField(_("name"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=255, blank=True)
    geom = models.PolygonField(_("piece of the water body"), srid=4326)

    class Meta:
        verbose_name = _("water body")
        verbose_name_plural = _("water bodies")

    def __str__(self):
        return self.name or str(self.pk)


class EnterpriseMerge(models.Model):
    """Two records of one enterprise made one: ``merged`` is deleted and redirects to ``kept``, which takes
    its registrations, its import batches and the fields it lacked. ``moved`` says what moved, so that the
    merge can be undone exactly (quality.services.merge_undo); the history of both stays where it is, and
    each version of the merge is in it."""

    kept = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="merges_kept")
    merged = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="merges_merged")
    # {"registrations": [ids], "changes": [EnterpriseChange ids], "filled": {field: kept's value before}}
    moved = models.JSONField(_("what moved"), default=dict)
    note = models.TextField(_("note"), blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("merged by")
    )
    merged_at = models.DateTimeField(_("merged"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)

    class Meta:
        verbose_name = _("merge of duplicates")
        verbose_name_plural = _("merges of duplicates")
        ordering = ["-merged_at"]
        constraints = [
            # One merge in force per duplicate: undone ones stay, as the record of what was done.
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="one_merge_in_force"
            )
        ]

    def __str__(self):
        return f"#{self.merged_id} → #{self.kept_id}"
