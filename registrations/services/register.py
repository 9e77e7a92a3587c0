"""Registering a paid application: the registration number, the enterprise on the map, at once.

The approving officer registers (``application_register``, through ``registrations.workflow``). In the same
transaction as the move: the office's next number of the year (``registrations.numbers``: a counter row
lock, so two approvals at once wait for each other and never share a number); the ``industries.Enterprise``
it is, by the importer's matching rule (``industries.matching``: the same registration number, or the same
normalised name within IMPORT_SAME_PLACE_METRES), created or updated through ``enterprise_save``, which
classifies and locates it; and the provenance, ``Application.enterprise`` and ``enterprise_created``, with
the enterprise's history version labelled with the tracking number. After commit the data version moves on
(enterprise_save does it, for every writer), so tiles, their ETags and the statistics show the enterprise
at the next request.
"""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from industries.history import history_context
from industries.matching import enterprise_match
from industries.models import Enterprise
from industries.services import enterprise_save

from ..exceptions import RegistrationError
from ..models import Application
from ..numbers import next_registration_no
from ..signals import send_registered
from ..workflow import application_move

# Bangla script, as the importer tells a Bangla name or product from an English one (surveys.validate).
_BANGLA_LETTER = re.compile("[\u0980-\u09ff]")


class EnterpriseNotSaved(RegistrationError):
    """The enterprise record refused the application's figures (a check the form should have made)."""

    code = "enterprise_not_saved"
    message_en = "The enterprise could not be registered: {errors}. Nothing was changed."
    message_bn = "শিল্পপ্রতিষ্ঠানটি নিবন্ধন করা গেল না: {errors_bn}। কিছুই পরিবর্তন হয়নি।"


def enterprise_values(application: Application) -> dict:
    """What the registration says about the enterprise, by Enterprise field. The size class is not among
    them: enterprise_save classifies from the figures, as for every enterprise."""
    owner = application.owners.first()
    # The applicant writes the products in one box, in either language: Bangla goes to the Bangla product.
    bangla_products = bool(_BANGLA_LETTER.search(application.products))
    return {
        "name_en": application.name_en,
        "name_bn": application.name_bn,
        "kind": application.kind,
        "isic_section": application.isic_section,
        "isic_division": application.isic_division,
        "product": "" if bangla_products else application.products,
        "product_bn": application.products if bangla_products else "",
        "is_family_based": application.is_family_based,
        "investment_bdt": application.fixed_assets_bdt,  # land and building excluded
        "workers_male": application.workers_male,
        "workers_female": application.workers_female,
        "workers_total": application.workers_total,
        "year_established": application.year_started,
        "stated_district_id": application.stated_district_id,
        "stated_upazila_id": application.stated_upazila_id,
        "address": application.factory_address,
        "location": application.location,
        "owner_name": (owner.name_en or owner.name_bn) if owner else "",
        "owner_phone": owner.phone if owner else "",
        "owner_nid": owner.nid if owner else "",
    }


def enterprise_from_application(*, application: Application, registration_no: str) -> tuple[Enterprise, bool]:
    """The enterprise the registration is, made or brought up to date; (enterprise, created).

    A linked enterprise takes every figure the application states (checked by the office, and newer than
    any survey); a value the application leaves empty keeps the stored one, as an import file without a
    column does. A linked enterprise that was deleted is restored: a registered enterprise exists."""
    values = {
        name: value for name, value in enterprise_values(application).items() if value not in (None, "")
    }
    found = enterprise_match(
        registration_no=registration_no,
        name_en=application.name_en,
        name_bn=application.name_bn,
        location=application.location,
    )
    enterprise = Enterprise.objects.select_for_update().get(pk=found) if found else Enterprise()
    for name, value in values.items():
        setattr(enterprise, name, value)
    enterprise.registration_no = registration_no
    enterprise.deleted = None
    try:
        enterprise_save(enterprise=enterprise)
    except ValidationError as error:
        raise _refusal(enterprise, error) from None
    return enterprise, found is None


def _refusal(enterprise: Enterprise, error: ValidationError) -> EnterpriseNotSaved:
    """The model's refusal in English and Bangla. Its messages are in the language active when it was
    raised (a constraint's message is formatted then), so the checks run again in each language."""
    texts = {}
    for key, language in (("errors", "en"), ("errors_bn", "bn")):
        with translation.override(language):
            try:
                enterprise.full_clean()
                found = error
            except ValidationError as again:
                found = again
            texts[key] = "; ".join(message.rstrip(".।") for message in found.messages)
    return EnterpriseNotSaved(**texts)


def application_register(
    *, application_id: int, user, expected_state: str | None = None, note: str = "", internal_note: str = ""
) -> Application:
    """The approving officer of the office registers the paid application."""

    def register(application: Application, role: str) -> None:
        if application.location is None:
            raise EnterpriseNotSaved(errors="no factory location")
        now = timezone.now()
        if application.renews_id is not None:  # a renewal keeps the number it renews
            number = application.renews.registration_no
        else:
            number = next_registration_no(office=application.office, year=timezone.localdate(now).year)
        # One history version of the enterprise, labelled with the application it came from.
        with history_context(registration=application.tracking_no, user=user.pk):
            enterprise, created = enterprise_from_application(application=application, registration_no=number)
        application.registration_no = number
        application.enterprise = enterprise
        application.enterprise_created = created
        application.registered_at = now
        transaction.on_commit(lambda: send_registered(application.pk))

    return application_move(
        application_id=application_id,
        action="register",
        user=user,
        note=note,
        internal_note=internal_note,
        expected_state=expected_state,
        apply=register,
    )
