"""Offices, officers, applicants and applications for the e-Registration tests."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile

from industries.models import District, Upazila
from registrations.models import Applicant, Application, Document, Office, Officer, Owner
from registrations.services.configuration import configuration_load_defaults
from registrations.services.offices import PILOT_DISTRICT_CODES, offices_create_from_geography, offices_open

# Known places (lon, lat), checked against the BBS boundaries: each in its district's city corporation.
DHAKA_POINT = Point(90.4125, 23.8103, srid=4326)
NARAYANGANJ_POINT = Point(90.5, 23.62, srid=4326)
GAZIPUR_POINT = Point(90.42, 24.0, srid=4326)
CHATTOGRAM_POINT = Point(91.83, 22.34, srid=4326)
RAJSHAHI_POINT = Point(88.6, 24.37, srid=4326)  # Rajshahi district: not in the pilot
PASSWORD = "correct horse battery staple"


@pytest.fixture
def offices(db) -> dict[str, Office]:
    """All 64 offices, the pilot four open, and the default steps, documents, fees and holidays."""
    offices_create_from_geography()
    offices_open(district_codes=PILOT_DISTRICT_CODES)
    configuration_load_defaults()
    return {o.district.code: o for o in Office.objects.select_related("district")}


@pytest.fixture
def dhaka_office(offices) -> Office:
    return offices["26"]


@pytest.fixture
def gazipur_office(offices) -> Office:
    return offices["33"]


def make_officer(office: Office, role: str, username: str) -> Officer:
    user = get_user_model().objects.create_user(username, password=PASSWORD, first_name=username.title())
    return Officer.objects.create(user=user, office=office, role=role)


def make_applicant(phone: str = "+8801711000001", name: str = "Rahima Begum") -> Applicant:
    user = get_user_model().objects.create_user(phone, password=PASSWORD, first_name=name)
    return Applicant.objects.create(user=user, phone=phone, name=name, phone_verified=user.date_joined)


@pytest.fixture
def extension_officer(dhaka_office) -> Officer:
    return make_officer(dhaka_office, Officer.Role.EXTENSION, "dhaka-extension")


@pytest.fixture
def approving_officer(dhaka_office) -> Officer:
    return make_officer(dhaka_office, Officer.Role.APPROVING, "dhaka-approving")


@pytest.fixture
def gazipur_officer(gazipur_office) -> Officer:
    return make_officer(gazipur_office, Officer.Role.APPROVING, "gazipur-approving")


@pytest.fixture
def applicant(db) -> Applicant:
    return make_applicant()


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 106, 78)).save(buffer, format="PNG")
    return buffer.getvalue()


def complete_application(applicant: Applicant, *, point: Point = DHAKA_POINT, **fields) -> Application:
    """A draft with every field and document filled in, located in the district of ``point`` (its
    office handles it). Saved directly: the form's own services are tested by their own tests."""
    upazila = (
        Upazila.objects.filter(pieces__geom__intersects=point).select_related("district__division").first()
    )
    district: District = upazila.district
    values = dict(
        applicant=applicant,
        application_type=Application.ApplicationType.EXISTING,
        name_bn="রহিমা হস্তশিল্প",
        name_en="Rahima Handicrafts",
        kind="manufacturing",
        isic_section="C",
        isic_division="13",
        products="Nakshi kantha",
        year_started=2019,
        trade_licence_no="TRAD/DNCC/012345/2024",
        trade_licence_authority=Application.TradeLicenceAuthority.CITY_CORPORATION,
        ownership=Application.Ownership.PROPRIETORSHIP,
        is_family_based=True,
        factory_address="House 12, Road 3, Mirpur, Dhaka",
        stated_division=district.division,
        stated_district=district,
        stated_upazila=upazila,
        location=point,
        division=district.division,
        district=district,
        upazila=upazila,
        office=Office.objects.get(district=district),
        land_bdt=0,
        building_bdt=0,
        machinery_bdt=300_000,
        other_fixed_bdt=50_000,
        working_capital_bdt=100_000,
        workers_male=2,
        workers_female=5,
        workers_foreign=0,
        size_class="cottage",
        size_policy="NIP2022",
        form_step=6,
    )
    values.update(fields)
    application = Application.objects.create(**values)
    Owner.objects.create(
        application=application,
        name_bn="রহিমা বেগম",
        name_en="Rahima Begum",
        nid="1234567890",
        date_of_birth=date(1985, 4, 12),
        phone=applicant.phone,
        address=values["factory_address"],
    )
    for kind in ("photo", "nid", "trade_licence", "land_deed", "machinery_list"):
        content = tiny_png()
        document = Document(
            application=application,
            kind=kind,
            original_name=f"{kind}.png",
            content_type="image/png",
            size=len(content),
            sha256="0" * 64,
            uploaded_by=applicant.user,
        )
        document.file.save(f"{application.pk}/{kind}.png", ContentFile(content), save=False)
        document.save()
    return application


@pytest.fixture(autouse=True)
def _private_documents(tmp_path, settings):
    """Each test's documents in its own directory."""
    settings.REGISTRATION_FILES_ROOT = tmp_path / "registrations"
