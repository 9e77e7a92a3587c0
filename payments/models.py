"""Online payment of an application's fee: one Attempt per visit to the gateway, and the log of every word
exchanged with it.

An attempt counts as paid only when payments.services.attempt_settle has the gateway's own validation of it
and every figure matches the invoice here. The counted money is then a registrations.Payment (method
"online"), as a payment at the office is.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from registrations.models import Application, Payment


class Attempt(models.Model):
    class State(models.TextChoices):
        # No money yet. An attempt that failed or was cancelled may still be paid on the same gateway page
        # (the payer tries another card), so these are not final: only "expired" is.
        PENDING = "pending", _("Waiting for the gateway")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        # Money taken, as the gateway's validation says.
        PAID = "paid", _("Paid")
        HELD = "held", _("Held for the office to confirm")
        REFUND_DUE = "refund_due", _("Not counted: refund due")
        REFUNDED = "refunded", _("Refunded")

    class Problem(models.TextChoices):
        # Why money taken was not counted (state refund_due), or why a held payment was held.
        NONE = "", _("None")
        RISKY = "risky", _("The gateway flagged the payment as risky")
        MISMATCH = "mismatch", _("The gateway's figures differ from the invoice")
        ALREADY_PAID = "already_paid", _("The fee had already been paid")
        APPLICATION_CLOSED = "application_closed", _("The application was no longer waiting for the fee")
        DECLINED = "declined", _("An officer declined the held payment")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="online_payments")
    gateway = models.CharField(_("gateway"), max_length=30)
    # Fresh for every attempt: the gateway's key for it, and ours.
    tran_id = models.CharField(_("transaction id"), max_length=30, unique=True)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    currency = models.CharField(_("currency"), max_length=3, default="BDT")
    store_id = models.CharField(_("store id"), max_length=60)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PENDING)
    problem = models.CharField(_("problem"), max_length=20, choices=Problem.choices, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    # After this the applicant cannot use the gateway page any more; reconciliation asks once more, then
    # calls an attempt with nothing paid "expired".
    expires_at = models.DateTimeField(_("session expires"))
    gateway_page_url = models.URLField(_("gateway page"), max_length=500, blank=True)
    # What the gateway's validation said of the money (empty until then).
    val_id = models.CharField(_("validation id"), max_length=60, null=True, blank=True, unique=True)
    gateway_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    bank_tran_id = models.CharField(_("bank transaction id"), max_length=80, blank=True)
    card_type = models.CharField(_("paid with"), max_length=60, blank=True)
    risk_level = models.PositiveSmallIntegerField(null=True, blank=True)
    risk_title = models.CharField(max_length=100, blank=True)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)
    # When the payer paid, as the gateway says (its tran_date, Dhaka time); settled_at when it gives none.
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    # How often the gateway was asked about it, and what went wrong the last time it could not be.
    checks = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    # The money as counted for the application: set with state "paid".
    payment = models.OneToOneField(
        Payment, on_delete=models.PROTECT, null=True, blank=True, related_name="online_attempt"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The approving officer's note on a held payment (what they checked): for the office, not the applicant.
    decision_note = models.TextField(_("decision note"), blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refunded_at = models.DateTimeField(_("refunded"), null=True, blank=True)
    refund_reason = models.TextField(_("refund reason"), blank=True)
    refund_reference = models.CharField(_("refund reference"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="attempt_amount_positive"),
            # The fee is counted once, whatever the gateway sends and however often.
            models.UniqueConstraint(
                fields=["application"], condition=Q(state="paid"), name="attempt_one_paid_per_application"
            ),
            models.CheckConstraint(
                condition=~Q(state="paid") | Q(payment__isnull=False, val_id__isnull=False),
                name="attempt_paid_has_payment",
            ),
        ]
        # Reconciliation's walk: attempts without money, oldest first.
        indexes = [
            models.Index(
                fields=["created"],
                name="attempt_unsettled",
                condition=Q(state__in=["pending", "failed", "cancelled"]),
            )
        ]

    def __str__(self):
        return self.tran_id

    MONEY_STATES = (State.PAID, State.HELD, State.REFUND_DUE, State.REFUNDED)
    UNSETTLED_STATES = (State.PENDING, State.FAILED, State.CANCELLED)

    @property
    def has_money(self) -> bool:
        return self.state in self.MONEY_STATES


class GatewayEvent(models.Model):
    """One thing heard from or asked of the gateway about a transaction, and what came of it. Append-only.

    ``detail`` holds only the gateway's transaction fields (status, ids, amounts, risk), never the payer's
    name, phone, address or card number.
    """

    class Kind(models.TextChoices):
        SESSION = "session", _("Session opened")
        IPN = "ipn", _("Notification (IPN)")
        RETURN = "return", _("Browser returned")
        RECONCILE = "reconcile", _("Reconciliation")
        OFFICER = "officer", _("Officer")

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, null=True, related_name="events")
    tran_id = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    outcome = models.CharField(max_length=40)
    detail = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("gateway event")
        verbose_name_plural = _("gateway events")
        ordering = ["created", "id"]
        triggers = [
            pgtrigger.Protect(name="gateway_event_append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def __str__(self):
        return f"{self.tran_id} {self.kind}: {self.outcome}"
