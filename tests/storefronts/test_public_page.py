"""The public page /e/<slug>/: what it shows in each language, what it never shows, its markup, hidden and
deleted pages, the badge, and the sitemap."""

import json
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.utils import timezone

from certificates.services import certificate_issue, verification_path
from storefronts.models import Product
from storefronts.services import storefront_hide, storefront_update

from .conftest import OWNER_NID, OWNER_PHONE, registered_with_page

pytestmark = pytest.mark.django_db
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def og(html: str, name: str) -> str:
    match = re.search(rf'<meta property="{name}" content="([^"]*)">', html)
    return match and match.group(1)


@pytest.fixture
def published(storefront):
    storefront_update(
        storefront=storefront,
        description_en="Hand-stitched quilts from Mirpur.",
        description_bn="মিরপুরের হাতে সেলাই করা কাঁথা।",
        contact_phone="01812345678",
        contact_email="sales@rahima.example",
    )
    Product.objects.filter(storefront=storefront).update(price_bdt=Decimal("1250.00"), unit="piece")
    return storefront


def test_the_page_shows_the_published_contact_and_never_the_owners_nid_or_phone(published, client, applicant):
    page = client.get(f"/e/{published.slug}/", {"lang": "en"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Rahima Handicrafts" in html and "Hand-stitched quilts from Mirpur." in html
    assert "01812345678" in html and "sales@rahima.example" in html
    assert "Nakshi kantha" in html and "Tk 1,250" in html and "/ piece" in html
    for secret in (OWNER_NID, OWNER_PHONE, OWNER_PHONE[4:], "1234567890", applicant.phone, "Rahima Begum"):
        assert secret not in html

    bangla = client.get(f"/e/{published.slug}/", {"lang": "bn"}).content.decode()
    assert '<html lang="bn">' in bangla
    assert "<h1>রহিমা হস্তশিল্প</h1>" in bangla and "মিরপুরের হাতে সেলাই করা কাঁথা।" in bangla
    assert "১,২৫০ টাকা" in bangla and "০১৮১২৩৪৫৬৭৮" in bangla


def test_json_ld_is_a_local_business_with_product_offers_and_open_graph_is_absolute(published, client):
    html = client.get(f"/e/{published.slug}/", {"lang": "en"}).content.decode()
    data = json.loads(JSON_LD.search(html).group(1))
    assert data["@context"] == "https://schema.org" and data["@type"] == "LocalBusiness"
    assert data["name"] == "Rahima Handicrafts" and data["alternateName"] == "রহিমা হস্তশিল্প"
    assert data["telephone"] == "01812345678"
    assert data["url"] == f"http://testserver/e/{published.slug}/"
    assert data["address"]["addressCountry"] == "BD" and data["address"]["addressRegion"] == "Bogura"
    offer = data["makesOffer"][0]
    assert offer["@type"] == "Offer" and offer["itemOffered"]["@type"] == "Product"
    assert offer["itemOffered"]["name"] == "Nakshi kantha"
    assert (offer["price"], offer["priceCurrency"]) == ("1250.00", "BDT")
    assert offer["priceSpecification"]["unitText"] == "piece"
    assert "owner" not in json.dumps(data).lower()

    assert og(html, "og:title") == "Rahima Handicrafts"
    assert og(html, "og:url") == f"http://testserver/e/{published.slug}/?lang=en"
    assert f'<link rel="canonical" href="http://testserver/e/{published.slug}/?lang=en">' in html
    assert f'hreflang="bn" href="http://testserver/e/{published.slug}/?lang=bn"' in html


def test_a_script_in_the_description_cannot_leave_the_json_ld(storefront, client):
    storefront_update(storefront=storefront, description_en="</script><script>alert(1)</script>")
    html = client.get(f"/e/{storefront.slug}/", {"lang": "en"}).content.decode()
    assert "<script>alert(1)" not in html
    assert json.loads(JSON_LD.search(html).group(1))["description"].startswith("</script>")


def test_a_hidden_page_and_the_page_of_a_deleted_enterprise_are_not_found(storefront, client, applicant):
    url = f"/e/{storefront.slug}/"
    storefront_hide(storefront=storefront, user=applicant.user, reason="Counterfeit goods")
    hidden = client.get(url, {"lang": "en"})
    assert hidden.status_code == 404
    assert b"Rahima" not in hidden.content and b"Counterfeit" not in hidden.content

    _, other = registered_with_page(applicant)
    enterprise = other.enterprise
    enterprise.deleted = timezone.now()
    enterprise.save()
    assert client.get(f"/e/{other.slug}/").status_code == 404
    assert client.get("/e/no-such-page/").status_code == 404


def test_the_badge_links_to_the_valid_certificate_else_to_the_number_lookup(storefront, client):
    html = client.get(f"/e/{storefront.slug}/").content.decode()
    number = storefront.enterprise.registration_no
    assert f'id="bscic-badge" href="/verify/?registration_no={number}"' in html

    application = storefront.enterprise.registrations.get()
    certificate = certificate_issue(application_id=application.pk)
    html = client.get(f"/e/{storefront.slug}/").content.decode()
    link = re.search(r'id="bscic-badge" href="([^"]+)"', html).group(1)
    assert link == f"http://testserver{verification_path(certificate)}"
    assert 'data-verdict="valid"' in client.get(link).content.decode()


def test_the_sitemap_lists_public_pages_with_their_last_change(storefront, applicant, client):
    _, hidden = registered_with_page(applicant)
    storefront_hide(storefront=hidden, user=applicant.user, reason="Broken rules")
    answer = client.get("/sitemap.xml")
    assert answer.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {
        u.find("s:loc", ns).text: u.find("s:lastmod", ns).text
        for u in ET.fromstring(answer.content).findall("s:url", ns)
    }
    storefront.refresh_from_db()
    # The day in Dhaka (TIME_ZONE), as the sitemap writes it: from 18:00 UTC it is the next day's date.
    last_change = timezone.localdate(storefront.updated).isoformat()
    assert urls == {f"http://testserver/e/{storefront.slug}/": last_change}
