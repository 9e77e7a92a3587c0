"""Enterprise pages and products for the ekShop tests, made with the ORM."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone

from ekshop.models import CategoryMapping
from storefronts.models import Product, Storefront
from storefronts.storage import new_name
from tests.factories import EnterpriseFactory
from tests.registrations.conftest import make_applicant

SITE = "https://ereg.example.gov.bd"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The public files are kept in the cache; every test makes its own products.
    cache.clear()
    yield
    cache.clear()


def make_page(slug: str, *, owner=None, opt_in=True, section="C", division="13", **fields) -> Storefront:
    enterprise = EnterpriseFactory(isic_section=section, isic_division=division)
    return Storefront.objects.create(
        enterprise=enterprise, slug=slug, owner=owner, ekshop_opt_in=opt_in, **fields
    )


def make_product(page: Storefront, name_bn: str, name_en: str = "", **fields) -> Product:
    fields.setdefault("price_bdt", Decimal("120.00"))
    # A name as the photo storage makes them ("<page id>/<hex>.jpg"): photo_url gives none for another.
    fields.setdefault("photo", new_name(page.pk))
    return Product.objects.create(storefront=page, name_bn=name_bn, name_en=name_en, **fields)


@pytest.fixture
def owner(db):
    return make_applicant("+8801711000101", "Rahima Begum")


@pytest.fixture
def other_applicant(db):
    return make_applicant("+8801711000102", "Karim Mia")


@pytest.fixture
def textiles_mapping(db) -> CategoryMapping:
    return CategoryMapping.objects.create(
        isic_section="C",
        isic_division="13",
        category_id=42,
        category_name="Handloom",
        brand_id=7,
        unit="piece",
    )


@pytest.fixture
def pages(db, owner, textiles_mapping):
    """Three opted-in pages (one hidden, one of a sector without mapping) and one not opted in."""
    shop = make_page("rahima-tant", owner=owner)
    hidden = make_page("hidden-tant", hidden_at=timezone.now(), hidden_reason="rules")
    not_in = make_page("not-opted", opt_in=False)
    unmapped = make_page("karim-furniture", section="C", division="31")
    return {
        "shop": shop,
        "hidden": hidden,
        "not_in": not_in,
        "unmapped": unmapped,
        "saree": make_product(shop, "জামদানি শাড়ি", "Jamdani saree", stock=5, order=1, description_bn="হাতে বোনা"),
        "gamchha": make_product(shop, "", "Gamchha", stock=0, order=2, unit=""),
        "mat": make_product(shop, "শীতল পাটি", "", order=4, unit="sq ft", photo=""),
        "draft": make_product(shop, "খসড়া", "Draft", is_published=False),
        "no_price": make_product(shop, "লুঙ্গি", "Lungi", price_bdt=None, order=3),
        "of_hidden": make_product(hidden, "লুকানো", "Hidden one"),
        "of_not_in": make_product(not_in, "বাদ", "Not opted"),
        "chair": make_product(unmapped, "চেয়ার", "Chair"),
    }
