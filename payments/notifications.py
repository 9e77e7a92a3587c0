"""Telling the applicant by SMS what became of money that was not simply counted: held for the office, not
counted (a refund is due), refunded. A counted payment is told by registrations.notifications (the move to
"paid"). Sent after the commit; a failing gateway is logged (attempt id, event; nothing personal) and changes
nothing."""

import logging

from django.db import transaction

from industries.bangla import to_bangla_digits
from sms.backends import send_sms

logger = logging.getLogger(__name__)

# {T}: tracking number, {X}: transaction id. Bangla, then a short English line (two SMS parts at most).
SMS_TEXTS = {
    "held": "বিসিক: লেনদেন {X}-এর পেমেন্ট অফিস যাচাই করছে। আবার টাকা দেবেন না।\nBSCIC: payment under check.",
    "refund_due": (
        "বিসিক: লেনদেন {X}-এর টাকা আবেদন {T}-এর ফি হিসেবে নেওয়া যায়নি; অফিস ফেরত দেবে।\nBSCIC: refund due."
    ),
    "refunded": "বিসিক: লেনদেন {X}-এর {amount_bn} টাকা ফেরত দেওয়া হয়েছে।\nBSCIC: payment refunded.",
}


def sms_text(attempt, event: str) -> str:
    amount = f"{attempt.amount:.2f}".removesuffix(".00")
    return SMS_TEXTS[event].format(
        T=attempt.application.tracking_no or "—", X=attempt.tran_id, amount_bn=to_bangla_digits(amount)
    )


def _send(attempt, event: str) -> None:
    try:
        send_sms(to=attempt.application.applicant.phone, text=sms_text(attempt, event))
    except Exception as error:  # whatever the gateway does, the payment's state stands
        logger.warning(
            "Payment notice %s of attempt %s: SMS not sent (%s)", event, attempt.pk, type(error).__name__
        )


def tell_applicant(attempt, event: str) -> None:
    """SMS the applicant about ``event`` (a key of SMS_TEXTS) once the current transaction commits."""
    transaction.on_commit(lambda: _send(attempt, event))
