"""The owner's forms: the page, its logo, a product. Photos are plain file fields: the service checks and
re-encodes them (storefronts.photos) and its errors are shown in both languages."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from industries.bangla import to_ascii_digits
from registrations.forms import NUMBER_ATTRS, FigureField

from .models import Product, Storefront

PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,18}$")
PHOTO_ATTRS = {"accept": "image/jpeg,image/png,image/webp"}


class StorefrontForm(forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Storefront
        fields = [
            "description_bn",
            "description_en",
            "contact_phone",
            "contact_email",
            "website",
            "ekshop_opt_in",
        ]
        widgets = {
            "description_bn": forms.Textarea(attrs={"rows": 4, "lang": "bn"}),
            "description_en": forms.Textarea(attrs={"rows": 4, "lang": "en"}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "contact_phone": _("Shown on your public page. Leave empty to publish no phone."),
            "contact_email": _("Shown on your public page. Leave empty to publish no e-mail."),
            "ekshop_opt_in": _("Your published products go into the ekShop upload file that BSCIC prepares."),
        }

    def clean_contact_phone(self):
        phone = to_ascii_digits(self.cleaned_data["contact_phone"] or "").strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number in digits, such as 01712345678."))
        return phone


class LogoForm(forms.Form):
    photo = forms.FileField(
        label=_("Photo or logo"), required=False, widget=forms.FileInput(attrs=PHOTO_ATTRS)
    )
    remove = forms.BooleanField(label=_("Remove the photo"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("photo") and not cleaned.get("remove"):
            raise forms.ValidationError(_("Choose a photo."))
        return cleaned


class PriceField(forms.DecimalField):
    """Taka, in Bangla or English digits."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        return super().to_python(to_ascii_digits(str(value or "")).replace(",", "").strip())


class ProductForm(forms.ModelForm):
    price_bdt = PriceField(
        label=_("Price (Tk)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    stock = FigureField(
        label=_("In stock"), required=False, help_text=_("Leave empty if you do not count it.")
    )
    order = FigureField(
        label=_("Order on the page"), required=False, widget=forms.TextInput(attrs=NUMBER_ATTRS)
    )
    photo_upload = forms.FileField(
        label=_("Photo"), required=False, widget=forms.FileInput(attrs=PHOTO_ATTRS)
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Product
        fields = [
            "name_bn",
            "name_en",
            "description_bn",
            "description_en",
            "price_bdt",
            "unit",
            "stock",
            "order",
            "is_published",
        ]
        widgets = {
            "name_bn": forms.TextInput(attrs={"lang": "bn"}),
            "name_en": forms.TextInput(attrs={"lang": "en"}),
            "description_bn": forms.Textarea(attrs={"rows": 3, "lang": "bn"}),
            "description_en": forms.Textarea(attrs={"rows": 3, "lang": "en"}),
        }

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name_bn") or "").strip() and not (cleaned.get("name_en") or "").strip():
            raise forms.ValidationError(_("Give the product a name, in Bangla or in English."))
        if cleaned.get("order") is None:
            cleaned["order"] = self.instance.order or 0
        return cleaned

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
