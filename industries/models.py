"""Admin geography of Bangladesh and the enterprises placed in it.

Boundaries are stored twice: ``geom`` holds every source vertex and is what point-in-polygon uses;
``geom_simple`` is the coverage-simplified set (edges up to ~160 m off) for drawing maps. Bulk
point-in-polygon runs against ``UpazilaPiece``, the detailed upazilas cut by ST_Subdivide into pieces of a
few hundred vertices, because a GiST lookup on small pieces is much faster than testing a point against a
2,000-vertex polygon. Districts and divisions are exact unions of their upazilas, so an enterprise's district
and division follow from its upazila.
"""

from datetime import timedelta

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.gis.geos import Polygon
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework_api_key.models import AbstractAPIKey, BaseAPIKeyManager

from .bangla import name_key, normalise_text, to_ascii_digits
from .exceptions import CodedError
from .identifiers import normalise_nid, normalise_phone
from .size_class import Kind, Policy, SizeClass

# Official extent 20°34′–26°38′N, 88°01′–92°41′E (Banglapedia), padded by a few km so that border and
# coastal points survive rounding (⚠ the padding is ours). The database refuses anything outside; the
# finer check, "inside a Bangladeshi upazila", is Enterprise.clean's for one enterprise and the importer's
# (surveys.staging) for a file.
BANGLADESH_EXTENT = (88.0, 20.5, 92.75, 26.7)  # (min lon, min lat, max lon, max lat)
OUTSIDE_UPAZILAS = _("The location falls in no Bangladeshi upazila (at sea or across the border).")
# Every writer's range: e-Registration registers proposed units with the year they plan to start. A survey
# file's ends at this year (surveys.validate): a surveyed unit exists.
YEAR_ESTABLISHED_RANGE = (1800, 2100)

# Owners' names, phones and NIDs (Enterprise.PERSONAL_FIELDS) only for users holding this; versions of an
# enterprise (industries.history) only for users holding the second.
PERSONAL_PERMISSION = "industries.view_personal"
HISTORY_PERMISSION = "industries.view_enterprise_history"


class AdminUnit(models.Model):
    code = models.CharField(_("BBS code"), max_length=2)
    geocode = models.CharField(_("full geocode"), max_length=8, unique=True)
    pcode = models.CharField(_("OCHA P-code"), max_length=10, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name_bn = models.CharField(_("name (Bangla)"), max_length=100)
    aliases = ArrayField(
        models.CharField(max_length=100), default=list, blank=True, verbose_name=_("aliases")
    )
    area_km2 = models.FloatField(_("area (km²)"))
    geom = models.MultiPolygonField(_("boundary (detailed)"), srid=4326)
    geom_simple = models.MultiPolygonField(_("boundary (simplified, for maps)"), srid=4326)

    class Meta:
        abstract = True
        ordering = ["geocode"]

    def __str__(self):
        return f"{self.name_en} ({self.name_bn})"


class Division(AdminUnit):
    class Meta(AdminUnit.Meta):
        verbose_name = _("division")
        verbose_name_plural = _("divisions")
        constraints = [models.UniqueConstraint(fields=["code"], name="division_code_unique")]


class District(AdminUnit):
    division = models.ForeignKey(Division, on_delete=models.PROTECT, related_name="districts")

    class Meta(AdminUnit.Meta):
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        # The 2-digit district code is unique nationwide (Dhaka 26, Rajshahi 81, Bogura 10).
        constraints = [models.UniqueConstraint(fields=["code"], name="district_code_unique")]


class Upazila(AdminUnit):
    class UnitType(models.TextChoices):
        UPAZILA = "upazila", _("Upazila")
        CITY_CORPORATION = "city_corporation", _("City corporation")

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="upazilas")
    unit_type = models.CharField(_("unit type"), max_length=20, choices=UnitType.choices)
    geocode_legacy = models.CharField(
        _("6-digit legacy geocode"), max_length=6, blank=True, help_text=_("Empty for city corporations.")
    )

    class Meta(AdminUnit.Meta):
        verbose_name = _("upazila")
        verbose_name_plural = _("upazilas")
        # The 2-digit upazila code repeats across districts; only (district, code) is unique.
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="upazila_code_unique")]


class UpazilaPiece(models.Model):
    """A piece of an upazila's detailed boundary (ST_Subdivide), for fast point-in-polygon."""

    upazila = models.ForeignKey(Upazila, on_delete=models.CASCADE, related_name="pieces")
    geom = models.PolygonField(srid=4326)


class EnterpriseQuerySet(models.QuerySet):
    def synthetic(self):
        return self.filter(is_synthetic=True)

    def live(self):
        """Not deleted: what the API, tiles, statistics, exports and OGC show."""
        return self.filter(deleted__isnull=True)


# Every change to an enterprise is a version (industries.EnterpriseEvent), written by PostgreSQL triggers,
# so the importer's set-based SQL is recorded as surely as an admin or API save. Statement-level triggers:
# one INSERT ... SELECT per statement, whatever its row count, and one context row per statement (who,
# which request or batch: industries.history). Only a change of a tracked field makes a version; the
# timestamp and the derived match keys are left out. Append-only: the ORM cannot rewrite history.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    model_name="EnterpriseEvent",
    exclude=["updated", "name_en_key", "name_bn_key"],
    level=pgtrigger.Statement,
    append_only=True,
    # The areas and the enterprise merged into as plain references, and the location without the spatial
    # index a PointField has: nothing reads versions by area, by place or by merge (only by enterprise),
    # and each index would slow every import down (a GiST index took a million versions one by one).
    attrs={
        "location": models.PointField(_("location"), srid=4326, spatial_index=False),
    }
    | {
        name: models.ForeignKey(
            model,
            on_delete=models.DO_NOTHING,
            db_constraint=False,
            db_index=False,
            null=True,
            blank=True,
            related_name="+",
            related_query_name="+",
        )
        for name, model in (
            ("division", Division),
            ("district", District),
            ("upazila", Upazila),
            ("stated_district", District),
            ("stated_upazila", Upazila),
            ("merged_into", "industries.Enterprise"),
        )
    },
)
class Enterprise(models.Model):
    # Personal data: never shown to anonymous users, in any format. Later layers (API serializers,
    # exports, map popups) read this tuple rather than keeping their own lists.
    PERSONAL_FIELDS = ("owner_name", "owner_phone", "owner_nid")
    # Worked out from the other fields by every writer, never typed in: the areas from ``location``
    # (industries.locate), the size class from the figures (industries.services.enterprise_classify).
    DERIVED_FIELDS = ("division", "district", "upazila", "district_mismatch", "size_class", "size_policy")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name_bn = models.CharField(_("name (Bangla)"), max_length=255, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    # name_key() of each name: what the importer matches on ("same normalised name within 50 m").
    name_en_key = models.CharField(max_length=255, blank=True, editable=False)
    name_bn_key = models.CharField(max_length=255, blank=True, editable=False)

    owner_name = models.CharField(_("owner name"), max_length=255, blank=True)
    owner_phone = models.CharField(
        _("owner mobile"), max_length=14, blank=True, help_text=_("E.164, +8801XXXXXXXXX")
    )
    owner_nid = models.CharField(
        _("owner NID"), max_length=17, blank=True, help_text=_("10, 13 or 17 digits")
    )

    address = models.TextField(_("address"), blank=True)
    location = models.PointField(_("location"), srid=4326)

    # Derived from `location` by point-in-polygon (industries.services.enterprises_locate), never typed in.
    # No index of their own: Meta.indexes begin with each ((division, size_class), (district, size_class),
    # (upazila)), which serve the same lookups; a second copy only slowed every insert of an import.
    division = models.ForeignKey(
        Division, on_delete=models.PROTECT, null=True, blank=True, related_name="enterprises", db_index=False
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="enterprises", db_index=False
    )
    upazila = models.ForeignKey(
        Upazila, on_delete=models.PROTECT, null=True, blank=True, related_name="enterprises", db_index=False
    )
    # As stated by the source (survey form, application). Kept to show where the two disagree.
    stated_district = models.ForeignKey(
        District,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district (stated)"),
    )
    stated_upazila = models.ForeignKey(
        Upazila,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("upazila (stated)"),
    )
    district_mismatch = models.BooleanField(
        _("location outside stated district"),
        default=False,
        help_text=_("The location falls outside the district the source states."),
    )

    isic_section = models.CharField(_("ISIC/BSIC section"), max_length=1, blank=True)
    isic_division = models.CharField(_("ISIC/BSIC division"), max_length=2, blank=True)
    product = models.CharField(_("products / activity"), max_length=255, blank=True)
    # The same in Bangla, for the Bangla map and pages. A database default as well: bulk paths (COPY, raw
    # INSERTs of benchmarks and tests) name their own columns, and a NOT NULL column without one breaks them.
    product_bn = models.CharField(
        _("products / activity (Bangla)"), max_length=255, blank=True, default="", db_default=""
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_family_based = models.BooleanField(_("family-based"), default=False)
    is_labour_intensive = models.BooleanField(
        _("labour-intensive (e.g. RMG)"),
        default=False,
        help_text=_("Raises the medium worker band to 1,000."),
    )

    investment_bdt = models.BigIntegerField(
        _("fixed investment (BDT)"),
        null=True,
        blank=True,
        help_text=_("Fixed assets excluding land and building, at replacement cost."),
    )
    workers_male = models.PositiveIntegerField(_("male workers"), null=True, blank=True)
    workers_female = models.PositiveIntegerField(_("female workers"), null=True, blank=True)
    workers_total = models.PositiveIntegerField(_("workers (total)"), null=True, blank=True)

    # Computed by industries.size_class.classify_size; the policy it was computed under is kept with it.
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    size_policy = models.CharField(_("size policy"), max_length=10, choices=Policy.choices, blank=True)
    # What the survey file said, kept beside the computed class so the data-quality checks can list where
    # the two differ (quality.checks). Never used to classify.
    stated_size_class = models.CharField(
        _("size class (stated)"),
        max_length=10,
        choices=SizeClass.choices,
        blank=True,
        default="",
        db_default="",
        editable=False,  # a survey file's word, kept as read (surveys.staging); not a field writers set
    )

    year_established = models.PositiveSmallIntegerField(_("year established"), null=True, blank=True)
    registration_no = models.CharField(
        _("BSCIC registration number"), max_length=50, null=True, blank=True, unique=True
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    is_synthetic = models.BooleanField(
        _("synthetic"), default=False, help_text=_("Generated test data, not a real enterprise.")
    )

    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    # Deleting is soft (industries.services.enterprise_delete): the row leaves every public reading
    # (EnterpriseQuerySet.live) and keeps its history and import provenance, restorable in the admin.
    deleted = models.DateTimeField(_("deleted"), null=True, blank=True, editable=False)
    # A duplicate merged into another enterprise (quality.services.enterprises_merge): deleted, and a
    # redirect to the one kept. Undoing the merge clears both.
    # No index: nothing looks enterprises up by it (quality.EnterpriseMerge says which merged into which),
    # and each index slows every import.
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        db_index=False,
        related_name="merged",
        verbose_name=_("merged into"),
    )

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["id"]
        permissions = [
            ("view_personal", _("Can see owners' names, phones and NIDs")),
            ("view_enterprise_history", _("Can see the history of enterprises")),
        ]
        indexes = [
            models.Index(fields=["division", "size_class"]),
            models.Index(fields=["district", "size_class"]),
            models.Index(fields=["upazila"]),
            models.Index(fields=["isic_section", "isic_division"]),
            GinIndex(name="enterprise_name_en_trgm", fields=["name_en"], opclasses=["gin_trgm_ops"]),
            GinIndex(name="enterprise_name_bn_trgm", fields=["name_bn"], opclasses=["gin_trgm_ops"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(location__coveredby=Polygon.from_bbox(BANGLADESH_EXTENT)),
                name="enterprise_location_in_bangladesh",
                violation_error_message=_("The location is outside Bangladesh."),
            ),
            models.CheckConstraint(
                condition=Q(investment_bdt__isnull=True) | Q(investment_bdt__gte=0),
                name="enterprise_investment_non_negative",
                violation_error_message=_("Investment cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(workers_total__isnull=True)
                | Q(workers_male__isnull=True)
                | Q(workers_female__isnull=True)
                | Q(workers_total__gte=F("workers_male") + F("workers_female")),
                name="enterprise_workers_total_covers_sexes",
                violation_error_message=_("Total workers cannot be fewer than male plus female workers."),
            ),
            models.CheckConstraint(
                condition=~Q(name_bn="") | ~Q(name_en=""),
                name="enterprise_has_name",
                violation_error_message=_("An enterprise needs a Bangla or an English name."),
            ),
            models.CheckConstraint(
                condition=~Q(registration_no=""),
                name="enterprise_registration_no_not_blank",
                violation_error_message=_("A registration number is either given or NULL, never blank."),
            ),
            models.CheckConstraint(
                condition=Q(year_established__isnull=True)
                | Q(year_established__range=YEAR_ESTABLISHED_RANGE),
                name="enterprise_year_plausible",
                violation_error_message=_("The year established must be between 1800 and 2100."),
            ),
        ]

    def __str__(self):
        return self.name_en or self.name_bn

    def clean(self):
        """Bring identifiers to their canonical form; a value that cannot be is an error on its field."""
        errors = {}
        for field, normalise in (("owner_phone", normalise_phone), ("owner_nid", normalise_nid)):
            raw = getattr(self, field)
            if raw:
                try:
                    setattr(self, field, normalise(raw))
                except CodedError as error:
                    errors[field] = error.message
        self.name_en_key, self.name_bn_key = name_key(self.name_en), name_key(self.name_bn)
        if self.registration_no is not None:
            self.registration_no = normalise_text(to_ascii_digits(self.registration_no)) or None
        if self.workers_total is None and self.workers_male is not None and self.workers_female is not None:
            self.workers_total = self.workers_male + self.workers_female
        if self.location is not None and self._outside_upazilas():
            errors["location"] = ValidationError(OUTSIDE_UPAZILAS, code="outside_upazilas")
        if errors:
            raise ValidationError(errors)

    def _outside_upazilas(self) -> bool:
        """In the country's extent (outside it, the constraint speaks) but in no upazila: at sea or across
        the border. The importer applies the same rule to a whole file at once (surveys.staging)."""
        min_lon, min_lat, max_lon, max_lat = BANGLADESH_EXTENT
        if not (min_lon <= self.location.x <= max_lon and min_lat <= self.location.y <= max_lat):
            return False
        return not UpazilaPiece.objects.filter(geom__intersects=self.location).exists()


def api_key_default_expiry():
    return timezone.now() + timedelta(days=settings.API_KEY_DAYS)


class ApiKeyManager(BaseAPIKeyManager):
    def get_usable_keys(self):
        return super().get_usable_keys().select_related("user")


class ApiKey(AbstractAPIKey):
    """A ministry's API key: stored as a SHA-512 hash beside its public prefix, shown once at creation,
    expiring, revocable. It authenticates as its user, so the user's permissions (view_personal, the
    enterprise model permissions) are the key's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys", verbose_name=_("user")
    )
    expiry_date = models.DateTimeField(
        _("expires"),
        default=api_key_default_expiry,
        help_text=_("The key stops working then. Every key expires; make a new one to continue."),
    )

    objects = ApiKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
