"""Head office's admin of e-Registration: the offices and their rollout switch, officers, the steps' working
days, documents, fees and holidays; applications, transitions and payments to look at, never to edit.

An application's state moves only through registrations.workflow (its field is protected), so the admin shows
applications read-only. Owners' names, NIDs and phones, and the applicant's mobile, appear only to users
holding industries.view_personal as well.
"""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from industries.models import PERSONAL_PERMISSION

from .models import (
    FINAL_STATES,
    Actor,
    Application,
    DocumentRequirement,
    FeeCharge,
    FeeRate,
    Holiday,
    Office,
    Officer,
    Owner,
    Payment,
    State,
    Step,
    Transition,
)
from .services.offices import offices_open
from .services.rollout import office_save, offices_close, offices_missing_officers


def _personal(request) -> bool:
    return request.user.has_perm(PERSONAL_PERMISSION)


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record kept by the workflow: shown to users with the view permission; nobody adds, edits or deletes
    one here, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- offices and officers -----------------------------------------------------------------------------------


class OfficerInline(admin.TabularInline):
    model = Officer
    fields = ["user", "role", "designation_en", "designation_bn", "is_active"]
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Office)
class OfficeAdmin(admin.ModelAdmin):
    """The rollout: an office joins by ticking "open for e-Registration" in the list (or the action)."""

    list_display = ["district", "name_en", "name_bn", "is_open", "opened_on", "officer_count"]
    list_display_links = ["district", "name_en"]
    list_editable = ["is_open"]
    list_filter = ["is_open", "district__division"]
    list_select_related = ["district"]
    search_fields = ["name_en", "name_bn", "district__name_en", "district__name_bn"]
    readonly_fields = ["district", "opened_on"]
    fields = [
        "district",
        "name_en",
        "name_bn",
        "is_open",
        "opened_on",
        "address_en",
        "address_bn",
        "phone",
        "email",
        "registration_no_format",
    ]
    inlines = [OfficerInline]
    actions = ["open_selected", "close_selected"]
    list_per_page = 100  # all 64 on one page: the rollout is read at a glance

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(officers_count=Count("officers"))

    @admin.display(description=_("officers"), ordering="officers_count")
    def officer_count(self, obj):
        return obj.officers_count

    def has_add_permission(self, request):
        return False  # one per district, made by `manage.py setup_registrations`

    def has_delete_permission(self, request, obj=None):
        return False  # applications, officers and counters hang on it

    def save_model(self, request, obj, form, change):
        office_save(office=obj)
        self._warn_unstaffed(request, Office.objects.filter(pk=obj.pk))

    def _warn_unstaffed(self, request, offices):
        missing = offices_missing_officers(offices=offices)
        if missing:
            self.message_user(
                request,
                _(
                    "Open without an active extension officer and an active approving officer: %(offices)s. "
                    "Their applications will wait: add the officers under Officers."
                )
                % {"offices": ", ".join(o.name_en for o in missing)},
                messages.WARNING,
            )

    @admin.action(permissions=["change"], description=_("Open selected offices for e-Registration"))
    def open_selected(self, request, queryset):
        opened = offices_open(district_codes=list(queryset.values_list("district__code", flat=True)))
        self.message_user(
            request, _("%(count)d office(s) opened for e-Registration.") % {"count": opened}, messages.SUCCESS
        )
        self._warn_unstaffed(request, queryset)

    @admin.action(permissions=["change"], description=_("Close selected offices for e-Registration"))
    def close_selected(self, request, queryset):
        closed = offices_close(offices=queryset)
        self.message_user(
            request, _("%(count)d office(s) closed for e-Registration.") % {"count": closed}, messages.SUCCESS
        )


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "office", "role", "designation_en", "is_active"]
    list_filter = ["role", "is_active", "office__district__division", "office"]
    list_select_related = ["user", "office"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "office__name_en"]
    autocomplete_fields = ["user", "office"]


# --- what it takes: steps, documents, fees, holidays --------------------------------------------------------


@admin.register(Step)
class StepAdmin(admin.ModelAdmin):
    """A step per state of the application (setup_registrations loads them): their words and time limits
    are edited, but a step is neither added nor removed here, since the states are the workflow's."""

    list_display = ["order", "name_en", "name_bn", "who_en", "working_days", "applicant_acts"]
    list_display_links = ["name_en"]
    list_editable = ["working_days"]
    readonly_fields = ["state"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class DocumentRequirementForm(forms.ModelForm):
    required_for = forms.MultipleChoiceField(
        label=_("required for ownership types"),
        choices=Application.Ownership.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: required of every applicant."),
    )

    class Meta:
        model = DocumentRequirement
        fields = [
            "kind",
            "order",
            "name_en",
            "name_bn",
            "help_en",
            "help_bn",
            "required_for",
            "is_optional",
        ]


@admin.register(DocumentRequirement)
class DocumentRequirementAdmin(admin.ModelAdmin):
    form = DocumentRequirementForm
    list_display = ["order", "name_en", "name_bn", "kind", "required_for_display", "is_optional"]
    list_display_links = ["name_en"]
    search_fields = ["kind", "name_en", "name_bn"]

    @admin.display(description=_("required for ownership types"))
    def required_for_display(self, obj):
        labels = dict(Application.Ownership.choices)
        return ", ".join(str(labels.get(o, o)) for o in obj.required_for) or _("everyone")


@admin.register(FeeRate)
class FeeRateAdmin(admin.ModelAdmin):
    list_display = ["effective_from", "size_class", "max_investment_bdt", "amount"]
    list_filter = ["size_class", "effective_from"]
    date_hierarchy = "effective_from"


@admin.register(FeeCharge)
class FeeChargeAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_bn", "percent", "amount", "effective_from", "effective_until"]
    list_filter = ["effective_from"]


class HolidayOfficeFilter(admin.SimpleListFilter):
    title = _("office")
    parameter_name = "office"

    def lookups(self, request, model_admin):
        return [("national", _("Every office (public holiday)")), ("office", _("One office only"))]

    def queryset(self, request, queryset):
        if self.value() == "national":
            return queryset.filter(office__isnull=True)
        if self.value() == "office":
            return queryset.filter(office__isnull=False)
        return queryset


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name_en", "name_bn", "office"]
    list_filter = [HolidayOfficeFilter]
    list_select_related = ["office"]
    search_fields = ["name_en", "name_bn"]
    date_hierarchy = "date"
    autocomplete_fields = ["office"]


# --- applications and their record (read-only) --------------------------------------------------------------


class OwnerInline(admin.TabularInline):
    """Owners are personal data: the inline exists only for users who may see it (ApplicationAdmin)."""

    model = Owner
    fields = ["name_bn", "name_en", "nid", "date_of_birth", "phone", "email", "address"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("registrations.view_application") and _personal(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionInline(admin.TabularInline):
    model = Transition
    fields = ["created", "action", "source", "target", "actor_role", "note", "internal_note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["created", "id"]

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("registrations.view_application")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", _("Overdue"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open().filter(due_date__lt=timezone.localdate())
        return queryset


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
    list_display = [
        "tracking_no",
        "name_en",
        "office",
        "state",
        "due_date",
        "overdue",
        "submitted_at",
        "size_class",
        "registration_no",
    ]
    list_filter = [
        "state",
        OverdueFilter,
        "office__is_open",
        "office",
        "due_date",
        "submitted_at",
        "size_class",
        "district_mismatch",
    ]
    list_select_related = ["office"]
    search_fields = ["=tracking_no", "=registration_no"]
    date_hierarchy = "submitted_at"
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["tracking_no", "state", "office", "assigned_to", "due_date", "applicant"]}),
        (
            _("Enterprise"),
            {
                "fields": [
                    "application_type",
                    "name_bn",
                    "name_en",
                    "kind",
                    "isic_section",
                    "isic_division",
                    "products",
                    "year_started",
                    "trade_licence_no",
                    "trade_licence_authority",
                    "tin",
                    "bin",
                    "ownership",
                    "is_family_based",
                ]
            },
        ),
        (
            _("Location"),
            {
                "fields": [
                    "factory_address",
                    "stated_division",
                    "stated_district",
                    "stated_upazila",
                    "location",
                    "division",
                    "district",
                    "upazila",
                    "district_mismatch",
                ]
            },
        ),
        (
            _("Investment and workers"),
            {
                "fields": [
                    "land_bdt",
                    "building_bdt",
                    "machinery_bdt",
                    "other_fixed_bdt",
                    "working_capital_bdt",
                    "workers_male",
                    "workers_female",
                    "workers_foreign",
                    "size_class",
                    "size_policy",
                ]
            },
        ),
        (
            _("Review and registration"),
            {
                "fields": [
                    "submitted_at",
                    "step_started",
                    "fee_total",
                    "registration_no",
                    "registered_at",
                    "enterprise",
                    "enterprise_created",
                    "created",
                    "updated",
                ]
            },
        ),
    ]
    # Not in any form (editable=False, or auto); the view-only page shows the rest as read-only already.
    readonly_fields = ["division", "district", "upazila", "created", "updated"]

    def get_fieldsets(self, request, obj=None):
        if _personal(request):
            return self.fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "applicant"]})
            for name, options in self.fieldsets
        ]

    def get_inlines(self, request, obj):
        return [OwnerInline, TransitionInline] if _personal(request) else [TransitionInline]

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, obj):
        if obj.due_date is None or obj.state in (State.DRAFT, *FINAL_STATES):
            return None
        return obj.due_date < timezone.localdate()


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    list_display = ["created", "application", "action", "source", "target", "actor_role", "officer"]
    list_filter = ["action", "target", "actor_role"]
    list_select_related = ["application", "actor"]
    search_fields = ["=application__tracking_no"]
    date_hierarchy = "created"
    show_full_result_count = False
    fields = [
        "application",
        "created",
        "action",
        "source",
        "target",
        "actor_role",
        "officer",
        "note",
        "internal_note",
    ]
    readonly_fields = ["officer"]

    @admin.display(description=_("officer"))
    def officer(self, obj):
        """The officer who moved it; an applicant's user name is their mobile number, so it is not shown."""
        if obj.actor is None or obj.actor_role in (Actor.APPLICANT, Actor.SYSTEM):
            return "—"
        return obj.actor.get_full_name() or obj.actor.get_username()


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["paid_on", "application", "method", "amount", "receipt_no", "recorded_by", "created"]
    list_filter = ["method", "paid_on"]
    list_select_related = ["application", "recorded_by"]
    search_fields = ["=receipt_no", "=application__tracking_no"]
    date_hierarchy = "paid_on"
