from django.core.management.base import BaseCommand

from storefronts.services import storefronts_create


class Command(BaseCommand):
    help = "Make the public page of every registered enterprise that has none (or of one application's)."

    def add_arguments(self, parser):
        parser.add_argument("--application", type=int, help="only this application's enterprise")

    def handle(self, *args, application=None, **options):
        made = storefronts_create(application_id=application)
        for storefront in made:
            self.stdout.write(f"/e/{storefront.slug}/")
        self.stdout.write(f"{len(made)} page(s) made.")
