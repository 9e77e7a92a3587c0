import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from ekshop.models import CategoryMapping
from ekshop.selectors import category_table


@pytest.fixture
def mappings(db):
    CategoryMapping.objects.create(isic_section="C", category_id=10, category_name="Manufactured goods")
    CategoryMapping.objects.create(
        isic_section="C", isic_division="13", category_id=42, category_name="Handloom"
    )


def test_the_division_wins_over_its_section(mappings):
    table = category_table()
    assert table.find(section="C", division="13").category_id == 42
    assert table.find(section="C", division="31").category_id == 10  # no row of its own: the section's


def test_a_sector_without_a_mapping_has_none(mappings):
    table = category_table()
    assert table.find(section="A", division="01") is None
    # A division alone finds its section.
    assert table.find(section="", division="14").category_id == 10


def test_a_division_must_be_in_its_section(db):
    with pytest.raises(ValidationError) as caught:
        CategoryMapping(isic_section="A", isic_division="13", category_id=1, category_name="x").full_clean()
    assert "isic_division" in caught.value.message_dict
    with pytest.raises(ValidationError):
        CategoryMapping(isic_section="c", category_id=1, category_name="x").full_clean()


def test_one_mapping_a_sector(mappings):
    with pytest.raises(IntegrityError):
        CategoryMapping.objects.create(
            isic_section="C", isic_division="13", category_id=43, category_name="y"
        )


def test_the_admin_reports_sectors_with_products_and_no_mapping(client, pages):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("ekshop-admin", password="x")
    client.force_login(admin)
    response = client.get("/admin/ekshop/categorymapping/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"]]
    assert warnings == [
        "Products waiting for ekShop with no category (sector and number of products): C 31 (1)"
    ]
    CategoryMapping.objects.create(isic_section="C", category_id=10, category_name="Manufactured goods")
    response = client.get("/admin/ekshop/categorymapping/")
    assert not list(response.context["messages"])
