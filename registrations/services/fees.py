"""The registration fee of an enterprise on a date, from the schedule head office keeps in the admin.

The rate is the ``FeeRate`` of the size class with the latest ``effective_from`` on or before the date; within
that schedule, the band with the smallest ``max_investment_bdt`` that holds the fixed assets, or the unbounded
one. Each ``FeeCharge`` in force that day (VAT, a service charge) adds a line: its percent of the fee,
rounded half-up to the paisa, plus its fixed amount. ⚠ The amounts are uncertain (an old published
schedule): they are rows, never numbers here. Decimal throughout.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from django.db.models import Q
from django.utils import translation

from industries.size_class import SizeClass

from ..exceptions import RegistrationError, in_bangla
from ..models import Application, FeeCharge, FeeRate

PAISA = Decimal("0.01")
FEE_LINE_NAME = ("Registration fee", "নিবন্ধন ফি")


class NoFeeInForce(RegistrationError):
    """No fee is set for the size class that day: the schedule has no row yet, or the class is one BSCIC
    does not register (large industries register with BIDA)."""

    code = "no_fee_in_force"
    message_en = (
        "No registration fee is set for {size} enterprises with fixed assets of BDT {assets} on {day}. "
        "BSCIC registers cottage, micro, small and medium industries; head office sets the fees "
        "(Fee rates in the admin)."
    )
    message_bn = (
        "{day} তারিখে {assets} টাকার স্থায়ী সম্পদের {size_bn} শিল্পের জন্য কোনো নিবন্ধন ফি নির্ধারিত নেই। "
        "বিসিক কুটির, মাইক্রো, ক্ষুদ্র ও মাঝারি শিল্প নিবন্ধন করে; ফি নির্ধারণ করে প্রধান কার্যালয় "
        "(অ্যাডমিনে ফি-র হার)।"
    )


class FeeLine(NamedTuple):
    name_en: str
    name_bn: str
    amount: Decimal


@dataclass(frozen=True)
class FeeQuote:
    lines: list[FeeLine]  # the fee first, then each charge
    total: Decimal


def _size_names(size_class: str) -> tuple[str, str]:
    try:
        label = SizeClass(size_class).label
    except ValueError:
        return size_class or "—", size_class or "—"
    with translation.override("en"):
        return str(label).lower(), in_bangla(label)


def rates_in_force(*, on: date, size_class: str | None = None) -> list[FeeRate]:
    """The schedule in force on ``on`` of every size class (or of one): each class's latest rows by then,
    its bands ascending (no bound last). One query."""
    rows = FeeRate.objects.filter(effective_from__lte=on)
    if size_class is not None:
        rows = rows.filter(size_class=size_class)
    latest: dict[str, date] = {}
    return [
        row
        for row in rows.order_by("size_class", "-effective_from", "max_investment_bdt")
        if latest.setdefault(row.size_class, row.effective_from) == row.effective_from
    ]


def _rate(*, size_class: str, fixed_assets_bdt: int, on: date) -> FeeRate | None:
    return next(
        (
            r
            for r in rates_in_force(on=on, size_class=size_class)
            if r.max_investment_bdt is None or r.max_investment_bdt >= fixed_assets_bdt
        ),
        None,
    )


def fee_quote(
    *,
    on: date,
    size_class: str | None = None,
    fixed_assets_bdt: int | None = None,
    application: Application | None = None,
) -> FeeQuote:
    """The fee and its charges on ``on`` for an enterprise of ``size_class`` with ``fixed_assets_bdt``
    (machinery and other fixed assets; land and building excluded; not stated counts as 0), or for
    ``application`` (its size class and fixed assets). Raises NoFeeInForce when no rate applies."""
    if application is not None:
        size_class, fixed_assets_bdt = application.size_class, application.fixed_assets_bdt
    assets = fixed_assets_bdt or 0
    rate = _rate(size_class=size_class or "", fixed_assets_bdt=assets, on=on)
    if rate is None:
        size_en, size_bn = _size_names(size_class or "")
        raise NoFeeInForce(size=size_en, size_bn=size_bn, assets=f"{assets:,}", day=on.isoformat())
    fee = rate.amount.quantize(PAISA, rounding=ROUND_HALF_UP)
    lines = [FeeLine(*FEE_LINE_NAME, fee)]
    charges = FeeCharge.objects.filter(effective_from__lte=on).filter(
        Q(effective_until__isnull=True) | Q(effective_until__gte=on)
    )
    for charge in charges.order_by("effective_from", "name_en", "id"):
        amount = (fee * charge.percent / 100).quantize(PAISA, rounding=ROUND_HALF_UP) + charge.amount
        if amount:  # a charge at 0 % and 0 taka is a placeholder, not a line of the bill
            lines.append(FeeLine(charge.name_en, charge.name_bn, amount))
    return FeeQuote(lines=lines, total=sum((line.amount for line in lines), Decimal("0.00")))
