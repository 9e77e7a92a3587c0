"""Staff see the geography and the enterprises on Leaflet maps in the admin, from local static files."""

import pytest
from django.urls import reverse

from industries.models import District, Enterprise, Upazila
from tests.conftest import NAOGAON_TOWN

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("staff", "staff@example.invalid", "pw")
    client.force_login(user)
    return client


@pytest.mark.parametrize("model", ["division", "district", "upazila", "enterprise"])
def test_changelists_render(staff_client, model):
    response = staff_client.get(reverse(f"admin:industries_{model}_changelist"))
    assert response.status_code == 200


def test_a_district_page_shows_its_boundary_on_a_local_leaflet_map(staff_client):
    bogura = District.objects.get(code="10")
    response = staff_client.get(reverse("admin:industries_district_change", args=[bogura.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/leaflet/leaflet.js" in html and "unpkg.com" not in html and "cdn" not in html.lower()
    assert "MultiPolygon" in html  # the boundary is in the map widget


def test_staff_add_an_enterprise_and_it_is_located_and_classified(staff_client, bogura):
    response = staff_client.post(
        reverse("admin:industries_enterprise_add"),
        {
            "name_en": "Padma Pottery Works",
            "name_bn": "পদ্মা মৃৎশিল্প",
            "status": "active",
            "location": NAOGAON_TOWN.geojson,
            "stated_district": bogura.pk,
            "kind": "manufacturing",
            "investment_bdt": "1500000",
            "workers_male": "10",
            "workers_female": "4",
            "owner_phone": "01711234567",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    enterprise = Enterprise.objects.get(name_en="Padma Pottery Works")
    assert enterprise.district.name_en == "Naogaon" and enterprise.district_mismatch
    assert enterprise.size_class == "micro" and enterprise.workers_total == 14
    assert enterprise.owner_phone == "+8801711234567"


def test_boundaries_cannot_be_added_or_deleted_in_the_admin(staff_client):
    upazila = Upazila.objects.first()
    assert staff_client.get(reverse("admin:industries_upazila_add")).status_code == 403
    assert staff_client.get(reverse("admin:industries_upazila_delete", args=[upazila.pk])).status_code == 403


def test_the_admin_speaks_bangla_when_asked(staff_client):
    staff_client.post(reverse("set_language"), {"language": "bn", "next": "/admin/"})
    html = staff_client.get(reverse("admin:industries_enterprise_changelist")).content.decode()
    assert "প্রতিষ্ঠানসমূহ" in html  # our verbose names, from the compiled locale
    assert "শিল্প ও প্রশাসনিক ভূগোল" in html and "কুটির" in html  # the app's name, and a size class
    english = staff_client.post(reverse("set_language"), {"language": "en", "next": "/admin/"}, follow=True)
    assert "Industries and admin geography" in english.content.decode()
