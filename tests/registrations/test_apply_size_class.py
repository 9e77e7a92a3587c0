"""The live size class: the endpoint gives classify_size's class and the rule that placed it there, and the
explanation agrees with classify_size on every input."""

import itertools

import pytest
from django.test import Client

from industries.size_class import LAKH, Kind, Policy, classify_size, explain_size


def ask(**params) -> dict:
    return Client().get("/apply/size-class/", params).json()


@pytest.mark.django_db
def test_the_endpoint_gives_the_class_and_the_rule():
    cottage = ask(
        kind="manufacturing",
        machinery_bdt="300000",
        other_fixed_bdt="50000",
        workers_male="2",
        workers_female="5",
        lang="en",
    )
    assert cottage["size_class"] == "cottage"
    assert cottage["rule"] == (
        "by fixed assets Tk 3.5 lakh → Cottage (under Tk 10 lakh); by 7 workers → Cottage (up to 15); "
        "the higher applies"
    )
    # Workers push it up: the higher class applies.
    micro = ask(kind="manufacturing", machinery_bdt="৩,৫০,০০০", workers_male="২০", lang="en")
    assert micro["size_class"] == "micro"
    assert "by 20 workers → Micro (16 to 25)" in micro["rule"]
    bangla = ask(kind="manufacturing", machinery_bdt="350000", workers_male="7", lang="bn")
    assert bangla["label"] == "কুটির" and "৩.৫" in bangla["rule"] and "১৫" in bangla["rule"]


@pytest.mark.django_db
def test_unknown_or_bad_figures_leave_the_class_open():
    assert ask(kind="manufacturing")["size_class"] is None
    assert ask(kind="nonsense", machinery_bdt="5")["size_class"] is None
    assert ask(kind="manufacturing", machinery_bdt="abc")["size_class"] is None
    only_workers = ask(kind="service", workers_male="60", lang="en")
    assert only_workers["size_class"] == "medium" and "fixed assets" not in only_workers["rule"]
    family = ask(kind="service", machinery_bdt="1000", family_based="1")
    assert family["size_class"] == "cottage"
    assert ask(kind="service", machinery_bdt="1000")["size_class"] == "micro"


def test_explain_size_agrees_with_classify_size_everywhere():
    assets = [
        None,
        0,
        10 * LAKH - 1,
        10 * LAKH,
        75 * LAKH,
        2 * 10**7,
        15 * 10**7,
        30 * 10**7,
        50 * 10**7,
        10**10,
    ]
    workers = [None, 0, 15, 16, 25, 26, 30, 31, 50, 51, 120, 121, 300, 301, 1000, 1001, 5000]
    for policy, kind, a, w, family, intensive in itertools.product(
        Policy, Kind, assets, workers, (False, True), (False, True)
    ):
        rule = explain_size(kind, a, w, policy=policy, family_based=family, labour_intensive=intensive)
        assert rule.size == classify_size(
            kind, a, w, policy=policy, family_based=family, labour_intensive=intensive
        )
        if a is not None:
            low, high = rule.assets_bounds
            assert low <= a and (high is None or a < high)
        if w is not None:
            low, high = rule.workers_bounds
            assert low <= w and (high is None or w <= high)
        if rule.size is not None:
            order = ["cottage", "micro", "small", "medium", "large"]
            sides = [s for s in (rule.by_assets, rule.by_workers) if s is not None]
            assert rule.size == max(sides, key=order.index)
