"""Online payment of the fee: start an attempt, hear the gateway, settle, reconcile, and an officer's
decisions on held money and refunds.

A payment is counted (``attempt_settle``) only on the gateway's own validation of it, with the transaction
id, amount, currency and store matching the attempt stored here; the attempt's row is locked while it is
settled, so two notifications at once settle it once. The browser's return from the gateway changes nothing.
Whatever arrives twice, late, or for a transaction we do not have, is logged (GatewayEvent) and changes
nothing.
"""

import logging
import secrets
from collections import Counter
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from registrations.exceptions import ApplicationNotFound, MoveNotPossible, in_bangla
from registrations.models import Actor, Application, Payment, State
from registrations.workflow import actor_role, application_move

from .exceptions import (
    AlreadyPaid,
    GatewayRefused,
    GatewayUnavailable,
    NotHeld,
    NotRefundable,
    NotWaitingForFee,
    OnlinePaymentOff,
    PaymentBeingChecked,
    PaymentNotFound,
    RefundReasonRequired,
)
from .gateways import GatewayError, Invoice, SessionRefused, Verdict, gateway
from .models import Attempt, GatewayEvent
from .notifications import tell_applicant

logger = logging.getLogger(__name__)


class UnknownTransaction(Exception):
    """A notification for a transaction id we never issued."""


class BadSignature(Exception):
    """A notification whose signature does not match: not from the gateway, or altered."""


def online_payment_available() -> bool:
    return bool(settings.PAYMENT_ONLINE and settings.PAYMENT_GATEWAYS[settings.PAYMENT_GATEWAY]["STORE_ID"])


def new_tran_id() -> str:
    # Fresh for every attempt, never derived from the application: 23 characters (SSLCommerz takes 30).
    return f"BSCIC{timezone.localdate():%y%m%d}{secrets.token_hex(6).upper()}"


def _event(attempt: Attempt | None, kind: str, outcome: str, detail: dict | None = None, *, tran_id=""):
    GatewayEvent.objects.create(
        attempt=attempt,
        tran_id=(attempt.tran_id if attempt is not None else tran_id)[:100],
        kind=kind,
        outcome=outcome,
        detail=detail or {},
    )


def attempt_start(*, application_id: int, user, urls: dict[str, str]) -> Attempt:
    """Open a payment on the gateway for the applicant's fee; the attempt's gateway_page_url is where their
    browser goes. ``urls``: absolute success, fail, cancel and ipn URLs."""
    if not online_payment_available():
        raise OnlinePaymentOff()
    gw = gateway()
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("applicant", "office__district")
            .filter(pk=application_id)
            .first()
        )
        if application is None or application.applicant.user_id != user.pk:
            raise ApplicationNotFound(application_id)
        money = application.online_payments.filter(state__in=(Attempt.State.PAID, Attempt.State.HELD)).first()
        if money is not None and money.state == Attempt.State.PAID:
            raise AlreadyPaid(tran_id=money.tran_id)
        if money is not None:
            raise PaymentBeingChecked(tran_id=money.tran_id)
        if application.state != State.APPROVED_FOR_PAYMENT or not application.fee_total:
            raise NotWaitingForFee()
        attempt = Attempt.objects.create(
            application=application,
            gateway=gw.name,
            tran_id=new_tran_id(),
            amount=application.fee_total,
            currency="BDT",
            store_id=gw.store_id,
            started_by=user,
            expires_at=timezone.now() + timedelta(minutes=settings.PAYMENT_SESSION_MINUTES),
        )
    # Committed before the gateway hears of the transaction id: whatever it then does with it, it is ours.
    applicant = application.applicant
    invoice = Invoice(
        tran_id=attempt.tran_id,
        amount=attempt.amount,
        currency=attempt.currency,
        description=f"BSCIC registration fee, application {application.tracking_no}",
        customer_name=(applicant.name or application.name_en or application.name_bn or "-")[:50],
        customer_phone=applicant.phone,
        customer_email=applicant.email or settings.PAYMENT_CUSTOMER_EMAIL_FALLBACK,
        customer_address=(application.factory_address or "-").replace("\n", ", ")[:50],
        customer_city=application.office.district.name_en if application.office else "Dhaka",
        success_url=urls["success"],
        fail_url=urls["fail"],
        cancel_url=urls["cancel"],
        ipn_url=urls["ipn"],
    )
    try:
        session = gw.open_session(invoice)
    except SessionRefused as error:
        Attempt.objects.filter(pk=attempt.pk).update(state=Attempt.State.FAILED, last_error=str(error)[:300])
        _event(attempt, GatewayEvent.Kind.SESSION, "refused", {"reason": str(error)[:200]})
        raise GatewayRefused(reason=str(error)[:200]) from error
    except GatewayError as error:
        # It may have opened a session we did not hear of: the attempt stays pending, for reconciliation.
        Attempt.objects.filter(pk=attempt.pk).update(last_error=str(error)[:300])
        _event(attempt, GatewayEvent.Kind.SESSION, "gateway_error", {"error": str(error)[:200]})
        raise GatewayUnavailable() from error
    attempt.gateway_page_url = session.page_url
    Attempt.objects.filter(pk=attempt.pk).update(gateway_page_url=session.page_url)
    _event(attempt, GatewayEvent.Kind.SESSION, "opened", {"amount": f"{attempt.amount:.2f}"})
    return attempt


def notification_receive(*, form: dict, gateway_name: str | None = None) -> str:
    """The gateway's IPN: check its signature, ask the gateway about the payment, settle. Returns the
    outcome. UnknownTransaction, BadSignature, or GatewayUnavailable (the attempt is asked again later)."""
    gw = gateway(gateway_name)
    note = gw.read_notification(form)
    attempt = Attempt.objects.filter(tran_id=note.tran_id, gateway=gw.name).first() if note.tran_id else None
    heard = {"status": note.status[:20], "val_id": note.val_id[:60]}
    if attempt is None:
        _event(None, GatewayEvent.Kind.IPN, "unknown_transaction", heard, tran_id=note.tran_id)
        logger.warning("IPN for unknown transaction %r ignored", note.tran_id[:40])
        raise UnknownTransaction(note.tran_id)
    if not note.signature_ok:
        _event(attempt, GatewayEvent.Kind.IPN, "bad_signature", heard)
        logger.warning("IPN for %s with a bad signature ignored", attempt.tran_id)
        raise BadSignature(note.tran_id)
    try:
        # A payment said to be valid is asked of the validation API by its val_id; any other word (failed,
        # cancelled) is checked against what the gateway has for the transaction.
        verdict = gw.validate(note) if note.claim == Verdict.PAID else gw.look_up(attempt.tran_id)
    except GatewayError as error:
        _not_reached(attempt, error, kind=GatewayEvent.Kind.IPN)
        raise GatewayUnavailable() from error
    return attempt_settle(
        attempt_id=attempt.pk, verdict=verdict, kind=GatewayEvent.Kind.IPN, claim=note.claim
    )


def _not_reached(attempt: Attempt, error: Exception, *, kind: str) -> None:
    Attempt.objects.filter(pk=attempt.pk).update(last_error=str(error)[:300])
    _event(attempt, kind, "gateway_error", {"error": str(error)[:200]})
    logger.warning("Payment %s: the gateway could not be asked (%s)", attempt.tran_id, error)


def _mismatches(attempt: Attempt, verdict: Verdict) -> list[str]:
    found = []
    if verdict.amount is None or verdict.amount != attempt.amount:
        found.append(f"amount {verdict.amount} for {attempt.amount}")
    if verdict.currency != attempt.currency:
        found.append(f"currency {verdict.currency[:10]!r}")
    if verdict.store_id and verdict.store_id != attempt.store_id:
        found.append(f"store {verdict.store_id[:40]!r}")
    return found


def attempt_settle(*, attempt_id: int, verdict: Verdict, kind: str, claim: str = "", now=None) -> str:
    """Apply what the gateway's API says of the attempt, under the attempt's row lock. Returns the outcome:
    paid, held, mismatch, not_counted, failed, cancelled, expired, or one of the *_ignored / nothing_yet
    outcomes that change nothing. ``claim``: what the notification that led here said (a Verdict outcome),
    only for the log: a failure claimed for money already counted is a late failure, not a duplicate.
    ``now``: the clock expiry is judged by (reconciliation's own)."""
    with transaction.atomic():
        attempt = Attempt.objects.select_for_update().get(pk=attempt_id)
        before = attempt.state
        outcome = _settle_locked(attempt, verdict, claim, now or timezone.now())
        if attempt.state != before and attempt.state in (Attempt.State.HELD, Attempt.State.REFUND_DUE):
            tell_applicant(attempt, "held" if attempt.state == Attempt.State.HELD else "refund_due")
        attempt.checks += 1
        attempt.last_error = ""
        attempt.save()
        if outcome != "still_expired":  # asked again after its expiry, and still nothing: nothing to log
            _event(attempt, kind, outcome, verdict.fields)
    noteworthy = outcome.endswith("_ignored") or outcome in ("mismatch", "not_counted")
    level = logging.WARNING if noteworthy else logging.DEBUG if outcome == "still_expired" else logging.INFO
    logger.log(level, "Payment %s (%s): %s", attempt.tran_id, kind, outcome)
    return outcome


def _settle_locked(attempt: Attempt, verdict: Verdict, claim: str, clock) -> str:
    now = timezone.now()
    failure_claimed = claim in (Verdict.FAILED, Verdict.CANCELLED)
    if verdict.outcome == Verdict.PAID:
        if verdict.tran_id != attempt.tran_id:
            return "other_transaction_ignored"  # a validation of some other payment, replayed at this one
        if attempt.has_money:
            # A FAILED notification is checked against the transaction, which the gateway says was paid.
            return "late_failure_ignored" if failure_claimed else "duplicate_ignored"
        attempt.val_id = verdict.val_id
        attempt.gateway_amount = verdict.amount
        attempt.bank_tran_id = verdict.bank_tran_id
        attempt.card_type = verdict.card_type
        attempt.risk_level = verdict.risk_level
        attempt.risk_title = verdict.risk_title
        attempt.settled_at = now
        attempt.paid_at = verdict.paid_at or now
        if _mismatches(attempt, verdict):
            attempt.state, attempt.problem = Attempt.State.REFUND_DUE, Attempt.Problem.MISMATCH
            return "mismatch"
        if verdict.risk_level:
            attempt.state, attempt.problem = Attempt.State.HELD, Attempt.Problem.RISKY
            return "held"
        return _count(attempt, user=None)
    if attempt.has_money:
        # A late FAILED or CANCELLED after the money was validated: the money stands.
        failure = verdict.outcome in (Verdict.FAILED, Verdict.CANCELLED)
        return "late_failure_ignored" if failure else "no_change"
    if clock >= attempt.expires_at:
        # Our page lifetime is over, and the gateway has no payment: the applicant may start again. (The
        # gateway's own lifetime is not known: reconciliation still asks for a while, and a payment found
        # then counts.)
        if attempt.state == Attempt.State.EXPIRED:
            return "still_expired"
        attempt.state = Attempt.State.EXPIRED
        return "expired"
    if verdict.outcome == Verdict.FAILED:
        attempt.state = Attempt.State.FAILED
        return "failed"
    if verdict.outcome == Verdict.CANCELLED:
        attempt.state = Attempt.State.CANCELLED
        return "cancelled"
    return "invalid_ignored" if verdict.outcome == Verdict.INVALID else "nothing_yet"


def _count(attempt: Attempt, *, user, note: str = "") -> str:
    """Count the attempt's money as the application's fee (the move to "paid"), or, when the application no
    longer waits for it, keep it as a refund due."""

    def record(application, role):
        attempt.payment = Payment.objects.create(
            application=application,
            method=Payment.Method.ONLINE,
            amount=attempt.amount,
            receipt_no=attempt.tran_id,
            paid_on=timezone.localdate(attempt.paid_at or attempt.settled_at),
            recorded_by=user,
        )

    try:
        with transaction.atomic():
            application_move(
                application_id=attempt.application_id,
                action="pay_online" if user is None else "record_payment",
                user=user,
                internal_note=note,  # what the officer checked: the office's, not the applicant's
                apply=record,
            )
    except MoveNotPossible:
        attempt.payment = None
        state = Application.objects.values_list("state", flat=True).get(pk=attempt.application_id)
        attempt.state = Attempt.State.REFUND_DUE
        attempt.problem = (
            Attempt.Problem.ALREADY_PAID
            if state in (State.PAID, State.REGISTERED)
            else Attempt.Problem.APPLICATION_CLOSED
        )
        return "not_counted"
    attempt.state = Attempt.State.PAID
    return "paid"


def attempts_reconcile(*, now=None, older_than_minutes: int | None = None, limit: int = 1000) -> Counter:
    """Ask the gateway about every attempt still without money PAYMENT_RECONCILE_AFTER_MINUTES (or
    ``older_than_minutes``) after it began, and settle each. Returns the outcomes counted. One run leaves
    no money taken uncounted, but for a gateway that cannot be reached (counted as gateway_error; asked
    again next run)."""
    now = now or timezone.now()
    if older_than_minutes is None:
        older_than_minutes = settings.PAYMENT_RECONCILE_AFTER_MINUTES
    due = now - timedelta(minutes=older_than_minutes)
    # Expired by our clock, but the gateway's page may have outlived it: money taken then is found too.
    expired_since = now - timedelta(hours=settings.PAYMENT_RECONCILE_EXPIRED_HOURS)
    pending = (
        Attempt.objects.filter(
            Q(state__in=Attempt.UNSETTLED_STATES, created__lte=due)
            | Q(state=Attempt.State.EXPIRED, expires_at__gte=expired_since)
        )
        .order_by("created")
        .values_list("pk", "gateway", "tran_id")[:limit]
    )
    outcomes = Counter()
    for pk, gateway_name, tran_id in pending:
        try:
            verdict = gateway(gateway_name).look_up(tran_id)
        except GatewayError as error:
            _not_reached(Attempt.objects.get(pk=pk), error, kind=GatewayEvent.Kind.RECONCILE)
            outcomes["gateway_error"] += 1
            continue
        outcome = attempt_settle(attempt_id=pk, verdict=verdict, kind=GatewayEvent.Kind.RECONCILE, now=now)
        outcomes[outcome] += 1
    return outcomes


def _locked_for_officer(attempt_id: int, user) -> Attempt:
    attempt = (
        Attempt.objects.select_for_update(of=("self",))
        .select_related("application")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None:
        raise PaymentNotFound(attempt_id)
    # Money decisions are the approving officer's, of the office handling the application.
    actor_role(user=user, application=attempt.application, actor=Actor.APPROVING)
    return attempt


def attempt_decide(*, attempt_id: int, user, accept: bool, note: str = "") -> Attempt:
    """The approving officer's decision on a payment the gateway flagged as risky: count it, or decline it
    (the money is then a refund due)."""
    with transaction.atomic():
        attempt = _locked_for_officer(attempt_id, user)
        if attempt.state != Attempt.State.HELD:
            label = Attempt.State(attempt.state).label
            raise NotHeld(state=str(label), state_bn=in_bangla(label))
        attempt.decided_by = user
        attempt.decision_note = (note or "").strip()[:1000]
        if accept:
            outcome = _count(attempt, user=user, note=note)
        else:
            attempt.state, attempt.problem = Attempt.State.REFUND_DUE, Attempt.Problem.DECLINED
            outcome = "declined"
        attempt.save()
        _event(attempt, GatewayEvent.Kind.OFFICER, outcome, {"officer": user.pk})
        if attempt.state == Attempt.State.REFUND_DUE:
            tell_applicant(attempt, "refund_due")
    return attempt


def attempt_refund(*, attempt_id: int, user, reason: str, reference: str) -> Attempt:
    """Record a refund made outside this system (by the gateway's merchant panel or the bank), with why."""
    reason, reference = (reason or "").strip(), (reference or "").strip()
    if not reason or not reference:
        raise RefundReasonRequired()
    with transaction.atomic():
        attempt = _locked_for_officer(attempt_id, user)
        refundable = attempt.state == Attempt.State.REFUND_DUE or (
            attempt.state == Attempt.State.PAID and attempt.application.state == State.WITHDRAWN
        )
        if not refundable:
            label = Attempt.State(attempt.state).label
            raise NotRefundable(state=str(label), state_bn=in_bangla(label))
        attempt.state = Attempt.State.REFUNDED
        attempt.refunded_by = user
        attempt.refunded_at = timezone.now()
        attempt.refund_reason = reason[:1000]
        attempt.refund_reference = reference[:80]
        attempt.save()
        _event(attempt, GatewayEvent.Kind.OFFICER, "refunded", {"officer": user.pk})
        tell_applicant(attempt, "refunded")
    return attempt
