"""A registration certificate as issued: one row per version of the issued file, which never changes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from registrations.models import Application


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")
        SUPERSEDED = "superseded", _("Replaced by a newer version")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="certificates")
    registration_no = models.CharField(_("registration number"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    # Printed in the QR with its signature; random, so it says nothing of the enterprise.
    public_id = models.CharField(max_length=20, unique=True)
    key_id = models.CharField(max_length=20)
    issued_at = models.DateTimeField(_("issued"))
    valid_from = models.DateField(_("valid from"), null=True)
    valid_until = models.DateField(_("valid until"))
    # Who signed, as printed: the approving officer who registered, and their post then (a later change of
    # name or post does not change an issued certificate).
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    signer_name = models.CharField(_("signed by"), max_length=150, blank=True)
    signer_designation_en = models.CharField(max_length=100, blank=True)
    signer_designation_bn = models.CharField(max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID)
    status_reason = models.TextField(_("reason"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The issued file, byte for byte: a PDF uploaded to the verification page is compared with this.
    sha256 = models.CharField(max_length=64, db_index=True)
    pdf = models.BinaryField()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            # Versions count across a registration's renewals: one registration number, one series.
            models.UniqueConstraint(fields=["registration_no", "version"], name="certificate_version_unique"),
        ]

    def __str__(self):
        return f"{self.registration_no} v{self.version}"
