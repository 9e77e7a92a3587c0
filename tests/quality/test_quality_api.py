"""/api/v1/quality/: who may read the findings, the filter language, check=, reviews, pages."""

import json

import pytest
from django.contrib.auth.models import Permission

from quality.models import Check, QualityScore
from quality.selectors import latest_run
from quality.services import flag_review, quality_run
from tests.conftest import BOGURA_TOWN, NAOGAON_TOWN
from tests.factories import api_key_for, located_enterprises

pytestmark = pytest.mark.django_db
URL = "/api/v1/quality/"


def user_with(django_user_model, name: str, *codenames: str):
    user = django_user_model.objects.create_user(name, password="pw-long-enough-1")
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.fixture
def analyst(client, django_user_model):
    user = user_with(django_user_model, "analyst", "view_qualityflag")
    client.force_login(user)
    return user


@pytest.fixture
def faults():
    """Three at one point in Bogura, three in Naogaon, and one with a year in the future; one sound."""
    bogura = located_enterprises([BOGURA_TOWN] * 3, owner_phone="+8801711000001")
    naogaon = located_enterprises([NAOGAON_TOWN] * 3)
    (future,) = located_enterprises([(89.40, 24.86)], year_established=2099)
    located_enterprises([(89.45, 24.90)])
    quality_run()
    return {"bogura": bogura, "naogaon": naogaon, "future": future}


def get(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_only_staff_with_the_permission_or_their_keys_read_the_findings(client, django_user_model, faults):
    anonymous = client.get(URL)
    assert anonymous.status_code in (401, 403)
    client.force_login(user_with(django_user_model, "clerk"))
    refused = client.get(URL)
    assert refused.status_code == 403
    assert "view_qualityflag" in refused.content.decode() and "অনুমতি" in refused.content.decode()
    client.logout()
    key = api_key_for(user_with(django_user_model, "ministry", "view_qualityflag"))
    answer = json.loads(client.get(URL, HTTP_AUTHORIZATION=f"Api-Key {key}").content)
    assert answer["numberMatched"] == 7


def test_each_enterprise_comes_with_its_findings_and_their_reasons(client, analyst, faults):
    answer = get(client)
    by_id = {row["id"]: row for row in answer["results"]}
    future = by_id[faults["future"].pk]
    assert [flag["check"] for flag in future["flags"]] == [Check.YEAR_IMPLAUSIBLE]
    assert "2099" in future["flags"][0]["reason"]["en"] and "২০৯৯" in future["flags"][0]["reason"]["bn"]
    assert answer["run"]["enterprises"] == 8 and answer["running"] is None
    # No owner data for a user without view_personal, not even in a reason.
    assert "owner_phone" not in future and "1711000001" not in json.dumps(answer)


def test_the_filter_language_and_check_select_the_findings(client, analyst, faults):
    bogura = get(client, district="Bogura", check="shared_point")
    assert {row["id"] for row in bogura["results"]} == {e.pk for e in faults["bogura"]}
    assert get(client, check="year_implausible,outside_district")["numberMatched"] == 1
    assert get(client, district="Naogaon", check="year_implausible")["numberMatched"] == 0
    bad = client.get(URL, {"check": "banana"})
    assert bad.status_code == 400
    assert "banana" in bad.content.decode() and "shared_point" in bad.content.decode()
    assert client.get(URL, {"district": "Atlantis"}).status_code == 400


def test_a_finding_checked_and_found_right_leaves_the_list_and_stays_out_after_the_next_run(
    client, analyst, faults
):
    future = faults["future"]
    flag_review(enterprise_id=future.pk, check=Check.YEAR_IMPLAUSIBLE, other_id=None, user=analyst, note="ok")
    assert future.pk not in {row["id"] for row in get(client)["results"]}
    quality_run()
    assert future.pk not in {row["id"] for row in get(client)["results"]}
    included = {row["id"]: row for row in get(client, reviewed="true")["results"]}
    assert included[future.pk]["flags"][0]["reviewed"] is True


def test_a_review_counts_in_its_districts_scores_at_once_and_leaves_the_others_as_they_were(analyst, faults):
    future = faults["future"]

    def scores() -> dict:
        rows = QualityScore.objects.filter(run=latest_run())
        return {(s.district_id, s.upazila_id, s.survey_round_id): (s.flagged, s.score) for s in rows}

    before = scores()
    flag_review(enterprise_id=future.pk, check=Check.YEAR_IMPLAUSIBLE, other_id=None, user=analyst)
    after = scores()

    assert after.keys() == before.keys()
    changed = {key for key in before if before[key] != after[key]}
    assert changed == {(future.district_id, None, None), (future.district_id, future.upazila_id, None)}
    for key in changed:
        assert after[key][0] == before[key][0] - 1 and after[key][1] > before[key][1]


def test_personal_data_only_with_view_personal(client, django_user_model, faults):
    client.force_login(user_with(django_user_model, "officer", "view_qualityflag", "view_personal"))
    rows = {row["id"]: row for row in get(client, district="Bogura")["results"]}
    assert rows[faults["bogura"][0].pk]["owner_phone"] == "+8801711000001"


def test_pages_follow_by_cursor_both_ways(client, analyst, faults):
    first = get(client, page_size=3)
    assert first["numberReturned"] == 3 and first["numberMatched"] == 7 and first["prev"] is None
    second = json.loads(client.get(first["next"]).content)
    third = json.loads(client.get(second["next"]).content)
    assert third["numberReturned"] == 1 and third["next"] is None
    seen = [row["id"] for page in (first, second, third) for row in page["results"]]
    assert seen == sorted(seen) and len(set(seen)) == 7
    back = json.loads(client.get(third["prev"]).content)
    assert [row["id"] for row in back["results"]] == [row["id"] for row in second["results"]]


def test_before_any_run_the_list_is_empty_and_says_so(client, analyst):
    located_enterprises([BOGURA_TOWN] * 3)
    answer = get(client)
    assert answer["run"] is None and answer["results"] == [] and answer["numberMatched"] == 0
