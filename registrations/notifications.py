"""Telling the applicant, by SMS (and e-mail when given), when they must act or there is a result.

``registrations.workflow`` calls ``notify_applicant`` after the commit of each move marked notify=True. A
failing gateway or mail server must not undo or break the move, which is done: the failure is logged
(application id, event and error; no number, name or text) and the applicant still sees the state on their
page and on /track/. The SMS carries Bangla and a short English line; a Bangla SMS is UCS-2, 70 characters a
part (67 when split), so each is kept to two parts.
"""

import logging
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.urls import NoReverseMatch, reverse

from industries.bangla import to_bangla_digits
from sms.backends import send_sms

logger = logging.getLogger(__name__)

# {T}: tracking number, {R}: registration number, {amount}: fee due. What happened, and what to do next.
SMS_TEXTS = {
    "submit": "বিসিক: আবেদন জমা হয়েছে। ট্র্যাকিং নং {T}\nBSCIC: application submitted.",
    "raise_shortfall": (
        "বিসিক: আবেদন {T}-এ ঘাটতি আছে। লগ ইন করে ঠিক করুন ও আবার জমা দিন।\nBSCIC: correct and resubmit."
    ),
    "approve_for_payment": (
        "বিসিক: আবেদন {T} অনুমোদিত। ফি {amount_bn} টাকা জমা দিন।\nBSCIC: approved, pay BDT {amount}."
    ),
    "request_renewal": (
        "বিসিক: নিবন্ধন {R} নবায়নের আবেদন {T}। ফি {amount_bn} টাকা জমা দিন।\nBSCIC: renewal, pay BDT {amount}."
    ),
    "record_payment": "বিসিক: আবেদন {T}-এর ফি পাওয়া গেছে। শিগগিরই নিবন্ধন হবে।\nBSCIC: fee received.",
    "pay_online": "বিসিক: আবেদন {T}-এর ফি অনলাইনে পাওয়া গেছে। রসিদ লগ ইন করে নিন।\nBSCIC: fee received online.",
    "register": "বিসিক: নিবন্ধন সম্পন্ন (আবেদন {T})। নিবন্ধন নং {R}\nBSCIC: registered.",
    "reject": "বিসিক: আবেদন {T} নামঞ্জুর হয়েছে। কারণ জানতে লগ ইন করুন।\nBSCIC: rejected; log in to see why.",
}

# The e-mail says the same at more length, with the office's note (the one the applicant may see).
MAIL_TEXTS = {
    "submit": (
        "আবেদন জমা হয়েছে",
        "Application submitted",
        "আপনার আবেদন জমা হয়েছে। ট্র্যাকিং নম্বর: {T}। প্রতিটি ধাপে আপনাকে জানানো হবে।",
        "Your application has been submitted. Tracking number: {T}. You will be told at every step.",
    ),
    "raise_shortfall": (
        "আবেদনে ঘাটতি",
        "Shortfall in your application",
        "আবেদন {T}-এ কিছু কাগজ বা তথ্য অসম্পূর্ণ বা ভুল। লগ ইন করে নিচের বিষয়গুলো ঠিক করুন ও আবার জমা দিন।",
        "Some documents or details of application {T} are missing or wrong. Log in, correct the items "
        "below and resubmit.",
    ),
    "request_renewal": (
        "নিবন্ধন নবায়ন",
        "Renewal of the registration",
        "নিবন্ধন {R} নবায়নের আবেদন {T} গৃহীত হয়েছে। নবায়ন ফি {amount_bn} টাকা আবেদনের পাতা থেকে অনলাইনে, "
        "বিসিক অফিসে বা এ-চালানে জমা দিন।",
        "Your application {T} to renew registration {R} has been received. Pay the renewal fee of "
        "BDT {amount} online from your application's page, at the BSCIC office or by A-Challan.",
    ),
    "approve_for_payment": (
        "ফি প্রদানের জন্য অনুমোদিত",
        "Approved for payment",
        "আবেদন {T} ফি প্রদানের জন্য অনুমোদিত হয়েছে। নিবন্ধন ফি {amount_bn} টাকা আবেদনের পাতা থেকে অনলাইনে, "
        "বিসিক অফিসে বা এ-চালানে জমা দিন।",
        "Application {T} has been approved for payment. Pay the registration fee of BDT {amount} online from "
        "your application's page, at the BSCIC office or by A-Challan.",
    ),
    "record_payment": (
        "ফি পাওয়া গেছে",
        "Fee received",
        "আবেদন {T}-এর ফি পাওয়া গেছে। অনুমোদনকারী কর্মকর্তা শিগগিরই নিবন্ধন দেবেন।",
        "The fee for application {T} has been received. The approving officer will register it soon.",
    ),
    "pay_online": (
        "অনলাইনে ফি পাওয়া গেছে",
        "Fee received online",
        "আবেদন {T}-এর ফি অনলাইনে পাওয়া গেছে। টাকার রসিদ আপনার আবেদনের পাতায় আছে। অনুমোদনকারী কর্মকর্তা শিগগিরই "
        "নিবন্ধন দেবেন।",
        "The fee for application {T} has been received online. The money receipt is on your application's "
        "page. The approving officer will register it soon.",
    ),
    "register": (
        "নিবন্ধন সম্পন্ন",
        "Registered",
        "অভিনন্দন! আবেদন {T} অনুযায়ী আপনার শিল্পপ্রতিষ্ঠান নিবন্ধিত হয়েছে। নিবন্ধন নম্বর: {R}।",
        "Congratulations! Your enterprise has been registered (application {T}). Registration number: {R}.",
    ),
    "reject": (
        "আবেদন নামঞ্জুর",
        "Application rejected",
        "দুঃখিত, আবেদন {T} নামঞ্জুর হয়েছে। কারণ নিচে দেওয়া হলো।",
        "We are sorry: application {T} has been rejected. The reason is given below.",
    ),
}


def _amount(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if value == value.to_integral_value() else f"{value:.2f}"


def _values(application) -> dict:
    amount = _amount(application.fee_total)
    return {
        "T": application.tracking_no or "—",
        # A renewal has the number it renews once registered; before, it is the one being renewed.
        "R": application.registration_no
        or (application.renews.registration_no if application.renews_id else None)
        or "—",
        "amount": amount,
        "amount_bn": to_bangla_digits(amount),
    }


def sms_text(*, application, event: str) -> str:
    return SMS_TEXTS[event].format(**_values(application))


def _track_link() -> str:
    if not settings.REGISTRATION_SITE_URL:
        return ""
    try:
        return settings.REGISTRATION_SITE_URL + reverse("registrations:track")
    except NoReverseMatch:
        return ""


def mail_message(*, application, event: str) -> tuple[str, str]:
    """The subject and body of the e-mail: Bangla, then English."""
    values = _values(application)
    title_bn, title_en, body_bn, body_en = MAIL_TEXTS[event]
    transition = application.transitions.filter(action=event).order_by("-created", "-id").first()
    details = []
    if event == "raise_shortfall" and transition is not None:
        details += [f"• {item.item}: {item.note}" for item in transition.shortfall_items.all()]
    if transition is not None and transition.note:
        details.append(transition.note)
    link = _track_link()
    parts = [body_bn.format(**values), body_en.format(**values), *details]
    if link:
        parts.append(link)
    parts.append("বিসিক ই-নিবন্ধন · BSCIC e-Registration")
    return f"{title_bn} · {title_en} · {values['T']}", "\n\n".join(parts)


def notify_applicant(*, application, event: str) -> None:
    """SMS the applicant about ``event`` (a move of registrations.workflow.MOVES), and e-mail them if they
    gave an address. Never raises."""
    if event not in SMS_TEXTS:
        logger.error("No notification text for event %s (application %s)", event, application.pk)
        return
    applicant = application.applicant
    try:
        send_sms(to=applicant.phone, text=sms_text(application=application, event=event))
    except Exception as error:  # whatever the gateway does, the move stands
        logger.warning(
            "Notification %s of application %s: SMS not sent (%s: %s)",
            event,
            application.pk,
            type(error).__name__,
            error,
        )
    if not applicant.email:
        return
    try:
        subject, body = mail_message(application=application, event=event)
        send_mail(subject, body, None, [applicant.email])
    except Exception as error:
        logger.warning(
            "Notification %s of application %s: e-mail not sent (%s)",
            event,
            application.pk,
            type(error).__name__,
        )
