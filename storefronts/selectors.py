"""Reads of the enterprise pages: the public page's path, a photo's path, the products listed, and what the
page, the owner's editor and the badge need."""

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.http import urlencode

from certificates.models import Certificate
from industries.models import Enterprise
from registrations.models import Applicant

from .models import Product, Storefront
from .storage import storefront_of


def page_url(storefront: Storefront) -> str:
    """The path of the public page, "/e/<slug>/"."""
    return reverse("storefronts:page", kwargs={"slug": storefront.slug})


def photo_url(name: str) -> str:
    """The path of a stored photo, or "" if there is none."""
    storefront_id = storefront_of(name)
    if storefront_id is None:
        return ""
    return reverse(
        "storefronts:photo", kwargs={"storefront_id": storefront_id, "file": name.split("/", 1)[1]}
    )


def listed_products(storefront: Storefront | None = None) -> QuerySet[Product]:
    """Published products of public pages (all of them, or of one page)."""
    products = Product.objects.filter(is_published=True, storefront__in=Storefront.objects.public())
    if storefront is not None:
        products = products.filter(storefront=storefront)
    return products.select_related("storefront__enterprise").order_by("storefront_id", "order", "id")


def enterprise_page_url(enterprise: Enterprise) -> str | None:
    """The path of the enterprise's public page, or None when it has none (or it is hidden)."""
    storefront = Storefront.objects.public().filter(enterprise=enterprise).only("slug").first()
    return page_url(storefront) if storefront else None


def public_storefront(*, slug: str) -> Storefront | None:
    """The public page at ``slug`` with what it shows, or None (no such page, hidden, enterprise deleted)."""
    return (
        Storefront.objects.public()
        .select_related("enterprise__district__division", "enterprise__upazila")
        .prefetch_related(Prefetch("products", queryset=Product.objects.filter(is_published=True)))
        .filter(slug=slug)
        .first()
    )


def owned_storefront(*, applicant: Applicant, slug: str) -> Storefront | None:
    """The owner's page at ``slug``, hidden or not (the owner is told why); None for anyone else's."""
    return (
        Storefront.objects.filter(owner=applicant, slug=slug, enterprise__deleted__isnull=True)
        .select_related("enterprise", "hidden_by")
        .first()
    )


def owned_storefronts(*, applicant: Applicant) -> QuerySet[Storefront]:
    return (
        Storefront.objects.filter(owner=applicant, enterprise__deleted__isnull=True)
        .select_related("enterprise")
        .order_by("slug")
    )


def photo_visible(*, storefront_id: int, name: str, user) -> Storefront | None:
    """The page whose photo ``name`` is, if this user may see it: anyone for the logo or a published product
    of a public page; the owner and staff who hide pages also for the rest. None otherwise."""
    storefront = Storefront.objects.filter(pk=storefront_id, enterprise__deleted__isnull=True).first()
    if storefront is None:
        return None
    is_logo = storefront.logo == name
    product = storefront.products.filter(photo=name).first()
    if not is_logo and product is None:
        return None
    may_see_all = user.is_authenticated and (
        (storefront.owner_id is not None and getattr(user, "applicant", None) == storefront.owner)
        or (user.is_staff and user.has_perm("storefronts.hide_storefront"))
    )
    if may_see_all:
        return storefront
    if storefront.is_hidden or not (is_logo or product.is_published):
        return None
    return storefront


def verification_link(enterprise: Enterprise) -> str:
    """Where the "registered with BSCIC" badge points: the verification of the latest valid certificate of the
    enterprise's registration, else the lookup of its registration number."""
    from certificates.services import verification_url

    certificate = (
        Certificate.objects.filter(application__enterprise=enterprise, status=Certificate.Status.VALID)
        .order_by("-issued_at", "-version")
        .first()
    )
    if certificate is not None:
        return verification_url(certificate)
    query = (
        "?" + urlencode({"registration_no": enterprise.registration_no}) if enterprise.registration_no else ""
    )
    return reverse("certificates:lookup") + query
