"""Enterprise pages in templates: a stored photo's address, and the applicant's links to edit their pages
(for "My applications": ``{% load storefront_tags %}{% my_storefronts %}``)."""

from django import template

from ..selectors import owned_storefronts, page_url
from ..selectors import photo_url as _photo_url

register = template.Library()


@register.filter
def photo_url(name: str) -> str:
    return _photo_url(name)


@register.inclusion_tag("storefronts/_my_storefronts.html", takes_context=True)
def my_storefronts(context):
    request = context.get("request")
    applicant = getattr(getattr(request, "user", None), "applicant", None)
    pages = list(owned_storefronts(applicant=applicant)) if applicant is not None else []
    return {"pages": [(storefront, page_url(storefront)) for storefront in pages]}
