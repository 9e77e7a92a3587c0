"""Applicant accounts: sign-up and password reset with a one-time code sent by SMS.

A code is 6 random digits, kept only as an HMAC-SHA256 keyed by SECRET_KEY (``PhoneCode.code_hash``). Only the
latest code of a number and purpose counts; it expires after OTP_TTL_SECONDS, is used once and allows
OTP_MAX_ATTEMPTS wrong tries. Sending is limited per number and per address by counting PhoneCode rows (every
process sees them); wrong codes are counted per address in the shared cache. A reset asked for a number with
no account answers exactly as for one with an account, and sends nothing.

The checks of a code are not wrapped in one transaction with the error they raise: a wrong try must stay
counted when the error is raised.
"""

import hashlib
import hmac
import ipaddress
import logging
import math
import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation

from industries.bangla import to_ascii_digits, to_bangla_digits
from industries.exceptions import InvalidPhone
from industries.identifiers import normalise_phone
from sms.backends import SmsError, masked, send_sms

from ..exceptions import RegistrationError
from ..models import Applicant, PhoneCode

logger = logging.getLogger(__name__)


class InvalidPhoneNumber(RegistrationError):
    code = "invalid_phone"
    message_en = "'{value}' is not a Bangladeshi mobile number. Write its 11 digits, for example 01712345678."
    message_bn = "'{value}' বাংলাদেশি মোবাইল নম্বর নয়। ১১ অঙ্কের নম্বরটি লিখুন, যেমন ০১৭১২৩৪৫৬৭৮।"


class AlreadyRegistered(RegistrationError):
    code = "already_registered"
    message_en = "This number already has an account. Log in, or set a new password if you have forgotten it."
    message_bn = "এই নম্বরে আগেই একটি অ্যাকাউন্ট আছে। লগ ইন করুন, অথবা পাসওয়ার্ড ভুলে গেলে নতুন পাসওয়ার্ড নিন।"


class CodeExpired(RegistrationError):
    code = "code_expired"
    message_en = "This code has expired or has already been used. Ask for a new code."
    message_bn = "কোডটির মেয়াদ শেষ, অথবা এটি আগেই ব্যবহার করা হয়েছে। নতুন কোড চান।"


class CodeWrong(RegistrationError):
    code = "code_wrong"
    message_en = "The code is wrong. You may try {tries_left} more time(s)."
    message_bn = "কোডটি ভুল। আর {tries_left_bn} বার চেষ্টা করতে পারবেন।"


class CodeAttemptsExhausted(RegistrationError):
    code = "code_attempts_exhausted"
    message_en = "A wrong code was entered too many times. Ask for a new code."
    message_bn = "অনেকবার ভুল কোড দেওয়া হয়েছে। নতুন কোড চান।"


class TooManyRequests(RegistrationError):
    code = "too_many_requests"
    message_en = "Too many tries. Please try again in {minutes} minute(s)."
    message_bn = "অনেকবার চেষ্টা করা হয়েছে। অনুগ্রহ করে {minutes_bn} মিনিট পরে আবার চেষ্টা করুন।"


class WeakPassword(RegistrationError):
    code = "weak_password"
    message_en = "Choose another password: {reasons}"
    message_bn = "অন্য পাসওয়ার্ড দিন: {reasons_bn}"


class SmsNotSent(RegistrationError):
    code = "sms_not_sent"
    message_en = "The SMS could not be sent just now. Please try again in a few minutes."
    message_bn = "এই মুহূর্তে এসএমএস পাঠানো গেল না। কয়েক মিনিট পরে আবার চেষ্টা করুন।"


# One part each: a Bangla SMS is UCS-2, 70 characters a part. Data, not translations: the SMS carries both
# languages, whichever the page was in.
CODE_TEXTS = {
    PhoneCode.Purpose.SIGNUP: "বিসিক নিবন্ধন কোড {code}। {minutes_bn} মিনিট বৈধ। কাউকে দেবেন না। BSCIC code",
    PhoneCode.Purpose.RESET: "বিসিক পাসওয়ার্ড কোড {code}। {minutes_bn} মিনিট বৈধ। কাউকে দেবেন না। BSCIC code",
}


def phone_normalised(raw) -> str:
    """The number as E.164, or InvalidPhoneNumber naming what was typed."""
    try:
        return normalise_phone(raw)
    except InvalidPhone:
        raise InvalidPhoneNumber(str(raw or "").strip()) from None


def _address(ip: str | None) -> str | None:
    """The client's address if it is one (a proxy misconfigured could hand anything on), else None."""
    try:
        return str(ipaddress.ip_address((ip or "").strip()))
    except ValueError:
        return None


def code_hash(*, phone: str, purpose: str, code: str) -> str:
    message = f"{purpose}:{phone}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _too_many(seconds: float) -> TooManyRequests:
    minutes = max(1, math.ceil(seconds / 60))
    return TooManyRequests(minutes=minutes, minutes_bn=to_bangla_digits(str(minutes)))


def _phone_taken(phone: str) -> bool:
    return (
        Applicant.objects.filter(phone=phone).exists()
        or get_user_model().objects.filter(username=phone).exists()
    )


def _check_send_limits(*, phone: str, ip: str | None, now: datetime) -> None:
    limits = [(PhoneCode.objects.filter(phone=phone), settings.OTP_SEND_LIMIT_PER_PHONE)]
    if ip:
        limits.append((PhoneCode.objects.filter(ip=ip), settings.OTP_SEND_LIMIT_PER_IP))
    for rows, (count, seconds) in limits:
        window = timedelta(seconds=seconds)
        recent = list(
            rows.filter(created__gt=now - window)
            .order_by("-created")
            .values_list("created", flat=True)[:count]
        )
        if len(recent) >= count:
            # Another may be sent when the oldest of these leaves the window.
            raise _too_many((recent[-1] + window - now).total_seconds())


def _send_code(*, phone: str, purpose: str, ip: str | None, deliver: bool) -> None:
    """Make a new code for the number and send it (only when ``deliver``: a reset for a number without an
    account makes the row, so that the limits answer alike, and sends nothing)."""
    code = f"{secrets.randbelow(10**6):06d}"
    now = timezone.now()
    with transaction.atomic():
        # One request per number at a time, in every process: the per-number limit is exact.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"phone-code:{phone}"])
        _check_send_limits(phone=phone, ip=ip, now=now)
        row = PhoneCode.objects.create(
            phone=phone,
            purpose=purpose,
            code_hash=code_hash(phone=phone, purpose=purpose, code=code),
            expires=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
            ip=ip or None,
        )
    if not deliver:
        return
    minutes = math.ceil(settings.OTP_TTL_SECONDS / 60)
    text = CODE_TEXTS[purpose].format(code=code, minutes_bn=to_bangla_digits(str(minutes)))
    try:
        send_sms(to=phone, text=text)
    except SmsError as error:
        # Not counted against the limits: the applicant did not get it.
        row.delete()
        logger.warning("One-time code (%s) to %s not sent: %s", purpose, masked(phone), error)
        raise SmsNotSent() from error


def _wrong_code_bucket(ip: str, now: datetime) -> tuple[str, float]:
    """The cache key counting the address's wrong codes in this window, and the seconds left in it."""
    seconds = settings.OTP_WRONG_LIMIT_PER_IP[1]
    window = int(now.timestamp()) // seconds
    return f"phone-code-wrong:{ip}:{window}", (window + 1) * seconds - now.timestamp()


def _check_wrong_limit(ip: str | None, now: datetime) -> None:
    if not ip:
        return
    key, left = _wrong_code_bucket(ip, now)
    if (cache.get(key) or 0) >= settings.OTP_WRONG_LIMIT_PER_IP[0]:
        raise _too_many(left)


def _count_wrong(ip: str | None, now: datetime) -> None:
    if not ip:
        return
    key, left = _wrong_code_bucket(ip, now)
    cache.add(key, 0, timeout=math.ceil(left) + 1)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=math.ceil(left) + 1)


def _use_code(
    *, phone: str, purpose: str, code: str, ip: str | None, now: datetime
) -> RegistrationError | None:
    """Check ``code`` against the number's latest code: mark it used when right, count the try when wrong.
    Returns the error for the caller to raise once this is committed. Call inside a transaction."""
    row = (
        PhoneCode.objects.select_for_update()
        .filter(phone=phone, purpose=purpose)
        .order_by("-created", "-id")
        .first()
    )
    if row is None or row.used is not None or row.expires <= now:
        return CodeExpired()
    if row.attempts >= settings.OTP_MAX_ATTEMPTS:
        return CodeAttemptsExhausted()
    typed = to_ascii_digits(str(code or "")).strip().replace(" ", "")
    if not hmac.compare_digest(row.code_hash, code_hash(phone=phone, purpose=purpose, code=typed)):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        _count_wrong(ip, now)
        left = settings.OTP_MAX_ATTEMPTS - row.attempts
        if left <= 0:
            return CodeAttemptsExhausted()
        return CodeWrong(tries_left=left, tries_left_bn=to_bangla_digits(str(left)))
    row.used = now
    row.save(update_fields=["used"])
    return None


def _validate_password(password: str, user) -> None:
    """Django's validators (AUTH_PASSWORD_VALIDATORS), their reasons in both languages."""
    reasons = {}
    for language in ("en", "bn"):
        with translation.override(language):
            try:
                password_validation.validate_password(password, user)
            except ValidationError as error:
                reasons[language] = " ".join(error.messages)
    if reasons:
        raise WeakPassword(reasons=reasons["en"], reasons_bn=reasons["bn"])


def signup_request_code(*, phone: str, ip: str | None) -> str:
    """Send a sign-up code to the number; returns it as E.164."""
    phone = phone_normalised(phone)
    if _phone_taken(phone):
        raise AlreadyRegistered()
    _send_code(phone=phone, purpose=PhoneCode.Purpose.SIGNUP, ip=_address(ip), deliver=True)
    return phone


def signup_verify(
    *, phone: str, code: str, password: str, name: str, email: str = "", ip: str | None
) -> Applicant:
    """Create the applicant's account once the code sent to the number is given back."""
    phone, ip = phone_normalised(phone), _address(ip)
    now = timezone.now()
    _check_wrong_limit(ip, now)
    if _phone_taken(phone):
        raise AlreadyRegistered()
    name, email = name.strip(), (email or "").strip()
    user = get_user_model()(username=phone, first_name=name[:150], email=email)
    _validate_password(password, user)
    try:
        with transaction.atomic():
            error = _use_code(phone=phone, purpose=PhoneCode.Purpose.SIGNUP, code=code, ip=ip, now=now)
            if error is None:
                user.set_password(password)
                user.save()
                applicant = Applicant.objects.create(
                    user=user, phone=phone, name=name, email=email, phone_verified=now
                )
    except IntegrityError:  # the same number signed up at the same moment
        raise AlreadyRegistered() from None
    if error is not None:
        raise error
    return applicant


def password_reset_request(*, phone: str, ip: str | None) -> str:
    """Send a reset code if the number has an account; the same answer if not. Returns the number (E.164)."""
    phone = phone_normalised(phone)
    exists = Applicant.objects.filter(phone=phone, user__is_active=True).exists()
    _send_code(phone=phone, purpose=PhoneCode.Purpose.RESET, ip=_address(ip), deliver=exists)
    return phone


def password_reset_confirm(*, phone: str, code: str, new_password: str, ip: str | None) -> None:
    """Set a new password once the reset code is given back. Other sessions of the account end (Django's
    session hash follows the password) and login failures counted against the number are forgotten."""
    from axes.utils import reset as axes_reset

    phone, ip = phone_normalised(phone), _address(ip)
    now = timezone.now()
    _check_wrong_limit(ip, now)
    applicant = Applicant.objects.select_related("user").filter(phone=phone, user__is_active=True).first()
    user = applicant.user if applicant else get_user_model()(username=phone)
    _validate_password(new_password, user)
    with transaction.atomic():
        error = _use_code(phone=phone, purpose=PhoneCode.Purpose.RESET, code=code, ip=ip, now=now)
        if error is None and applicant is not None:
            user.set_password(new_password)
            user.save(update_fields=["password"])
    if error is None and applicant is None:
        # Only a guessed code could get here for a number without an account: answer as for a wrong one.
        error = CodeWrong(tries_left=0, tries_left_bn=to_bangla_digits("0"))
    if error is not None:
        raise error
    axes_reset(username=phone)
