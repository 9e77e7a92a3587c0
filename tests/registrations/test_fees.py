"""The registration fee from the schedule in force on a date: the size class's latest schedule, the band that
holds the fixed assets, the VAT line rounded half-up to the paisa, all in Decimal."""

from datetime import date
from decimal import Decimal

import pytest

from registrations.models import FeeCharge, FeeRate
from registrations.services.fees import FeeLine, NoFeeInForce, fee_quote

pytestmark = pytest.mark.django_db

LAKH = 100_000
ON = date(2026, 6, 1)


@pytest.fixture
def schedule(db):
    """The default schedule of 2026 (configuration_load_defaults), with 15 % VAT."""
    from registrations.services.configuration import configuration_load_defaults

    configuration_load_defaults()


@pytest.mark.parametrize(
    ("size_class", "assets", "fee"),
    [
        ("cottage", 0, "150.00"),
        ("cottage", 9 * 10**7, "150.00"),  # the cottage rate has no bound
        ("small", 10 * LAKH, "1000.00"),  # a bound is inclusive
        ("small", 10 * LAKH + 1, "2000.00"),
        ("small", 20 * LAKH, "2000.00"),
        ("small", 20 * LAKH + 1, "3000.00"),  # past every bound: the unbounded band
        ("micro", 15 * LAKH, "2000.00"),
        ("medium", 5 * 10**7, "3000.00"),
    ],
)
def test_the_band_holding_the_fixed_assets_sets_the_fee(schedule, size_class, assets, fee):
    quote = fee_quote(size_class=size_class, fixed_assets_bdt=assets, on=ON)
    assert quote.lines[0] == FeeLine("Registration fee", "নিবন্ধন ফি", Decimal(fee))
    vat = (Decimal(fee) * Decimal("0.15")).quantize(Decimal("0.01"))
    assert quote.lines[1] == FeeLine("VAT", "মূসক (ভ্যাট)", vat)
    assert quote.total == Decimal(fee) + vat
    assert all(isinstance(amount, Decimal) for _, _, amount in quote.lines)
    assert isinstance(quote.total, Decimal)


def test_the_latest_schedule_in_force_on_the_date_applies(schedule):
    FeeRate.objects.create(
        effective_from=date(2026, 7, 1), size_class="small", max_investment_bdt=None, amount=5000
    )
    before = fee_quote(size_class="small", fixed_assets_bdt=5 * LAKH, on=date(2026, 6, 30))
    after = fee_quote(size_class="small", fixed_assets_bdt=5 * LAKH, on=date(2026, 7, 1))
    assert before.lines[0].amount == Decimal("1000.00")
    # The new schedule of small has one band: the old bands are gone with it, not mixed in.
    assert after.lines[0].amount == Decimal("5000.00")
    with pytest.raises(NoFeeInForce):
        fee_quote(size_class="small", fixed_assets_bdt=5 * LAKH, on=date(2025, 12, 31))


def test_a_percentage_is_rounded_half_up_to_the_paisa_and_a_fixed_amount_added(db):
    FeeRate.objects.create(effective_from=date(2026, 1, 1), size_class="cottage", amount=Decimal("150.10"))
    FeeCharge.objects.create(
        effective_from=date(2026, 1, 1), name_en="VAT", name_bn="মূসক", percent=Decimal("15")
    )
    FeeCharge.objects.create(
        effective_from=date(2026, 1, 1),
        effective_until=date(2026, 6, 30),
        name_en="Service charge",
        name_bn="সার্ভিস চার্জ",
        percent=Decimal("2.5"),
        amount=Decimal("10"),
    )
    june = fee_quote(size_class="cottage", fixed_assets_bdt=None, on=date(2026, 6, 30))
    # 150.10 × 15 % = 22.515 → 22.52 (half-up; a float would give 22.51); 150.10 × 2.5 % = 3.7525 → 3.75
    assert june.lines == [
        FeeLine("Registration fee", "নিবন্ধন ফি", Decimal("150.10")),
        FeeLine("Service charge", "সার্ভিস চার্জ", Decimal("13.75")),
        FeeLine("VAT", "মূসক", Decimal("22.52")),
    ]
    assert june.total == Decimal("186.37")
    july = fee_quote(size_class="cottage", fixed_assets_bdt=None, on=date(2026, 7, 1))
    assert [line.name_en for line in july.lines] == ["Registration fee", "VAT"]  # the charge has ended
    assert july.total == Decimal("172.62")


def test_no_fee_for_a_class_bscic_does_not_register_is_a_bilingual_error(schedule):
    with pytest.raises(NoFeeInForce) as refused:
        fee_quote(size_class="large", fixed_assets_bdt=60 * 10**7, on=ON)
    assert "large" in refused.value.message and "600,000,000" in refused.value.message
    assert "বৃহৎ" in refused.value.message_bangla
    assert refused.value.message_for("bn") == refused.value.message_bangla


def test_an_application_is_quoted_by_its_class_and_fixed_assets(offices, applicant):
    from .conftest import complete_application

    application = complete_application(
        applicant, size_class="small", machinery_bdt=15 * LAKH, other_fixed_bdt=LAKH
    )
    quote = fee_quote(application=application, on=ON)
    assert quote == fee_quote(size_class="small", fixed_assets_bdt=16 * LAKH, on=ON)
    assert quote.lines[0].amount == Decimal("2000.00")
