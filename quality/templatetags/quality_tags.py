"""Numbers in the page's language: Bangla digits on a Bangla page, as the rest of the site writes them."""

from django import template
from django.utils import translation
from django.utils.formats import number_format

from industries.bangla import to_bangla_digits

register = template.Library()


@register.filter
def digits(value):
    """``value`` (a number, grouped by thousands, or text with digits) in Bangla digits on a Bangla page."""
    if value is None or value == "":
        return value
    text = number_format(value, force_grouping=True) if isinstance(value, int | float) else str(value)
    return to_bangla_digits(text) if translation.get_language() == "bn" else text
