"""What the apply tests share: the form's steps as a browser would post them, and files to upload."""

import io
from urllib.parse import urlsplit

from django.urls import reverse
from PIL import Image

from industries.models import District, Upazila
from registrations.models import Application
from registrations.services.apply import application_start

from .conftest import DHAKA_POINT

ENTERPRISE = {
    "name_bn": "রহিমা হস্তশিল্প",
    "name_en": "Rahima Handicrafts",
    "application_type": "existing",
    "kind": "manufacturing",
    "sector": "13",
    "products": "নকশি কাঁথা",
    "year_started": "২০১৯",
    "trade_licence_no": "TRAD/DNCC/012345/2024",
    "trade_licence_authority": "city_corporation",
    "tin": "",
    "bin": "",
}

OWNER = {
    "name_bn": "রহিমা বেগম",
    "name_en": "Rahima Begum",
    "nid": "১২৩৪৫৬৭৮৯০",
    "date_of_birth": "1985-04-12",
    "phone": "০১৭১১-০০০০০১",
    "email": "",
    "address": "House 12, Road 3, Mirpur, Dhaka",
}

INVESTMENT = {
    "land_bdt": "0",
    "building_bdt": "০",
    "machinery_bdt": "৩,০০,০০০",
    "other_fixed_bdt": "50,000",
    "working_capital_bdt": "100000",
    "workers_male": "2",
    "workers_female": "৫",
    "workers_foreign": "0",
}


def step_url(application, n: int) -> str:
    return reverse("registrations:form_step", args=[application.pk, n])


def new_draft(applicant, district_code: str = "26") -> Application:
    return application_start(applicant=applicant, district=District.objects.get(code=district_code))


def owners_data(*owners: dict, ownership: str = "proprietorship", family_based: bool = True) -> dict:
    data = {
        "ownership": ownership,
        "owners-TOTAL_FORMS": str(len(owners)),
        "owners-INITIAL_FORMS": "0",
        "owners-MIN_NUM_FORMS": "0",
        "owners-MAX_NUM_FORMS": "1000",
    }
    if family_based:
        data["is_family_based"] = "on"
    for n, owner in enumerate(owners):
        data.update({f"owners-{n}-{k}": v for k, v in owner.items()})
    return data


def location_data(point=DHAKA_POINT, *, district: District | None = None, address="House 12, Road 3") -> dict:
    """The location step for ``point``, stating ``district`` (by default the district the point is in)."""
    upazila = Upazila.objects.filter(pieces__geom__intersects=point).select_related("district").first()
    district = district or upazila.district
    stated_upazila = upazila if upazila and upazila.district_id == district.pk else district.upazilas.first()
    return {
        "factory_address": address,
        "stated_division": str(district.division_id),
        "stated_district": str(district.pk),
        "stated_upazila": str(stated_upazila.pk),
        "latitude": f"{point.y}",
        "longitude": f"{point.x}",
    }


def fill_steps(client, application, *, upto: int = 4, point=DHAKA_POINT) -> None:
    """Post steps 1..upto as the form would, asserting each one saves (a redirect to the next step)."""
    posts = {1: ENTERPRISE, 2: owners_data(OWNER), 3: location_data(point), 4: INVESTMENT}
    for n in range(1, upto + 1):
        response = client.post(step_url(application, n), posts[n])
        assert response.status_code == 302, (n, _errors(response))
        assert location(response) == step_url(application, n + 1)


def location(response) -> str:
    """Where a redirect points, without the scheme and host the site's redirects carry."""
    parts = urlsplit(response["Location"])
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _errors(response) -> str:
    return response.content.decode()[:3000] if response.status_code == 200 else str(response.status_code)


def png_bytes(size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 106, 78)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_gps() -> bytes:
    """A phone photo: EXIF with the camera and a GPS position (Dhaka), rotated by the orientation tag."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (23.0, 48.0, 37.0), 3: "E", 4: (90.0, 24.0, 45.0)}  # GPS IFD
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(buffer, format="JPEG", exif=exif.tobytes())
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
