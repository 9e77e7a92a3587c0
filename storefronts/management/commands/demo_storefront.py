"""The demo's registered enterprise as a visitor finds it: every registered demo application's certificate
and page (what the worker and the registration's receivers do), and Meghna Furniture's page with a
description, a published business phone, two products with photos and prices, listed on ekShop under an
example category. Prints the page and the certificate's verification URL. Demo only."""

import io

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from PIL import Image, ImageDraw

from certificates.services import certificate_issue_missing, site_url, verification_url
from ekshop.models import CategoryMapping
from registrations.models import Application, State
from storefronts.models import Storefront
from storefronts.selectors import page_url
from storefronts.services import product_save, storefront_update, storefronts_create

DEMO_NAME = "Meghna Furniture"
PRODUCTS = [
    {
        "name_en": "Teak dining table",
        "name_bn": "সেগুন কাঠের খাবার টেবিল",
        "description_en": "Six-seater, solid teak, hand-polished.",
        "description_bn": "ছয়জনের, নিরেট সেগুন কাঠ, হাতে পালিশ করা।",
        "price_bdt": 45000,
        "unit": "piece",
        "stock": 4,
        "colour": (139, 90, 43),
    },
    {
        "name_en": "Cane chair",
        "name_bn": "বেতের চেয়ার",
        "description_en": "Woven cane on a teak frame.",
        "description_bn": "সেগুন কাঠের ফ্রেমে বোনা বেত।",
        "price_bdt": 3500,
        "unit": "piece",
        "stock": 20,
        "colour": (196, 160, 98),
    },
]


def _photo(colour: tuple[int, int, int], name: str) -> SimpleUploadedFile:
    picture = Image.new("RGB", (640, 480), colour)
    ImageDraw.Draw(picture).rectangle((160, 120, 480, 360), outline=(255, 255, 255), width=12)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=85)
    return SimpleUploadedFile(f"{name}.jpg", out.getvalue(), content_type="image/jpeg")


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--print", action="store_true", help="Only print the addresses; change nothing.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("demo_storefront is for the demo only.")
        application = (
            Application.objects.filter(name_en=DEMO_NAME, state=State.REGISTERED).order_by("pk").first()
        )
        if application is None:
            raise CommandError(f"No registered {DEMO_NAME}: run `manage.py demo_registrations` first.")
        if not options["print"]:
            issued = certificate_issue_missing()
            pages = storefronts_create()
            storefront = Storefront.objects.get(enterprise=application.enterprise)
            self._fill(storefront, application)
            self.stdout.write(
                f"Demo enterprise pages: {len(issued)} certificate(s), {len(pages)} page(s) made."
            )
        storefront = Storefront.objects.filter(enterprise=application.enterprise).first()
        certificate = application.certificates.order_by("-version").first()
        if storefront is None or certificate is None:
            raise CommandError("Run `manage.py demo_storefront` (without --print) first.")
        self.stdout.write(self.style.WARNING(f"Demo enterprise page: {site_url()}{page_url(storefront)}"))
        self.stdout.write(
            self.style.WARNING(f"Demo certificate, its QR's address: {verification_url(certificate)}")
        )

    def _fill(self, storefront: Storefront, application: Application) -> None:
        if not storefront.description_en:
            storefront_update(
                storefront=storefront,
                description_en="Family workshop in Dhaka making teak and cane furniture since 2015.",
                description_bn="ঢাকার পারিবারিক কারখানা, ২০১৫ সাল থেকে সেগুন কাঠ ও বেতের আসবাব তৈরি করে।",
                contact_phone="+880255001234",
                ekshop_opt_in=True,
            )
        names = set(storefront.products.values_list("name_en", flat=True))
        if not names & {p["name_en"] for p in PRODUCTS}:
            storefront.products.all().delete()  # the one seeded from the application's products text
            for order, product in enumerate(PRODUCTS):
                values = {k: v for k, v in product.items() if k != "colour"}
                product_save(
                    storefront=storefront,
                    photo=_photo(product["colour"], f"product-{order}"),
                    order=order,
                    **values,
                )
        # ⚠ An example id: ekShop's real category ids are looked up on ekShop.
        CategoryMapping.objects.get_or_create(
            isic_section=application.isic_section,
            isic_division=application.isic_division,
            defaults={"category_id": 999, "category_name": "Furniture (example id, not ekShop's)"},
        )
