"""/api/v1/: a list of every endpoint and of the documentation, as JSON for programs and as a small page in
both languages for a browser."""

import json

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL = "/api/v1/"
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def links(client, **headers) -> dict[str, dict]:
    response = client.get(URL, **headers)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert data["title"]
    return {link["rel"]: link for link in data["links"]}


def test_the_root_is_named_and_answers_json_by_default(client):
    assert reverse("api:root") == URL
    by_rel = links(client)
    assert by_rel == links(client, HTTP_ACCEPT="*/*") == links(client, HTTP_ACCEPT="application/json")
    assert all({"rel", "href", "title", "type"} <= set(link) for link in by_rel.values())


def test_every_endpoint_and_the_docs_are_linked_and_answer(client):
    by_rel = links(client)
    expected = {
        "self": URL,
        "service-desc": "/api/schema/",
        "service-doc": "/api/docs/",
        "enterprises": "/api/v1/enterprises/",
        "stats": "/api/v1/stats/",
        "places": "/api/v1/places/",
        "divisions": "/api/v1/divisions/",
        "districts": "/api/v1/districts/",
        "upazilas": "/api/v1/upazilas/",
        "registrations": "/api/v1/registrations/",
        "registration-counts": "/api/v1/registrations/counts/",
        "quality": "/api/v1/quality/",
        "ogc": "/ogc/",
        "about-data": "/about/data/",
    }
    for rel, path in expected.items():
        assert by_rel[rel]["href"] == f"http://testserver{path}", rel
    assert by_rel["tiles"]["href"] == "http://testserver/tiles/enterprises/{z}/{x}/{y}.pbf"
    assert by_rel["enterprise-export"]["href"] == "http://testserver/api/v1/enterprises/export.{format}"
    assert by_rel["tiles"]["templated"] and by_rel["enterprise-export"]["templated"]
    public = set(expected) - {"registrations", "registration-counts", "quality", "places"}
    for rel in public:
        assert client.get(by_rel[rel]["href"]).status_code == 200, rel
    assert client.get(by_rel["places"]["href"], {"q": "Bogura"}).status_code == 200
    for rel in ("registrations", "registration-counts", "quality"):  # need an API key with permission
        assert client.get(by_rel[rel]["href"]).status_code == 401
    assert client.get(by_rel["tiles"]["href"].format(z=0, x=0, y=0)).status_code == 200
    export = client.get(by_rel["enterprise-export"]["href"].format(format="csv"))
    assert export.status_code == 200
    b"".join(export.streaming_content)  # read to the end, which closes it and gives its export slot back


@pytest.mark.parametrize(
    ("params", "headers"),
    [({}, {"HTTP_ACCEPT": BROWSER_ACCEPT}), ({"f": "html"}, {}), ({"f": "HTML"}, {"HTTP_ACCEPT": "*/*"})],
)
def test_a_browser_gets_a_bilingual_page_of_the_same_links(client, params, headers):
    response = client.get(URL, params, **headers)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]
    page = response.content.decode()
    assert '<html lang="en">' in page and page.count("<h1>") == 1
    assert "এপিআই" in page and "OGC API" in page
    for link in json.loads(client.get(URL).content)["links"]:
        if not link.get("templated"):
            assert f'href="{link["href"]}"' in page


def test_f_json_wins_over_a_browsers_accept(client):
    response = client.get(URL, {"f": "json"}, HTTP_ACCEPT=BROWSER_ACCEPT)
    assert response["Content-Type"] == "application/json"
