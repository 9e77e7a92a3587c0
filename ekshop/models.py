"""Which ekShop category a BSIC sector's products go in: a table the office keeps in the admin."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registrations.sectors import DIVISIONS, SECTIONS


class CategoryMapping(models.Model):
    """A section alone (``C``) covers all its divisions; a division (``C`` ``13``) is more specific and wins.
    The ekShop ids are ekShop's own: they are looked up on ekShop, none is known to us in advance."""

    isic_section = models.CharField(
        _("BSIC section"),
        max_length=1,
        validators=[RegexValidator(r"^[A-U]$", _("One capital letter, A to U."))],
        help_text=_("The letter of the sector, e.g. C for manufacturing."),
    )
    isic_division = models.CharField(
        _("BSIC division"),
        max_length=2,
        blank=True,
        validators=[RegexValidator(r"^[0-9]{2}$", _("Two digits, e.g. 13."))],
        help_text=_("Two digits, e.g. 13 for textiles; empty for the whole section."),
    )
    category_id = models.PositiveIntegerField(_("ekShop category id"))
    category_name = models.CharField(
        _("ekShop category name"), max_length=200, help_text=_("As ekShop names it, to recognise the id.")
    )
    brand_id = models.PositiveIntegerField(
        _("ekShop brand id"), null=True, blank=True, help_text=_("Put in the file when given.")
    )
    unit = models.CharField(
        _("default unit"),
        max_length=30,
        blank=True,
        help_text=_("For products whose unit the owner left empty, e.g. piece."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("ekShop category mapping")
        verbose_name_plural = _("ekShop category mappings")
        ordering = ["isic_section", "isic_division"]
        constraints = [
            models.UniqueConstraint(
                fields=["isic_section", "isic_division"], name="ekshop_one_mapping_a_sector"
            ),
            models.CheckConstraint(condition=Q(isic_section__regex=r"^[A-U]$"), name="ekshop_section_letter"),
            models.CheckConstraint(
                condition=Q(isic_division="") | Q(isic_division__regex=r"^[0-9]{2}$"),
                name="ekshop_division_digits",
            ),
        ]

    def __str__(self):
        sector = f"{self.isic_section} {self.isic_division}".strip()
        return f"{sector} → {self.category_id} {self.category_name}"

    def clean(self):
        if self.isic_division:
            known = DIVISIONS.get(self.isic_division)
            if known is None:
                raise ValidationError({"isic_division": _("Not a division BSCIC registers.")})
            if self.isic_section and known[0] != self.isic_section:
                raise ValidationError(
                    {
                        "isic_division": _("Division %(division)s is in section %(section)s.")
                        % {"division": self.isic_division, "section": known[0]}
                    }
                )
        elif self.isic_section and self.isic_section not in SECTIONS:
            raise ValidationError({"isic_section": _("Not a section BSCIC registers.")})
