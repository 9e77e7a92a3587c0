"""Records in the admin and the importer (issue 8): owners' data only for view_personal, soft delete and
restore, and a version for every change, however it is made (the importer's raw SQL included)."""

import pytest
from django.contrib.auth.models import Permission
from django.core.files import File
from django.urls import reverse

from industries.history import enterprise_versions
from industries.models import Enterprise, EnterpriseEvent
from surveys.models import EnterpriseChange, SurveyRound
from surveys.services import import_batch_create, import_batch_run
from tests.conftest import BOGURA_TOWN
from tests.factories import located_enterprises
from tests.surveys.test_import_batch_run import row, write_csv

pytestmark = pytest.mark.django_db

OWNER = {"owner_name": "Rahima Begum", "owner_phone": "+8801711234567", "owner_nid": "1234567890"}
EDITOR = ("view_enterprise", "change_enterprise", "delete_enterprise", "view_enterprise_history")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def enterprise() -> Enterprise:
    (enterprise,) = located_enterprises([BOGURA_TOWN], name_en="Karatoya Handloom", **OWNER)
    return enterprise


def staff(client, django_user_model, *codenames):
    user = django_user_model.objects.create_user(f"staff-{len(codenames)}", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    client.force_login(user)
    return user


def change_form(enterprise: Enterprise, **fields) -> dict:
    """What the admin's change form posts for this enterprise, without owner fields."""
    return {
        "name_en": enterprise.name_en,
        "name_bn": enterprise.name_bn,
        "status": enterprise.status,
        "location": enterprise.location.geojson,
        "kind": enterprise.kind,
        "investment_bdt": str(enterprise.investment_bdt),
        "workers_male": str(enterprise.workers_male),
        "workers_female": str(enterprise.workers_female),
        "workers_total": str(enterprise.workers_total),
        **fields,
    }


def found_by_phone(client, enterprise) -> bool:
    changelist = client.get(reverse("admin:industries_enterprise_changelist"), {"q": OWNER["owner_phone"]})
    return reverse("admin:industries_enterprise_change", args=[enterprise.pk]) in changelist.content.decode()


def pages(client, enterprise) -> str:
    """The changelist, the change page and the history page, as one text."""
    changelist = client.get(reverse("admin:industries_enterprise_changelist"))
    change = client.get(reverse("admin:industries_enterprise_change", args=[enterprise.pk]))
    history = client.get(reverse("admin:industries_enterprise_history", args=[enterprise.pk]))
    assert {changelist.status_code, change.status_code, history.status_code} == {200}
    return "\n".join(r.content.decode() for r in (changelist, change, history))


def test_staff_without_view_personal_see_no_owner_data_in_the_admin(client, django_user_model, enterprise):
    user = staff(client, django_user_model, *EDITOR)
    html = pages(client, enterprise)
    for value in OWNER.values():
        assert value not in html
    assert 'name="owner_phone"' not in html and "Owner (personal data)" not in html
    assert "Karatoya Handloom" in html  # the enterprise itself is there
    assert not found_by_phone(client, enterprise)  # no searching by what one cannot see

    # Saving the form, which has no owner fields, keeps them as stored; posting them changes nothing.
    url = reverse("admin:industries_enterprise_change", args=[enterprise.pk])
    response = client.post(url, change_form(enterprise, product="gamchha", owner_phone="01819000000"))
    assert response.status_code == 302, response.content.decode()[:3000]
    enterprise.refresh_from_db()
    assert enterprise.product == "gamchha"
    assert (enterprise.owner_name, enterprise.owner_phone, enterprise.owner_nid) == tuple(OWNER.values())
    edit = enterprise_versions(enterprise.pk, personal=True)[-1]  # the admin save is a version, by them
    assert edit["changes"]["product"] == ["", "gamchha"] and edit["by"]["username"] == user.username
    assert edit["request"] == {"method": "POST", "path": url}


def test_staff_with_view_personal_see_and_search_owner_data(client, django_user_model, enterprise):
    staff(client, django_user_model, *EDITOR, "view_personal")
    enterprise.owner_phone = "+8801819000000"  # a version that changes the phone, for the history page
    enterprise.save()
    html = pages(client, enterprise)
    assert 'name="owner_phone"' in html and "Rahima Begum" in html and "1234567890" in html
    assert "+8801711234567" in html  # in the history: the phone before the change
    enterprise.owner_phone = OWNER["owner_phone"]
    enterprise.save()
    assert found_by_phone(client, enterprise)


def test_the_bangla_product_is_edited_searched_and_versioned_in_the_admin(
    client, django_user_model, enterprise
):
    staff(client, django_user_model, *EDITOR)
    url = reverse("admin:industries_enterprise_change", args=[enterprise.pk])
    assert 'name="product_bn"' in client.get(url).content.decode()
    response = client.post(url, change_form(enterprise, product="gamchha", product_bn="গামছা"))
    assert response.status_code == 302, response.content.decode()[:3000]
    enterprise.refresh_from_db()
    assert (enterprise.product, enterprise.product_bn) == ("gamchha", "গামছা")
    edit = enterprise_versions(enterprise.pk, personal=False)[-1]
    assert edit["changes"]["product_bn"] == ["", "গামছা"]
    assert EnterpriseEvent.objects.filter(pgh_obj_id=enterprise.pk).latest("pgh_id").product_bn == "গামছা"
    changelist = client.get(reverse("admin:industries_enterprise_changelist"), {"q": "গামছা"})
    assert f"/{enterprise.pk}/change/" in changelist.content.decode()


def test_the_history_page_lists_versions_only_with_the_permission(client, django_user_model, enterprise):
    staff(client, django_user_model, "view_enterprise", "change_enterprise")
    page = client.get(reverse("admin:industries_enterprise_history", args=[enterprise.pk])).content.decode()
    assert 'id="enterprise-versions"' not in page  # Django's own log of admin actions instead


def test_deleting_in_the_admin_is_soft_and_a_staff_action_restores(client, django_user_model, enterprise):
    staff(client, django_user_model, *EDITOR)
    delete_url = reverse("admin:industries_enterprise_delete", args=[enterprise.pk])
    confirm = client.get(delete_url)
    assert confirm.status_code == 200
    assert client.post(delete_url, {"post": "yes"}).status_code == 302

    enterprise.refresh_from_db()
    assert enterprise.deleted is not None
    changelist, link = reverse("admin:industries_enterprise_changelist"), f"/{enterprise.pk}/change/"
    assert link not in client.get(changelist).content.decode()
    assert link in client.get(changelist, {"deleted": "yes"}).content.decode()

    response = client.post(
        changelist + "?deleted=yes",
        {"action": "restore_selected", "_selected_action": [enterprise.pk]},
        follow=True,
    )
    assert "1 enterprise(s) restored" in response.content.decode()
    enterprise.refresh_from_db()
    assert enterprise.deleted is None
    assert [v["action"] for v in enterprise_versions(enterprise.pk, personal=False)][-2:] == [
        "deleted",
        "restored",
    ]


def run_import(path) -> object:
    survey, _ = SurveyRound.objects.get_or_create(name="Rajshahi pilot 2016–17")
    with open(path, "rb") as handle:
        batch = import_batch_create(survey_round=survey, file=File(handle, name=path.name))
    return import_batch_run(batch=batch)


def test_every_import_change_is_a_version_naming_its_batch(tmp_path, django_user_model):
    first = run_import(write_csv(tmp_path / "first.csv", [row(reg="R1"), row(reg="R2", name="বগুড়া বেকারি")]))
    enterprise = Enterprise.objects.get(registration_no="R1")
    created = enterprise_versions(enterprise.pk, personal=True)
    assert [(v["action"], v["batch"]) for v in created] == [("created", first.pk)]
    assert created[0]["changes"]["owner_phone"] == [None, "+8801711234567"]
    assert EnterpriseEvent.objects.filter(pgh_label="insert").count() == 2

    second = run_import(write_csv(tmp_path / "second.csv", [row(reg="R1", workers="40")]))
    versions = enterprise_versions(enterprise.pk, personal=False)
    assert [(v["action"], v["batch"]) for v in versions] == [("created", first.pk), ("updated", second.pk)]
    assert versions[1]["changes"]["workers_total"] == [12, 40]
    assert "owner_phone" not in versions[0]["changes"]  # personal=False

    run_import(write_csv(tmp_path / "second-again.csv", [row(reg="R1", workers="40")]))
    assert len(enterprise_versions(enterprise.pk, personal=False)) == 2  # unchanged: no version


def test_an_import_that_meets_a_deleted_enterprise_updates_it_and_leaves_it_deleted(tmp_path):
    first = run_import(write_csv(tmp_path / "first.csv", [row(reg="R1")]))
    enterprise = Enterprise.objects.get(registration_no="R1")
    from industries.services import enterprise_delete

    enterprise_delete(enterprise=enterprise)

    again = run_import(write_csv(tmp_path / "again.csv", [row(reg="R1", workers="40")]))

    assert Enterprise.objects.count() == 1 and again.created_count == 0 and again.updated_count == 1
    enterprise.refresh_from_db()
    assert enterprise.deleted is not None and enterprise.workers_total == 40  # matched, not resurrected
    assert set(EnterpriseChange.objects.filter(enterprise=enterprise).values_list("batch", flat=True)) == {
        first.pk,
        again.pk,
    }  # its import provenance survives the delete
