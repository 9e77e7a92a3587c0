import io

import openpyxl
from django.contrib.auth import get_user_model

from .conftest import make_page, make_product


def names(response) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("name", "category_id")
    return [row[0] for row in rows[1:]]


def test_the_owner_downloads_their_own_file(client, pages, owner):
    other_page = make_page("another-tant")
    make_product(other_page, "অন্য শাড়ি", "Other saree")
    client.force_login(owner.user)
    response = client.get("/e/rahima-tant/ekshop.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ekshop-rahima-tant.xlsx"'
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert names(response) == ["জামদানি শাড়ি", "Gamchha", "শীতল পাটি"]


def test_another_applicant_is_refused(client, pages, other_applicant):
    client.force_login(other_applicant.user)
    assert client.get("/e/rahima-tant/ekshop.xlsx").status_code == 403
    assert client.get("/e/rahima-tant/ekshop/").status_code == 403


def test_anonymous_goes_to_the_login(client, pages):
    response = client.get("/e/rahima-tant/ekshop.xlsx")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_staff_may_download_any(client, pages):
    staff = get_user_model().objects.create_user("office-staff", password="x", is_staff=True)
    client.force_login(staff)
    assert names(client.get("/e/karim-furniture/ekshop.xlsx")) == []  # its one product has no category


def test_no_file_of_a_hidden_page_nor_of_one_not_opted_in(client, pages, owner):
    client.force_login(owner.user)
    for page in (pages["hidden"], pages["not_in"]):
        page.owner = owner
        page.save()
        assert client.get(f"/e/{page.slug}/ekshop.xlsx").status_code == 404
    assert client.get("/e/no-such-page/ekshop.xlsx").status_code == 404


def test_the_owners_page_says_what_was_left_out_and_why(client, pages, owner):
    client.force_login(owner.user)
    response = client.get("/e/rahima-tant/ekshop/?lang=en", HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 200
    assert "3 products are in your ekShop file." in html
    assert f'data-product="{pages["no_price"].pk}"' in html and "It has no price." in html
    assert 'href="/e/rahima-tant/ekshop.xlsx"' in html


def test_the_owners_page_in_bangla(client, pages, owner):
    client.force_login(owner.user)
    html = client.get("/e/rahima-tant/ekshop/", HTTP_ACCEPT_LANGUAGE="bn").content.decode()
    assert "ইকশপ" in html and "দাম নেই" in html


def test_the_owners_page_when_listing_is_off(client, pages, owner):
    pages["shop"].ekshop_opt_in = False
    pages["shop"].save()
    client.force_login(owner.user)
    html = client.get("/e/rahima-tant/ekshop/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="ekshop-off"' in html and "ekshop-download" not in html
