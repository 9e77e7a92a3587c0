"""The owner edits their page from their account: the text and contact, the photo, the products. Photos are
re-encoded (metadata gone, size bounded), non-images and oversized files refused in both languages; another
applicant finds nothing; photos of hidden pages and unpublished products are not public."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from PIL import Image

from storefronts.services import storefront_hide
from storefronts.storage import photo_storage
from tests.registrations.conftest import make_applicant

from .conftest import jpeg_with_exif

pytestmark = pytest.mark.django_db
NOT_AN_IMAGE_EN = "is not a photo (JPEG, PNG or WebP)"
NOT_AN_IMAGE_BN = "কোনো ছবি (জেপিইজি, পিএনজি বা ওয়েবপি) নয়"


@pytest.fixture
def owner(client, applicant):
    client.force_login(applicant.user)
    return client


def test_the_owner_publishes_a_description_and_contact(owner, storefront, client):
    answer = owner.post(
        f"/e/{storefront.slug}/edit/?lang=en",
        {
            "description_en": "Quilts.",
            "description_bn": "কাঁথা।",
            "contact_phone": "০১৮১২৩৪৫৬৭৮",
            "contact_email": "",
            "website": "rahima.example",
            "ekshop_opt_in": "on",
        },
    )
    assert answer.status_code == 302
    storefront.refresh_from_db()
    assert (storefront.contact_phone, storefront.website) == ("01812345678", "https://rahima.example")
    assert storefront.ekshop_opt_in and storefront.description_bn == "কাঁথা।"
    refused = owner.post(f"/e/{storefront.slug}/edit/?lang=en", {"contact_phone": "call me"})
    assert refused.status_code == 200 and b"Enter a phone number in digits" in refused.content


def test_a_photo_is_reencoded_without_its_metadata_and_within_the_size(owner, storefront, settings):
    upload = SimpleUploadedFile("camera.jpg", jpeg_with_exif(3200, 2400), "image/jpeg")
    answer = owner.post(f"/e/{storefront.slug}/logo/", {"photo": upload})
    assert answer.status_code == 302
    storefront.refresh_from_db()
    with photo_storage().open(storefront.logo, "rb") as stored:
        data = stored.read()
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG" and max(image.size) == settings.STOREFRONT_PHOTO_MAX_SIDE
    assert image.size == (1600, 1200)
    assert not image.getexif() and "exif" not in image.info and "comment" not in image.info
    assert b"SecretCam" not in data and b"secret comment" not in data

    # Served, with cache headers, to anyone while the page is public.
    url = f"/e/photos/{storefront.logo}"
    owner.logout()
    served = owner.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert "public" in served["Cache-Control"] and "max-age=" in served["Cache-Control"]
    assert b"".join(served.streaming_content) == data


def test_a_non_image_and_a_too_large_file_are_refused_in_both_languages(owner, storefront, settings):
    script = SimpleUploadedFile("photo.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg")
    answer = owner.post(f"/e/{storefront.slug}/logo/?lang=en", {"photo": script})
    html = answer.content.decode()
    assert answer.status_code == 400
    assert NOT_AN_IMAGE_EN in html and NOT_AN_IMAGE_BN in html
    storefront.refresh_from_db()
    assert storefront.logo == ""

    settings.STOREFRONT_PHOTO_MAX_BYTES = 10_000
    big = SimpleUploadedFile("big.jpg", jpeg_with_exif(800, 600) + b"\0" * 20_000, "image/jpeg")
    answer = owner.post(
        f"/e/{storefront.slug}/products/new/?lang=bn", {"name_en": "Quilt", "photo_upload": big}
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "a photo may be at most" in html and "একটি ছবি সর্বোচ্চ" in html
    assert not storefront.products.filter(name_en="Quilt").exists()


def test_products_are_added_edited_and_deleted(owner, storefront, django_capture_on_commit_callbacks):
    photo = SimpleUploadedFile("p.png", _png(), "image/png")
    answer = owner.post(
        f"/e/{storefront.slug}/products/new/",
        {"name_bn": "কাঁথা", "price_bdt": "১,২০০.৫০", "unit": "piece", "photo_upload": photo},
    )
    assert answer.status_code == 302
    product = storefront.products.get(name_bn="কাঁথা")
    assert str(product.price_bdt) == "1200.50" and product.photo and not product.is_published
    url = f"/e/photos/{product.photo}"
    assert owner.get(url).status_code == 200  # the owner sees it in the editor

    old_photo = product.photo
    with django_capture_on_commit_callbacks(execute=True):
        answer = owner.post(
            f"/e/{storefront.slug}/products/{product.pk}/",
            {
                "name_bn": "কাঁথা",
                "price_bdt": "1300",
                "unit": "piece",
                "is_published": "on",
                "remove_photo": "on",
            },
        )
    assert answer.status_code == 302
    assert not photo_storage().exists(old_photo)  # the removed photo's file goes once the change commits
    product.refresh_from_db()
    assert product.is_published and product.photo == "" and str(product.price_bdt) == "1300.00"
    assert owner.post(f"/e/{storefront.slug}/products/{product.pk}/", {"price_bdt": "1"}).status_code == 400

    assert owner.post(f"/e/{storefront.slug}/products/{product.pk}/delete/").status_code == 302
    assert not storefront.products.filter(pk=product.pk).exists()


def test_an_unpublished_products_photo_is_not_public(owner, storefront, client):
    owner.post(
        f"/e/{storefront.slug}/products/new/",
        {"name_en": "Draft quilt", "photo_upload": SimpleUploadedFile("p.png", _png(), "image/png")},
    )
    product = storefront.products.get(name_en="Draft quilt")
    owner.logout()
    assert owner.get(f"/e/photos/{product.photo}").status_code == 404
    assert f"/e/photos/{product.photo}".encode() not in owner.get(f"/e/{storefront.slug}/").content


def test_another_applicant_finds_nothing_to_edit(client, storefront):
    other = make_applicant(phone="+8801711000002", name="Someone Else")
    client.force_login(other.user)
    product = storefront.products.first()
    assert client.get(f"/e/{storefront.slug}/edit/").status_code == 404
    assert client.post(f"/e/{storefront.slug}/edit/", {"description_en": "mine now"}).status_code == 404
    assert client.post(f"/e/{storefront.slug}/products/{product.pk}/delete/").status_code == 404
    assert client.post(f"/e/{storefront.slug}/products/new/", {"name_en": "X"}).status_code == 404
    storefront.refresh_from_db()
    assert storefront.description_en == "" and storefront.products.filter(pk=product.pk).exists()
    client.logout()
    assert client.get(f"/e/{storefront.slug}/edit/").status_code == 302  # to the login page


def test_the_owner_sees_why_the_page_is_hidden_and_its_photos_are_not_public(
    owner, storefront, client, admin_user
):
    owner.post(f"/e/{storefront.slug}/logo/", {"photo": SimpleUploadedFile("l.png", _png(), "image/png")})
    storefront.refresh_from_db()
    storefront_hide(storefront=storefront, user=admin_user, reason="Photos of another company's goods")
    page = owner.get(f"/e/{storefront.slug}/edit/?lang=en")
    assert page.status_code == 200
    assert b'id="hidden-reason"' in page.content and b"Photos of another company&#x27;s goods" in page.content
    owned = owner.get(f"/e/photos/{storefront.logo}")
    assert owned.status_code == 200 and "private" in owned["Cache-Control"]
    owner.logout()
    assert owner.get(f"/e/photos/{storefront.logo}").status_code == 404
    assert owner.get(f"/e/{storefront.slug}/").status_code == 404


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", (40, 30), (0, 106, 78, 128)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_the_my_applications_tag_links_the_owner_to_their_page_only(rf, storefront, applicant):
    template = Template("{% load storefront_tags %}{% my_storefronts %}")
    request = rf.get("/apply/mine/")
    request.user = applicant.user
    assert f'href="/e/{storefront.slug}/edit/"' in template.render(Context({"request": request}))
    request.user = make_applicant(phone="+8801711000003", name="Other").user
    assert "/e/" not in template.render(Context({"request": request}))
