import unicodedata

import pytest

from industries.exceptions import AmbiguousAdminName, UnknownAdminName
from industries.resolver import get_resolver

pytestmark = pytest.mark.django_db


@pytest.fixture
def resolve():
    get_resolver.cache_clear()
    return get_resolver().resolve


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Bogura", "Bogura"),
        ("Bogra", "Bogura"),
        ("BOGRA", "Bogura"),
        ("bogura district", "Bogura"),
        ("Bogra Zila", "Bogura"),
        ("বগুড়া", "Bogura"),
        ("বগুড়া জেলা", "Bogura"),
        ("Chittagong", "Chattogram"),
        ("Chattagram", "Chattogram"),
        ("Kumilla", "Cumilla"),
        ("Bagura", "Bogura"),
        ("মুন্সীগঞ্জ", "Munshiganj"),
        ("চট্টগ্রাম", "Chattogram"),
        ("Jessore", "Jashore"),
        ("Comilla", "Cumilla"),
        ("Barisal", "Barishal"),
        ("Chapai Nawabganj", "Chapainababganj"),
        ("Chapainawabganj", "Chapainababganj"),
        ("Nawabganj", "Chapainababganj"),
        ("Cox's Bazar", "Cox's Bazar"),
        ("Coxsbazar", "Cox's Bazar"),
        ("Jhalakathi", "Jhalokati"),
        ("Netrokona", "Netrakona"),
        ("Maulvibazar", "Moulvibazar"),
        ("  naogaon  ", "Naogaon"),
        ("নওগাঁ", "Naogaon"),
        ("10", "Bogura"),
        ("১০", "Bogura"),
        ("5010", "Bogura"),
        ("BD5010", "Bogura"),
        ("৫০১০", "Bogura"),
    ],
)
def test_district_variants(resolve, text, name):
    assert resolve(text, level="district").name_en == name


def test_both_unicode_spellings_of_rra_and_ya_match(resolve):
    precomposed = "\u09ac\u0997\u09c1\u09dc\u09be"  # বগুড়া with ড় as one code point (U+09DC)
    decomposed = unicodedata.normalize("NFD", precomposed)  # ড + nukta
    assert precomposed != decomposed
    assert resolve(precomposed, level="district").code == resolve(decomposed, level="district").code == "10"
    assert (
        resolve("\u09ae\u09df\u09ae\u09a8\u09b8\u09bf\u0982\u09b9", level="division").name_en == "Mymensingh"
    )
    assert resolve("ময়মনসিংহ\u200c", level="division").name_en == "Mymensingh"  # stray ZWNJ


def test_upazila_by_name_code_and_within_a_district(resolve):
    bogura = resolve("Bogra", level="district")
    assert resolve("Bogura Sadar", level="upazila").geocode == "50100020"
    assert resolve("501020", level="upazila").name_en == "Bogura Sadar"  # 6-digit legacy geocode
    assert resolve("৫০১০০০২০", level="upazila").name_en == "Bogura Sadar"
    assert resolve("Sadar", level="upazila", within=bogura).name_en == "Bogura Sadar"
    assert resolve("Sherpur", level="upazila", within=bogura).district_code == "10"


def test_ambiguity_is_reported_not_guessed(resolve):
    with pytest.raises(AmbiguousAdminName) as raised:
        resolve("Rajshahi")  # a division and a district
    assert "division Rajshahi" in str(raised.value) and "district Rajshahi" in str(raised.value)
    with pytest.raises(AmbiguousAdminName, match="Shibganj") as raised:
        resolve("Shibganj", level="upazila")  # in Bogura and in Chapai Nawabganj
    assert str(raised.value) == (
        "'Shibganj' could be any of: upazila Shibganj [50100094], upazila Shibganj [50700088]. "
        "Give the district or the BBS code."
    )
    assert (
        resolve("Shibganj", level="upazila", within=resolve("Bogra", level="district")).district_code == "10"
    )
    with pytest.raises(AmbiguousAdminName):
        resolve("20", level="upazila")  # 2-digit upazila codes repeat across districts
    assert resolve("Rajshahi", level="division").code == "50"


def test_unknown_names_say_what_is_close(resolve):
    with pytest.raises(UnknownAdminName, match="Did you mean: Bogura") as raised:
        resolve("Bogurra", level="district")
    assert raised.value.code == "unknown_admin_name"
    assert "জেলা" in raised.value.message_bangla
    with pytest.raises(UnknownAdminName):
        resolve("Kolkata", level="district")
    with pytest.raises(UnknownAdminName):
        resolve("", level="district")
