"""q=: a short word matches only as a substring (a word's prefix, a whole word), never by spelling
similarity, which for three letters finds unrelated words (চাল, rice, finding চামড়া, leather);
a longer word still finds its misspellings."""

import json
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.http import QueryDict

from api.selectors import enterprise_list
from tests.conftest import BOGURA_TOWN
from tests.factories import located_enterprises

pytestmark = pytest.mark.django_db

URL = "/api/v1/enterprises/"


def found(client, text: str) -> set[int]:
    response = client.get(URL, {"q": text})
    assert response.status_code == 200, response.content.decode()[:500]
    return {feature["id"] for feature in json.loads(response.content)["features"]}


@pytest.fixture
def rice_and_leather():
    names = {
        "rice": ("Bogura Rice Mill", "বগুড়া চাল কল", "চাল"),
        "leather": ("Bogura Leather", "চামড়া", "চামড়ার জুতা"),
        "rich": ("Rich Foods", "রিচ ফুডস", "বিস্কুট"),
        "handloom": ("Karatoya Handloom", "করতোয়া তাঁত", "শাড়ি"),
        "tent": ("Sirajganj Tents", "সিরাজগঞ্জ তাঁবু", "তাঁবু"),
    }
    return {
        key: located_enterprises([BOGURA_TOWN], name_en=name_en, name_bn=name_bn, product=product)[0]
        for key, (name_en, name_bn, product) in names.items()
    }


def test_a_short_bangla_word_finds_only_the_enterprises_that_contain_it(client, rice_and_leather):
    assert found(client, "চাল") == {rice_and_leather["rice"].pk}


def test_short_words_are_not_matched_by_similar_spelling(client, rice_and_leather, settings):
    assert len("rice") < settings.API_FUZZY_MIN_LENGTH
    assert found(client, "rice") == {rice_and_leather["rice"].pk}  # not Rich Foods
    assert found(client, "MIL") == {rice_and_leather["rice"].pk}  # a word's beginning (Mill)
    assert found(client, "তাঁত") == {rice_and_leather["handloom"].pk}  # handloom, not তাঁবু (tent)
    assert found(client, "বগুড়া চাল") == {rice_and_leather["rice"].pk}  # several short words


def test_the_length_is_a_setting(client, rice_and_leather, settings):
    settings.API_FUZZY_MIN_LENGTH = 4
    assert found(client, "rice") == {rice_and_leather["rice"].pk, rice_and_leather["rich"].pk}


def test_a_longer_misspelt_word_still_finds_by_spelling(client, rice_and_leather):
    assert found(client, "handlom") == {rice_and_leather["handloom"].pk}
    assert found(client, "Karatoa") == {rice_and_leather["handloom"].pk}
    assert found(client, "করতোযা") == {rice_and_leather["handloom"].pk}  # য without its nukta


def test_digits_match_in_either_script_without_spelling_similarity(client):
    (handloom,) = located_enterprises(
        [BOGURA_TOWN], name_en="Karatoya Handloom 2", name_bn="করতোয়া তাঁত ২", product="শাড়ি"
    )
    assert found(client, "তাঁত 2") == {handloom.pk}  # ASCII digit for the name's Bangla one
    assert found(client, "Handloom ২") == {handloom.pk}


@pytest.mark.parametrize("text", ["চাল", "rice", "handlom", "তাঁত 2", "করতোয়া তাঁত"])
def test_every_arm_of_the_search_is_answerable_by_the_trigram_indexes(text):
    """With sequential scans (and the primary key's ordered scan, which an empty table favours) priced
    out, the plan must be bitmap scans of the GIN indexes: one arm that no index answers would force a scan
    of every row whatever the table's size."""
    queryset = enterprise_list(params=QueryDict(urlencode({"q": text})))
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan on industries_enterprise" not in plan, plan
    assert "Bitmap Index Scan on enterprise_name_bn_trgm" in plan
