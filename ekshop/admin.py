from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registrations.sectors import SECTIONS, division_label

from .models import CategoryMapping
from .selectors import unmapped_sectors


@admin.register(CategoryMapping)
class CategoryMappingAdmin(admin.ModelAdmin):
    list_display = (
        "isic_section",
        "isic_division",
        "sector",
        "category_id",
        "category_name",
        "brand_id",
        "unit",
    )
    list_display_links = ("isic_section", "isic_division")
    list_filter = ("isic_section",)
    search_fields = ("category_name", "isic_division")
    fields = ("isic_section", "isic_division", "category_id", "category_name", "brand_id", "unit")

    @admin.display(description=gettext_lazy("sector"))
    def sector(self, mapping: CategoryMapping) -> str:
        if mapping.isic_division:
            return division_label(mapping.isic_division)
        names = SECTIONS.get(mapping.isic_section)
        return f"{mapping.isic_section} · {names[0]}" if names else mapping.isic_section

    def changelist_view(self, request, extra_context=None):
        # The sectors whose products are left out of the ekShop file, so that they are mapped next.
        missing = unmapped_sectors() if request.method == "GET" else []
        if missing:
            sectors = ", ".join(
                f"{f'{section} {division}'.strip() or '—'} ({count})" for section, division, count in missing
            )
            messages.warning(
                request,
                _("Products waiting for ekShop with no category (sector and number of products): %(sectors)s")
                % {"sectors": sectors},
            )
        return super().changelist_view(request, extra_context)
