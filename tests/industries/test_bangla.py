import pytest

from industries.bangla import BANGLA_DIGITS, name_key, normalise_text, to_ascii_digits, to_bangla_digits

BOGURA_PRECOMPOSED = "\u09ac\u0997\u09c1\u09dc\u09be"  # বগুড়া with ড় as U+09DC
BOGURA_NUKTA = "\u09ac\u0997\u09c1\u09a1\u09bc\u09be"  # বগুড়া with ড + nukta U+09BC
NAOGAON = "\u09a8\u0993\u0997\u09be\u0981"  # নওগাঁ, ending in chandrabindu U+0981


def test_bangla_digits_are_the_unicode_block():
    assert [ord(d) for d in BANGLA_DIGITS] == list(range(0x09E6, 0x09F0))


def test_digits_both_ways_in_mixed_scripts():
    assert to_ascii_digits("০17১২") == "01712"
    assert to_ascii_digits("হোল্ডিং নং ১২/ক, Road 3") == "হোল্ডিং নং 12/ক, Road 3"
    assert to_bangla_digits("2016-০৭") == "২০১৬-০৭"
    assert to_bangla_digits(to_ascii_digits("০১২৩৪৫৬৭৮৯")) == "০১২৩৪৫৬৭৮৯"


def test_bogura_typed_either_way_normalises_to_letter_plus_nukta():
    assert normalise_text(BOGURA_PRECOMPOSED) == normalise_text(BOGURA_NUKTA) == BOGURA_NUKTA
    assert name_key(BOGURA_PRECOMPOSED) == name_key(BOGURA_NUKTA)


@pytest.mark.parametrize(
    ("precomposed", "decomposed"),
    [
        ("\u09dc", "\u09a1\u09bc"),  # ড়
        ("\u09dd", "\u09a2\u09bc"),  # ঢ়
        ("\u09df", "\u09af\u09bc"),  # য়
    ],
)
def test_every_composition_exclusion_becomes_letter_plus_nukta(precomposed, decomposed):
    assert normalise_text(precomposed) == normalise_text(decomposed) == decomposed


def test_naogaon_keeps_its_chandrabindu():
    assert normalise_text(NAOGAON) == NAOGAON
    assert normalise_text(" নও\u200cগাঁ\u200b ") == NAOGAON
    assert name_key(NAOGAON) == NAOGAON
    assert name_key(NAOGAON) != name_key("নওগা")


@pytest.mark.parametrize("invisible", ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad"])
def test_invisible_characters_go(invisible):
    assert normalise_text(f"{invisible}ময়মন{invisible}সিংহ{invisible}") == normalise_text("ময়মনসিংহ")


def test_whitespace_collapses_and_strips():
    assert normalise_text("  Chapai\t\tNawabganj\n Sadar\u00a0 ") == "Chapai Nawabganj Sadar"
    assert normalise_text(" \u200b ") == ""


def test_khanda_ta_typed_two_ways_is_one_letter():
    assert normalise_text("উত্\u200dপাদন") == normalise_text("উৎপাদন") == "উৎপাদন"
    assert name_key("উত্\u200dপাদন") == name_key("উৎপাদন")
    assert name_key("উৎপাদন") != name_key("উতপাদন")


@pytest.mark.parametrize(
    "spellings",
    [
        ("Cox's Bazar", "Coxs Bazar", "coxsbazar", "COX’S BAZAR", "Cox's  Bazar."),
        ("Chapai Nawabganj", "ChapaiNawabganj", "chapai-nawabganj"),
        ("ওয়ার্ড নং ১২", "ওয়ার্ড নং 12", "ওয়ার্ড-নং-১২"),
        (BOGURA_PRECOMPOSED, BOGURA_NUKTA, f" {BOGURA_NUKTA}\u200c "),
    ],
)
def test_name_keys_that_must_collide(spellings):
    assert len({name_key(spelling) for spelling in spellings}) == 1


def test_name_key_keeps_every_letter_inside_brackets():
    assert name_key("Barishal Sadar (Kotwali)") == "barishalsadarkotwali"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (BOGURA_NUKTA, "বগুরা"),  # ড় vs র
        (BOGURA_NUKTA, "বগুডা"),  # the nukta alone
        ("Rajshahi", "Rajshahi Sadar"),
        ("কাঁসা", "কাসা"),  # chandrabindu
        ("পাবনা", "পবনা"),  # vowel sign aa
        ("চট্টগ্রাম", "চটটগরাম"),  # hasanta
        ("Ward 12", "Ward 21"),
    ],
)
def test_name_keys_that_must_not_collide(one, other):
    assert name_key(one) != name_key(other)
