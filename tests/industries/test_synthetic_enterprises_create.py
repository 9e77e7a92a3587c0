import pytest
from django.db.models import Count

from industries.models import Enterprise
from industries.size_class import SizeClass, classify_size
from industries.synthetic import CENSUS_2013, PRODUCTS, synthetic_enterprises_create

pytestmark = pytest.mark.django_db

COUNT = 6_000


@pytest.fixture
def generated():
    synthetic_enterprises_create(count=COUNT, seed=7, policy="NIP2016")
    return Enterprise.objects.all()


def test_every_row_is_synthetic_located_and_consistent(generated):
    assert generated.count() == COUNT
    assert generated.filter(is_synthetic=False).count() == 0
    assert generated.filter(upazila__isnull=True).count() == 0  # every point is inside Bangladesh
    # Around 1% of stated districts are deliberately wrong, and only those are flagged.
    mismatched = generated.filter(district_mismatch=True).count()
    assert 0 < mismatched < COUNT * 0.03
    assert mismatched == sum(
        1 for e in generated.only("district", "stated_district") if e.district_id != e.stated_district_id
    )
    assert generated.filter(name_en="").count() == generated.filter(name_bn="").count() == 0


def test_division_shares_follow_the_economic_census(generated):
    shares = dict(generated.values_list("division__code").annotate(n=Count("id")))
    census_total = sum(sum(v) for v in CENSUS_2013.values())
    rajshahi_census = sum(CENSUS_2013["50"]) / census_total
    assert shares["50"] / COUNT == pytest.approx(rajshahi_census, abs=0.02)  # ~14.85%
    dhaka_and_mymensingh = (shares["30"] + shares["45"]) / COUNT
    assert dhaka_and_mymensingh == pytest.approx(sum(CENSUS_2013["30"]) / census_total, abs=0.025)


def test_size_mix_follows_the_census_and_the_stored_class_is_the_computed_one(generated):
    sizes = dict(generated.values_list("size_class").annotate(n=Count("id")))
    assert sizes[SizeClass.COTTAGE] / COUNT == pytest.approx(0.875, abs=0.03)
    assert sizes[SizeClass.SMALL] / COUNT == pytest.approx(0.11, abs=0.02)
    for e in generated[:500]:
        assert e.size_class == classify_size(
            e.kind, e.investment_bdt, e.workers_total, policy=e.size_policy, family_based=e.is_family_based
        )
        assert e.workers_male + e.workers_female == e.workers_total


def test_same_seed_gives_the_same_rows():
    synthetic_enterprises_create(count=300, seed=11, policy="NIP2022")
    first = list(Enterprise.objects.order_by("id").values_list("name_en", "investment_bdt", "location"))
    Enterprise.objects.all().delete()
    synthetic_enterprises_create(count=300, seed=11, policy="NIP2022")
    second = list(Enterprise.objects.order_by("id").values_list("name_en", "investment_bdt", "location"))
    assert first == second


def test_personal_fields_are_in_canonical_form(generated):
    sample = generated.values_list("owner_phone", "owner_nid")[:1000]
    assert all(phone.startswith("+8801") and len(phone) == 14 for phone, _ in sample)
    assert all(len(nid) in (10, 13, 17) and nid.isdigit() for _, nid in sample)


def test_each_product_is_written_in_english_and_bangla_as_a_pair(generated):
    pairs = {english: bangla for english, bangla, *_ in PRODUCTS}
    sample = list(generated.values_list("product", "product_bn")[:1000])
    assert sample and all(pairs[english] == bangla for english, bangla in sample)
