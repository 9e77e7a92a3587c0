import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from registrations.demo import demo_logins, demo_registrations_create
from registrations.models import Office


class Command(BaseCommand):
    help = (
        "Make the e-Registration demo if it is missing (an applicant, officers of the pilot offices, sample "
        "applications in every state) and print the logins (demo only). Needs setup_registrations first."
    )

    def add_arguments(self, parser):
        parser.add_argument("--logins", action="store_true", help="Only print the logins; change nothing.")

    def handle(self, *args, logins, **options):
        if settings.PRODUCTION:  # published passwords must never open a production site
            raise CommandError(
                "demo_registrations is for the demo only and refuses to run with production settings: "
                "officers are added in the admin, applicants sign up. ডেমো শুধু ডেমোর জন্য; প্রোডাকশনে "
                "কর্মকর্তাদের অ্যাডমিনে যোগ করুন, আবেদনকারীরা নিজেরা নিবন্ধন করেন।"
            )
        if not logins:
            # The moves notify the sample applicants: one log line per SMS otherwise (they are in the outbox).
            sms_log = logging.getLogger("sms")
            level = sms_log.level
            sms_log.setLevel(logging.WARNING)
            try:
                added = demo_registrations_create()
            except Office.DoesNotExist as error:
                raise CommandError(str(error)) from error
            finally:
                sms_log.setLevel(level)
            self.stdout.write(
                "e-Registration demo: "
                + ", ".join(f"{count} {what}" for what, count in added.items())
                + " added."
            )
        for who, login, password, where in demo_logins():
            self.stdout.write(
                self.style.WARNING(f"Demo {who} login: {login}, password '{password}' ({where})")
            )
