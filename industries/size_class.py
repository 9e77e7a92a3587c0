"""Enterprise size class under the National Industrial Policy (NIP) 2016 and 2022: one table, one rule.

Both criteria are fixed assets excluding land and factory building (at replacement cost, BDT) and the number
of workers. Each band in ``SIZE_TABLES`` gives the inclusive lower bound of both for its class. A unit's class
by assets and its class by workers are looked up separately; **when they disagree, the unit is placed in the
higher class** (Bangladesh Bank SMESPD Circular 01/2025; the textbook reading of NIP 2010).

Where the numbers come from (see the domain facts, §1):

- NIP 2016: the SME fact sheets and BSCIC Khulna's classification page.
- NIP 2022: Bangladesh Bank SMESPD Circular 01/2025 (17 March 2025), as summarised by a commercial bank, i.e.
  a secondary summary: the gazette table itself was not seen.

Entries marked ⚠ are uncertain and live here, as data, so that confirming them with BSCIC changes one line.

``classify_size`` classifies one unit; ``classify_size_array`` is its vectorised twin for bulk data (import
batches, synthetic data) and gives the same answer on every input.
"""

import math
from dataclasses import dataclass

import numpy as np
from django.db import models
from django.utils.translation import gettext_lazy as _

LAKH = 100_000
CRORE = 10_000_000


class SizeClass(models.TextChoices):
    COTTAGE = "cottage", _("Cottage")
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")


class Kind(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    SERVICE = "service", _("Service")


class Policy(models.TextChoices):
    NIP2016 = "NIP2016", _("National Industrial Policy 2016")
    NIP2022 = "NIP2022", _("National Industrial Policy 2022")


@dataclass(frozen=True)
class Band:
    """The inclusive lower bounds (fixed assets in BDT, workers) of one size class."""

    size: SizeClass
    min_assets_bdt: int
    min_workers: int


# ⚠ Service units below 10 lakh and 16 workers are cottage if family-based, else micro: the micro-service
# band comes from a bank lending table, and "family-based" is our reading of how the two are told apart.
# BOTTOM stands for that shared band in the service tables; classify_size resolves it. (The manufacturing
# bottom band is always cottage.)
BOTTOM = SizeClass.COTTAGE

# ⚠ Lower bounds are inclusive (exactly 75 lakh is small, exactly 16 workers is micro): the sources say
# "up to" and "to less than" inconsistently.
_MANUFACTURING_2016 = (
    Band(SizeClass.COTTAGE, 0, 0),
    Band(SizeClass.MICRO, 10 * LAKH, 16),
    Band(SizeClass.SMALL, 75 * LAKH, 31),
    Band(SizeClass.MEDIUM, 15 * CRORE, 121),
    Band(SizeClass.LARGE, 50 * CRORE, 301),
)
# ⚠ NIP 2022 moved the manufacturing micro/small worker split: micro ≤ 25, small 26–120 (secondary sources;
# the gazette table was not seen). Everything else as in 2016.
_MANUFACTURING_2022 = (
    Band(SizeClass.COTTAGE, 0, 0),
    Band(SizeClass.MICRO, 10 * LAKH, 16),
    Band(SizeClass.SMALL, 75 * LAKH, 26),
    Band(SizeClass.MEDIUM, 15 * CRORE, 121),
    Band(SizeClass.LARGE, 50 * CRORE, 301),
)
_SERVICE = (
    Band(BOTTOM, 0, 0),  # ⚠ cottage if family-based, else micro (see BOTTOM)
    Band(SizeClass.SMALL, 10 * LAKH, 16),
    Band(SizeClass.MEDIUM, 2 * CRORE, 51),
    Band(SizeClass.LARGE, 30 * CRORE, 121),
)
SIZE_TABLES: dict[str, dict[str, tuple[Band, ...]]] = {
    Policy.NIP2016: {Kind.MANUFACTURING: _MANUFACTURING_2016, Kind.SERVICE: _SERVICE},
    Policy.NIP2022: {Kind.MANUFACTURING: _MANUFACTURING_2022, Kind.SERVICE: _SERVICE},
}
# ⚠ Labour-intensive manufacturing (e.g. RMG): medium goes up to 1,000 workers, so large by workers starts at
# 1,001; the asset bounds are unchanged. Applies to manufacturing only.
LABOUR_INTENSIVE_MIN_WORKERS_LARGE = 1_001


def _bands(policy: str, kind: str) -> tuple[Band, ...]:
    try:
        by_kind = SIZE_TABLES[policy]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown size-class policy {policy!r}; expected one of {[str(p) for p in SIZE_TABLES]}."
        ) from None
    try:
        return by_kind[kind]
    except (KeyError, TypeError):
        raise ValueError(
            f"Unknown enterprise kind {kind!r}; expected one of {[str(k) for k in by_kind]}."
        ) from None


def _worker_bounds(bands: tuple[Band, ...], labour_intensive: bool) -> list[int]:
    """The workers' lower bound of each band; labour-intensive units reach large later."""
    if not labour_intensive:
        return [b.min_workers for b in bands]
    return [LABOUR_INTENSIVE_MIN_WORKERS_LARGE if b.size == SizeClass.LARGE else b.min_workers for b in bands]


def _is_unknown(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def classify_size(
    kind: str,
    investment_bdt: float | None,
    workers: int | None,
    *,
    policy: str,
    family_based: bool = False,
    labour_intensive: bool = False,
) -> SizeClass | None:
    """The size class of one enterprise under ``policy``.

    ``investment_bdt`` is fixed assets excluding land and building; ``workers`` the number of workers. An
    unknown figure (None, or a float NaN) is left out and the other decides alone; when both are unknown the
    answer is None. The class by assets and the class by workers are found separately and the higher wins.
    ``labour_intensive`` only matters for manufacturing. Raises ValueError for a negative figure or an
    unknown policy or kind.
    """
    bands = _bands(policy, kind)
    band_index = -1
    if not _is_unknown(investment_bdt):
        if investment_bdt < 0:
            raise ValueError(f"Fixed assets (investment_bdt) cannot be negative: {investment_bdt}.")
        band_index = max(i for i, b in enumerate(bands) if b.min_assets_bdt <= investment_bdt)
    if not _is_unknown(workers):
        if workers < 0:
            raise ValueError(f"Workers cannot be negative: {workers}.")
        bounds = _worker_bounds(bands, labour_intensive and kind == Kind.MANUFACTURING)
        band_index = max(band_index, max(i for i, lo in enumerate(bounds) if lo <= workers))
    if band_index < 0:
        return None
    size = bands[band_index].size
    if kind == Kind.SERVICE and size == BOTTOM and not family_based:
        return SizeClass.MICRO
    return size


def classify_size_array(
    kinds: np.ndarray,
    investment_bdt: np.ndarray,
    workers: np.ndarray,
    *,
    policy: str,
    family_based: np.ndarray | None = None,
    labour_intensive: np.ndarray | None = None,
) -> np.ndarray:
    """``classify_size`` over arrays, for bulk data (import batches, a million synthetic rows).

    ``kinds`` holds "manufacturing"/"service"; ``investment_bdt`` and ``workers`` are float arrays where NaN
    means unknown; ``family_based`` and ``labour_intensive`` are boolean arrays (None: all False).

    Returns a 1-d **object** array of the class values as plain str ("cottage" … "large"), with **None**
    where both figures are unknown, so ``pandas.isna`` finds the unclassified rows. Same table, same answers
    as ``classify_size``; raises ValueError for a negative figure, an unknown policy or kind, or arrays of
    different lengths.
    """
    by_kind = {kind: _bands(policy, kind) for kind in Kind}  # validates the policy, even for no rows
    kinds = np.asarray(kinds)
    investment_bdt = np.asarray(investment_bdt, dtype=float)
    workers = np.asarray(workers, dtype=float)
    n = len(kinds)
    family_based = np.zeros(n, bool) if family_based is None else np.asarray(family_based, bool)
    labour_intensive = np.zeros(n, bool) if labour_intensive is None else np.asarray(labour_intensive, bool)
    lengths = {len(a) for a in (kinds, investment_bdt, workers, family_based, labour_intensive)}
    if lengths != {n}:
        raise ValueError(f"classify_size_array needs arrays of one length; got lengths {sorted(lengths)}.")
    if np.any(investment_bdt < 0) or np.any(workers < 0):  # NaN compares False: unknown is fine
        raise ValueError("Fixed assets (investment_bdt) and workers cannot be negative.")

    result = np.full(n, None, dtype=object)
    known = np.zeros(n, bool)
    for kind, bands in by_kind.items():
        rows = kinds == kind
        known |= rows
        if not rows.any():
            continue
        assets, staff = investment_bdt[rows], workers[rows]
        sizes = np.array([b.size.value for b in bands] + [None], dtype=object)  # index -1 → None
        by_assets = np.searchsorted([b.min_assets_bdt for b in bands], assets, side="right") - 1
        by_workers = np.searchsorted(_worker_bounds(bands, False), staff, side="right") - 1
        if kind == Kind.MANUFACTURING:
            intensive = np.searchsorted(_worker_bounds(bands, True), staff, side="right") - 1
            by_workers = np.where(labour_intensive[rows], intensive, by_workers)
        # searchsorted puts NaN past the end: unknown must not count, so it becomes -1 (below every band).
        by_assets = np.where(np.isnan(assets), -1, by_assets)
        by_workers = np.where(np.isnan(staff), -1, by_workers)
        classes = sizes[np.maximum(by_assets, by_workers)]
        if kind == Kind.SERVICE:
            classes[(classes == BOTTOM.value) & ~family_based[rows]] = SizeClass.MICRO.value
        result[rows] = classes
    if not known.all():
        unknown = kinds[~known][:5].tolist()
        raise ValueError(f"Unknown enterprise kind(s) {unknown}; expected one of {[str(k) for k in Kind]}.")
    return result


@dataclass(frozen=True)
class SizeRule:
    """Why a unit is in its size class: the band its fixed assets fall in and the band its workers fall in,
    each with that band's bounds, and the class that applies (the higher of the two)."""

    size: SizeClass | None
    by_assets: SizeClass | None
    # [lower, upper) in BDT; upper None for the top band.
    assets_bounds: tuple[int, int | None] | None
    by_workers: SizeClass | None
    # [lower, upper] workers, both inclusive; upper None for the top band.
    workers_bounds: tuple[int, int | None] | None


def explain_size(
    kind: str,
    investment_bdt: float | None,
    workers: int | None,
    *,
    policy: str,
    family_based: bool = False,
    labour_intensive: bool = False,
) -> SizeRule:
    """``classify_size`` with its reasons: the class by assets and by workers, and the bounds of each band.

    ``size`` is exactly what ``classify_size`` returns for the same arguments (it is called); the bands are
    looked up in the same table. Same errors as ``classify_size``.
    """
    size = classify_size(
        kind,
        investment_bdt,
        workers,
        policy=policy,
        family_based=family_based,
        labour_intensive=labour_intensive,
    )
    bands = _bands(policy, kind)

    def resolved(band: Band) -> SizeClass:
        if kind == Kind.SERVICE and band.size == BOTTOM and not family_based:
            return SizeClass.MICRO
        return band.size

    by_assets = assets_bounds = by_workers = workers_bounds = None
    if not _is_unknown(investment_bdt):
        i = max(i for i, b in enumerate(bands) if b.min_assets_bdt <= investment_bdt)
        upper = bands[i + 1].min_assets_bdt if i + 1 < len(bands) else None
        by_assets, assets_bounds = resolved(bands[i]), (bands[i].min_assets_bdt, upper)
    if not _is_unknown(workers):
        bounds = _worker_bounds(bands, labour_intensive and kind == Kind.MANUFACTURING)
        i = max(i for i, lo in enumerate(bounds) if lo <= workers)
        upper = bounds[i + 1] - 1 if i + 1 < len(bounds) else None
        by_workers, workers_bounds = resolved(bands[i]), (bounds[i], upper)
    return SizeRule(size, by_assets, assets_bounds, by_workers, workers_bounds)
