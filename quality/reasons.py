"""A flag's reason in English and Bangla, from its check and the figures the check kept (QualityFlag.details).
Both texts side by side, as the project's error messages are, so that the API gives both and the staff page
the one of its language."""

from django.conf import settings
from django.utils import translation

from industries.bangla import to_bangla_digits
from industries.size_class import SizeClass

from .models import Check

OWNER_KEYS = {"nid": ("NID", "জাতীয় পরিচয়পত্র নম্বর"), "phone": ("mobile number", "মোবাইল নম্বর")}

TEMPLATES = {
    Check.OUTSIDE_DISTRICT: (
        "Located in {located} district, about {metres} m outside the stated district, {stated}.",
        "অবস্থান {located_bn} জেলায়, উল্লিখিত জেলা {stated_bn} থেকে প্রায় {metres} মিটার বাইরে।",
    ),
    Check.OUTSIDE_UPAZILA: (
        "Located in {located} upazila, about {metres} m outside the stated upazila, {stated}.",
        "অবস্থান {located_bn} উপজেলায়, উল্লিখিত উপজেলা {stated_bn} থেকে প্রায় {metres} মিটার বাইরে।",
    ),
    Check.SHARED_POINT: (
        "{count} enterprises share exactly this point (a GPS that did not move?).",
        "{count}টি প্রতিষ্ঠান হুবহু একই বিন্দুতে (জিপিএস কি সরেনি?)।",
    ),
    Check.ON_BOUNDARY: (
        "{metres} m from the boundary of {other} district: it may be in either district.",
        "{other_bn} জেলার সীমানা থেকে {metres} মিটার: যেকোনো জেলায় হতে পারে।",
    ),
    Check.IN_WATER: ("Inside a river or other water body{water}.", "নদী বা অন্য জলাশয়ের ভেতরে{water}।"),
    Check.SIMILAR_NAME: (
        "A name {alike}% alike {metres} m away: enterprise #{other}.",
        "{metres} মিটার দূরে {alike}% মিল থাকা নাম: প্রতিষ্ঠান #{other}।",
    ),
    Check.SAME_OWNER: (
        "The same owner {by} as enterprise #{other} (names {alike}% alike).",
        "প্রতিষ্ঠান #{other}-এর সঙ্গে মালিকের একই {by_bn} (নামে {alike}% মিল)।",
    ),
    Check.WORKERS_OUTLIER: (
        "{value} workers, where {size_class} enterprises of sector {sector} usually have about {typical} "
        "(robust z-score {z}).",
        "{value} জন শ্রমিক; খাত {sector}-এর {size_class_bn} প্রতিষ্ঠানে সাধারণত প্রায় {typical} জন "
        "(রোবাস্ট z-স্কোর {z})।",
    ),
    Check.INVESTMENT_OUTLIER: (
        "Investment of {value} BDT, where {size_class} enterprises of sector {sector} usually have about "
        "{typical} BDT (robust z-score {z}).",
        "বিনিয়োগ {value} টাকা; খাত {sector}-এর {size_class_bn} প্রতিষ্ঠানে সাধারণত প্রায় {typical} টাকা "
        "(রোবাস্ট z-স্কোর {z})।",
    ),
    Check.SIZE_CLASS_DIFFERS: (
        "The source says {stated}; its figures make it {computed}.",
        "উৎসে শ্রেণি {stated_bn}; পরিসংখ্যান অনুযায়ী {computed_bn}।",
    ),
    Check.YEAR_IMPLAUSIBLE: (
        "Year established {year}: in the future or before {min_year}.",
        "প্রতিষ্ঠার বছর {year}: ভবিষ্যতে অথবা {min_year}-এর আগে।",
    ),
    Check.STALE: (
        "Last surveyed or registered on {last_seen}, more than {years} years ago.",
        "সর্বশেষ জরিপ বা নিবন্ধন {last_seen}, {years} বছরেরও বেশি আগে।",
    ),
}
SHARED_OWNER = (
    "The same owner {by} is on {count} enterprises.",
    "মালিকের একই {by_bn} {count}টি প্রতিষ্ঠানে।",
)


def _size_labels(code: str) -> tuple[str, str]:
    if code not in SizeClass.values:
        return code, code
    label = SizeClass(code).label
    with translation.override("en"):
        english = str(label).lower()
    with translation.override("bn"):
        return english, str(label)


def _words(check: str, details: dict, other_id: int | None) -> dict:
    words = {**details, "other": other_id, "min_year": settings.QUALITY_MIN_YEAR}
    words["years"] = settings.QUALITY_STALE_YEARS
    if "alike" in details:
        words["alike"] = round(100 * float(details["alike"]))
    if "by" in details:
        words["by"], words["by_bn"] = OWNER_KEYS.get(details["by"], (details["by"], details["by"]))
    if check == Check.IN_WATER:
        words["water"] = f" ({details['water']})" if details.get("water") else ""
    for key in ("size_class", "stated", "computed"):
        if (
            check in (Check.WORKERS_OUTLIER, Check.INVESTMENT_OUTLIER, Check.SIZE_CLASS_DIFFERS)
            and key in details
        ):
            words[key], words[f"{key}_bn"] = _size_labels(details[key])
    for key in ("value", "typical", "metres", "count"):
        if isinstance(words.get(key), int | float):
            number = words[key]
            words[key] = f"{int(number):,}" if float(number).is_integer() else f"{number:,}"
    return words


# Written in Bangla digits in the Bangla reason.
NUMBERS = {
    "value",
    "typical",
    "metres",
    "count",
    "alike",
    "z",
    "year",
    "min_year",
    "years",
    "other",
    "last_seen",
}


class _Blank(dict):
    def __missing__(self, key):
        return "?"


def reason(check: str, details: dict, other_id: int | None = None) -> dict[str, str]:
    """``{"en": …, "bn": …}``: why the enterprise is flagged."""
    english, bangla = SHARED_OWNER if check == Check.SAME_OWNER and other_id is None else TEMPLATES[check]
    words = _words(check, details, other_id)
    bangla_words = {
        key: to_bangla_digits(str(value)) if key in NUMBERS else value for key, value in words.items()
    }
    return {"en": english.format_map(_Blank(words)), "bn": bangla.format_map(_Blank(bangla_words))}
