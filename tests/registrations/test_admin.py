"""Head office's admin: the rollout switch in the office list, applications read-only, owners behind the
personal-data permission."""

import pytest
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from registrations.models import Application, DocumentRequirement, Office, State, Transition
from registrations.workflow import application_move

from .conftest import PASSWORD, complete_application

OFFICE_LIST = reverse("admin:registrations_office_changelist")


def _changelist_post(response, *, switch: dict[int, bool]) -> dict:
    """The office list's form as the browser posts it, with the switches of ``switch`` (office id → on)."""
    formset = response.context["cl"].formset
    data = {
        f"{formset.prefix}-TOTAL_FORMS": str(formset.total_form_count()),
        f"{formset.prefix}-INITIAL_FORMS": str(formset.initial_form_count()),
        f"{formset.prefix}-MIN_NUM_FORMS": "0",
        f"{formset.prefix}-MAX_NUM_FORMS": "1000",
        "_save": "Save",
    }
    for form in formset.forms:
        office = form.instance
        data[form.add_prefix("id")] = str(office.pk)
        if switch.get(office.pk, office.is_open):
            data[form.add_prefix("is_open")] = "on"
    return data


@pytest.mark.django_db
def test_the_pilot_switch_in_the_office_list_opens_and_closes_offices(admin_client, offices):
    rajshahi, dhaka = offices["81"], offices["26"]
    assert not rajshahi.is_open and dhaka.is_open and dhaka.opened_on is not None
    dhaka.opened_on = timezone.localdate().replace(year=2025)
    dhaka.save()

    page = admin_client.get(OFFICE_LIST)
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == 64  # the whole rollout on one page
    response = admin_client.post(OFFICE_LIST, _changelist_post(page, switch={rajshahi.pk: True}))
    assert response.status_code == 302, response.context and response.context["cl"].formset.errors

    rajshahi.refresh_from_db()
    dhaka.refresh_from_db()
    assert rajshahi.is_open and rajshahi.opened_on == timezone.localdate()
    # Offices left as they were keep their date.
    assert dhaka.is_open and dhaka.opened_on.year == 2025

    page = admin_client.get(OFFICE_LIST)
    admin_client.post(OFFICE_LIST, _changelist_post(page, switch={rajshahi.pk: False}))
    rajshahi.refresh_from_db()
    assert not rajshahi.is_open and rajshahi.opened_on is None
    assert Office.objects.filter(is_open=True).count() == 4


@pytest.mark.django_db
def test_the_open_and_close_actions(admin_client, offices):
    khulna, chattogram = offices["47"], offices["15"]
    ids = [str(khulna.pk), str(chattogram.pk)]
    admin_client.post(OFFICE_LIST, {"action": "open_selected", "_selected_action": ids})
    khulna.refresh_from_db()
    assert khulna.is_open and khulna.opened_on == timezone.localdate()
    assert Office.objects.filter(is_open=True).count() == 5

    admin_client.post(OFFICE_LIST, {"action": "close_selected", "_selected_action": ids})
    assert not Office.objects.filter(pk__in=ids, is_open=True).exists()
    assert not Office.objects.filter(pk__in=ids, opened_on__isnull=False).exists()


@pytest.mark.django_db
def test_opening_an_office_without_its_officers_warns(
    admin_client, offices, extension_officer, approving_officer
):
    khulna, dhaka = offices["47"], offices["26"]
    response = admin_client.post(
        OFFICE_LIST,
        {"action": "open_selected", "_selected_action": [str(khulna.pk), str(dhaka.pk)]},
        follow=True,
    )
    warnings = [str(m) for m in response.context["messages"] if m.level == messages.WARNING]
    assert len(warnings) == 1
    assert khulna.name_en in warnings[0] and dhaka.name_en not in warnings[0]  # Dhaka has both officers


@pytest.fixture
def submitted(applicant, dhaka_office) -> Application:
    application = complete_application(applicant, tracking_no="BR-20261201-000042")
    return application_move(application_id=application.pk, action="submit", user=applicant.user)


def _staff(*permissions: str):
    user = get_user_model().objects.create_user("head-office", password=PASSWORD, is_staff=True)
    for name in permissions:
        app_label, codename = name.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


@pytest.mark.django_db
def test_an_application_cannot_be_changed_in_the_admin_not_even_by_a_superuser(admin_client, submitted):
    url = reverse("admin:registrations_application_change", args=[submitted.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "BR-20261201-000042" in content
    assert 'name="state"' not in content and 'name="_save"' not in content

    response = admin_client.post(url, {"state": State.REGISTERED, "name_en": "Changed"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED and submitted.name_en == "Rahima Handicrafts"

    assert admin_client.get(reverse("admin:registrations_application_add")).status_code == 403
    delete = reverse("admin:registrations_application_delete", args=[submitted.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert Application.objects.filter(pk=submitted.pk).exists()


@pytest.mark.django_db
def test_transitions_cannot_be_added_changed_or_deleted(admin_client, submitted):
    transition = Transition.objects.get(application=submitted)
    change = reverse("admin:registrations_transition_change", args=[transition.pk])
    assert admin_client.get(change).status_code == 200
    assert admin_client.post(change, {"note": "rewritten"}).status_code == 403
    assert admin_client.get(reverse("admin:registrations_transition_add")).status_code == 403
    delete = reverse("admin:registrations_transition_delete", args=[transition.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    transition.refresh_from_db()
    assert transition.note == ""


@pytest.mark.django_db
def test_owners_and_the_applicants_mobile_only_with_the_personal_data_permission(client, submitted):
    owner = submitted.owners.get()
    url = reverse("admin:registrations_application_change", args=[submitted.pk])
    lists = reverse("admin:registrations_application_changelist")

    client.force_login(_staff("registrations.view_application"))
    page = client.get(url).content.decode()
    assert "Rahima Handicrafts" in page
    assert owner.nid not in page and owner.name_en not in page and submitted.applicant.phone not in page
    listing = client.get(lists, {"q": "BR-20261201-000042"}).content.decode()
    assert "BR-20261201-000042" in listing and submitted.applicant.phone not in listing
    transitions = client.get(reverse("admin:registrations_transition_changelist"))
    assert transitions.status_code == 403  # no view_transition: the permission is the model's own

    client.force_login(_staff_with_personal())
    page = client.get(url).content.decode()
    assert owner.nid in page and owner.name_en in page and submitted.applicant.phone in page


def _staff_with_personal():
    user = get_user_model().objects.get(username="head-office")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="industries", codename="view_personal")
    )
    return get_user_model().objects.get(pk=user.pk)  # a fresh object: permissions are cached per instance


@pytest.mark.django_db
def test_the_applicants_transitions_do_not_name_them(admin_client, submitted):
    """An applicant's user name is their mobile number: the transition list shows their role instead."""
    page = admin_client.get(reverse("admin:registrations_transition_changelist")).content.decode()
    assert "BR-20261201-000042" in page
    assert submitted.applicant.phone not in page


@pytest.mark.django_db
def test_a_document_is_required_of_the_ownership_types_ticked(admin_client, offices):
    requirement = DocumentRequirement.objects.get(kind="loan_sanction")
    url = reverse("admin:registrations_documentrequirement_change", args=[requirement.pk])
    form = {
        "kind": requirement.kind,
        "order": requirement.order,
        "name_en": requirement.name_en,
        "name_bn": requirement.name_bn,
        "help_en": requirement.help_en,
        "help_bn": requirement.help_bn,
        "required_for": ["partnership", "company"],
    }
    assert admin_client.post(url, form).status_code == 302
    requirement.refresh_from_db()
    assert requirement.required_for == ["partnership", "company"] and not requirement.is_optional
    assert requirement.required_of("company") and not requirement.required_of("proprietorship")

    form["required_for"] = []
    admin_client.post(url, form)
    requirement.refresh_from_db()
    assert requirement.required_for == [] and requirement.required_of("proprietorship")
