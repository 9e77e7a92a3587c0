"""The admin of the geography, the enterprises (personal data only with view_personal; soft delete and
restore; versions) and the API keys (shown once, at creation)."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from .history import enterprise_versions
from .models import HISTORY_PERMISSION, PERSONAL_PERMISSION, ApiKey, District, Division, Enterprise, Upazila
from .services import enterprise_delete, enterprise_save, enterprises_delete, enterprises_restore


class AdminUnitAdmin(LeafletGeoAdmin):
    """Boundaries come from fixtures/bd-admin (load_admin_geography), so the admin shows them, read-only.

    The map draws the simplified boundary: the detailed one is for point-in-polygon and is heavy to draw.
    """

    modifiable = False
    exclude = ["geom"]
    search_fields = ["name_en", "name_bn", "aliases", "geocode"]
    list_display = ["name_en", "name_bn", "code", "geocode", "area_km2"]
    readonly_fields = ["code", "geocode", "pcode", "name_en", "name_bn", "aliases", "area_km2"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        """Nothing here is editable; never write a boundary back from the form."""


@admin.register(Division)
class DivisionAdmin(AdminUnitAdmin):
    pass


@admin.register(District)
class DistrictAdmin(AdminUnitAdmin):
    list_display = [*AdminUnitAdmin.list_display, "division"]
    list_filter = ["division"]
    readonly_fields = [*AdminUnitAdmin.readonly_fields, "division"]


@admin.register(Upazila)
class UpazilaAdmin(AdminUnitAdmin):
    list_display = [*AdminUnitAdmin.list_display, "unit_type", "district"]
    list_filter = ["unit_type", "district__division", "district"]
    list_select_related = ["district"]
    readonly_fields = [*AdminUnitAdmin.readonly_fields, "geocode_legacy", "unit_type", "district"]


class DeletedFilter(admin.SimpleListFilter):
    """Deleted enterprises are kept (soft delete); the list shows the others unless asked."""

    title = _("deleted")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", _("Deleted")), ("all", _("All"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("Not deleted"),
        }
        for value, title in self.lookup_choices:
            yield {
                "selected": self.value() == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted__isnull=False)
        if self.value() == "all":
            return queryset
        return queryset.filter(deleted__isnull=True)


def _personal(request) -> bool:
    return request.user.has_perm(PERSONAL_PERMISSION)


@admin.register(Enterprise)
class EnterpriseAdmin(LeafletGeoAdmin):
    """Owners' names, phones and NIDs appear (fields, search, history) only for view_personal: without it
    they are not in the form either, so a save keeps them as stored. Delete is soft; restore is an action."""

    list_display = ["__str__", "name_bn", "district", "upazila", "size_class", "kind", "district_mismatch"]
    list_filter = [
        DeletedFilter,
        "division",
        "size_class",
        "kind",
        "status",
        "district_mismatch",
        "is_synthetic",
        "district",
    ]
    list_select_related = ["district", "upazila"]
    search_fields = ["name_en", "name_bn", "registration_no", "product", "product_bn"]
    personal_search_fields = ["owner_name", "owner_phone", "owner_nid"]
    actions = ["restore_selected"]
    autocomplete_fields = ["stated_district", "stated_upazila"]
    show_full_result_count = False  # an exact count of a million rows on every page is not worth it
    readonly_fields = [
        *Enterprise.DERIVED_FIELDS,
        "stated_size_class",
        "created",
        "updated",
        "deleted",
        "merged_into",
    ]
    # A layout (groups, in the office's order), not a column list: tests/industries/test_enterprise_fields.py
    # checks that it shows every field of the model the admin may show, once.
    fieldsets = [
        (None, {"fields": ["name_bn", "name_en", "registration_no", "status", "is_synthetic"]}),
        (_("Owner (personal data)"), {"fields": ["owner_name", "owner_phone", "owner_nid"]}),
        (_("Location"), {"fields": ["address", "location", "stated_district", "stated_upazila"]}),
        (
            _("Derived from the location"),
            {"fields": ["division", "district", "upazila", "district_mismatch"]},
        ),
        (
            "Activity and size",
            {
                "fields": [
                    "kind",
                    "isic_section",
                    "isic_division",
                    "product",
                    "product_bn",
                    "is_family_based",
                    "is_labour_intensive",
                    "investment_bdt",
                    "workers_male",
                    "workers_female",
                    "workers_total",
                    "year_established",
                    "size_class",
                    "size_policy",
                    "stated_size_class",
                ]
            },
        ),
        (_("Record"), {"fields": ["created", "updated", "deleted", "merged_into"]}),
    ]

    def get_fieldsets(self, request, obj=None):
        if _personal(request):
            return self.fieldsets
        hidden = set(Enterprise.PERSONAL_FIELDS)
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in self.fieldsets
            if set(options["fields"]) - hidden
        ]

    def get_list_display(self, request):
        return self._without_personal(request, super().get_list_display(request))

    def get_list_filter(self, request):
        return self._without_personal(request, super().get_list_filter(request))

    def get_readonly_fields(self, request, obj=None):
        return self._without_personal(request, super().get_readonly_fields(request, obj))

    def get_search_fields(self, request):
        fields = list(super().get_search_fields(request))
        return [*fields, *self.personal_search_fields] if _personal(request) else fields

    def _without_personal(self, request, fields):
        if _personal(request):
            return fields
        return [f for f in fields if f not in Enterprise.PERSONAL_FIELDS]

    def get_exclude(self, request, obj=None):
        excluded = list(super().get_exclude(request, obj) or [])
        # Not in the form: a posted owner field is ignored, never written.
        return excluded if _personal(request) else [*excluded, *Enterprise.PERSONAL_FIELDS]

    def save_model(self, request, obj, form, change):
        enterprise_save(enterprise=obj)

    # Soft delete: the row leaves the API, tiles, statistics and exports, and stays here to be restored.
    def delete_model(self, request, obj):
        enterprise_delete(enterprise=obj)

    def delete_queryset(self, request, queryset):
        enterprises_delete(enterprises=queryset)

    def get_deleted_objects(self, objs, request):
        """Only the enterprises themselves are marked deleted: their import records and history stay."""
        objs = list(objs)
        return [str(o) for o in objs], {Enterprise._meta.verbose_name_plural: len(objs)}, set(), []

    @admin.action(permissions=["delete"], description=_("Restore selected deleted enterprises"))
    def restore_selected(self, request, queryset):
        restored = enterprises_restore(enterprises=queryset)
        self.message_user(
            request, _("%(count)d enterprise(s) restored.") % {"count": restored}, messages.SUCCESS
        )

    def history_view(self, request, object_id, extra_context=None):
        """Every version (imports, API, admin), for view_enterprise_history; Django's own log otherwise."""
        if not request.user.has_perm(HISTORY_PERMISSION):
            return super().history_view(request, object_id, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        context = {
            **self.admin_site.each_context(request),
            "title": _("History"),
            "subtitle": str(obj),
            "object": obj,
            "opts": self.opts,
            "versions": list(reversed(enterprise_versions(obj.pk, personal=_personal(request)))),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/industries/enterprise/versions.html", context)


class ApiKeyForm(forms.ModelForm):
    class Meta:
        model = ApiKey
        fields = ["name", "user", "expiry_date", "revoked"]

    def clean_user(self):
        """A key carries its user's permissions: only a superuser may make one for a user who has more
        than the admin making it."""
        user, maker = self.cleaned_data["user"], self.request.user
        if not maker.is_superuser and (
            user.is_superuser or not user.get_all_permissions() <= maker.get_all_permissions()
        ):
            raise forms.ValidationError(
                _(
                    "This user has permissions you do not have; ask a superuser to make the key. / "
                    "এই ব্যবহারকারীর এমন অনুমতি আছে যা আপনার নেই; একজন সুপারইউজারকে কী তৈরি করতে বলুন।"
                )
            )
        return user


# The package's own, userless key model is not used; its admin entry would only confuse.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(ApiKey)
class ApiKeyAdmin(APIKeyModelAdmin):
    """The key is shown once, in the message after saving a new one; only its hash and prefix are kept."""

    form = ApiKeyForm
    list_display = ["prefix", "name", "user", "created", "expiry_date", "_has_expired", "revoked"]
    list_filter = ["revoked", "expiry_date", "created"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request = request
        return form

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "user"] if obj is not None else fields

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        key = ApiKey.objects.assign_key(obj)
        obj.save()
        self.message_user(
            request,
            _(
                "The API key for %(name)s is: %(key)s — copy it now: it is not stored and will not be "
                "shown again. / %(name)s-এর এপিআই কী: %(key)s — এখনই কপি করুন, এটি আর দেখানো হবে না।"
            )
            % {"name": obj.name, "key": key},
            messages.WARNING,
        )
