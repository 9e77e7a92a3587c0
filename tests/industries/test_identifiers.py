import pytest

from industries.exceptions import InvalidNid, InvalidPhone
from industries.identifiers import normalise_nid, normalise_phone, normalise_phone_series

GOOD_PHONES = {
    "+880 1908-111908": "+8801908111908",
    "08801908111908": "+8801908111908",
    "00880 1908 111908": "+8801908111908",
    "8801908111908": "+8801908111908",
    "01908-111908": "+8801908111908",
    "1908111908": "+8801908111908",
    "(+880) 1908.111.908": "+8801908111908",
    "০১৭১১-২৩৪৫৬৭": "+8801711234567",
    "+৮৮০১৭১১২৩৪৫৬৭": "+8801711234567",
    "০17১১-234৫৬৭": "+8801711234567",
    "1711234567": "+8801711234567",
    "01311234567": "+8801311234567",
}
BAD_PHONES = [
    "01211234567",  # no operator 2
    "01111234567",  # Citycell, gone
    "0171123456",  # a digit short
    "017112345678",  # a digit long
    "02-9555555",  # Dhaka landline
    "+880 2 9555555",
    "+8800 1711234567",  # two prefixes
    "88001711234567",
    "+01711234567",
    "0171123456७",  # a Devanagari digit
    "01711 234567 ext 2",
    "abc",
    "",
    "   ",
    None,
]


@pytest.mark.parametrize(("raw", "expected"), GOOD_PHONES.items())
def test_mobile_numbers_in_every_common_form(raw, expected):
    assert normalise_phone(raw) == expected


def test_a_number_that_is_already_an_int():
    assert normalise_phone(1711234567) == "+8801711234567"


@pytest.mark.parametrize("raw", BAD_PHONES)
def test_not_a_mobile_number(raw):
    with pytest.raises(InvalidPhone) as raised:
        normalise_phone(raw)
    assert raised.value.value == raw
    assert raised.value.code == "invalid_phone" and "মোবাইল" in raised.value.message_bangla


def test_the_series_version_agrees_with_normalise_phone():
    pd = pytest.importorskip("pandas")
    raws = [*GOOD_PHONES, *BAD_PHONES, 1711234567, 1711234567.0, float("nan")]
    expected = []
    for raw in raws:
        try:
            expected.append(normalise_phone(raw))
        except InvalidPhone:
            expected.append(pd.NA)
    index = pd.RangeIndex(100, 100 + len(raws))

    result = normalise_phone_series(pd.Series(raws, index=index, dtype=object))

    pd.testing.assert_series_equal(result, pd.Series(expected, index=index, dtype="string"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1234567890", "1234567890"),
        ("১২৩ ৪৫৬ ৭৮৯০", "1234567890"),
        ("2610412345678", "2610412345678"),
        ("0610412345678", "0610412345678"),
        ("২৬১০৪১২৩৪৫৬৭৮", "2610412345678"),
        ("19852610412345678", "19852610412345678"),
        ("1985-2610412345678", "19852610412345678"),
        (" 1985 2610 4123 45678 ", "19852610412345678"),
        (1234567890, "1234567890"),
    ],
)
def test_nid_of_each_length(raw, expected):
    assert normalise_nid(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "0123456789",  # smart-card numbers never start with 0
        "123456789",
        "12345678901",
        "123456789012",
        "12345678901234",
        "1234567890123456",
        "123456789012345678",
        "12345abcde",
        "1234.567890",
        "१२३४५६७८९०",  # Devanagari digits
        "",
        None,
    ],
)
def test_not_an_nid(raw):
    with pytest.raises(InvalidNid) as raised:
        normalise_nid(raw)
    assert raised.value.value == raw and raised.value.code == "invalid_nid"
