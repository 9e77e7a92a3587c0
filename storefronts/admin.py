"""Enterprise pages in the admin: staff who hold "Can hide an enterprise page" hide a page that breaks the
rules, with a reason the owner is shown, or show it again. What the page says is the owner's: read-only
here."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Product, Storefront
from .selectors import page_url
from .services import storefront_hide, storefront_unhide

HIDE_PERMISSION = "storefronts.hide_storefront"


class HiddenFilter(admin.SimpleListFilter):
    title = _("hidden")
    parameter_name = "hidden"

    def lookups(self, request, model_admin):
        return [("yes", _("Hidden")), ("no", _("Public"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


class StorefrontHideForm(forms.ModelForm):
    hide = forms.BooleanField(
        label=_("Hide this page"),
        required=False,
        help_text=_("The public get “not found”; the owner sees why."),
    )

    class Meta:
        model = Storefront
        fields = ["hidden_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hide"].initial = self.instance.is_hidden
        self.fields["hidden_reason"].help_text = _(
            "Required to hide: shown to the owner as it is written here."
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("hide") and not (cleaned.get("hidden_reason") or "").strip():
            self.add_error("hidden_reason", _("Say why the page is hidden: the owner is shown the reason."))
        return cleaned


class ProductInline(admin.TabularInline):
    model = Product
    fields = ["order", "name_bn", "name_en", "price_bdt", "unit", "stock", "is_published"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Storefront)
class StorefrontAdmin(admin.ModelAdmin):
    form = StorefrontHideForm
    list_display = ["slug", "enterprise", "ekshop_opt_in", "hidden_at", "updated"]
    list_filter = [HiddenFilter, "ekshop_opt_in"]
    search_fields = ["slug", "enterprise__name_en", "enterprise__name_bn", "enterprise__registration_no"]
    list_select_related = ["enterprise"]
    inlines = [ProductInline]
    actions = ["show_again"]
    readonly_fields = [
        "public_page",
        "enterprise",
        "description_bn",
        "description_en",
        "contact_phone",
        "contact_email",
        "website",
        "ekshop_opt_in",
        "hidden_at",
        "hidden_by",
        "created",
        "updated",
    ]
    fieldsets = [
        (None, {"fields": ["public_page", "enterprise", "created", "updated"]}),
        (
            _("What the owner publishes"),
            {
                "fields": [
                    "description_bn",
                    "description_en",
                    "contact_phone",
                    "contact_email",
                    "website",
                    "ekshop_opt_in",
                ]
            },
        ),
        (_("Hiding"), {"fields": ["hide", "hidden_reason", "hidden_at", "hidden_by"]}),
    ]

    @admin.display(description=_("public page"))
    def public_page(self, obj):
        return page_url(obj)

    def has_add_permission(self, request):
        return False  # a page is made when its enterprise is registered

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(HIDE_PERMISSION)

    def save_model(self, request, obj, form, change):
        hide, reason = form.cleaned_data["hide"], form.cleaned_data["hidden_reason"]
        stored = Storefront.objects.get(pk=obj.pk)
        if hide and (not stored.is_hidden or stored.hidden_reason != reason):
            storefront_hide(storefront=stored, user=request.user, reason=reason)
        elif not hide and stored.is_hidden:
            storefront_unhide(storefront=stored, user=request.user)

    @admin.action(description=_("Show the selected pages again"), permissions=["change"])
    def show_again(self, request, queryset):
        shown = 0
        for storefront in queryset.filter(hidden_at__isnull=False):
            storefront_unhide(storefront=storefront, user=request.user)
            shown += 1
        self.message_user(
            request,
            ngettext("%(n)d page is public again.", "%(n)d pages are public again.", shown) % {"n": shown},
            messages.SUCCESS,
        )
