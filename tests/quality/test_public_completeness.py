"""The public completeness of a selection (/api/v1/stats/'s total.completeness): the share of each public
field filled, for any filter; hidden with the figures of a selection too small to show; never a personal
field."""

import json

import pytest

from quality.completeness import PUBLIC_FIELDS
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db
STATS = "/api/v1/stats/"


def total(client, **params) -> dict:
    return json.loads(client.get(STATS, params).content)["total"]


def test_the_share_of_each_field_filled_follows_the_filters(client):
    located_enterprises([BOGURA_TOWN] * 2, address="Satmatha, Bogura", year_established=None)
    located_enterprises([BOGURA_TOWN] * 2, address="", year_established=2001, investment_bdt=None)
    located_enterprises([NAOGAON_TOWN] * 3, address="Naogaon Sadar", year_established=1999)
    bogura = total(client, district="Bogura")["completeness"]
    assert set(bogura) == set(PUBLIC_FIELDS)
    assert (bogura["address"], bogura["year_established"], bogura["investment_bdt"]) == (0.5, 0.5, 0.5)
    assert bogura["name_en"] == 1.0
    national = total(client)["completeness"]
    assert national["address"] == round(5 / 7, 3)
    by_size = json.loads(client.get(STATS, {"by": "size"}).content)
    assert by_size["total"]["completeness"] == national  # the same, however it is grouped


def test_a_selection_too_small_to_show_hides_its_completeness_too(client):
    located_enterprises([BOGURA_TOWN] * 2)
    assert total(client, district="Bogura")["completeness"] is None
    assert total(client, district="Naogaon")["completeness"] == dict.fromkeys(PUBLIC_FIELDS)  # none matched


def test_no_personal_field_is_part_of_the_public_completeness(client):
    located_enterprises([BOGURA_TOWN] * 3, owner_phone="+8801711000000")
    assert not {"owner_name", "owner_phone", "owner_nid"} & set(total(client)["completeness"])
