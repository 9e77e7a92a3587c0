"""The applicant's form: one Django form per step, bound to what the applicant typed.

Figures may be typed in Bangla digits (০-৯) and with thousands separators; NIDs and phones go through the
importer's own normalisers (industries.identifiers), so the form and a survey import accept the same
numbers. Every message is translated (registrations/locale_parts/apply).
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from industries.bangla import normalise_text, to_ascii_digits
from industries.exceptions import CodedError
from industries.identifiers import normalise_nid, normalise_phone
from industries.models import BANGLADESH_EXTENT, District, Division, Upazila

from .models import Application
from .sectors import division_choices

# A business is not older than this, nor planned further ahead.
OLDEST_YEAR = 1900
PLANNED_YEARS_AHEAD = 5
ADULT_AGE = 18
OLDEST_AGE = 100
NUMBER_ATTRS = {"inputmode": "numeric", "autocomplete": "off"}
# Larger than any cottage or small unit's figure, and far inside PostgreSQL's bigint.
BDT_MAX = 10**15
WORKERS_MAX = 1_000_000


def _bangla() -> bool:
    return (get_language() or "").startswith("bn")


def coded_message(error: CodedError) -> str:
    """An industries/registrations error in the page's language."""
    return error.message_bangla if _bangla() else error.message


def _digits(value) -> str:
    """ASCII digits, without the separators people type in figures (১,২০,০০০ or 1 20 000)."""
    return to_ascii_digits(str(value or "")).replace(",", "").replace(" ", "").replace("\u00a0", "").strip()


class FigureField(forms.IntegerField):
    """A whole number that may be typed in Bangla digits or with separators. A text input (type=number
    would refuse Bangla digits in the browser), with the numeric keyboard on phones."""

    widget = forms.TextInput(attrs=NUMBER_ATTRS)
    default_error_messages = {"invalid": _("Enter a whole number, in Bangla or English digits.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)
        self.error_messages["min_value"] = _("It cannot be negative.")

    def to_python(self, value):
        return super().to_python(_digits(value))


class CoordinateField(forms.DecimalField):
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {"invalid": _("Enter a number of degrees, such as 23.8103.")}

    def __init__(self, **kwargs):
        super().__init__(max_digits=10, decimal_places=7, **kwargs)
        self.error_messages["max_decimal_places"] = _("At most 7 decimal places.")

    def to_python(self, value):
        return super().to_python(to_ascii_digits(str(value or "")).strip())


class AreaChoiceField(forms.ModelChoiceField):
    """A division, district or upazila, named in the page's language."""

    def __init__(self, **kwargs):
        kwargs.setdefault("empty_label", _("Choose"))
        super().__init__(**kwargs)

    def label_from_instance(self, obj):
        return obj.name_bn if _bangla() else obj.name_en


def _require(form, *names):
    for name in names:
        form.fields[name].required = True


# --- 1 enterprise -------------------------------------------------------------------------------------------


class EnterpriseForm(forms.ModelForm):
    sector = forms.ChoiceField(
        label=_("Sector"),
        help_text=_("What the unit makes or does (ISIC/BSIC division)."),
    )
    year_started = FigureField(label=_("Year started or planned"), max_value=9999)
    # Longer than stored: people type separators (000123456-0101), which the clean methods drop.
    tin = forms.CharField(
        label=_("TIN"), required=False, max_length=30, help_text=_("Optional. The 12-digit e-TIN.")
    )
    bin = forms.CharField(
        label=_("BIN"),
        required=False,
        max_length=30,
        help_text=_("Optional. The VAT Business Identification Number: 9 digits (or 13 with the unit code)."),
    )

    class Meta:
        model = Application
        fields = [
            "name_bn",
            "name_en",
            "application_type",
            "kind",
            "products",
            "year_started",
            "trade_licence_no",
            "trade_licence_authority",
            "tin",
            "bin",
        ]
        widgets = {
            "application_type": forms.RadioSelect,
            "kind": forms.RadioSelect,
        }

    field_order = ["name_bn", "name_en", "application_type", "kind", "sector", "products", "year_started"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [("", _("Choose the sector")), *division_choices()]
        if self.instance.isic_division and not self.is_bound:
            self.initial["sector"] = self.instance.isic_division
        _require(
            self,
            "name_bn",
            "name_en",
            "application_type",
            "kind",
            "products",
            "trade_licence_no",
            "trade_licence_authority",
        )
        for name in ("application_type", "kind"):  # radios: no "---------" choice
            self.fields[name].choices = [c for c in self.fields[name].choices if c[0]]
        authority = self.fields["trade_licence_authority"]
        authority.choices = [("", _("Choose")), *[c for c in authority.choices if c[0]]]
        for name in ("tin", "bin"):
            self.fields[name].widget.attrs.update(NUMBER_ATTRS)

    def clean_name_bn(self):
        return normalise_text(self.cleaned_data["name_bn"])

    def clean_name_en(self):
        return normalise_text(self.cleaned_data["name_en"])

    def clean_tin(self):
        tin = _digits(self.cleaned_data["tin"]).replace("-", "")
        if tin and not (tin.isdigit() and len(tin) == 12):
            raise ValidationError(_("A TIN has 12 digits."))
        return tin

    def clean_bin(self):
        # ⚠ The VAT online system issues 9-digit BINs; the 13-digit form is the BIN and a 4-digit unit code.
        value = _digits(self.cleaned_data["bin"]).replace("-", "")
        if value and not (value.isdigit() and len(value) in (9, 13)):
            raise ValidationError(_("A BIN has 9 digits (13 with the unit code)."))
        return value

    def clean_trade_licence_no(self):
        return to_ascii_digits(self.cleaned_data["trade_licence_no"]).strip()

    def clean(self):
        cleaned = super().clean()
        year, kind_of = cleaned.get("year_started"), cleaned.get("application_type")
        this_year = timezone.localdate().year
        if year is not None and kind_of:
            if kind_of == Application.ApplicationType.EXISTING and not OLDEST_YEAR <= year <= this_year:
                self.add_error(
                    "year_started",
                    _("An existing unit started between %(first)s and %(last)s.")
                    % {"first": OLDEST_YEAR, "last": this_year},
                )
            elif kind_of == Application.ApplicationType.PROPOSED and not (
                this_year <= year <= this_year + PLANNED_YEARS_AHEAD
            ):
                self.add_error(
                    "year_started",
                    _("A proposed unit starts between %(first)s and %(last)s.")
                    % {"first": this_year, "last": this_year + PLANNED_YEARS_AHEAD},
                )
        return cleaned


# --- 2 owners -----------------------------------------------------------------------------------------------


class OwnershipForm(forms.Form):
    ownership = forms.ChoiceField(
        label=_("Ownership type"),
        choices=Application.Ownership.choices,
        widget=forms.RadioSelect,
    )
    is_family_based = forms.BooleanField(
        label=_("A family-based unit (the family works in it)"),
        required=False,
        help_text=_("For service units this decides between cottage and micro."),
    )


class OwnerForm(forms.Form):
    name_bn = forms.CharField(label=_("Name (Bangla)"), max_length=150)
    name_en = forms.CharField(label=_("Name (English)"), max_length=150)
    nid = forms.CharField(
        label=_("National ID number"),
        max_length=40,
        help_text=_("10, 13 or 17 digits."),
        widget=forms.TextInput(attrs=NUMBER_ATTRS),
    )
    date_of_birth = forms.DateField(
        label=_("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date as year-month-day, e.g. 1985-04-12.")},
    )
    phone = forms.CharField(
        label=_("Mobile number"),
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("e.g. 01711-000000"),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_name_bn(self):
        return normalise_text(self.cleaned_data["name_bn"])

    def clean_name_en(self):
        return normalise_text(self.cleaned_data["name_en"])

    def clean_nid(self):
        try:
            return normalise_nid(self.cleaned_data["nid"])
        except CodedError as error:
            raise ValidationError(coded_message(error)) from None

    def clean_phone(self):
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except CodedError as error:
            raise ValidationError(coded_message(error)) from None

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        today = timezone.localdate()
        age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
        if born > today or age > OLDEST_AGE:
            raise ValidationError(_("This date of birth is not possible; check the year."))
        if age < ADULT_AGE:
            raise ValidationError(_("An owner must be at least %(age)s years old.") % {"age": ADULT_AGE})
        return born


class BaseOwnerFormSet(forms.BaseFormSet):
    def __init__(self, *args, ownership=None, **kwargs):
        self.ownership = ownership
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        owners = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        if not owners:
            raise ValidationError(_("Give at least one owner."))
        if self.ownership == Application.Ownership.PROPRIETORSHIP and len(owners) != 1:
            raise ValidationError(_("A proprietorship has exactly one owner, the proprietor."))
        if self.ownership == Application.Ownership.PARTNERSHIP and len(owners) < 2:
            raise ValidationError(_("A partnership has at least two partners."))
        nids = [f.cleaned_data["nid"] for f in owners]
        if len(set(nids)) != len(nids):
            raise ValidationError(_("The same NID is given for two owners."))

    def owners(self) -> list[dict]:
        return [
            {name: f.cleaned_data[name] for name in OwnerForm.base_fields}
            for f in self.forms
            if f.cleaned_data and not self._should_delete_form(f)
        ]


OwnerFormSet = forms.formset_factory(
    OwnerForm, formset=BaseOwnerFormSet, extra=0, can_delete=True, max_num=20, validate_max=True
)


class OwnersStep:
    """Step 2: the ownership type and a formset of owners, validated together."""

    prefix = "owners"

    def __init__(self, application: Application, data=None):
        initial = [
            {f: getattr(o, f) for f in OwnerForm.base_fields}
            for o in application.owners.order_by("order", "id")
        ]
        self.ownership = OwnershipForm(
            data,
            initial={"ownership": application.ownership, "is_family_based": application.is_family_based},
        )
        chosen = self.ownership.data.get("ownership") if data is not None else application.ownership
        self.owners = OwnerFormSet(
            data, initial=initial or [{}], prefix=self.prefix, ownership=chosen or None
        )
        self.is_bound = data is not None

    def is_valid(self) -> bool:
        return all([self.ownership.is_valid(), self.owners.is_valid()])

    @property
    def errors(self):
        return [self.ownership.errors, self.owners.errors, self.owners.non_form_errors()]

    def non_field_errors(self):
        return self.owners.non_form_errors()

    def add_error(self, field, error):
        self.ownership.add_error(field, error)

    def disable(self):
        for form in [self.ownership, *self.owners.forms]:
            for field in form.fields.values():
                field.disabled = True


def owners_with_one_more(data):
    """The posted owners and one blank owner more ("Add an owner": nothing is saved)."""
    data = data.copy()
    key = f"{OwnersStep.prefix}-TOTAL_FORMS"
    data[key] = str(int(_digits(data.get(key)) or 0) + 1)
    return data


# --- 3 location ---------------------------------------------------------------------------------------------


class LocationForm(forms.Form):
    factory_address = forms.CharField(
        label=_("Factory address"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("House, road or village, union or ward, post office."),
    )
    stated_division = AreaChoiceField(label=_("Division"), queryset=Division.objects.order_by("name_en"))
    stated_district = AreaChoiceField(label=_("District"), queryset=District.objects.none())
    stated_upazila = AreaChoiceField(label=_("Upazila or city corporation"), queryset=Upazila.objects.none())
    latitude = CoordinateField(label=_("Latitude"))
    longitude = CoordinateField(label=_("Longitude"))

    def __init__(self, *args, application: Application, **kwargs):
        super().__init__(*args, **kwargs)
        division = self._chosen("stated_division", application.stated_division_id)
        district = self._chosen("stated_district", application.stated_district_id)
        self.fields["stated_district"].queryset = District.objects.filter(division_id=division).order_by(
            "name_en"
        )
        self.fields["stated_upazila"].queryset = Upazila.objects.filter(
            district_id=district, district__division_id=division
        ).order_by("name_en")
        if not self.is_bound:
            self.initial.update(
                factory_address=application.factory_address,
                stated_division=application.stated_division_id,
                stated_district=application.stated_district_id,
                stated_upazila=application.stated_upazila_id,
            )
            if application.location is not None:
                self.initial.update(latitude=application.location.y, longitude=application.location.x)

    def _chosen(self, name: str, saved):
        """The id chosen in the posted data (or the saved one), to narrow the next select."""
        value = self.data.get(name) if self.is_bound else saved
        value = to_ascii_digits(str(value or ""))
        return int(value) if value.isdigit() else None

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if lat is not None and lon is not None:
            west, south, east, north = BANGLADESH_EXTENT
            if not (south <= lat <= north and west <= lon <= east):
                raise ValidationError(
                    _(
                        "The point %(lat)s, %(lon)s is outside Bangladesh. Pick the factory on the map, "
                        "or use your phone's location at the factory."
                    )
                    % {"lat": lat, "lon": lon}
                )
        return cleaned


# --- 4 investment -------------------------------------------------------------------------------------------


class InvestmentForm(forms.ModelForm):
    land_bdt = FigureField(label=_("Land (Tk)"), max_value=BDT_MAX)
    building_bdt = FigureField(label=_("Building (Tk)"), max_value=BDT_MAX)
    machinery_bdt = FigureField(label=_("Machinery and equipment (Tk)"), max_value=BDT_MAX)
    other_fixed_bdt = FigureField(
        label=_("Other fixed assets (Tk)"), max_value=BDT_MAX, help_text=_("Furniture, tools, vehicles.")
    )
    working_capital_bdt = FigureField(label=_("Working capital (Tk)"), max_value=BDT_MAX)
    workers_male = FigureField(label=_("Male workers"), max_value=WORKERS_MAX)
    workers_female = FigureField(label=_("Female workers"), max_value=WORKERS_MAX)
    workers_foreign = FigureField(
        label=_("Foreign workers"),
        max_value=WORKERS_MAX,
        help_text=_("How many of the male and female workers are foreign nationals."),
    )

    class Meta:
        model = Application
        fields = [
            "land_bdt",
            "building_bdt",
            "machinery_bdt",
            "other_fixed_bdt",
            "working_capital_bdt",
            "workers_male",
            "workers_female",
            "workers_foreign",
        ]

    saved_fields = Meta.fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:  # what size-class.js sends to the size_class endpoint
            self.fields[name].widget.attrs["data-size-input"] = name

    def clean(self):
        cleaned = super().clean()
        male, female, foreign = (
            cleaned.get(f) for f in ("workers_male", "workers_female", "workers_foreign")
        )
        if None not in (male, female, foreign) and foreign > male + female:
            self.add_error(
                "workers_foreign",
                _("Foreign workers are counted among the %(total)s workers: at most %(total)s.")
                % {"total": male + female},
            )
        return cleaned


# --- 5 documents --------------------------------------------------------------------------------------------


class DocumentsForm(forms.Form):
    """One file field for each kind the applicant may upload now."""

    def __init__(self, *args, requirements, ownership: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        accept = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
        for requirement in requirements:
            self.fields[requirement.kind] = forms.FileField(
                label=requirement.name_bn if _bangla() else requirement.name_en,
                help_text=requirement.help_bn if _bangla() else requirement.help_en,
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": accept, "data-max-upload": "1"}),
            )
            # Not required by the form (a step may be saved with some files still to come) but by the
            # submission: the page must not call it optional.
            self.fields[requirement.kind].needed = requirement.required_of(ownership)


def max_upload_megabytes() -> str:
    return f"{settings.REGISTRATION_MAX_UPLOAD_BYTES / (1024 * 1024):g}"
