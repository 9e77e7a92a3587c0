"""The demo's people and sample applications (``manage.py demo_registrations``): never on a production site.

An applicant, an extension and an approving officer in each pilot office, and applications in every state,
each brought there by the services of the steps (apply, review, register: all through
``workflow.application_move``), so their tracking numbers, timelines, shortfall items, inspections, fees,
payments, registration numbers and enterprises are the service's own. Drafts are saved whole, as the form
leaves them at its last step, with tiny PNGs for documents. Running it again adds only what is missing: a
sample is known by its applicant and English name.
"""

import hashlib
import io
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.gis.db.models.functions import PointOnSurface
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from industries.locate import locate_enterprises
from industries.models import Upazila
from industries.size_class import Kind, classify_size

from .models import Applicant, Application, Document, DocumentRequirement, Office, Officer, Owner, State
from .services import apply, register, review
from .storage import random_name

PASSWORD = "bscic-demo"  # published in the README and printed by `make demo`: demo only


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str


# The applicant whose login `make demo` prints owns the Dhaka samples; the others own one office's each.
APPLICANT = Person("+8801700000001", "Rahima", "Begum")
OTHER_APPLICANTS = {
    "67": Person("+8801700000002", "Salma", "Khatun"),  # Narayanganj
    "33": Person("+8801700000003", "Abdul", "Malek"),  # Gazipur
    "15": Person("+8801700000004", "Rafiqul", "Islam"),  # Chattogram
}
# (district code, username prefix): an extension and an approving officer in each pilot office.
OFFICES = {"26": "dhaka", "67": "narayanganj", "33": "gazipur", "15": "chattogram"}
OFFICER_NAMES = {
    ("26", Officer.Role.EXTENSION): ("Karim", "Uddin"),
    ("26", Officer.Role.APPROVING): ("Nasrin", "Akter"),
    ("67", Officer.Role.EXTENSION): ("Jahid", "Hasan"),
    ("67", Officer.Role.APPROVING): ("Farida", "Yasmin"),
    ("33", Officer.Role.EXTENSION): ("Mizanur", "Rahman"),
    ("33", Officer.Role.APPROVING): ("Shahana", "Parvin"),
    ("15", Officer.Role.EXTENSION): ("Tanvir", "Ahmed"),
    ("15", Officer.Role.APPROVING): ("Anwar", "Hossain"),
}
DESIGNATIONS = {
    Officer.Role.EXTENSION: ("Industrial Extension Officer", "শিল্প সম্প্রসারণ কর্মকর্তা"),
    Officer.Role.APPROVING: ("Deputy General Manager", "উপ-মহাব্যবস্থাপক"),
}


def officer_username(district_code: str, role: str) -> str:
    return f"{OFFICES[district_code]}-{role}"


@dataclass(frozen=True)
class Sample:
    district_code: str
    state: str
    name_en: str
    name_bn: str
    products: str
    isic: str  # section letter and division, "C13"
    machinery_bdt: int
    other_fixed_bdt: int
    workers: tuple[int, int]  # male, female
    kind: str = Kind.MANUFACTURING
    ownership: str = Application.Ownership.PROPRIETORSHIP
    family_based: bool = False


PARTNERSHIP = Application.Ownership.PARTNERSHIP
SAMPLES = [
    # Dhaka: one in every state, all the printed applicant's.
    Sample("26", State.DRAFT, "Ruposhi Tailors", "রূপসী টেইলার্স",
           "Salwar kameez", "C14", 150_000, 20_000, (1, 3)),
    Sample("26", State.SUBMITTED, "Bismillah Bakery", "বিসমিল্লাহ বেকারি",
           "Bread", "C10", 600_000, 80_000, (4, 2)),
    Sample("26", State.DOCUMENT_CHECK, "Mirpur Jamdani", "মিরপুর জামদানি",
           "Jamdani saris", "C13", 400_000, 50_000, (2, 6), family_based=True),
    Sample("26", State.SHORTFALL, "Shapla Leather Works", "শাপলা চামড়া শিল্প",
           "Leather bags", "C15", 1_200_000, 300_000, (8, 4), ownership=PARTNERSHIP),
    Sample("26", State.INSPECTION, "Karim Metal Works", "করিম মেটাল ওয়ার্কস",
           "Gates", "C25", 2_500_000, 500_000, (12, 1)),
    Sample("26", State.RECOMMENDED, "Sonar Bangla Press", "সোনার বাংলা প্রেস",
           "Books", "C18", 3_000_000, 400_000, (10, 5)),
    Sample("26", State.APPROVED_FOR_PAYMENT, "Rahima Handicrafts", "রহিমা হস্তশিল্প",
           "Nakshi kantha", "C13", 300_000, 50_000, (2, 5), family_based=True),
    Sample("26", State.PAID, "Padma Plastics", "পদ্মা প্লাস্টিক",
           "Buckets and jugs", "C22", 4_000_000, 600_000, (14, 6)),
    Sample("26", State.REGISTERED, "Meghna Furniture", "মেঘনা ফার্নিচার",
           "Furniture", "C31", 1_800_000, 200_000, (9, 1)),
    Sample("26", State.REJECTED, "Dhaka Mobile Servicing", "ঢাকা মোবাইল সার্ভিসিং",
           "Phone repair", "S95", 200_000, 30_000, (3, 0), kind=Kind.SERVICE),
    Sample("26", State.WITHDRAWN, "Nakshi Foods", "নকশী ফুডস",
           "Pickles and spices", "C10", 500_000, 70_000, (2, 4)),
    # Narayanganj, Gazipur, Chattogram: a few each, one registered apiece so each office has one on the map.
    Sample("67", State.SUBMITTED, "Shitalakshya Knits", "শীতলক্ষ্যা নিট",
           "Knit fabric", "C13", 5_000_000, 800_000, (20, 25)),
    Sample("67", State.INSPECTION, "Rupganj Jamdani", "রূপগঞ্জ জামদানি",
           "Jamdani saris", "C13", 700_000, 100_000, (3, 7), family_based=True),
    Sample("67", State.REGISTERED, "Sonargaon Boat Works", "সোনারগাঁও নৌকা কারখানা",
           "Boat repair", "C30", 2_000_000, 300_000, (15, 0), ownership=PARTNERSHIP),
    Sample("33", State.DOCUMENT_CHECK, "Tongi Shoes", "টঙ্গী জুতা কারখানা",
           "Shoes", "C15", 1_500_000, 250_000, (10, 8)),
    Sample("33", State.APPROVED_FOR_PAYMENT, "Kaliakair Agro", "কালিয়াকৈর এগ্রো",
           "Puffed rice", "C10", 900_000, 100_000, (5, 3)),
    Sample("33", State.REGISTERED, "Sreepur Pottery", "শ্রীপুর মৃৎশিল্প",
           "Clay pots", "C23", 250_000, 40_000, (2, 3), family_based=True),
    Sample("15", State.SHORTFALL, "Karnaphuli Fish", "কর্ণফুলী ফিশ",
           "Dried fish", "C10", 1_000_000, 200_000, (6, 10)),
    Sample("15", State.PAID, "Patenga Engine Repair", "পতেঙ্গা ইঞ্জিন মেরামত",
           "Marine engines", "S95", 3_500_000, 500_000, (11, 0), kind=Kind.SERVICE),
    Sample("15", State.REGISTERED, "Hathazari Bamboo Crafts", "হাটহাজারী বাঁশ-বেত",
           "Cane furniture", "C16", 200_000, 30_000, (2, 4), family_based=True),
]  # fmt: skip


# The moves that bring a draft to each state. The registered ones pass through a shortfall first, so their
# timelines show the whole journey.
FULL = [
    "submit",
    "take_up",
    "raise_shortfall",
    "resubmit",
    "send_to_inspection",
    "record_inspection",
    "approve_for_payment",
    "record_payment",
    "register",
]
PATHS = {
    State.DRAFT: [],
    State.SUBMITTED: ["submit"],
    State.DOCUMENT_CHECK: ["submit", "take_up"],
    State.SHORTFALL: ["submit", "take_up", "raise_shortfall"],
    State.INSPECTION: ["submit", "take_up", "send_to_inspection"],
    State.RECOMMENDED: FULL[: FULL.index("record_inspection") + 1],
    State.APPROVED_FOR_PAYMENT: FULL[: FULL.index("approve_for_payment") + 1],
    State.PAID: FULL[: FULL.index("record_payment") + 1],
    State.REGISTERED: FULL,
    State.REJECTED: ["submit", "take_up", "reject"],
    State.WITHDRAWN: ["submit", "withdraw"],
}
SHORTFALL_ITEMS = [
    (
        "trade_licence",
        "The trade licence expired in June: upload the renewed one. / ট্রেড লাইসেন্সের মেয়াদ জুনে শেষ হয়েছে: "
        "নবায়িত লাইসেন্স আপলোড করুন।",
    ),
    (
        "location",
        "The point on the map is on the main road: move it onto the factory. / মানচিত্রের বিন্দুটি প্রধান সড়কের "
        "ওপর: কারখানার ওপর সরিয়ে দিন।",
    ),
]
FINDINGS = (
    "Factory visited; machines and workers as declared, trade licence displayed. / কারখানা পরিদর্শন করা "
    "হয়েছে; যন্ত্রপাতি ও শ্রমিক ঘোষণা অনুযায়ী, ট্রেড লাইসেন্স প্রদর্শিত।"
)
REJECTION = (
    "The trade licence is for another business at another address. / ট্রেড লাইসেন্সটি অন্য ঠিকানার অন্য ব্যবসার।"
)


def tiny_png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 106, 78)).save(buffer, format="PNG")
    return buffer.getvalue()


# --- people --------------------------------------------------------------------------------------------


def _user(person: Person, **extra):
    User = get_user_model()
    user, made = User.objects.get_or_create(
        username=person.username,
        defaults={"first_name": person.first_name, "last_name": person.last_name, **extra},
    )
    if made:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return user, made


def _applicant(person: Person) -> tuple[Applicant, bool]:
    user, _ = _user(person)
    applicant, made = Applicant.objects.get_or_create(
        user=user,
        defaults={
            "phone": person.username,
            "name": f"{person.first_name} {person.last_name}",
            "phone_verified": timezone.now(),
        },
    )
    return applicant, made


def _officer(office: Office, role: str) -> tuple[Officer, bool]:
    first, last = OFFICER_NAMES[(office.district.code, role)]
    user, _ = _user(Person(officer_username(office.district.code, role), first, last))
    designation_en, designation_bn = DESIGNATIONS[role]
    officer, made = Officer.objects.get_or_create(
        user=user,
        defaults={
            "office": office,
            "role": role,
            "designation_en": designation_en,
            "designation_bn": designation_bn,
        },
    )
    return officer, made


# --- samples -------------------------------------------------------------------------------------------


def _place(office: Office, index: int) -> tuple[Upazila, object]:
    """An upazila of the office's district and a point inside it (the index-th, by geocode)."""
    upazilas = list(
        Upazila.objects.filter(district=office.district)
        .select_related("district__division")
        .annotate(inside=PointOnSurface("geom"))
        .order_by("geocode")
    )
    upazila = upazilas[index % len(upazilas)]
    return upazila, upazila.inside


def draft_create(*, sample: Sample, applicant: Applicant, office: Office, index: int) -> Application:
    """The draft as the form leaves it at its last step: every field, the owners and the documents
    (bench/registration_bench.py makes its drafts with it too)."""
    upazila, point = _place(office, index)
    fixed = sample.machinery_bdt + sample.other_fixed_bdt
    policy = settings.SIZE_CLASS_POLICY
    size = classify_size(
        sample.kind, fixed, sum(sample.workers), policy=policy, family_based=sample.family_based
    )
    application = Application.objects.create(
        applicant=applicant,
        application_type=Application.ApplicationType.EXISTING,
        name_en=sample.name_en,
        name_bn=sample.name_bn,
        kind=sample.kind,
        isic_section=sample.isic[0],
        isic_division=sample.isic[1:],
        products=sample.products,
        year_started=2015 + index % 10,
        trade_licence_no=f"TRAD/{office.district.code}/{10_000 + index}/2025",
        trade_licence_authority=Application.TradeLicenceAuthority.CITY_CORPORATION,
        ownership=sample.ownership,
        is_family_based=sample.family_based,
        factory_address=f"Holding {index + 12}, {upazila.name_en}, {office.district.name_en}",
        stated_division=upazila.district.division,
        stated_district=upazila.district,
        stated_upazila=upazila,
        location=point,
        office=office,
        land_bdt=0,
        building_bdt=0,
        machinery_bdt=sample.machinery_bdt,
        other_fixed_bdt=sample.other_fixed_bdt,
        working_capital_bdt=fixed // 3,
        workers_male=sample.workers[0],
        workers_female=sample.workers[1],
        workers_foreign=0,
        size_class=size or "",
        size_policy=policy if size else "",
        form_step=6,
    )
    # The areas by the point-in-polygon every enterprise goes through.
    locate_enterprises(ids=[application.pk], table=Application._meta.db_table)
    owners = 2 if sample.ownership == PARTNERSHIP else 1
    for order in range(owners):
        Owner.objects.create(
            application=application,
            order=order,
            name_en=applicant.name if order == 0 else "Partner of " + applicant.name,
            name_bn=sample.name_bn.split()[0] + (" (মালিক)" if order == 0 else " (অংশীদার)"),
            nid=f"{1_990_000_000 + application.pk * 10 + order}",
            date_of_birth=date(1975 + index % 20, 1 + index % 12, 1 + index % 28),
            phone=applicant.phone,
            address=application.factory_address,
        )
    content = tiny_png()
    for requirement in DocumentRequirement.objects.all():
        if not requirement.required_of(sample.ownership):
            continue
        document = Document(
            application=application,
            kind=requirement.kind,
            original_name=f"{requirement.kind}.png",
            content_type="image/png",
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            uploaded_by=applicant.user,
        )
        document.file.save(random_name(application.pk, ".png"), ContentFile(content), save=False)
        document.save()
    return application


def _move(action: str, application: Application, *, applicant, extension, approving) -> Application:
    """One move, made by whoever makes it in the office, through the service of that step."""
    pk, today = application.pk, timezone.localdate()
    if action == "submit":
        return apply.application_submit(application=application, user=applicant.user)
    if action == "take_up":
        return review.application_take_up(application_id=pk, user=extension.user)
    if action == "raise_shortfall":
        return review.application_raise_shortfall(
            application_id=pk, user=extension.user, items=SHORTFALL_ITEMS
        )
    if action == "resubmit":
        return review.application_resubmit(application_id=pk, user=applicant.user)
    if action == "send_to_inspection":
        return review.application_send_to_inspection(application_id=pk, user=extension.user)
    if action == "record_inspection":
        photo = SimpleUploadedFile("inspection.png", tiny_png(), content_type="image/png")
        return review.application_record_inspection(
            application_id=pk,
            user=extension.user,
            visited_on=today,
            findings=FINDINGS,
            location=application.location,
            photos=[photo],
        )
    if action == "approve_for_payment":
        return review.application_approve_for_payment(application_id=pk, user=approving.user)
    if action == "record_payment":
        return review.application_record_payment(
            application_id=pk,
            user=approving.user,
            method="office",
            receipt_no=f"DEMO-{application.tracking_no}",
            paid_on=today,
            amount=application.fee_total,
        )
    if action == "register":
        return register.application_register(application_id=pk, user=approving.user)
    if action == "reject":
        return review.application_reject(application_id=pk, user=approving.user, reason=REJECTION)
    if action == "withdraw":
        return review.application_withdraw(application_id=pk, user=applicant.user)
    raise ValueError(action)


def demo_registrations_create() -> dict[str, int]:
    """Make whatever of the demo is missing. Returns counts of what was added."""
    added = {"applicants": 0, "officers": 0, "applications": 0}
    offices = {
        o.district.code: o
        for o in Office.objects.filter(district__code__in=OFFICES).select_related("district")
    }
    if len(offices) != len(OFFICES):
        raise Office.DoesNotExist("The pilot offices are missing: run `manage.py setup_registrations` first.")
    officers = {}
    for code, office in offices.items():
        for role in (Officer.Role.EXTENSION, Officer.Role.APPROVING):
            officers[code, role], made = _officer(office, role)
            added["officers"] += made
    applicants = {}
    for code in OFFICES:
        applicants[code], made = _applicant(OTHER_APPLICANTS.get(code, APPLICANT))
        added["applicants"] += made
    for index, sample in enumerate(SAMPLES):
        applicant = applicants[sample.district_code]
        if Application.objects.filter(applicant=applicant, name_en=sample.name_en).exists():
            continue
        with transaction.atomic():
            application = draft_create(
                sample=sample, applicant=applicant, office=offices[sample.district_code], index=index
            )
            for action in PATHS[sample.state]:
                application = _move(
                    action,
                    application,
                    applicant=applicant,
                    extension=officers[sample.district_code, Officer.Role.EXTENSION],
                    approving=officers[sample.district_code, Officer.Role.APPROVING],
                )
        added["applications"] += 1
    return added


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(who, login, password, where) of the printed accounts: the applicant and the Dhaka officers."""
    local = "0" + APPLICANT.username.removeprefix("+880")
    return [
        ("applicant", f"mobile {local}", PASSWORD, "/apply/"),
        ("Dhaka extension officer", officer_username("26", Officer.Role.EXTENSION), PASSWORD, "/office/"),
        ("Dhaka approving officer", officer_username("26", Officer.Role.APPROVING), PASSWORD, "/office/"),
    ]
