"""/about/data/: how the data are made, in English and Bangla, with the figures the code uses (size-class
bounds, the suppression threshold, the boundaries' attribution, the data's date)."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from industries.bangla import to_bangla_digits
from industries.size_class import SIZE_TABLES, Kind

pytestmark = pytest.mark.django_db

URL = "/about/data/"
PHONE = "Mozilla/5.0 (Linux; Android 13; SM-A135F) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"


class Outline(HTMLParser):
    """The page's headings in order, its stylesheets, and whether anything is styled or scripted inline."""

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.stylesheets: list[str] = []
        self.inline: list[str] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        if tag in ("style", "script") or "style" in attrs or any(name.startswith("on") for name in attrs):
            self.inline.append(tag)


def page(client, **params) -> tuple[str, Outline]:
    response = client.get(URL, params, HTTP_USER_AGENT=PHONE)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    outline = Outline()
    outline.feed(text)
    return text, outline


def test_the_page_is_named_and_well_formed_for_a_phone(client):
    assert reverse("about-data") == URL
    text, outline = page(client)
    assert outline.lang == "en"
    assert outline.headings.count(1) == 1 and outline.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(outline.headings, outline.headings[1:], strict=False))
    assert outline.inline == [] and outline.stylesheets == ["/static/geodb/about.css"]
    assert 'name="viewport"' in text and 'href="/"' in text
    css = (django_settings.BASE_DIR / "geodb" / "static" / "geodb" / "about.css").read_text()
    assert "max-width" in css and "overflow-x: auto" in css  # one column; wide tables scroll


def test_english_has_the_figures_of_the_code(client, settings):
    settings.API_SUPPRESS_BELOW = 4
    text, _ = page(client, lang="en")
    assert "fewer than 4 enterprises" in text
    assert "Economic Census 2013" in text and "is_synthetic" in text
    assert "CC BY 3.0 IGO" in text and "humdata.org" in text  # the fixtures' required attribution
    assert "Permission is hereby granted" not in text  # that paragraph only, not the licences
    assert "National Industrial Policy 2022" in text
    for band in SIZE_TABLES["NIP2022"][Kind.MANUFACTURING]:
        assert f"<td>{band.min_workers:,}</td>" in text
    assert "75 lakh" in text and "15 crore" in text
    assert 'href="/api/v1/?f=html"' in text and 'href="/api/v1/enterprises/export.csv"' in text


def test_bangla_by_parameter_and_remembered_in_the_cookie(client, settings):
    text, outline = page(client, lang="bn")
    assert outline.lang == "bn" and "তথ্য ও পদ্ধতি" in text
    assert f"{to_bangla_digits(str(settings.API_SUPPRESS_BELOW))}টির কম" in text
    assert "৭৫ লাখ" in text and "১৫ কোটি" in text and "কুটির" in text
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "bn"
    again, outline = page(client)  # no parameter: the cookie's language
    assert "তথ্য ও পদ্ধতি" in again
    assert outline.lang == "bn"
    english, outline = page(client, lang="en")
    assert outline.lang == "en" and "About the data" in english


def test_the_date_and_sources_of_the_data_are_shown(client):
    from django.utils import timezone

    from tests.conftest import BOGURA_TOWN
    from tests.factories import EnterpriseFactory

    EnterpriseFactory(location=BOGURA_TOWN, is_synthetic=True)
    text, _ = page(client)
    assert f"Data as of <strong>{timezone.localdate().isoformat()}</strong>" in text
    assert "This database holds synthetic records." in text
