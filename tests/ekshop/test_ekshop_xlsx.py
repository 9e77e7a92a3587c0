import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.cache import cache

from ekshop.listing import EKSHOP_COLUMNS
from storefronts.selectors import photo_url

from .conftest import SITE

COLUMNS = [
    "name",
    "category_id",
    "brand_id",
    "video_provider",
    "video_link",
    "unit_price",
    "purchase_price",
    "unit",
    "current_stock",
    "meta_title",
    "meta_description",
    "slug",
    "thumbnail_img",
]


def read_back(content: bytes) -> list[dict]:
    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    assert len(workbook.worksheets) == 1  # an uploader may take every sheet for products
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert list(rows[0]) == COLUMNS
    # Empty cells at the end of a row are not written (an XLSX has no cell there).
    return [dict(zip(COLUMNS, row + (None,) * (len(COLUMNS) - len(row)), strict=True)) for row in rows[1:]]


def test_the_columns_are_ekshops_in_its_order():
    assert list(EKSHOP_COLUMNS) == COLUMNS


def test_all_opted_in_products_read_back(client, pages, settings):
    settings.REGISTRATION_SITE_URL = SITE
    response = client.get("/ekshop/products.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ekshop-products.xlsx"'
    rows = read_back(response.content)
    # Not there: the hidden page's, the page not opted in, the unpublished one; left out: the chair (its
    # sector has no mapping) and the lungi (no price).
    assert [row["name"] for row in rows] == ["জামদানি শাড়ি", "Gamchha", "শীতল পাটি"]
    saree, gamchha, mat = rows
    assert saree["category_id"] == 42 and saree["brand_id"] == 7
    assert Decimal(str(saree["unit_price"])) == Decimal("120.00")
    assert saree["current_stock"] == 5
    assert saree["meta_description"] == "হাতে বোনা"
    assert saree["slug"] == f"rahima-tant-{pages['saree'].pk}"
    assert saree["thumbnail_img"] == SITE + photo_url(pages["saree"].photo)
    assert saree["video_provider"] is None and saree["purchase_price"] is None
    assert gamchha["unit"] == "piece"  # the owner gave none: the mapping's default
    assert gamchha["current_stock"] == 0
    assert mat["unit"] == "sq ft"
    assert mat["thumbnail_img"] is None and mat["current_stock"] is None
    assert mat["meta_description"] == "শীতল পাটি"  # no description: its name


def test_english_first_when_asked(client, pages):
    rows = read_back(client.get("/ekshop/products.xlsx?lang=en").content)
    assert [row["name"] for row in rows] == ["Jamdani saree", "Gamchha", "শীতল পাটি"]


def test_links_from_the_request_without_a_site_address(client, pages, settings):
    settings.REGISTRATION_SITE_URL = ""
    saree = read_back(client.get("/ekshop/products.xlsx").content)[0]
    assert saree["thumbnail_img"] == "http://testserver" + photo_url(pages["saree"].photo)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1 free", "@SUM(1)"])
def test_what_the_owner_typed_stays_text(client, pages, text):
    pages["saree"].name_bn = text
    pages["saree"].save()
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/ekshop/products.xlsx").content))
    cell = workbook.worksheets[0]["A2"]
    assert cell.value == text and cell.data_type == "s"


def test_a_mapping_added_brings_the_product_in(client, pages):
    from ekshop.models import CategoryMapping

    assert "চেয়ার" not in [row["name"] for row in read_back(client.get("/ekshop/products.xlsx").content)]
    CategoryMapping.objects.create(isic_section="C", category_id=10, category_name="Manufactured goods")
    cache.clear()  # the public file is kept for EKSHOP_FEED_MAX_AGE_SECONDS
    rows = read_back(client.get("/ekshop/products.xlsx").content)
    chair = next(row for row in rows if row["name"] == "চেয়ার")
    assert chair["category_id"] == 10 and chair["brand_id"] is None  # the section's row: C 31 has none


def test_a_few_thousand_products_in_few_queries(client, pages, django_assert_max_num_queries):
    page = pages["shop"]
    from storefronts.models import Product

    Product.objects.bulk_create(
        [Product(storefront=page, name_bn=f"পণ্য {n}", price_bdt=Decimal("10"), order=9) for n in range(2000)]
    )
    with django_assert_max_num_queries(8):
        rows = read_back(client.get("/ekshop/products.xlsx").content)
    assert len(rows) == 2003
