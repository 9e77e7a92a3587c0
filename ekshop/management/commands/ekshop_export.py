"""ekShop's bulk-upload file, for an office: every opted-in page, or one (--enterprise SLUG)."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ekshop.exports import LANGUAGES, ekshop_file
from storefronts.models import Storefront


class Command(BaseCommand):
    help = "Write ekShop's bulk-upload XLSX of the opted-in enterprises' products (or of one enterprise)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="the .xlsx file to write")
        parser.add_argument("--enterprise", metavar="SLUG", help="only this enterprise page")
        parser.add_argument(
            "--site-url",
            default=settings.REGISTRATION_SITE_URL,
            help="scheme and host of the links (default GEODB_SITE_URL), e.g. https://ereg.bscic.gov.bd",
        )
        parser.add_argument("--lang", choices=LANGUAGES, default=settings.EKSHOP_LANGUAGE)

    def handle(self, *, out, enterprise, site_url, lang, **options):
        if not site_url:
            raise CommandError("ekShop needs absolute photo links: set GEODB_SITE_URL or give --site-url.")
        storefront = None
        if enterprise:
            storefront = Storefront.objects.filter(slug=enterprise).first()
            if storefront is None:
                raise CommandError(f"No enterprise page {enterprise!r}.")
        result = ekshop_file(site=site_url.rstrip("/"), storefront=storefront, language=lang)
        Path(out).write_bytes(result.content)
        self.stdout.write(f"{out}: {result.rows} products")
        for left in result.left_out:
            listing = left.listing
            self.stderr.write(
                f"left out: {listing.storefront_slug} product {listing.product_id}: {left.reason}"
            )
