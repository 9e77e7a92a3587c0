"""What search engines and link previews read of a page: schema.org LocalBusiness with its products as Offers
(JSON-LD), and the Open Graph tags. Only what the page itself shows: the owner's published contact, the
enterprise's area, never a person's data."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from .models import Product, Storefront
from .selectors import page_url, photo_url

# As django.utils.html.json_script: the JSON cannot close its <script> element.
SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute(request, path: str) -> str:
    """REGISTRATION_SITE_URL + path, or the address of this request."""
    if not path:
        return ""
    site = settings.REGISTRATION_SITE_URL
    return f"{site}{path}" if site else request.build_absolute_uri(path)


def local(obj, name: str, language: str) -> str:
    """``obj.<name>_bn`` or ``_en`` in the page's language, else the other one."""
    first, second = ("bn", "en") if language.startswith("bn") else ("en", "bn")
    return getattr(obj, f"{name}_{first}") or getattr(obj, f"{name}_{second}")


def _offer(product: Product, language: str, request) -> dict:
    item = {"@type": "Product", "name": local(product, "name", language)}
    description = local(product, "description", language)
    if description:
        item["description"] = description
    if product.photo:
        item["image"] = absolute(request, photo_url(product.photo))
    offer = {"@type": "Offer", "itemOffered": item}
    if product.price_bdt is not None:
        offer["price"] = f"{product.price_bdt:.2f}"
        offer["priceCurrency"] = "BDT"
        offer["priceSpecification"] = {
            "@type": "UnitPriceSpecification",
            "price": f"{product.price_bdt:.2f}",
            "priceCurrency": "BDT",
            **({"unitText": product.unit} if product.unit else {}),
        }
    if product.stock is not None:
        offer["availability"] = (
            "https://schema.org/InStock" if product.stock else "https://schema.org/OutOfStock"
        )
    return offer


def local_business(storefront: Storefront, products: list[Product], language: str, request) -> dict:
    enterprise = storefront.enterprise
    data = {
        "@context": "https://schema.org",
        "@type": "LocalBusiness",
        "@id": absolute(request, page_url(storefront)),
        "name": local(enterprise, "name", language),
        "url": absolute(request, page_url(storefront)),
    }
    other = enterprise.name_en if language.startswith("bn") else enterprise.name_bn
    if other and other != data["name"]:
        data["alternateName"] = other
    description = local(storefront, "description", language)
    if description:
        data["description"] = description
    if storefront.logo:
        data["image"] = data["logo"] = absolute(request, photo_url(storefront.logo))
    if storefront.contact_phone:
        data["telephone"] = storefront.contact_phone
    if storefront.contact_email:
        data["email"] = storefront.contact_email
    if storefront.website:
        data["sameAs"] = [storefront.website]
    address = {"@type": "PostalAddress", "addressCountry": "BD"}
    if enterprise.upazila_id:
        address["addressLocality"] = local(enterprise.upazila, "name", language)
    if enterprise.district_id:
        address["addressRegion"] = local(enterprise.district, "name", language)
    data["address"] = address
    data["geo"] = {
        "@type": "GeoCoordinates",
        "latitude": round(enterprise.location.y, 6),
        "longitude": round(enterprise.location.x, 6),
    }
    if products:
        data["makesOffer"] = [_offer(product, language, request) for product in products]
    return data


def json_ld(data: dict) -> SafeString:
    """The JSON for a <script type="application/ld+json"> element."""
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=1).translate(SCRIPT_ESCAPES))
