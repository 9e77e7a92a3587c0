"""A page for every registered enterprise: made by the application_registered receiver on a real
registration, idempotent, with an ASCII address, its products seeded; and the catch-up service."""

import pytest

from registrations.models import State
from registrations.services.register import application_register
from registrations.signals import send_registered
from storefronts.models import Product, Storefront
from storefronts.services import storefront_create, storefronts_create
from tests.registrations.review_support import in_state
from tests.registrations.test_register import paid_application

pytestmark = pytest.mark.django_db


def test_registering_makes_the_page_with_the_applicants_products(
    applicant, extension_officer, approving_officer, django_capture_on_commit_callbacks
):
    application = paid_application(
        applicant, extension_officer, approving_officer, products="Nakshi kantha, bed covers; নকশি কাঁথা"
    )
    assert not Storefront.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        application_register(application_id=application.pk, user=approving_officer.user)
    application.refresh_from_db()

    storefront = Storefront.objects.get()
    assert storefront.enterprise_id == application.enterprise_id
    assert storefront.owner == applicant
    assert storefront.slug == "rahima-handicrafts"
    products = list(storefront.products.values_list("name_en", "name_bn"))
    assert products == [("Nakshi kantha", ""), ("bed covers", ""), ("", "নকশি কাঁথা")]
    # Nothing the owner has not published: no contact until they choose it.
    assert (storefront.contact_phone, storefront.contact_email, storefront.website) == ("", "", "")

    # Sent again (a renewal registers the same enterprise): the same page, no second set of products.
    storefront.products.first().delete()
    send_registered(application.pk)
    assert Storefront.objects.count() == 1
    assert Product.objects.count() == 2


def test_a_bangla_only_name_gets_an_ascii_address_and_a_taken_one_a_suffix(applicant, dhaka_office):
    bangla = in_state(applicant, State.REGISTERED, name_en="", name_bn="রহিমা হস্তশিল্প")
    page = storefront_create(application_id=bangla.pk)
    assert page.slug == f"test-{bangla.pk}"  # from its registration number, TEST-<pk>
    assert page.slug.isascii()

    first = storefront_create(application_id=in_state(applicant, State.REGISTERED).pk)
    second = storefront_create(application_id=in_state(applicant, State.REGISTERED).pk)
    assert first.slug == "rahima-handicrafts"
    assert second.slug.startswith("rahima-handicrafts-") and len(second.slug) == len(first.slug) + 5
    assert storefront_create(application_id=in_state(applicant, State.PAID).pk) is None


def test_the_catch_up_makes_the_missing_pages_once(applicant, dhaka_office):
    without = [in_state(applicant, State.REGISTERED, products="Jute bags").pk for _ in range(2)]
    in_state(applicant, State.SUBMITTED)
    made = storefronts_create()
    assert sorted(s.enterprise.registrations.get().pk for s in made) == sorted(without)
    assert all(s.products.get().name_en == "Jute bags" for s in made)
    assert storefronts_create() == []
