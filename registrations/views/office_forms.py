"""The forms of the officers' actions. Each carries the state it was shown in (``expected_state``): if the
application has moved since, the service refuses and the officer's input is shown again with the reason."""

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from industries.bangla import to_ascii_digits

from ..models import Payment
from ..services.review import shortfall_choices


class ActionForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note to the applicant"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The applicant sees this note in the timeline."),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only officers of the office see this."),
    )


class ShortfallForm(ActionForm):
    """One checkbox and one note per document kind and form section; the applicant may change only the
    items ticked here."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bangla = (get_language() or "").startswith("bn")
        self.items = []
        for key, name_en, name_bn in shortfall_choices():
            label = name_bn if bangla else name_en
            self.fields[f"item_{key}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"item_note_{key}"] = forms.CharField(
                label=_("What is missing or wrong"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )
            self.items.append((key, self[f"item_{key}"], self[f"item_note_{key}"]))
        # The general note stays after the items on the page.
        notes = ["note", "internal_note"]
        self.order_fields([name for name in self.fields if name not in notes] + notes)

    def listed_items(self) -> list[tuple[str, str]]:
        """The ticked items with their notes (a note without a tick counts as ticked: nothing is lost)."""
        data = self.cleaned_data
        return [
            (key, data.get(f"item_note_{key}", ""))
            for key, _tick, _note in self.items
            if data.get(f"item_{key}") or (data.get(f"item_note_{key}") or "").strip()
        ]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class CoordinateField(forms.CharField):
    """A decimal degree, in Bangla or ASCII digits."""

    def to_python(self, value):
        value = to_ascii_digits((value or "").strip())
        if not value:
            return None
        try:
            return Decimal(value)
        except InvalidOperation:
            raise ValidationError(_("Enter a number of degrees, such as 23.8103."), code="invalid") from None


class InspectionForm(ActionForm):
    visited_on = forms.DateField(
        label=_("Date of the visit"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    latitude = CoordinateField(
        label=_("Latitude"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    longitude = CoordinateField(
        label=_("Longitude"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    photos = MultiplePhotoField(
        label=_("Photos of the site"),
        required=False,
        help_text=_("JPEG or PNG; the camera's location and other hidden data are removed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = timezone.localdate()
        self.order_fields(["expected_state", "visited_on", "findings", "latitude", "longitude", "photos"])

    def clean(self):
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if (lat is None) != (lon is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))
        data["location"] = Point(float(lon), float(lat), srid=4326) if lat is not None else None
        return data


class PaymentForm(ActionForm):
    method = forms.ChoiceField(
        label=_("How it was paid"), choices=[(m.value, m.label) for m in Payment.RECORDED_METHODS]
    )
    receipt_no = forms.CharField(label=_("Receipt or challan number"), max_length=60)
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    amount = forms.CharField(
        label=_("Amount paid (BDT)"), widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )

    def __init__(self, *args, fee_total=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["amount"].initial = fee_total
        self.order_fields(["expected_state", "method", "receipt_no", "paid_on", "amount"])

    def clean_receipt_no(self):
        return to_ascii_digits(self.cleaned_data["receipt_no"].strip())

    def clean_amount(self):
        return to_ascii_digits(self.cleaned_data["amount"]).replace(",", "").strip()


class RejectForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason for the rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The applicant sees this reason."),
    )
    internal_note = ActionForm.base_fields["internal_note"]


class AssignForm(forms.Form):
    expected_state = forms.CharField(widget=forms.HiddenInput)
    officer = forms.ModelChoiceField(label=_("Extension officer"), queryset=None, empty_label=None)
    note = forms.CharField(label=_("Internal note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers
        self.fields["officer"].label_from_instance = lambda o: o.user.get_full_name() or o.user.get_username()
