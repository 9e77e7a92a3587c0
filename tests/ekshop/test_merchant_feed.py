import csv
import io
from xml.etree import ElementTree as ET

from storefronts.selectors import photo_url

from .conftest import SITE, make_product

G = "{http://base.google.com/ns/1.0}"


def items(content: bytes) -> list[ET.Element]:
    rss = ET.fromstring(content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    return rss.findall("./channel/item")


def test_the_xml_feed_parses_with_the_merchant_fields(client, pages, settings):
    settings.REGISTRATION_SITE_URL = SITE
    response = client.get("/feeds/products.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/rss+xml")
    assert ET.fromstring(response.content).findtext("channel/title") == "বিসিক-নিবন্ধিত প্রতিষ্ঠানের পণ্য"
    found = {item.findtext(f"{G}id"): item for item in items(response.content)}
    # Only opted-in, public, published products with a price and a photo (Merchant Center requires both).
    assert set(found) == {f"bscic-{pages[key].pk}" for key in ("saree", "gamchha", "chair")}
    saree = found[f"bscic-{pages['saree'].pk}"]
    assert saree.findtext("title") == "জামদানি শাড়ি"
    assert saree.findtext("description") == "হাতে বোনা"
    assert saree.findtext("link") == f"{SITE}/e/rahima-tant/"
    assert saree.findtext(f"{G}image_link") == SITE + photo_url(pages["saree"].photo)
    assert saree.findtext(f"{G}price") == "120.00 BDT"
    assert saree.findtext(f"{G}availability") == "in_stock"
    assert saree.findtext(f"{G}condition") == "new"
    assert saree.findtext(f"{G}brand") == pages["shop"].enterprise.name_bn
    gamchha = found[f"bscic-{pages['gamchha'].pk}"]
    assert gamchha.findtext(f"{G}availability") == "out_of_stock"
    assert gamchha.findtext("title") == "Gamchha"  # no Bangla name: the English one


def test_markup_in_names_is_escaped(client, pages):
    make_product(pages["shop"], 'শাড়ি <b>&</b> "ওড়না"', "x", description_bn="১০০% সুতি ]]> <script>")
    found = [
        item for item in items(client.get("/feeds/products.xml").content) if item.findtext("title") != ""
    ]
    titles = {item.findtext("title"): item.findtext("description") for item in found}
    assert titles['শাড়ি <b>&</b> "ওড়না"'] == "১০০% সুতি ]]> <script>"


def test_links_from_the_request_without_a_site_address(client, pages, settings):
    settings.REGISTRATION_SITE_URL = ""
    content = client.get("/feeds/products.xml?lang=en").content
    assert ET.fromstring(content).findtext("channel/title") == "Products of BSCIC-registered enterprises"
    links = {item.findtext("link") for item in items(content)}
    assert links == {"http://testserver/e/rahima-tant/", "http://testserver/e/karim-furniture/"}


def test_the_csv_feed_parses(client, pages, settings):
    settings.REGISTRATION_SITE_URL = SITE
    pages["saree"].description_bn = "হাতে বোনা,\nনরম\tসুতি"
    pages["saree"].save()
    response = client.get("/feeds/products.csv?lang=en")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(rows[0]) == [
        "id", "title", "description", "link", "image_link", "availability", "price", "condition", "brand",
        "identifier_exists",
    ]  # fmt: skip
    saree = next(row for row in rows if row["id"] == f"bscic-{pages['saree'].pk}")
    assert saree["title"] == "Jamdani saree"
    assert saree["description"] == "হাতে বোনা, নরম সুতি"  # English empty: the Bangla one, on one line
    assert saree["link"] == f"{SITE}/e/rahima-tant/" and saree["price"] == "120.00 BDT"
    assert len(rows) == 3


def test_the_tab_separated_feed_is_one_line_an_item(client, pages):
    pages["saree"].description_bn = "এক\tদুই\nতিন"
    pages["saree"].save()
    lines = client.get("/feeds/products.tsv").content.decode("utf-8").splitlines()
    assert len(lines) == 4
    rows = list(csv.reader(lines, delimiter="\t"))
    assert all(len(row) == 10 for row in rows)
    assert "এক দুই তিন" in {row[2] for row in rows}
