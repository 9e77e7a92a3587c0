"""Staff hide a page in the admin with a reason (recorded with who hid it) and show it again; the API's
enterprise record gives the map popup the page's path, or null."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from storefronts.services import storefront_hide

pytestmark = pytest.mark.django_db


def staff(username: str, *permissions: str):
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=permissions))
    return user


def change_form(storefront, **values) -> dict:
    return {
        "hidden_reason": "",
        "products-TOTAL_FORMS": "1",
        "products-INITIAL_FORMS": "1",
        "products-0-id": str(storefront.products.get().pk),
        "products-0-storefront": str(storefront.pk),
        **values,
    }


def test_staff_hide_a_page_only_with_a_reason_and_show_it_again(client, storefront):
    moderator = staff("moderator", "view_storefront", "hide_storefront")
    client.force_login(moderator)
    url = f"/admin/storefronts/storefront/{storefront.pk}/change/"

    refused = client.post(url, change_form(storefront, hide="on"))
    assert refused.status_code == 200 and b"Say why the page is hidden" in refused.content
    storefront.refresh_from_db()
    assert not storefront.is_hidden

    assert client.post(url, change_form(storefront, hide="on", hidden_reason="Fake goods")).status_code == 302
    storefront.refresh_from_db()
    assert storefront.is_hidden and storefront.hidden_reason == "Fake goods"
    assert storefront.hidden_by == moderator
    assert client.get(f"/e/{storefront.slug}/").status_code == 404

    shown = client.post(
        "/admin/storefronts/storefront/", {"action": "show_again", "_selected_action": [storefront.pk]}
    )
    assert shown.status_code == 302
    storefront.refresh_from_db()
    assert not storefront.is_hidden and storefront.hidden_by is None
    client.logout()
    assert client.get(f"/e/{storefront.slug}/").status_code == 200


def test_staff_without_the_permission_cannot_hide(client, storefront):
    client.force_login(staff("viewer", "view_storefront"))
    url = f"/admin/storefronts/storefront/{storefront.pk}/change/"
    assert client.post(url, change_form(storefront, hide="on", hidden_reason="No")).status_code == 403
    storefront.refresh_from_db()
    assert not storefront.is_hidden


def test_the_api_record_gives_the_public_pages_path_or_null(client, storefront, admin_user):
    record = f"/api/v1/enterprises/{storefront.enterprise_id}/"
    assert client.get(record).json()["properties"]["page"] == f"/e/{storefront.slug}/"
    storefront_hide(storefront=storefront, user=admin_user, reason="Rules")
    assert client.get(record).json()["properties"]["page"] is None
