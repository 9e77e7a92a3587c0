"""The starting configuration of e-Registration: steps and their working days, documents, fees, holidays.

Everything here is ⚠ uncertain (district citizen charters differ; the fee schedule is an old published one;
holidays move with the moon), so it is loaded once as rows that head office then edits in the admin, and
never read from here again. ``configuration_load_defaults`` adds only what is missing: edits survive.
"""

from datetime import date
from decimal import Decimal

from django.db import transaction

from industries.size_class import SizeClass

from ..models import Application, DocumentRequirement, FeeCharge, FeeRate, Holiday, State, Step

LAKH = 100_000

# (state, order, name en/bn, who en/bn, what en/bn, working days, the applicant acts). ⚠ Days: charters
# promise 1 to 9 working days in all (Mymensingh 1; Cox's Bazar, Chuadanga 3 + 3).
STEPS = [
    (
        State.DRAFT,
        1,
        "Apply online",
        "অনলাইনে আবেদন",
        "Applicant",
        "আবেদনকারী",
        "Fill in the form, upload the documents and submit. You get a tracking number by SMS.",
        "ফরম পূরণ করুন, কাগজপত্র আপলোড করে জমা দিন। এসএমএসে ট্র্যাকিং নম্বর পাবেন।",
        0,
        True,
    ),
    (
        State.SUBMITTED,
        2,
        "Taken up by the office",
        "অফিস কর্তৃক গ্রহণ",
        "Extension officer",
        "সম্প্রসারণ কর্মকর্তা",
        "An extension officer of the district office takes up the application.",
        "জেলা কার্যালয়ের একজন সম্প্রসারণ কর্মকর্তা আবেদনটি গ্রহণ করেন।",
        1,
        False,
    ),
    (
        State.DOCUMENT_CHECK,
        3,
        "Document check",
        "কাগজপত্র যাচাই",
        "Extension officer",
        "সম্প্রসারণ কর্মকর্তা",
        "The documents are checked. If something is missing you are told exactly what.",
        "কাগজপত্র যাচাই করা হয়। কিছু ঘাটতি থাকলে ঠিক কী লাগবে তা জানানো হয়।",
        2,
        False,
    ),
    (
        State.SHORTFALL,
        4,
        "Correct the shortfall",
        "ঘাটতি পূরণ",
        "Applicant",
        "আবেদনকারী",
        "Correct only the items listed and resubmit.",
        "শুধু তালিকাভুক্ত বিষয়গুলো সংশোধন করে পুনরায় জমা দিন।",
        10,
        True,
    ),
    (
        State.INSPECTION,
        5,
        "Factory inspection",
        "কারখানা পরিদর্শন",
        "Extension officer",
        "সম্প্রসারণ কর্মকর্তা",
        "The officer visits the factory site.",
        "কর্মকর্তা কারখানা সরেজমিনে পরিদর্শন করেন।",
        3,
        False,
    ),
    (
        State.RECOMMENDED,
        6,
        "Decision",
        "সিদ্ধান্ত",
        "Approving officer (DGM/AGM)",
        "অনুমোদনকারী কর্মকর্তা (উপ-মহাব্যবস্থাপক/সহকারী মহাব্যবস্থাপক)",
        "The approving officer approves the application for payment.",
        "অনুমোদনকারী কর্মকর্তা ফি পরিশোধের জন্য আবেদন অনুমোদন করেন।",
        1,
        False,
    ),
    (
        State.APPROVED_FOR_PAYMENT,
        7,
        "Pay the fee",
        "ফি পরিশোধ",
        "Applicant",
        "আবেদনকারী",
        "Pay the registration fee.",
        "নিবন্ধন ফি পরিশোধ করুন।",
        10,
        True,
    ),
    (
        State.PAID,
        8,
        "Registration",
        "নিবন্ধন",
        "Approving officer (DGM/AGM)",
        "অনুমোদনকারী কর্মকর্তা (উপ-মহাব্যবস্থাপক/সহকারী মহাব্যবস্থাপক)",
        "The enterprise is registered and gets its registration number.",
        "শিল্পপ্রতিষ্ঠানটি নিবন্ধিত হয় এবং নিবন্ধন নম্বর পায়।",
        1,
        False,
    ),
]

# (kind, order, name en/bn, explanation en/bn, required only for these ownership types, optional)
DOCUMENTS = [
    (
        "photo",
        1,
        "Photo of the applicant",
        "আবেদনকারীর ছবি",
        "A recent passport-size photo.",
        "সাম্প্রতিক পাসপোর্ট সাইজের ছবি।",
        [],
        False,
    ),
    (
        "nid",
        2,
        "National ID card",
        "জাতীয় পরিচয়পত্র",
        "Both sides of the NID, or a nationality certificate.",
        "জাতীয় পরিচয়পত্রের উভয় পৃষ্ঠা, অথবা নাগরিকত্ব সনদ।",
        [],
        False,
    ),
    (
        "trade_licence",
        3,
        "Trade licence",
        "ট্রেড লাইসেন্স",
        "The current trade licence for the factory's address.",
        "কারখানার ঠিকানার হালনাগাদ ট্রেড লাইসেন্স।",
        [],
        False,
    ),
    (
        "land_deed",
        4,
        "Land ownership or rent deed",
        "জমির মালিকানা বা ভাড়ার চুক্তিপত্র",
        "Proof of ownership of the land or building, or the rent deed.",
        "জমি বা ভবনের মালিকানার প্রমাণ, অথবা ভাড়ার চুক্তিপত্র।",
        [],
        False,
    ),
    (
        "machinery_list",
        5,
        "List of machinery",
        "যন্ত্রপাতির তালিকা",
        "Name, quantity and value of each machine (or the pro-forma invoice or LC).",
        "প্রতিটি যন্ত্রের নাম, সংখ্যা ও মূল্য (অথবা প্রোফর্মা ইনভয়েস বা এলসি)।",
        [],
        False,
    ),
    (
        "partnership_deed",
        6,
        "Partnership deed",
        "অংশীদারি চুক্তিপত্র",
        "For partnerships.",
        "অংশীদারি প্রতিষ্ঠানের জন্য।",
        [Application.Ownership.PARTNERSHIP],
        False,
    ),
    (
        "memorandum",
        7,
        "Memorandum and articles of association",
        "সংঘস্মারক ও সংঘবিধি",
        "For companies: the memorandum and articles, or the certificate of incorporation.",
        "কোম্পানির জন্য: সংঘস্মারক ও সংঘবিধি, অথবা নিগমন সনদ।",
        [Application.Ownership.COMPANY],
        False,
    ),
    (
        "loan_sanction",
        8,
        "Loan sanction letter",
        "ঋণ মঞ্জুরিপত্র",
        "Only if the unit is financed by a bank loan.",
        "শুধু ব্যাংক ঋণে প্রতিষ্ঠিত হলে।",
        [],
        True,
    ),
]

# ⚠ The older published schedule (domain facts §2.3): cottage 150; small by investment 1,000 / 2,000 / 3,000.
# Micro and medium are not in it: micro is charged as small, medium as the top small band (our assumption).
FEES_FROM = date(2026, 1, 1)
FEES = [
    (SizeClass.COTTAGE, None, "150"),
    (SizeClass.MICRO, 10 * LAKH, "1000"),
    (SizeClass.MICRO, 20 * LAKH, "2000"),
    (SizeClass.MICRO, None, "3000"),
    (SizeClass.SMALL, 10 * LAKH, "1000"),
    (SizeClass.SMALL, 20 * LAKH, "2000"),
    (SizeClass.SMALL, None, "3000"),
    (SizeClass.MEDIUM, None, "3000"),
]
# ⚠ VAT on government service fees: 15 % is the standard rate; whether it applies here is unconfirmed.
CHARGES = [("VAT", "মূসক (ভ্যাট)", "15.00", "0")]

# ⚠ Public holidays of 2026 with fixed dates (the lunar ones move each year: head office adds them).
HOLIDAYS = [
    (date(2026, 2, 21), "International Mother Language Day", "আন্তর্জাতিক মাতৃভাষা দিবস"),
    (date(2026, 3, 26), "Independence Day", "স্বাধীনতা দিবস"),
    (date(2026, 4, 14), "Bangla New Year", "পহেলা বৈশাখ"),
    (date(2026, 5, 1), "May Day", "মে দিবস"),
    (date(2026, 12, 16), "Victory Day", "বিজয় দিবস"),
    (date(2026, 12, 25), "Christmas Day", "বড়দিন"),
    (date(2027, 2, 21), "International Mother Language Day", "আন্তর্জাতিক মাতৃভাষা দিবস"),
    (date(2027, 3, 26), "Independence Day", "স্বাধীনতা দিবস"),
]


@transaction.atomic
def configuration_load_defaults() -> dict[str, int]:
    """Add the default steps, documents, fees and holidays that are not there yet. Returns counts added."""
    added = {"steps": 0, "documents": 0, "fees": 0, "charges": 0, "holidays": 0}
    for state, order, name_en, name_bn, who_en, who_bn, what_en, what_bn, days, applicant_acts in STEPS:
        _, made = Step.objects.get_or_create(
            state=state,
            defaults=dict(
                order=order,
                name_en=name_en,
                name_bn=name_bn,
                who_en=who_en,
                who_bn=who_bn,
                what_en=what_en,
                what_bn=what_bn,
                working_days=days,
                applicant_acts=applicant_acts,
            ),
        )
        added["steps"] += made
    for kind, order, name_en, name_bn, help_en, help_bn, required_for, optional in DOCUMENTS:
        _, made = DocumentRequirement.objects.get_or_create(
            kind=kind,
            defaults=dict(
                order=order,
                name_en=name_en,
                name_bn=name_bn,
                help_en=help_en,
                help_bn=help_bn,
                required_for=[str(o) for o in required_for],
                is_optional=optional,
            ),
        )
        added["documents"] += made
    if not FeeRate.objects.exists():
        FeeRate.objects.bulk_create(
            FeeRate(effective_from=FEES_FROM, size_class=size, max_investment_bdt=top, amount=Decimal(amount))
            for size, top, amount in FEES
        )
        added["fees"] = len(FEES)
    if not FeeCharge.objects.exists():
        FeeCharge.objects.bulk_create(
            FeeCharge(effective_from=FEES_FROM, name_en=en, name_bn=bn, percent=Decimal(p), amount=Decimal(a))
            for en, bn, p, a in CHARGES
        )
        added["charges"] = len(CHARGES)
    for day, name_en, name_bn in HOLIDAYS:
        _, made = Holiday.objects.get_or_create(
            date=day, office=None, defaults={"name_en": name_en, "name_bn": name_bn}
        )
        added["holidays"] += made
    return added
