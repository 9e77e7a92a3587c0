"""Online payments in the admin: to look at, never to edit. Money moves only through payments.services (the
gateway's validation, an approving officer's decision or recorded refund), so nobody adds, changes or deletes
an attempt here, superusers included; the gateway's log is append-only in the database as well."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from registrations.admin import ReadOnlyAdmin

from .models import Attempt, GatewayEvent


class GatewayEventInline(admin.TabularInline):
    model = GatewayEvent
    fields = ["created", "kind", "outcome", "detail"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyAdmin):
    list_display = [
        "tran_id",
        "tracking_no",
        "amount",
        "state",
        "problem",
        "gateway",
        "created",
        "settled_at",
    ]
    list_filter = ["state", "problem", "gateway"]
    list_select_related = ["application"]
    search_fields = ["=tran_id", "=application__tracking_no", "=bank_tran_id"]
    date_hierarchy = "created"
    show_full_result_count = False
    fields = [
        "tran_id",
        "application",
        "gateway",
        "store_id",
        "amount",
        "currency",
        "state",
        "problem",
        "created",
        "expires_at",
        "val_id",
        "gateway_amount",
        "bank_tran_id",
        "card_type",
        "risk_level",
        "risk_title",
        "settled_at",
        "checks",
        "last_error",
        "payment",
        "decided_by",
        "refunded_by",
        "refunded_at",
        "refund_reason",
        "refund_reference",
    ]
    readonly_fields = fields
    inlines = [GatewayEventInline]

    @admin.display(description=_("tracking number"), ordering="application__tracking_no")
    def tracking_no(self, attempt):
        return attempt.application.tracking_no


@admin.register(GatewayEvent)
class GatewayEventAdmin(ReadOnlyAdmin):
    list_display = ["created", "tran_id", "kind", "outcome"]
    list_filter = ["kind", "outcome"]
    search_fields = ["=tran_id"]
    date_hierarchy = "created"
    show_full_result_count = False
    fields = ["created", "tran_id", "attempt", "kind", "outcome", "detail"]
    readonly_fields = fields
