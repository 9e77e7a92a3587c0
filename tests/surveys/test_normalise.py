"""The vectorised value parsers of the survey import. No database: pure pandas.

Run alone with ``pytest -p no:django --noconftest tests/surveys/test_normalise.py`` (the shared conftest
imports the models), or as part of the normal suite.
"""

import math

import numpy as np
import pandas as pd
import pytest

from industries.bangla import TO_BANGLA_DIGITS
from industries.exceptions import InvalidNid, InvalidPhone
from industries.identifiers import normalise_nid, normalise_phone
from surveys import normalise as n

BIG = 100_000


def one(parse, raw, *args):
    """Parse a single cell through the column function, placed among others so the index matters."""
    series = pd.Series(["", raw, "junk"], index=[10, 20, 30], dtype=object)
    *values, invalid = parse(series, *args)
    for value in values:
        assert list(value.index) == [10, 20, 30]
    assert not invalid[10]
    assert invalid[30]
    return (*(value[20] for value in values), bool(invalid[20]))


def is_missing(value) -> bool:
    return (
        value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))
    )


# --- amounts ------------------------------------------------------------------------------------------

AMOUNTS = {
    "50000": 50_000,
    "50000.50": 50_000.5,
    "৫০০০০": 50_000,
    "১২,৫০,০০০": 1_250_000,
    "12,50,000": 1_250_000,
    "1,00,00,000": 10_000_000,
    "1,250,000": 1_250_000,
    "1,250,000.75": 1_250_000.75,
    "12 lakh": 1_200_000,
    "12 lac": 1_200_000,
    "12 lakhs": 1_200_000,
    "12 Lakh": 1_200_000,
    "12lakh": 1_200_000,
    "1.5 crore": 15_000_000,
    "1.5 cr": 15_000_000,
    "1.5 Crore": 15_000_000,
    "2.5 Cr.": 25_000_000,
    "৭৫ লাখ": 7_500_000,
    "৭৫ লক্ষ": 7_500_000,
    "১৫ কোটি": 150_000_000,
    "১.৫ কোটি টাকা": 15_000_000,
    "Tk 2 crore": 20_000_000,
    "TK. 50,000": 50_000,
    "৳ ৫০,০০০": 50_000,
    "৳৫০০০০": 50_000,
    "BDT 50000": 50_000,
    "bdt 50,000": 50_000,
    "50000 taka": 50_000,
    "৫০/=": 50,
    "১০০/-": 100,
    "100 =/": 100,
    "Tk. 50,000/- only": 50_000,
    "৫০ হাজার": 50_000,
    "1.5e6": 1_500_000,
    "  7500  ": 7_500,
    "-500": -500,
    "−500": -500,
    "Tk -2 lakh": -200_000,
}
BAD_AMOUNTS = [
    "abc",
    "12,5000",
    "1,2,3",
    "12 lakh crore",
    "lakh",
    "Tk",
    "12..5",
    "1.2.3",
    "five",
    "nan",
    "inf",
    "৫০ ডলার",
]


@pytest.mark.parametrize(("raw", "expected"), AMOUNTS.items())
def test_amount(raw, expected):
    value, invalid = one(n.parse_amount, raw)
    assert value == pytest.approx(expected) and not invalid


@pytest.mark.parametrize("raw", BAD_AMOUNTS)
def test_amount_unreadable(raw):
    value, invalid = one(n.parse_amount, raw)
    assert math.isnan(value) and invalid


@pytest.mark.parametrize("raw", ["", "   ", None, float("nan")])
def test_empty_is_missing_not_invalid(raw):
    series = pd.Series([raw], dtype=object)
    for parse in (n.parse_amount, n.parse_integer, n.parse_date, n.parse_year, n.parse_bool):
        value, invalid = parse(series)
        assert is_missing(value[0]) and not invalid[0], parse
    for parse in (n.normalise_phones, n.normalise_nids):
        value, invalid = parse(series)
        assert value[0] is pd.NA and not invalid[0]
    value, invalid = n.parse_coordinate(series, "lat")
    assert math.isnan(value[0]) and not invalid[0]
    lat, lon, invalid = n.parse_coordinate_pair(series)
    assert math.isnan(lat[0]) and math.isnan(lon[0]) and not invalid[0]


# --- counts -------------------------------------------------------------------------------------------

INTEGERS = {
    "12": 12,
    "12.0": 12,
    " 7 ": 7,
    "১৫": 15,
    "১৫ জন": 15,
    "15জন": 15,
    "1,200": 1200,
    "১,২০০": 1200,
    "0": 0,
    "-3": -3,
}
BAD_INTEGERS = ["3.5", "abc", "১২.৫", "12 lakh", "12,00", "twelve", "1e400"]


@pytest.mark.parametrize(("raw", "expected"), INTEGERS.items())
def test_integer(raw, expected):
    value, invalid = one(n.parse_integer, raw)
    assert value == expected and not invalid


@pytest.mark.parametrize("raw", BAD_INTEGERS)
def test_integer_unreadable(raw):
    value, invalid = one(n.parse_integer, raw)
    assert math.isnan(value) and invalid


# --- coordinates --------------------------------------------------------------------------------------

D50_30 = 24 + 50 / 60 + 30 / 3600
COORDINATES = [
    ("24.8465", "lat", 24.8465),
    ("২৪.৮৪৬৫", "lat", 24.8465),
    ("24,8465", "lat", 24.8465),
    ("-24.8465", "lat", -24.8465),
    ("24.85°N", "lat", 24.85),
    ("24.85° N", "lat", 24.85),
    ("24.85N", "lat", 24.85),
    ("24.85 S", "lat", -24.85),
    ("89.37 E", "lon", 89.37),
    ("89.37W", "lon", -89.37),
    ("89.37°", "lon", 89.37),
    ("N 24.85", "lat", 24.85),
    ("24°50'N", "lat", 24 + 50 / 60),
    ("24°50'", "lat", 24 + 50 / 60),
    ("24°50.5'N", "lat", 24 + 50.5 / 60),
    ("24°50'30\"N", "lat", D50_30),
    ("24° 50' 30.5\" N", "lat", 24 + 50 / 60 + 30.5 / 3600),
    ("24 50 30 N", "lat", D50_30),
    ("24 50 30", "lat", D50_30),
    ("24:50:30", "lat", D50_30),
    ("24:50:30 N", "lat", D50_30),
    ("24°50′30″N", "lat", D50_30),
    ("24º50’30”N", "lat", D50_30),
    ("24°50'30''N", "lat", D50_30),
    ("২৪°৫০'৩০\"N", "lat", D50_30),
    ("89°22'10\"E", "lon", 89 + 22 / 60 + 10 / 3600),
    ("89°22'10\"W", "lon", -(89 + 22 / 60 + 10 / 3600)),
    ("24°50'30\"S", "lat", -D50_30),
    ("lat: 24.85", "lat", 24.85),
    ("Longitude 89.37", "lon", 89.37),
    ("124.85", "lat", 124.85),  # out of range: the caller decides
    ("200.5", "lon", 200.5),
]
BAD_COORDINATES = [
    ("abc", "lat"),
    ("24.85 E", "lat"),  # a longitude letter on a latitude
    ("89.37 N", "lon"),
    ("24°75'N", "lat"),  # 75 minutes
    ("24°50'75\"N", "lat"),  # 75 seconds
    ("24.5°30'", "lat"),  # fractional degrees and minutes
    ("24.85 89.37", "lat"),  # a pair
    ("24,85,12", "lat"),
    ("N24.85S", "lat"),
    ("-24.85 S", "lat"),
    ("24.85.1", "lat"),
    ("24 50 30 10", "lat"),
]


@pytest.mark.parametrize(("raw", "axis", "expected"), COORDINATES)
def test_coordinate(raw, axis, expected):
    value, invalid = one(n.parse_coordinate, raw, axis)
    assert value == pytest.approx(expected, abs=1e-9) and not invalid


@pytest.mark.parametrize(("raw", "axis"), BAD_COORDINATES)
def test_coordinate_unreadable(raw, axis):
    value, invalid = one(n.parse_coordinate, raw, axis)
    assert math.isnan(value) and invalid


def test_coordinate_axis_is_checked():
    with pytest.raises(ValueError, match="axis"):
        n.parse_coordinate(pd.Series(["24.85"]), "x")


D22 = 89 + 22 / 60
PAIRS = [
    ("24°50'N 89°22'E", 24 + 50 / 60, D22),
    ("24°50'N, 89°22'E", 24 + 50 / 60, D22),
    ("24.85, 89.37", 24.85, 89.37),
    ("24.85,89.37", 24.85, 89.37),
    ("24.85 89.37", 24.85, 89.37),
    ("24.85;89.37", 24.85, 89.37),
    ("(24.85, 89.37)", 24.85, 89.37),
    ("২৪.৮৫, ৮৯.৩৭", 24.85, 89.37),
    ("N24°50' E89°22'", 24 + 50 / 60, D22),
    ("E89°22' N24°50'", 24 + 50 / 60, D22),  # letters decide, whatever the order
    ("89°22'E 24°50'N", 24 + 50 / 60, D22),
    ("89.37 E, 24.85 N", 24.85, 89.37),
    ("89.37E 24.85", 24.85, 89.37),  # one letter is enough
    ("24 50 30 N 89 22 10 E", D50_30, 89 + 22 / 60 + 10 / 3600),
    ("24°50'30\"N 89°22'10\"E", D50_30, 89 + 22 / 60 + 10 / 3600),
    ("24°50′30″N 89°22′10″E", D50_30, 89 + 22 / 60 + 10 / 3600),
    ("Lat: 24.85, Lon: 89.37", 24.85, 89.37),
    ("POINT (89.37 24.85)", 24.85, 89.37),
    ("-24.85, -89.37", -24.85, -89.37),
    ("89.37, 24.85", 89.37, 24.85),  # no letters: first is latitude (fix_swapped sorts it out)
]
BAD_PAIRS = ["24.85", "abc", "24.85N 24.85N", "89E 89E", "24.85, 89.37, 10", "24.85, abc", "24°75'N 89°22'E"]


@pytest.mark.parametrize(("raw", "lat", "lon"), PAIRS)
def test_coordinate_pair(raw, lat, lon):
    got_lat, got_lon, invalid = one(n.parse_coordinate_pair, raw)
    assert (got_lat, got_lon) == (pytest.approx(lat, abs=1e-9), pytest.approx(lon, abs=1e-9))
    assert not invalid


@pytest.mark.parametrize("raw", BAD_PAIRS)
def test_coordinate_pair_unreadable(raw):
    lat, lon, invalid = one(n.parse_coordinate_pair, raw)
    assert math.isnan(lat) and math.isnan(lon) and invalid


def test_fix_swapped():
    lat = pd.Series([89.37, 24.85, 89.37, np.nan, 0.0, 95.0, 87.0], index=list("abcdefg"))
    lon = pd.Series([24.85, 89.37, 50.0, 24.85, 0.0, 24.0, 19.0], index=list("abcdefg"))
    fixed_lat, fixed_lon, swapped = n.fix_swapped(lat, lon)
    assert swapped.tolist() == [True, False, False, False, False, False, True]
    assert fixed_lat.tolist()[:3] == [24.85, 24.85, 89.37] and fixed_lat["g"] == 19.0
    assert fixed_lon.tolist()[:3] == [89.37, 89.37, 50.0] and fixed_lon["g"] == 87.0
    assert list(swapped.index) == list("abcdefg")


def test_swap_boxes_do_not_overlap():
    assert n.BANGLADESH_LAT_BOX[1] < n.BANGLADESH_LON_BOX[0]


# --- dates --------------------------------------------------------------------------------------------

DATES = {
    "10/02/1988": "1988-02-10",
    "10-02-1988": "1988-02-10",
    "10.02.1988": "1988-02-10",
    "1/5/2016": "2016-05-01",
    "01/05/2016": "2016-05-01",
    "2016-05-01": "2016-05-01",
    "2016/05/01": "2016-05-01",
    "2016.05.01": "2016-05-01",
    "2016-05-01 00:00:00": "2016-05-01",
    "2016-05-01T00:00:00": "2016-05-01",
    "2016-05-01 10:30:15": "2016-05-01 10:30:15",
    "01/05/2016 10:30": "2016-05-01 10:30",
    "42491": "2016-05-01",
    "42491.0": "2016-05-01",
    "42491.5": "2016-05-01 12:00",
    "1": "1899-12-31",
    "80000": "2119-01-11",
    "1998": "1998-01-01",
    "1998.0": "1998-01-01",
    "১০/০২/১৯৮৮": "1988-02-10",
    "১০.০২.১৯৮৮": "1988-02-10",
    "২০১৬-০৫-০১": "2016-05-01",
    "৪২৪৯১": "2016-05-01",
    "১৯৯৮": "1998-01-01",
    "29/02/2016": "2016-02-29",
    " 10/02/1988 ": "1988-02-10",
}
BAD_DATES = [
    "31/02/2016",
    "29/02/2015",
    "32/01/2016",
    "10/13/2016",  # day first: there is no 13th month
    "2016-02-30",
    "2016-13-01",
    "0",
    "80001",
    "-5",
    "abc",
    "10/02/88",
    "10/02-1988",
    "2016-05-01 25:00:00",
    "1 May 2016",
]


@pytest.mark.parametrize(("raw", "expected"), DATES.items())
def test_date(raw, expected):
    value, invalid = one(n.parse_date, raw)
    assert value == pd.Timestamp(expected) and not invalid


@pytest.mark.parametrize("raw", BAD_DATES)
def test_date_unreadable(raw):
    value, invalid = one(n.parse_date, raw)
    assert value is pd.NaT and invalid


def test_dates_are_datetime64():
    value, _ = n.parse_date(pd.Series(["1998", "", "x"]))
    assert pd.api.types.is_datetime64_any_dtype(value)


@pytest.mark.parametrize(("raw", "expected"), DATES.items())
def test_year_from_any_date(raw, expected):
    value, invalid = one(n.parse_year, raw)
    assert value == pd.Timestamp(expected).year and not invalid


@pytest.mark.parametrize(("raw", "expected"), {"1750": 1750, "২০২৫": 2025, "2010.0": 2010}.items())
def test_year(raw, expected):
    value, invalid = one(n.parse_year, raw)
    assert value == expected and not invalid


@pytest.mark.parametrize("raw", BAD_DATES)
def test_year_unreadable(raw):
    value, invalid = one(n.parse_year, raw)
    assert math.isnan(value) and invalid


# --- phones and NIDs ----------------------------------------------------------------------------------

PHONES = [
    "+880 1908-111908",
    "08801908111908",
    "00880 1908 111908",
    "8801908111908",
    "01908-111908",
    "1908111908",
    "(+880) 1908.111.908",
    "০১৭১১-২৩৪৫৬৭",
    "+৮৮০১৭১১২৩৪৫৬৭",
    "০17১১-234৫৬৭",
    "1711234567",
    "01311234567",
    " 01711234567 ",
    "\u200301711234567",  # an em space: not one of the scalar function's separators
    "+880 1711 23450.0",  # the scalar reads this as ...234500, and so must we
    "01211234567",
    "01111234567",
    "0171123456",
    "017112345678",
    "02-9555555",
    "+880 2 9555555",
    "+8800 1711234567",
    "88001711234567",
    "+01711234567",
    "0171123456७",
    "01711 234567 ext 2",
    "abc",
]
NIDS = [
    "1234567890",
    "১২৩৪৫৬৭৮৯০",
    "123 456 7890",
    "123-456-7890",
    "1234567890123",
    "19901234567890123",
    "0123456789",
    "123456789",
    "12345678901",
    "12345678901234",
    "1234567890123456789",
    "12345abc90",
    "abc",
]


def scalar(function, error, raw):
    try:
        return function(raw)
    except error:
        return None


@pytest.mark.parametrize(
    ("vectorised", "function", "error", "raws"),
    [
        (n.normalise_phones, normalise_phone, InvalidPhone, PHONES),
        (n.normalise_nids, normalise_nid, InvalidNid, NIDS),
    ],
    ids=["phones", "nids"],
)
def test_identifiers_agree_with_the_scalar_functions(vectorised, function, error, raws):
    values, invalid = vectorised(pd.Series(raws, index=range(100, 100 + len(raws))))
    expected = [scalar(function, error, raw) for raw in raws]
    assert [None if value is pd.NA else value for value in values] == expected
    assert invalid.tolist() == [value is None for value in expected]
    assert list(values.index) == list(range(100, 100 + len(raws)))


@pytest.mark.parametrize(
    ("raw", "expected"),
    {
        "8801711234567.0": "+8801711234567",
        "1711234567.0": "+8801711234567",
        "01711234567.00": "+8801711234567",
        "1711234567": "+8801711234567",
    }.items(),
)
def test_phone_from_excel(raw, expected):
    assert one(n.normalise_phones, raw) == (expected, False)


@pytest.mark.parametrize("raw", ["1711234567.5", "8.80171E+12", "17112345.0"])
def test_phone_from_excel_unreadable(raw):
    assert one(n.normalise_phones, raw) == (pd.NA, True)


@pytest.mark.parametrize(
    ("raw", "expected"), {"1234567890.0": "1234567890", "1234567890123.0": "1234567890123"}.items()
)
def test_nid_from_excel(raw, expected):
    assert one(n.normalise_nids, raw) == (expected, False)


# --- yes / no -----------------------------------------------------------------------------------------

BOOLS = {
    "yes": True,
    "Yes": True,
    "YES": True,
    "y": True,
    "Y": True,
    "true": True,
    "TRUE": True,
    "1": True,
    "1.0": True,
    "১": True,
    "হ্যাঁ": True,
    "হাঁ": True,
    "হ্যা": True,
    " yes ": True,
    "no": False,
    "No": False,
    "n": False,
    "false": False,
    "False": False,
    "0": False,
    "০": False,
    "না": False,
}


@pytest.mark.parametrize(("raw", "expected"), BOOLS.items())
def test_bool(raw, expected):
    value, invalid = one(n.parse_bool, raw)
    assert value is not pd.NA and bool(value) is expected and not invalid


@pytest.mark.parametrize("raw", ["maybe", "2", "yess", "হয়তো", "-1"])
def test_bool_unreadable(raw):
    value, invalid = one(n.parse_bool, raw)
    assert value is pd.NA and invalid


# --- large columns ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(20240501)


def bangla(strings) -> list[str]:
    return [text.translate(TO_BANGLA_DIGITS) for text in strings]


def lakh_grouping(number: int) -> str:
    text = str(number)
    head, tail = text[:-3], text[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([head, *groups, tail]) if head else tail


def test_large_amounts(rng):
    numbers = rng.integers(0, 10**9, BIG)
    raws = np.array([f"{x:,}" for x in numbers], dtype=object)
    raws[1::4] = [lakh_grouping(x) for x in numbers[1::4]]
    raws[2::4] = bangla(lakh_grouping(x) + "/-" for x in numbers[2::4])
    raws[3::4] = [f"Tk {x / 100_000} lakh" for x in numbers[3::4]]
    raws[::1000] = "garbage"
    raws[5::1000] = ""
    value, invalid = n.parse_amount(pd.Series(raws))
    expected = numbers.astype(float)
    expected[::1000] = np.nan
    expected[5::1000] = np.nan
    np.testing.assert_allclose(value.to_numpy(), expected, rtol=1e-12)
    assert invalid.sum() == len(raws[::1000]) and invalid[::1000].all()


def test_large_integers(rng):
    numbers = rng.integers(0, 5000, BIG)
    raws = np.array([str(x) for x in numbers], dtype=object)
    raws[1::3] = [f"{x}.0" for x in numbers[1::3]]
    raws[2::3] = bangla(f"{x} জন" for x in numbers[2::3])
    raws[::500] = "3.5"
    value, invalid = n.parse_integer(pd.Series(raws))
    expected = numbers.astype(float)
    expected[::500] = np.nan
    np.testing.assert_array_equal(value.to_numpy(), expected)
    assert invalid.sum() == len(raws[::500])


def dms(values, positive: str, negative: str) -> list[str]:
    out = []
    for value in values:
        milliseconds = round(abs(value) * 3_600_000)
        degrees, rest = divmod(milliseconds, 3_600_000)
        minutes, rest = divmod(rest, 60_000)
        letter = positive if value >= 0 else negative
        out.append(f"{degrees}°{minutes}'{rest / 1000:.3f}\"{letter}")
    return out


def test_large_coordinates(rng):
    lats = rng.uniform(-30, 30, BIG).round(6)
    raws = np.array([str(x) for x in lats], dtype=object)
    raws[1::2] = dms(lats[1::2], "N", "S")
    raws[::997] = "north"
    value, invalid = n.parse_coordinate(pd.Series(raws), "lat")
    expected = lats.copy()
    expected[::997] = np.nan
    np.testing.assert_allclose(value.to_numpy(), expected, atol=1e-6)
    assert invalid.sum() == len(raws[::997])


def test_large_coordinate_pairs(rng):
    lats, lons = rng.uniform(20.5, 26.7, BIG).round(6), rng.uniform(88, 92.7, BIG).round(6)
    raws = np.array([f"{a}, {b}" for a, b in zip(lats, lons, strict=True)], dtype=object)
    raws[1::3] = [
        f"{b} {a}" for a, b in zip(dms(lats[1::3], "N", "S"), dms(lons[1::3], "E", "W"), strict=True)
    ]
    raws[2::3] = bangla(f"{a} {b}" for a, b in zip(lats[2::3], lons[2::3], strict=True))
    raws[::1001] = "here"
    lat, lon, invalid = n.parse_coordinate_pair(pd.Series(raws))
    expected_lat, expected_lon = lats.copy(), lons.copy()
    expected_lat[::1001] = expected_lon[::1001] = np.nan
    np.testing.assert_allclose(lat.to_numpy(), expected_lat, atol=1e-6)
    np.testing.assert_allclose(lon.to_numpy(), expected_lon, atol=1e-6)
    assert invalid.sum() == len(raws[::1001])


def test_large_fix_swapped(rng):
    lat, lon = pd.Series(rng.uniform(20.5, 26.7, BIG)), pd.Series(rng.uniform(88, 92.7, BIG))
    swap = rng.random(BIG) < 0.1
    fixed_lat, fixed_lon, swapped = n.fix_swapped(lat.where(~swap, lon), lon.where(~swap, lat))
    np.testing.assert_array_equal(swapped.to_numpy(), swap)
    np.testing.assert_array_equal(fixed_lat.to_numpy(), lat.to_numpy())
    np.testing.assert_array_equal(fixed_lon.to_numpy(), lon.to_numpy())


def test_large_dates_and_years(rng):
    days = pd.Timestamp("1950-01-01") + pd.to_timedelta(rng.integers(0, 27_000, BIG), unit="D")
    raws = np.array(days.strftime("%d/%m/%Y"), dtype=object)
    raws[1::4] = days[1::4].strftime("%Y-%m-%d %H:%M:%S")
    raws[2::4] = bangla(days[2::4].strftime("%d.%m.%Y"))
    raws[3::4] = [str((day - n.EXCEL_EPOCH).days) for day in days[3::4]]
    raws[::999] = "31/02/2016"
    value, invalid = n.parse_date(pd.Series(raws))
    expected = pd.Series(days).where(np.arange(BIG) % 999 != 0)
    pd.testing.assert_series_equal(value, expected.astype(value.dtype), check_names=False)
    assert invalid.sum() == len(raws[::999])
    years, year_invalid = n.parse_year(pd.Series(raws))
    np.testing.assert_array_equal(years.to_numpy(), expected.dt.year.to_numpy(float))
    np.testing.assert_array_equal(year_invalid.to_numpy(), invalid.to_numpy())


def test_large_phones_and_nids(rng):
    numbers = rng.integers(1_300_000_000, 2_000_000_000, BIG)
    raws = np.array([f"0{x}" for x in numbers], dtype=object)
    raws[1::3] = [f"880{x}.0" for x in numbers[1::3]]
    raws[2::3] = bangla(f"+880 {x}" for x in numbers[2::3])
    raws[::250] = "12345"
    phones, invalid = n.normalise_phones(pd.Series(raws))
    expected = pd.Series([f"+880{x}" for x in numbers], dtype="string").mask(np.arange(BIG) % 250 == 0)
    pd.testing.assert_series_equal(phones, expected, check_names=False)
    assert invalid.sum() == len(raws[::250])

    nids, invalid = n.normalise_nids(pd.Series([str(x) for x in numbers]))
    assert nids.tolist() == [str(x) for x in numbers] and not invalid.any()


def test_large_bools(rng):
    words = np.array(["yes", "No", "হ্যাঁ", "না", "1", "0", "maybe", ""], dtype=object)
    picks = rng.integers(0, len(words), BIG)
    value, invalid = n.parse_bool(pd.Series(words[picks]))
    expected = pd.array([True, False, True, False, True, False, pd.NA, pd.NA], dtype="boolean")[picks]
    pd.testing.assert_series_equal(value, pd.Series(expected), check_names=False)
    np.testing.assert_array_equal(invalid.to_numpy(), picks == 6)


@pytest.mark.parametrize(
    "parse",
    [
        n.parse_amount,
        n.parse_integer,
        n.parse_date,
        n.parse_year,
        n.parse_bool,
        n.normalise_phones,
        n.normalise_nids,
        n.parse_coordinate_pair,
        lambda s: n.parse_coordinate(s, "lat"),
    ],
)
def test_an_empty_column(parse):
    results = parse(pd.Series([], dtype=object))
    assert all(len(result) == 0 for result in results)
    assert results[-1].dtype == bool


def test_cells_that_are_not_strings():
    value, invalid = n.parse_integer(pd.Series([12, 7.0, None, "৩"], name="workers"))
    assert value.tolist() == [12.0, 7.0, pytest.approx(float("nan"), nan_ok=True), 3.0]
    assert not invalid.any() and value.name == "workers"


def test_clean_leaves_plain_numbers_as_they_are_and_cleans_the_rest_as_ever():
    import random

    from surveys.normalise import _BASE, _COORD, _PLAIN, _clean

    generator = random.Random(5)
    odd = "০১২৩৪৫৬৭৮৯\u00a0\u202f\u2007\t\r\n \u2212\u2013\u200b\ufeff\u00ad°º˚′’″“()[]{}NSEWx,\x00"
    alphabet = _PLAIN * 4 + odd
    cells = ["", "24.8465", "-89.1", "1e5", " 24.8", "২৪.৮", "24.8\u200b", "x" * 40, "1" * 30 + " "]
    cells += [
        "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 30))) for _ in range(3000)
    ]
    series = pd.Series(cells, dtype=str)
    for table in (_BASE, _COORD):
        expected = [cell.translate(table).strip() for cell in cells]
        assert _clean(series, table).tolist() == expected
