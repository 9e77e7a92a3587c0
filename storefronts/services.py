"""Writes of the enterprise pages: a page for each registered enterprise, the owner's edits, photos, and staff
hiding a page with a reason."""

import logging
import re
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from registrations.models import Application, State

from .exceptions import NoReason, TooManyProducts
from .models import Product, Storefront
from .photos import photo_reencoded
from .storage import new_name, photo_storage

log = logging.getLogger(__name__)

SLUG_MAX = 60
# Paths under /e/ that are not pages.
RESERVED_SLUGS = {"photos", "edit", "new"}
SLUG_TRIES = 20
# Products as applicants write them: "Nakshi kantha, bed covers; cushions".
PRODUCT_SEPARATORS = re.compile(r"[,;،\n]+")
BANGLA = re.compile(r"[\u0980-\u09FF]")


def _slug_base(application: Application) -> str:
    """An ASCII slug from the English name; from the registration number for a name in Bangla only."""
    for text in (application.name_en, application.registration_no, f"enterprise-{application.enterprise_id}"):
        base = slugify(text or "")[:SLUG_MAX].strip("-")  # slugify keeps ASCII only when allow_unicode=False
        if base and base not in RESERVED_SLUGS:
            return base
    return f"enterprise-{application.enterprise_id}"


def _free_slug(base: str) -> str:
    if not Storefront.objects.filter(slug=base).exists():
        return base
    for _ in range(SLUG_TRIES):
        candidate = f"{base}-{secrets.token_hex(2)}"
        if not Storefront.objects.filter(slug=candidate).exists():
            return candidate
    return f"{base}-{secrets.token_hex(6)}"


def _seed_products(storefront: Storefront, products_text: str) -> None:
    if storefront.products.exists():
        return
    names = [name.strip()[:150] for name in PRODUCT_SEPARATORS.split(products_text or "")]
    names = list(dict.fromkeys(name for name in names if name))[: settings.STOREFRONT_MAX_PRODUCTS]
    Product.objects.bulk_create(
        Product(
            storefront=storefront,
            order=order,
            name_bn=name if BANGLA.search(name) else "",
            name_en="" if BANGLA.search(name) else name,
        )
        for order, name in enumerate(names)
    )


def storefront_create(*, application_id: int) -> Storefront | None:
    """The page of a registered application's enterprise, made if it has none; its products seeded from the
    application's if it lists none. Idempotent: a renewal registers the same enterprise again. None for an
    application that is not registered."""
    application = (
        Application.objects.filter(pk=application_id, state=State.REGISTERED, enterprise__isnull=False)
        .select_related("applicant", "enterprise")
        .first()
    )
    if application is None:
        return None
    for _ in range(3):  # a slug taken between the check and the insert by another page: try another
        try:
            with transaction.atomic():
                storefront, created = Storefront.objects.select_for_update().get_or_create(
                    enterprise=application.enterprise,
                    defaults={"slug": _free_slug(_slug_base(application)), "owner": application.applicant},
                )
                if not created and storefront.owner_id is None:
                    storefront.owner = application.applicant
                    storefront.save(update_fields=["owner", "updated"])
                _seed_products(storefront, application.products)
                return storefront
        except IntegrityError:
            existing = Storefront.objects.filter(enterprise=application.enterprise).first()
            if existing is not None:  # the other one was the same enterprise's page, made at the same time
                return existing
    raise IntegrityError(f"no free address for the page of application {application_id}")


def storefronts_create(*, application_id: int | None = None) -> list[Storefront]:
    """Pages for registered applications whose enterprise has none (all of them, or one): the catch-up for
    registrations made before pages existed, or whose receiver failed. Returns the pages made."""
    applications = Application.objects.filter(
        state=State.REGISTERED,
        enterprise__isnull=False,
        enterprise__deleted__isnull=True,
        enterprise__storefront__isnull=True,
    )
    if application_id is not None:
        applications = applications.filter(pk=application_id)
    # The latest registration of each enterprise (a renewal's applicant is the current one).
    latest = {}
    for pk, enterprise_id in applications.order_by("registered_at", "pk").values_list("pk", "enterprise_id"):
        latest[enterprise_id] = pk
    made = []
    for pk in latest.values():
        storefront = storefront_create(application_id=pk)
        if storefront is not None:
            made.append(storefront)
    return made


def on_registered(sender, application_id: int, **kwargs) -> None:
    """registrations.signals.application_registered: the enterprise's page."""
    storefront_create(application_id=application_id)


# --- the owner's edits ------------------------------------------------------------------------------------

OWNER_FIELDS = (
    "description_en",
    "description_bn",
    "contact_phone",
    "contact_email",
    "website",
    "ekshop_opt_in",
)


def storefront_update(*, storefront: Storefront, **values) -> Storefront:
    """The owner's description, published contact and ekShop choice."""
    unknown = set(values) - set(OWNER_FIELDS)
    if unknown:
        raise TypeError(f"not the owner's to change: {sorted(unknown)}")
    for name, value in values.items():
        setattr(storefront, name, value)
    storefront.full_clean(exclude=["enterprise", "owner", "hidden_by"])
    storefront.save(update_fields=[*values, "updated"])
    return storefront


def _stored(storefront: Storefront, upload) -> str:
    """The upload checked, re-encoded and stored; its name in the photo storage."""
    content = photo_reencoded(upload)
    return photo_storage().save(new_name(storefront.pk), ContentFile(content))


def _forget(name: str) -> None:
    """A replaced or deleted photo's file, removed once the change is committed."""
    if name:
        transaction.on_commit(lambda: photo_storage().delete(name))


@transaction.atomic
def storefront_logo_set(*, storefront: Storefront, upload=None, remove: bool = False) -> Storefront:
    old = storefront.logo
    storefront.logo = "" if remove else _stored(storefront, upload)
    storefront.save(update_fields=["logo", "updated"])
    _forget(old)
    return storefront


PRODUCT_FIELDS = (
    "order",
    "name_en",
    "name_bn",
    "description_en",
    "description_bn",
    "price_bdt",
    "unit",
    "stock",
    "is_published",
)


@transaction.atomic
def product_save(
    *,
    storefront: Storefront,
    product: Product | None = None,
    photo=None,
    remove_photo: bool = False,
    **values,
) -> Product:
    """A new product of the page, or the owner's changes to one of its products. A new photo replaces the
    old one."""
    unknown = set(values) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"not a product's field: {sorted(unknown)}")
    Storefront.objects.select_for_update().filter(pk=storefront.pk).first()  # one count at a time
    if product is None or product._state.adding:
        limit = settings.STOREFRONT_MAX_PRODUCTS
        if storefront.products.count() >= limit:
            raise TooManyProducts(limit=limit)
        product = product or Product()
        product.storefront = storefront
    elif product.storefront_id != storefront.pk:
        raise ValueError("the product is another page's")
    for name, value in values.items():
        setattr(product, name, value)
    old_photo = product.photo
    if photo is not None:
        product.photo = _stored(storefront, photo)
    elif remove_photo:
        product.photo = ""
    product.full_clean(exclude=["storefront"])
    product.save()
    if product.photo != old_photo:
        _forget(old_photo)
    # The page's lastmod (sitemap) is when anything on it last changed.
    Storefront.objects.filter(pk=storefront.pk).update(updated=timezone.now())
    return product


@transaction.atomic
def product_delete(*, product: Product) -> None:
    storefront_id, photo = product.storefront_id, product.photo
    product.delete()
    _forget(photo)
    Storefront.objects.filter(pk=storefront_id).update(updated=timezone.now())


# --- staff --------------------------------------------------------------------------------------------------


@transaction.atomic
def storefront_hide(*, storefront: Storefront, user, reason: str) -> Storefront:
    """Staff hide a page that breaks the rules: the public get a 404, the owner sees the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise NoReason()
    storefront.hidden_at = timezone.now()
    storefront.hidden_reason = reason
    storefront.hidden_by = user
    storefront.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated"])
    log.info("enterprise page %s hidden by user %s", storefront.pk, user.pk)
    return storefront


@transaction.atomic
def storefront_unhide(*, storefront: Storefront, user) -> Storefront:
    storefront.hidden_at = None
    storefront.hidden_reason = ""
    storefront.hidden_by = None
    storefront.save(update_fields=["hidden_at", "hidden_reason", "hidden_by", "updated"])
    log.info("enterprise page %s shown again by user %s", storefront.pk, user.pk)
    return storefront
