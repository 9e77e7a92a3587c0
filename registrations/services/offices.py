"""District offices: one per district, made from the admin geography, and opened for the rollout."""

from django.db import transaction
from django.utils import timezone

from industries.models import District

from ..models import Office

# The pilot (issue 9): these districts' offices open first. Opening more is the admin's "open" switch.
PILOT_DISTRICT_CODES = ("26", "67", "33", "15")  # Dhaka, Narayanganj, Gazipur, Chattogram


@transaction.atomic
def offices_create_from_geography() -> int:
    """An office for every district that has none (named after it). Returns how many were made."""
    existing = set(Office.objects.values_list("district_id", flat=True))
    made = [
        Office(
            district=district,
            name_en=f"BSCIC District Office, {district.name_en}",
            name_bn=f"বিসিক জেলা কার্যালয়, {district.name_bn}",
        )
        for district in District.objects.exclude(pk__in=existing).order_by("geocode")
    ]
    Office.objects.bulk_create(made)
    return len(made)


def offices_open(*, district_codes) -> int:
    """Open these districts' offices for e-Registration (the pilot). Returns how many were newly opened."""
    return Office.objects.filter(district__code__in=district_codes, is_open=False).update(
        is_open=True, opened_on=timezone.localdate()
    )
