"""Every boundary of the size-class table, for both policies and both kinds, and the vectorised twin."""

import numpy as np
import pytest

from industries.size_class import (
    LABOUR_INTENSIVE_MIN_WORKERS_LARGE,
    SIZE_TABLES,
    Kind,
    Policy,
    SizeClass,
    classify_size,
    classify_size_array,
)

M, S = Kind.MANUFACTURING, Kind.SERVICE
LAKH, CRORE = 100_000, 10_000_000
POLICIES = ("NIP2016", "NIP2022")

# (policy, kind, value at the lower bound, class there, class one below), the other criterion at 0.
# Service units are not family-based here, so the service bottom band is micro.
ASSET_BOUNDARIES = [
    (policy, M, v, at, below)
    for policy in POLICIES
    for v, at, below in [
        (10 * LAKH, "micro", "cottage"),
        (75 * LAKH, "small", "micro"),
        (15 * CRORE, "medium", "small"),
        (50 * CRORE, "large", "medium"),
    ]
] + [
    (policy, S, v, at, below)
    for policy in POLICIES
    for v, at, below in [
        (10 * LAKH, "small", "micro"),
        (2 * CRORE, "medium", "small"),
        (30 * CRORE, "large", "medium"),
    ]
]
WORKER_BOUNDARIES = [
    ("NIP2016", M, 16, "micro", "cottage"),
    ("NIP2016", M, 31, "small", "micro"),
    ("NIP2016", M, 121, "medium", "small"),
    ("NIP2016", M, 301, "large", "medium"),
    ("NIP2022", M, 16, "micro", "cottage"),
    ("NIP2022", M, 26, "small", "micro"),  # NIP 2022: micro is at most 25 workers
    ("NIP2022", M, 121, "medium", "small"),
    ("NIP2022", M, 301, "large", "medium"),
] + [
    (policy, S, v, at, below)
    for policy in POLICIES
    for v, at, below in [(16, "small", "micro"), (51, "medium", "small"), (121, "large", "medium")]
]


def _ids(case):
    policy, kind, value, *_ = case
    return f"{policy}-{kind}-{value}"


@pytest.mark.parametrize(
    ("policy", "kind", "value", "at", "below"), ASSET_BOUNDARIES, ids=map(_ids, ASSET_BOUNDARIES)
)
def test_asset_boundaries(policy, kind, value, at, below):
    assert classify_size(kind, value, 0, policy=policy) == at
    assert classify_size(kind, value - 1, 0, policy=policy) == below
    assert classify_size(kind, value, None, policy=policy) == at
    assert classify_size(kind, value - 1, None, policy=policy) == below


@pytest.mark.parametrize(
    ("policy", "kind", "value", "at", "below"), WORKER_BOUNDARIES, ids=map(_ids, WORKER_BOUNDARIES)
)
def test_worker_boundaries(policy, kind, value, at, below):
    assert classify_size(kind, 0, value, policy=policy) == at
    assert classify_size(kind, 0, value - 1, policy=policy) == below
    assert classify_size(kind, None, value, policy=policy) == at
    assert classify_size(kind, None, value - 1, policy=policy) == below


def test_the_tables_cover_every_band_tested_here():
    """If a band is added to SIZE_TABLES, a boundary test has to be added with it."""
    for policy in POLICIES:
        for kind in (M, S):
            bands = SIZE_TABLES[policy][kind][1:]  # the bottom band starts at 0: nothing below it
            assets = {v for p, k, v, *_ in ASSET_BOUNDARIES if (p, k) == (policy, kind)}
            workers = {v for p, k, v, *_ in WORKER_BOUNDARIES if (p, k) == (policy, kind)}
            assert assets == {b.min_assets_bdt for b in bands}
            assert workers == {b.min_workers for b in bands}


@pytest.mark.parametrize(
    ("workers", "nip2016", "nip2022"),
    [(25, "micro", "micro"), (26, "micro", "small"), (30, "micro", "small"), (31, "small", "small")],
)
def test_the_micro_small_worker_split_moved_in_2022(workers, nip2016, nip2022):
    assert classify_size(M, 0, workers, policy="NIP2016") == nip2016
    assert classify_size(M, 0, workers, policy="NIP2022") == nip2022


@pytest.mark.parametrize("policy", POLICIES)
def test_the_bottom_band_is_cottage_when_family_based(policy):
    # Manufacturing: the bottom band is always cottage.
    assert classify_size(M, 5 * LAKH, 10, policy=policy) == "cottage"
    assert classify_size(M, 5 * LAKH, 10, policy=policy, family_based=True) == "cottage"
    assert classify_size(M, 0, 0, policy=policy) == "cottage"
    # Services: the shared bottom band is told apart by family_based, at both of its edges.
    assert classify_size(S, 5 * LAKH, 10, policy=policy, family_based=True) == "cottage"
    assert classify_size(S, 5 * LAKH, 10, policy=policy, family_based=False) == "micro"
    assert classify_size(S, 10 * LAKH - 1, 15, policy=policy, family_based=True) == "cottage"
    assert classify_size(S, 10 * LAKH - 1, 15, policy=policy) == "micro"
    assert classify_size(S, 0, 0, policy=policy, family_based=True) == "cottage"
    # Above the bottom band family_based changes nothing.
    assert classify_size(S, 10 * LAKH, 0, policy=policy, family_based=True) == "small"
    assert classify_size(S, 0, 16, policy=policy, family_based=True) == "small"
    assert classify_size(M, 10 * LAKH, 0, policy=policy, family_based=True) == "micro"


@pytest.mark.parametrize("policy", POLICIES)
def test_labour_intensive_manufacturing_stays_medium_up_to_1000_workers(policy):
    assert LABOUR_INTENSIVE_MIN_WORKERS_LARGE == 1001
    assert classify_size(M, 0, 301, policy=policy, labour_intensive=True) == "medium"
    assert classify_size(M, 0, 1000, policy=policy, labour_intensive=True) == "medium"
    assert classify_size(M, 0, 1001, policy=policy, labour_intensive=True) == "large"
    assert classify_size(M, 0, 1000, policy=policy) == "large"
    # The lower bands and the asset bounds are unchanged.
    assert classify_size(M, 0, 120, policy=policy, labour_intensive=True) == "small"
    assert classify_size(M, 0, 121, policy=policy, labour_intensive=True) == "medium"
    assert classify_size(M, 50 * CRORE, 200, policy=policy, labour_intensive=True) == "large"
    assert classify_size(M, 50 * CRORE - 1, 200, policy=policy, labour_intensive=True) == "medium"
    # Services are unaffected.
    assert classify_size(S, 0, 121, policy=policy, labour_intensive=True) == "large"


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize(
    ("kind", "investment", "workers", "expected"),
    [
        (M, 20 * CRORE, 80, "medium"),  # assets say medium, workers say small: the higher wins
        (M, 5 * LAKH, 200, "medium"),  # workers say medium, assets say cottage
        (M, 80 * LAKH, 5, "small"),
        (M, 60 * CRORE, 10, "large"),
        (M, 1 * LAKH, 400, "large"),
        (S, 5 * CRORE, 20, "medium"),
        (S, 5 * LAKH, 130, "large"),
    ],
)
def test_the_higher_class_wins(policy, kind, investment, workers, expected):
    assert classify_size(kind, investment, workers, policy=policy) == expected


def test_unknown_figures():
    assert classify_size(M, None, 40, policy="NIP2016") == "small"
    assert classify_size(M, 16 * CRORE, None, policy="NIP2016") == "medium"
    assert classify_size(M, None, None, policy="NIP2016") is None
    assert classify_size(S, None, None, policy="NIP2022", family_based=True) is None
    assert classify_size(S, None, 3, policy="NIP2022") == "micro"
    # NaN (as from a spreadsheet) is unknown too, as in the vectorised twin.
    assert classify_size(M, float("nan"), 40, policy="NIP2016") == "small"
    assert classify_size(M, float("nan"), float("nan"), policy="NIP2016") is None


def test_the_result_is_a_size_class_and_the_enums_are_ordered():
    result = classify_size(M, 0, 50, policy=Policy.NIP2016)
    assert result is SizeClass.SMALL
    assert [c.value for c in SizeClass] == ["cottage", "micro", "small", "medium", "large"]
    assert [k.value for k in Kind] == ["manufacturing", "service"]
    assert [p.value for p in Policy] == ["NIP2016", "NIP2022"]


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((M, -1, 5), {"policy": "NIP2016"}, "negative"),
        ((M, 5, -1), {"policy": "NIP2016"}, "negative"),
        ((S, -1, None), {"policy": "NIP2022"}, "negative"),
        ((M, 5, 5), {"policy": "NIP1999"}, "policy"),
        ((M, None, None), {"policy": "NIP1999"}, "policy"),
        (("trading", 5, 5), {"policy": "NIP2016"}, "kind"),
        (("trading", None, None), {"policy": "NIP2016"}, "kind"),
    ],
)
def test_bad_input_raises(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        classify_size(*args, **kwargs)


def test_the_array_returns_an_object_array_of_values_with_none_for_unknown():
    nan = np.nan
    result = classify_size_array(
        np.array(["manufacturing", "service", "service", "manufacturing"]),
        np.array([20 * CRORE, 5 * LAKH, 5 * LAKH, nan]),
        np.array([80, 10, 10, nan]),
        policy="NIP2022",
        family_based=np.array([False, True, False, False]),
    )
    assert result.dtype == object
    assert result.tolist() == ["medium", "cottage", "micro", None]
    assert all(type(v) is str for v in result[:3])


def test_the_array_accepts_no_rows_and_default_flags():
    assert classify_size_array(
        np.array([], dtype=str), np.array([]), np.array([]), policy="NIP2016"
    ).shape == (0,)
    result = classify_size_array(
        [M.value, S.value], [0.0, 0.0], [1000.0, 0.0], policy="NIP2016"
    )  # lists, flags left out: not family-based, not labour-intensive
    assert result.tolist() == ["large", "micro"]


@pytest.mark.parametrize(
    ("kinds", "investment", "workers", "kwargs", "message"),
    [
        (["manufacturing"], [-1.0], [5.0], {"policy": "NIP2016"}, "negative"),
        (["service"], [5.0], [-1.0], {"policy": "NIP2016"}, "negative"),
        (["manufacturing"], [5.0], [5.0], {"policy": "NIP1999"}, "policy"),
        ([], [], [], {"policy": "NIP1999"}, "policy"),
        (["manufacturing", "trading"], [5.0, 5.0], [5.0, 5.0], {"policy": "NIP2016"}, "trading"),
        (["manufacturing", "service"], [5.0], [5.0, 5.0], {"policy": "NIP2016"}, "length"),
        (["manufacturing"], [5.0], [5.0], {"policy": "NIP2016", "family_based": [True, False]}, "length"),
    ],
)
def test_the_array_rejects_bad_input(kinds, investment, workers, kwargs, message):
    with pytest.raises(ValueError, match=message):
        classify_size_array(np.array(kinds, dtype=str), np.array(investment), np.array(workers), **kwargs)


def _random_inputs(rng, n):
    """Figures at, one below and one above every bound in the tables (and the RMG bound), plus anywhere."""
    asset_bounds = sorted({b.min_assets_bdt for t in SIZE_TABLES.values() for bs in t.values() for b in bs})
    worker_bounds = sorted({b.min_workers for t in SIZE_TABLES.values() for bs in t.values() for b in bs})
    worker_bounds.append(LABOUR_INTENSIVE_MIN_WORKERS_LARGE)
    near = rng.random(n) < 0.8
    investment = np.where(
        near,
        rng.choice(asset_bounds, n) + rng.integers(-1, 2, n),
        np.exp(rng.uniform(0, np.log(100 * CRORE), n)).round(),
    ).clip(0)
    workers = np.where(
        near, rng.choice(worker_bounds, n) + rng.integers(-1, 2, n), rng.integers(0, 2000, n)
    ).clip(0)
    investment, workers = investment.astype(float), workers.astype(float)
    investment[rng.random(n) < 0.1] = np.nan
    workers[rng.random(n) < 0.1] = np.nan
    kinds = rng.choice([M.value, S.value], n)
    return kinds, investment, workers, rng.random(n) < 0.5, rng.random(n) < 0.3


@pytest.mark.parametrize("policy", POLICIES)
def test_the_vectorised_twin_agrees_on_every_row(policy):
    rng = np.random.default_rng(20250317)
    kinds, investment, workers, family, intensive = _random_inputs(rng, 5000)
    vectorised = classify_size_array(
        kinds, investment, workers, policy=policy, family_based=family, labour_intensive=intensive
    )
    scalar = [
        classify_size(
            k,
            None if np.isnan(a) else a,
            None if np.isnan(w) else int(w),
            policy=policy,
            family_based=bool(f),
            labour_intensive=bool(li),
        )
        for k, a, w, f, li in zip(kinds, investment, workers, family, intensive, strict=True)
    ]
    expected = [None if s is None else s.value for s in scalar]
    assert vectorised.tolist() == expected
    # The sample really did reach every class and the unknown case, so the comparison means something.
    assert set(expected) == {None, *SizeClass.values}
