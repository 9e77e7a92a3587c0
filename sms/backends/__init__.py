"""The SMS interface and the backend chosen by ``settings.SMS_BACKEND`` (a dotted path to a class).

A backend sends one message to one E.164 number or raises ``SmsError``. Texts hold one-time codes and
applicants' affairs: backends log that a message went, to a masked number, never the text.
"""

from django.conf import settings
from django.utils.module_loading import import_string

# GSM 03.38: a text of only these characters goes as 7-bit (160 a part, 153 when split); the extension
# characters count twice. Anything else (any Bangla letter) sends the whole text as UCS-2: 70 a part, 67.
GSM_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
    "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = "^{}\\[~]|€\f"


class SmsError(Exception):
    """The message was not accepted for delivery. The text says why, without the number or the message."""


class SmsBackend:
    def send(self, *, to: str, text: str) -> None:
        raise NotImplementedError


def get_backend() -> SmsBackend:
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, to: str, text: str) -> None:
    get_backend().send(to=to, text=text)


def masked(number: str) -> str:
    """The operator prefix only (+88017…): enough to tell which network failed, not whose number."""
    return number[:6] + "X" * max(len(number) - 6, 0)


def sms_parts(text: str) -> int:
    """How many SMS parts the text takes (what the gateway charges)."""
    if all(c in GSM_BASIC or c in GSM_EXTENSION for c in text):
        length = len(text) + sum(c in GSM_EXTENSION for c in text)
        single, multi = 160, 153
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi = 70, 67
    return 1 if length <= single else -(-length // multi)
