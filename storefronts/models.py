"""A registered enterprise's public page (/e/<slug>/) and the products it lists."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from industries.models import Enterprise
from registrations.models import Applicant


class StorefrontQuerySet(models.QuerySet):
    def public(self):
        """Pages anyone may see: not hidden by staff, of an enterprise not deleted."""
        return self.filter(hidden_at__isnull=True, enterprise__deleted__isnull=True)


class Storefront(models.Model):
    enterprise = models.OneToOneField(
        Enterprise, on_delete=models.PROTECT, related_name="storefront", verbose_name=_("enterprise")
    )
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    # The applicant whose registration made the page: the one account that edits it.
    owner = models.ForeignKey(
        Applicant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="storefronts",
        verbose_name=_("owner"),
    )
    description_en = models.TextField(_("description (English)"), max_length=1000, blank=True)
    description_bn = models.TextField(_("description (Bangla)"), max_length=1000, blank=True)
    logo = models.CharField(_("photo or logo"), max_length=200, blank=True)  # a name in the photo storage
    # Business contact as the owner chose to publish it: none by default, never the NID.
    contact_phone = models.CharField(_("business phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("business e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    ekshop_opt_in = models.BooleanField(_("list my products on ekShop"), default=False)
    # Staff hide a page that breaks the rules; the reason is shown to the owner.
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_reason = models.TextField(_("reason for hiding"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = StorefrontQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise page")
        verbose_name_plural = _("enterprise pages")
        permissions = [("hide_storefront", _("Can hide an enterprise page or show it again"))]
        constraints = [
            # A hidden page always says why: the owner is shown the reason.
            models.CheckConstraint(
                condition=models.Q(hidden_at__isnull=True) | ~models.Q(hidden_reason=""),
                name="storefront_hidden_with_a_reason",
            ),
        ]

    def __str__(self):
        return self.slug

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None


class Product(models.Model):
    storefront = models.ForeignKey(
        Storefront, on_delete=models.CASCADE, related_name="products", verbose_name=_("enterprise page")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    name_bn = models.CharField(_("name (Bangla)"), max_length=150, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=2000, blank=True)
    description_bn = models.TextField(_("description (Bangla)"), max_length=2000, blank=True)
    photo = models.CharField(_("photo"), max_length=200, blank=True)  # a name in the photo storage
    price_bdt = models.DecimalField(_("price (BDT)"), max_digits=12, decimal_places=2, null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True, help_text=_("e.g. piece, kg, metre"))
    stock = models.PositiveIntegerField(_("in stock"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(name_en="", name_bn=""), name="product_has_a_name"),
            models.CheckConstraint(
                condition=models.Q(price_bdt__isnull=True) | models.Q(price_bdt__gte=0),
                name="product_price_not_negative",
            ),
        ]

    def __str__(self):
        return self.name_en or self.name_bn
