"""setup_registrations and demo_registrations: what `make demo` runs, each safe to run again."""

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command

from industries.models import Enterprise
from registrations.demo import APPLICANT, PASSWORD, SAMPLES
from registrations.models import (
    Application,
    DocumentRequirement,
    FeeRate,
    Holiday,
    Office,
    Officer,
    Payment,
    ShortfallItem,
    State,
    Step,
    Transition,
)


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.mark.django_db
def test_setup_makes_the_64_offices_and_the_configuration_once():
    first = run("setup_registrations")
    assert Office.objects.count() == 64
    assert not Office.objects.filter(is_open=True).exists()
    assert "64 offices added" in first
    counts = [Step.objects.count(), DocumentRequirement.objects.count(), FeeRate.objects.count()]
    assert counts == [8, 8, 8] and Holiday.objects.exists()

    step = Step.objects.get(state=State.DOCUMENT_CHECK)
    step.working_days = 7  # head office's edit, kept by the next run
    step.save()
    second = run("setup_registrations", "--open-pilot")
    assert "0 offices added" in second and "nothing, all there" in second
    assert Office.objects.count() == 64
    assert [Step.objects.count(), DocumentRequirement.objects.count(), FeeRate.objects.count()] == counts
    assert Step.objects.get(state=State.DOCUMENT_CHECK).working_days == 7
    assert set(Office.objects.filter(is_open=True).values_list("district__name_en", flat=True)) == {
        "Dhaka",
        "Narayanganj",
        "Gazipur",
        "Chattogram",
    }
    assert Office.objects.filter(is_open=True, opened_on__isnull=True).count() == 0


@pytest.mark.django_db
def test_demo_makes_applications_in_every_state_through_the_workflow_once():
    run("setup_registrations", "--open-pilot")
    out = run("demo_registrations")
    assert f"{len(SAMPLES)} applications added" in out
    for login in ("01700000001", "dhaka-extension", "dhaka-approving"):
        assert login in out
    assert out.count(PASSWORD) == 3

    states = set(Application.objects.values_list("state", flat=True))
    assert states == set(State.values)
    dhaka = Office.objects.get(district__code="26")
    assert set(dhaka.applications.values_list("state", flat=True)) == set(State.values)
    assert not Application.objects.exclude(office__is_open=True).exists()  # all in the pilot offices
    assert Officer.objects.filter(office=dhaka).count() == 2

    # Every state reached by moves: the transitions replay each application's path to its state.
    for application in Application.objects.exclude(state=State.DRAFT):
        moves = list(application.transitions.order_by("created", "id").values_list("source", "target"))
        assert moves[0][0] == State.DRAFT and moves[-1][1] == application.state
        assert all(a[1] == b[0] for a, b in pairwise(moves))
        assert application.tracking_no
    assert ShortfallItem.objects.filter(application__state=State.SHORTFALL, resolved__isnull=True).exists()
    assert Payment.objects.filter(application__state=State.PAID).exists()
    registered = Application.objects.filter(state=State.REGISTERED)
    assert registered.count() == 4
    for application in registered:
        enterprise = Enterprise.objects.get(pk=application.enterprise_id)
        assert enterprise.registration_no == application.registration_no
        assert enterprise.district_id == application.district_id == application.office.district_id
    assert Application.objects.get(applicant__phone=APPLICANT.username, state=State.DRAFT).documents.exists()

    counts = (Application.objects.count(), Transition.objects.count(), Enterprise.objects.count())
    again = run("demo_registrations")
    assert "0 applicants, 0 officers, 0 applications added" in again
    assert (Application.objects.count(), Transition.objects.count(), Enterprise.objects.count()) == counts


@pytest.mark.django_db
def test_demo_logins_only_prints(db):
    out = run("demo_registrations", "--logins")
    assert "dhaka-approving" in out
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_demo_needs_the_offices():
    with pytest.raises(CommandError, match="setup_registrations"):
        run("demo_registrations")


@pytest.mark.django_db
def test_demo_refuses_with_production_settings(settings):
    run("setup_registrations", "--open-pilot")
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="production"):
        run("demo_registrations")
    assert not Application.objects.exists() and not Officer.objects.exists()
