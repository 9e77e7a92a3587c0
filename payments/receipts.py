"""The money receipt of an online payment: what it shows (both languages), and the same page as a PDF.

The PDF is rendered by WeasyPrint with the Noto Sans Bengali shipped in this app's static files, read from
disk: the rendering never goes to the network, and Bangla does not depend on the fonts of the server.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.formats import date_format

from industries.bangla import to_bangla_digits

from .models import Attempt

TEMPLATE = "payments/receipt.html"
# Noto Sans Bengali has no Latin letters: Noto Sans carries the English.
FONT_FILES = {
    "bengali_regular": "payments/fonts/NotoSansBengali-Regular.ttf",
    "bengali_bold": "payments/fonts/NotoSansBengali-Bold.ttf",
    "latin_regular": "payments/fonts/NotoSans-Regular.ttf",
    "latin_bold": "payments/fonts/NotoSans-Bold.ttf",
}
# The receipt states the office's time, whatever the server's zone.
DHAKA = ZoneInfo("Asia/Dhaka")
PAISA = Decimal("0.01")

# fmt: off
_ONES = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
)
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
# fmt: on
# The South Asian scale, largest first: a crore is 100 lakh, a lakh 100 thousand.
_SCALE = ((10_000_000, "crore"), (100_000, "lakh"), (1_000, "thousand"), (100, "hundred"))

# Bangla has a word of its own for each number from 0 to 99. Common standard spellings; a few have
# variants in use (28 আঠাশ, 52 বাহান্ন, 88 অষ্টআশি, উন- for ঊন-).
# fmt: off
_BN_DECADES = (
    "শূন্য এক দুই তিন চার পাঁচ ছয় সাত আট নয়",
    "দশ এগারো বারো তেরো চৌদ্দ পনেরো ষোলো সতেরো আঠারো উনিশ",
    "বিশ একুশ বাইশ তেইশ চব্বিশ পঁচিশ ছাব্বিশ সাতাশ আটাশ ঊনত্রিশ",
    "ত্রিশ একত্রিশ বত্রিশ তেত্রিশ চৌত্রিশ পঁয়ত্রিশ ছত্রিশ সাঁইত্রিশ আটত্রিশ ঊনচল্লিশ",
    "চল্লিশ একচল্লিশ বিয়াল্লিশ তেতাল্লিশ চুয়াল্লিশ পঁয়তাল্লিশ ছেচল্লিশ সাতচল্লিশ আটচল্লিশ ঊনপঞ্চাশ",
    "পঞ্চাশ একান্ন বায়ান্ন তিপ্পান্ন চুয়ান্ন পঞ্চান্ন ছাপ্পান্ন সাতান্ন আটান্ন ঊনষাট",
    "ষাট একষট্টি বাষট্টি তেষট্টি চৌষট্টি পঁয়ষট্টি ছেষট্টি সাতষট্টি আটষট্টি ঊনসত্তর",
    "সত্তর একাত্তর বাহাত্তর তিয়াত্তর চুয়াত্তর পঁচাত্তর ছিয়াত্তর সাতাত্তর আটাত্তর ঊনআশি",
    "আশি একাশি বিরাশি তিরাশি চুরাশি পঁচাশি ছিয়াশি সাতাশি আটাশি ঊননব্বই",
    "নব্বই একানব্বই বিরানব্বই তিরানব্বই চুরানব্বই পঁচানব্বই ছিয়ানব্বই সাতানব্বই আটানব্বই নিরানব্বই",
)
# fmt: on
_BN_0_99 = tuple(word for decade in _BN_DECADES for word in decade.split())
_BN_SCALE = ((10_000_000, "কোটি"), (100_000, "লক্ষ"), (1_000, "হাজার"), (100, "শত"))


def number_in_words(number: int) -> str:
    """English words for a whole number, in crore, lakh and thousand: 1,25,000 is "one lakh twenty-five
    thousand". Above 99 crore the crores are counted in words too ("one hundred crore")."""
    if number < 0:
        raise ValueError("number_in_words: negative number")
    if number < 20:
        return _ONES[number]
    if number < 100:
        tens, ones = divmod(number, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    for size, name in _SCALE:
        if number >= size:
            head, rest = divmod(number, size)
            return f"{number_in_words(head)} {name}" + (f" {number_in_words(rest)}" if rest else "")
    raise AssertionError("unreachable")


def number_in_words_bn(number: int) -> str:
    """Bangla words for a whole number, in কোটি, লক্ষ, হাজার and শত: 1,25,000 is "এক লক্ষ পঁচিশ হাজার"."""
    if number < 0:
        raise ValueError("number_in_words_bn: negative number")
    if number < 100:
        return _BN_0_99[number]
    for size, name in _BN_SCALE:
        if number >= size:
            head, rest = divmod(number, size)
            return f"{number_in_words_bn(head)} {name}" + (f" {number_in_words_bn(rest)}" if rest else "")
    raise AssertionError("unreachable")


def taka_in_words_bn(amount: Decimal) -> str:
    """172.50 → "এক শত বাহাত্তর টাকা পঞ্চাশ পয়সা মাত্র"."""
    amount = Decimal(amount).quantize(PAISA, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("taka_in_words_bn: negative amount")
    taka, paisa = divmod(int(amount * 100), 100)
    words = f"{number_in_words_bn(taka)} টাকা"
    if paisa:
        words += f" {number_in_words_bn(paisa)} পয়সা"
    return f"{words} মাত্র"


def taka_in_words(amount: Decimal) -> str:
    """172.50 → "One hundred seventy-two taka and fifty paisa only"."""
    amount = Decimal(amount).quantize(PAISA, rounding=ROUND_HALF_UP)
    if amount < 0:
        raise ValueError("taka_in_words: negative amount")
    taka, paisa = divmod(int(amount * 100), 100)
    words = f"{number_in_words(taka)} taka"
    if paisa:
        words += f" and {number_in_words(paisa)} paisa"
    return f"{words} only".capitalize()


def _figures(amount) -> str:
    amount = Decimal(amount).quantize(PAISA, rounding=ROUND_HALF_UP)
    return f"{amount:,.2f}"


@dataclass(frozen=True)
class Amount:
    """One sum of money as the receipt prints it on each side."""

    en: str  # "Tk 172.50"
    bn: str  # "১৭২.৫০ টাকা"

    @classmethod
    def of(cls, value) -> "Amount":
        figures = _figures(value)
        return cls(en=f"Tk {figures}", bn=f"{to_bangla_digits(figures)} টাকা")


def _when(moment) -> dict[str, str]:
    local = timezone.localtime(moment, DHAKA)
    with translation.override("en"):
        en = date_format(local, "j F Y, H:i")
    with translation.override("bn"):
        bn = to_bangla_digits(date_format(local, "j F Y, H:i"))
    return {"en": f"{en} (Dhaka time)", "bn": f"{bn} (ঢাকা সময়)"}


def receipt_context(attempt: Attempt) -> dict:
    """Everything the receipt shows, for both languages. The payer's name is on it (it is shown only to
    the applicant and the office's officers); the payer's phone is not."""
    application = attempt.application
    office = application.office
    lines = [
        {
            "name_en": line.get("name_en", ""),
            "name_bn": line.get("name_bn", ""),
            "amount": Amount.of(line["amount"]),
        }
        for line in application.fee_lines or []
    ]
    return {
        "receipt_no": attempt.tran_id,
        "tran_id": attempt.tran_id,
        "bank_tran_id": attempt.bank_tran_id,
        "paid_with": attempt.card_type,
        # When the payer paid, by the gateway; rows settled before it was recorded have only our clock.
        "paid_at": _when(attempt.paid_at or attempt.settled_at),
        "office": {
            "name_en": office.name_en if office else "",
            "name_bn": office.name_bn if office else "",
            "address_en": office.address_en if office else "",
            "address_bn": office.address_bn if office else "",
        },
        # Identifiers stay as typed on both sides (the applicant types them into the tracking page).
        "tracking_no": application.tracking_no or "",
        "enterprise": {
            "name_en": application.name_en or application.name_bn,
            "name_bn": application.name_bn or application.name_en,
        },
        "payer_name": application.applicant.name,
        "fee_lines": lines,
        "amount": Amount.of(attempt.amount),
        "amount_words_en": taka_in_words(attempt.amount),
        "amount_words_bn": taka_in_words_bn(attempt.amount),
        "currency": attempt.currency,
        "issued_by": {
            "en": "Issued by the BSCIC e-Registration system; no signature needed.",
            "bn": "বিসিক ই-নিবন্ধন ব্যবস্থা থেকে প্রদত্ত; স্বাক্ষরের প্রয়োজন নেই।",
        },
    }


def font_urls(*, pdf: bool) -> dict[str, str]:
    """Where the page finds its fonts: the static URL in a browser, the file itself for WeasyPrint."""
    if not pdf:
        return {weight: static(name) for weight, name in FONT_FILES.items()}
    return {weight: _font_path(name).as_uri() for weight, name in FONT_FILES.items()}


def _font_path(name: str) -> Path:
    found = finders.find(name)
    if not found:
        raise FileNotFoundError(f"static file {name} is missing")
    return Path(found).resolve()


def font_fetcher():
    """WeasyPrint's fetcher, allowed only the shipped font files (the receipt's and the certificate's): no
    network, no other file."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = {_font_path(name).as_uri(): _font_path(name) for name in FONT_FILES.values()}

    class FontsOnly(URLFetcher):
        def fetch(self, url, headers=None):
            path = allowed.get(url)
            if path is None:
                raise ValueError(f"the receipt fetches nothing but its fonts, not {url}")
            return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": "font/ttf"})

    return FontsOnly(fail_on_errors=True)


def receipt_html(attempt: Attempt, *, pdf: bool, request=None, extra: dict | None = None) -> str:
    context = {**receipt_context(attempt), "fonts": font_urls(pdf=pdf), "pdf": pdf, **(extra or {})}
    return render_to_string(TEMPLATE, context, request=request)


def receipt_pdf(attempt: Attempt) -> bytes:
    """The receipt as a PDF (the page as printed, without its buttons)."""
    # Imported here: WeasyPrint loads Pango when imported, which only the PDF needs.
    from weasyprint import HTML

    return HTML(string=receipt_html(attempt, pdf=True), url_fetcher=font_fetcher()).write_pdf()
