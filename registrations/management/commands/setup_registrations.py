from django.core.management.base import BaseCommand

from registrations.models import Office
from registrations.services.configuration import configuration_load_defaults
from registrations.services.offices import PILOT_DISTRICT_CODES, offices_create_from_geography, offices_open


class Command(BaseCommand):
    help = (
        "Make the BSCIC office of every district that has none and load the default steps, documents, fees "
        "and holidays that are missing (edits made in the admin are kept). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--open-pilot",
            action="store_true",
            help="Also open the pilot offices (Dhaka, Narayanganj, Gazipur, Chattogram) if they are closed.",
        )

    def handle(self, *args, open_pilot, **options):
        offices = offices_create_from_geography()
        added = configuration_load_defaults()
        opened = offices_open(district_codes=PILOT_DISTRICT_CODES) if open_pilot else 0
        total, open_now = Office.objects.count(), Office.objects.filter(is_open=True).count()
        if not total:
            self.stderr.write("No districts yet: run `manage.py load_admin_geography` first.")
        configuration = ", ".join(f"{count} {what}" for what, count in added.items() if count)
        self.stdout.write(
            self.style.SUCCESS(
                f"e-Registration: {offices} offices added ({total} in all, {open_now} open"
                f"{f', {opened} of the pilot just opened' if opened else ''}); "
                f"configuration added: {configuration or 'nothing, all there'}."
            )
        )
